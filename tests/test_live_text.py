"""Text that changes as the user types is repainted, not laid out again, when it takes the room
it took before (screens/live_text.py); anything that may change a size still lays out."""

from __future__ import annotations

from typing import Any

from textual.app import App, ComposeResult
from textual.widgets import Static

from screens.live_text import show


def layouts_asked(widget: Static) -> list[bool]:
    """Record, for each `update` of `widget` from now on, whether it asked for a layout."""
    asked: list[bool] = []
    update = widget.update

    def recording(content: Any = "", *, layout: bool = True) -> None:
        asked.append(layout)
        update(content, layout=layout)

    widget.update = recording  # type: ignore[method-assign]
    return asked


class _One(App[None]):
    def compose(self) -> ComposeResult:
        yield Static("", markup=False, id="count")


async def test_same_room_repaints_and_a_new_size_lays_out() -> None:
    app = _One()
    async with app.run_test(size=(40, 5)) as pilot:
        widget = app.query_one("#count", Static)
        asked = layouts_asked(widget)
        show(widget, "9 of 500 characters")  # the first: its room is not known yet
        show(widget, "8 of 500 characters")  # as wide: a repaint
        show(widget, "8 of 500 characters")  # the same: nothing at all
        show(widget, "10 of 500 characters")  # wider: a layout
        show(widget, "⚠ one\n⚠ two")  # two lines: a layout
        show(widget, "x" * 60)
        show(widget, "y" * 60)  # as wide, but wider than the widget (it wraps): a layout
        await pilot.pause()
        assert asked == [True, False, True, True, True, True]
        assert str(widget.render()).startswith("y")


async def test_a_text_no_style_displays_is_kept_without_a_layout() -> None:
    """The running count on a slow link (display: none): updated for when it shows, never a
    layout of the screen per key."""
    app = _One()
    async with app.run_test(size=(40, 5)) as pilot:
        widget = app.query_one("#count", Static)
        widget.display = False
        await pilot.pause()
        asked = layouts_asked(widget)
        show(widget, "9 of 500 characters")
        show(widget, "10 of 500 characters")
        assert asked == [False, False]
        widget.display = True
        await pilot.pause()
        assert str(widget.render()) == "10 of 500 characters"
        assert app.screen.find_widget(widget).region.height == 1
