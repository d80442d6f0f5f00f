"""People's text as Textual content: shown literally, never parsed as markup."""

from __future__ import annotations

from textual.content import Content

from store.text import clean_text


def as_content(value: object) -> Content:
    """Person's text as a Textual Content: `[/]` stays `[/]`, `[@click=app.quit]` stays text."""
    return Content(clean_text(str(value)))
