"""Background work that makes way for the practitioner's keys.

Python runs one thread at a time: a worker reading 20,000 client files takes the interpreter in
turns with the UI, so a key pressed meanwhile is answered at half speed or worse. The App notes
each key (`note_input`); long background loops call `make_way()` between small steps, which
sleeps while a key came in the last `QUIET` seconds (the UI then has the interpreter to itself),
never longer than `MOST` seconds at a time, so the work still finishes while someone types.
"""

from __future__ import annotations

import time

#: a key this recent means the practitioner is typing: background work waits
QUIET = 0.25
#: the longest one `make_way` waits, however long the typing goes on
MOST = 1.0
#: how long a waiting worker sleeps between looks
NAP = 0.01

_last_input = [float("-inf")]


def note_input() -> None:
    """A key (or paste, or click) has come in: what `make_way` looks at."""
    _last_input[0] = time.monotonic()


def make_way() -> None:
    """Sleep while the practitioner is typing (at most `MOST` seconds); at once otherwise."""
    end = time.monotonic() + MOST
    while (now := time.monotonic()) - _last_input[0] < QUIET and now < end:
        time.sleep(NAP)
