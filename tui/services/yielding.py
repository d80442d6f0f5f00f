"""Background work that makes way for the practitioner's keys.

Python runs one thread at a time: a worker reading 20,000 client files takes the interpreter in
turns with the UI, so a key pressed meanwhile is answered at half speed or worse. The App notes
each key (`note_input`); long background loops call `make_way()` between small steps, which
sleeps while a key came in the last `QUIET` seconds (the UI then has the interpreter to itself),
never longer than `MOST` seconds at a time, so the work still finishes while someone types.

Once the UI itself waits on that work (`waited_on`: a first client opened while the content still
loads), nothing makes way: the key that asked for it is answered by the work finishing.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

#: a key this recent means the practitioner is typing: background work waits
QUIET = 0.25
#: the longest one `make_way` waits, however long the typing goes on
MOST = 1.0
#: how long a waiting worker sleeps between looks
NAP = 0.01

_last_input = [float("-inf")]
#: how many waits of the UI thread on background work are under way (`waited_on`)
_waited_on = [0]


def note_input() -> None:
    """A key (or paste, or click) has come in: what `make_way` looks at."""
    _last_input[0] = time.monotonic()


def make_way() -> None:
    """Sleep while the practitioner is typing (at most `MOST` seconds); at once otherwise, on
    the UI thread (never put to sleep), and while the UI waits on background work (`waited_on`)."""
    if threading.current_thread() is threading.main_thread():
        return
    end = time.monotonic() + MOST
    while not _waited_on[0] and (now := time.monotonic()) - _last_input[0] < QUIET and now < end:
        time.sleep(NAP)


@contextmanager
def waited_on() -> Iterator[None]:
    """A block in which the UI thread waits on background work (taking a lock a worker holds):
    meanwhile no worker makes way. On any other thread it changes nothing."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    _waited_on[0] += 1
    try:
        yield
    finally:
        _waited_on[0] -= 1
