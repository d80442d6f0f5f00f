"""Text from people, made safe for the terminal and for Textual.

Stored text is already cleaned (`store.text`), but files can be edited by hand and content packs come
from outside, so everything is cleaned again on the way out (`screens.text.as_content` makes the
Textual `Content` that is never parsed as markup).
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any, TextIO

from store.text import clean_line, clean_text


def terminal_safe(value: object) -> str:
    """A string with no control characters or escape sequences, for printing."""
    return clean_text(str(value))


def one_line(value: object, limit: int | None = None) -> str:
    text = clean_line(str(value))
    if limit is not None and len(text) > limit:
        text = text[: max(limit - 1, 0)] + "…"
    return text


class CleanStream:
    """A text stream that passes every write through `terminal_safe`: the command line's stdout
    and stderr while a command runs, so whatever a command prints (a message quoting a file, a
    forged ID, a config key) reaches the terminal cleaned by this one function. Bytes written on
    purpose (`.buffer`, the clipboard escape of `wellbeing contact`) go around it."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        self._stream.write(terminal_safe(text))
        return len(text)

    def writelines(self, lines: Iterable[str]) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


@contextmanager
def cleaned_output() -> Iterator[None]:
    """stdout and stderr through `CleanStream` for the block (restored after it)."""
    saved = sys.stdout, sys.stderr
    sys.stdout = CleanStream(saved[0])
    sys.stderr = CleanStream(saved[1])
    try:
        yield
    finally:
        sys.stdout, sys.stderr = saved
