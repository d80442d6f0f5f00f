"""Text from people, made safe for the terminal and for Textual.

Stored text is already cleaned (`store.text`), but files can be edited by hand and content packs come
from outside, so everything is cleaned again on the way out (`screens.text.as_content` makes the
Textual `Content` that is never parsed as markup).
"""

from __future__ import annotations

from store.text import clean_line, clean_text


def terminal_safe(value: object) -> str:
    """A string with no control characters or escape sequences, for printing."""
    return clean_text(str(value))


def one_line(value: object, limit: int | None = None) -> str:
    text = clean_line(str(value))
    if limit is not None and len(text) > limit:
        text = text[: max(limit - 1, 0)] + "…"
    return text
