"""Background work that makes way for the practitioner's keys.

Python runs one thread at a time: a worker reading 20,000 client files takes the interpreter in
turns with the UI, so a key pressed meanwhile is answered at half speed or worse. The App notes
each key (`note_input`); long background loops call `make_way()` between small steps, which
sleeps while a key came in the last `QUIET` seconds (the UI then has the interpreter to itself),
never longer than `MOST` seconds at a time, so the work still finishes while someone types.

Once anyone waits on that work (a first client opened while the content still loads: a thread
blocked on the lock the loading worker holds, `taken`), nothing makes way: the key that asked for
it is answered by the work finishing.
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
#: how many threads are blocked on a lock a worker holds (`taken`)
_waiting = [0]
_waiting_lock = threading.Lock()


def note_input() -> None:
    """A key (or paste, or click) has come in: what `make_way` looks at."""
    _last_input[0] = time.monotonic()


def make_way() -> None:
    """Sleep while the practitioner is typing (at most `MOST` seconds); at once otherwise, on
    the UI thread (never put to sleep), and while anyone waits on background work (`taken`)."""
    if threading.current_thread() is threading.main_thread():
        return
    end = time.monotonic() + MOST
    while not _waiting[0] and (now := time.monotonic()) - _last_input[0] < QUIET and now < end:
        time.sleep(NAP)


def _count_waiting(step: int) -> None:
    with _waiting_lock:
        _waiting[0] += step


@contextmanager
def taken(lock: threading.Lock) -> Iterator[None]:
    """Hold `lock` for the block. While this thread waits for it (a worker holds it, making
    what this thread needs), no worker makes way for keys: the work waited on runs flat out."""
    if not lock.acquire(blocking=False):
        _count_waiting(1)
        try:
            lock.acquire()
        finally:
            _count_waiting(-1)
    try:
        yield
    finally:
        lock.release()
