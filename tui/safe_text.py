"""Text from people, made safe for the terminal and for Textual.

Stored text is already cleaned (`store.text`), but files can be edited by hand and content packs come
from outside, so everything is cleaned again on the way out. `as_content` gives a Textual `Content`
object, which is never parsed as markup: `[/]` stays `[/]` and `[@click=app.quit]` stays text.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from store.text import clean_line, clean_text

if TYPE_CHECKING:
    from textual.content import Content


def terminal_safe(value: object) -> str:
    """A string with no control characters or escape sequences, for printing."""
    return clean_text(str(value))


def one_line(value: object, limit: int | None = None) -> str:
    text = clean_line(str(value))
    if limit is not None and len(text) > limit:
        text = text[: max(limit - 1, 0)] + "…"
    return text


def as_content(value: object) -> Content:
    """Person's text as a Textual Content: shown literally, never as markup."""
    from textual.content import Content

    return Content(clean_text(str(value)))
