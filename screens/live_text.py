"""Text that changes as the user types (a count, "saving…", a date in words), shown without a
layout pass of the whole screen when the new text takes the room the old one took.

`Static.update` asks for a layout by default: on a step screen that is a reflow of every widget,
once per key. A one-line text of the same width as before cannot change any widget's size, so it
is only repainted; nor can a text no style displays (the count of a field on a slow link); anything
else (a new width, a second line, text wider than the widget) still lays the screen out.
"""

from __future__ import annotations

from weakref import WeakKeyDictionary

from rich.cells import cell_len
from textual.widgets import Static

_shown: WeakKeyDictionary[Static, str] = WeakKeyDictionary()


def show(widget: Static, text: str) -> None:
    """Put `text` in `widget` (nothing at all when it already shows it)."""
    before = _shown.get(widget)
    if before == text:
        return
    same_room = not widget.display or (
        before is not None
        and "\n" not in text
        and "\n" not in before
        and cell_len(text) == cell_len(before)
        and cell_len(text) <= widget.content_size.width
    )
    _shown[widget] = text
    widget.update(text, layout=not same_room)
