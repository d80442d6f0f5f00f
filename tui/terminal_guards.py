"""Guards for what terminals and links throw at the app.

A byte that is not UTF-8 on stdin (a Latin-1 terminal sending 0xA3 for '£', line noise on a modem or
SSH link) raises UnicodeDecodeError in Textual's input thread, which then dies and input freezes
(textual#6456). The driver builds its decoder through `getincrementaldecoder`; we hand it one that
replaces a bad byte with U+FFFD instead of raising.
"""

from __future__ import annotations

import codecs
import functools
from collections.abc import Callable

_patched = False


def _lenient_decoder(encoding: str) -> Callable[..., codecs.IncrementalDecoder]:
    return functools.partial(codecs.getincrementaldecoder(encoding), errors="replace")


def guard_input_decoding() -> None:
    """Make the Linux driver's input decoder lenient. Idempotent."""
    global _patched
    if _patched:
        return
    try:
        from textual.drivers import linux_driver
    except ImportError:  # not on this platform
        return
    linux_driver.getincrementaldecoder = _lenient_decoder  # type: ignore[assignment]
    _patched = True
