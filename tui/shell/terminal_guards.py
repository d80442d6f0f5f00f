"""Guards for what terminals and links throw at the app.

A byte that is not UTF-8 on stdin (a Latin-1 terminal sending 0xA3 for '£', line noise on a modem or
SSH link) raises UnicodeDecodeError in Textual's input thread, which then dies and input freezes
(textual#6456). The driver builds its decoder through `getincrementaldecoder`; we hand it one that
replaces a bad byte with U+FFFD instead of raising.

Escape followed at once by another key (one read on a slow link: Escape, then Enter) reaches
Textual's parser as ESC plus a character, which it reads as alt and that key: `alt+n`, or Enter
with the Escape dropped, or shift+Tab for ESC Tab. The app binds no alt+letter, so the driver gets
a parser that reads them as the two keys typed (`BurstParser`).
"""

from __future__ import annotations

import codecs
import functools
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from tui.shell import textual_compat as compat

if TYPE_CHECKING:
    from textual import events
    from textual._xterm_parser import XTermParser

_patched = False
_parser_patched = False
ESC = "\x1b"
#: what may follow ESC to start a sequence a terminal sends (CSI: keys and replies; SS3: keys;
#: OSC: a title or colour sequence, say pasted), or a second Escape: read as Textual reads them
_SEQUENCE_STARTS = frozenset("[O]" + ESC)


def _lenient_decoder(encoding: str) -> Callable[..., codecs.IncrementalDecoder]:
    return functools.partial(codecs.getincrementaldecoder(encoding), errors="replace")


def guard_input_decoding() -> None:
    """Make the Linux driver's input decoder lenient. Idempotent."""
    global _patched
    if _patched:
        return
    _patched = compat.set_driver_decoder(_lenient_decoder)


def burst_parser() -> type[XTermParser]:
    """The xterm parser that reads ESC and one more character as Escape, then that key."""
    from textual import events  # noqa: F811 - at run time too
    from textual._xterm_parser import XTermParser  # noqa: F811

    class BurstParser(XTermParser):
        def _sequence_to_key_events(self, sequence: str, alt: bool = False) -> Iterable[events.Key]:
            if len(sequence) == 2 and sequence[0] == ESC and sequence[1] not in _SEQUENCE_STARTS:
                yield events.Key("escape", ESC)
                yield from super()._sequence_to_key_events(sequence[1])
                return
            yield from super()._sequence_to_key_events(sequence, alt)

    return BurstParser


def guard_escape_bursts() -> None:
    """Give the Linux driver the `BurstParser`. Idempotent."""
    global _parser_patched
    if _parser_patched:
        return
    _parser_patched = compat.set_driver_parser(burst_parser())
