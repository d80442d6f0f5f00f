"""Below the smallest terminal the screens are laid out for, say so instead of drawing them broken.

`MinimumSizeGuard` is mixed into the App: while the terminal is too small a `TooSmallScreen` sits on
top of whatever screen is showing (even one pushed meanwhile, e.g. by the idle privacy lock) and
takes every key but quit; when the terminal grows it goes away and the screen underneath is back.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, cast

from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.screen import Screen
from textual.widgets import Static

if TYPE_CHECKING:
    from textual.app import App, ComposeResult

MIN_WIDTH = 80
MIN_HEIGHT = 24


def fits(size: Size) -> bool:
    return size.width >= MIN_WIDTH and size.height >= MIN_HEIGHT


def too_small_message(size: Size) -> str:
    return (
        f"This terminal is {size.width} x {size.height}.\n"
        f"Wellbeing Guide needs at least {MIN_WIDTH} x {MIN_HEIGHT} (columns x rows).\n\n"
        "Make the window larger, or the font smaller: the app comes back as it was.\n"
        "ctrl+q quits (answers are already saved)."
    )


class TooSmallScreen(Screen[None]):
    """Stands in for every screen while the terminal is below the minimum size."""

    CSS_PATH = "too_small.tcss"
    # Screen bindings come before the app's: the keys that would open a screen do nothing here.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(key, "nothing", show=False, id="too-small.nothing")
        for key in ("f1", "f6", "f12", "ctrl+p")
    ]

    def __init__(self, size: Size) -> None:
        super().__init__()
        self.terminal_size = size

    def compose(self) -> ComposeResult:
        yield Static(too_small_message(self.terminal_size), id="too-small", markup=False)

    def action_nothing(self) -> None:
        """Swallow the key."""

    def on_resize(self, event: events.Resize) -> None:
        self.query_one("#too-small", Static).update(too_small_message(event.size))


class MinimumSizeGuard:
    """App mixin: keeps a TooSmallScreen on top while the terminal is below the minimum."""

    def on_mount(self) -> None:
        app = cast("App[Any]", self)  # a mixin of the App
        app.screen_change_signal.subscribe(app, lambda _screen: self._guard_size())
        app.call_after_refresh(self._guard_size)

    def on_resize(self, event: events.Resize) -> None:
        self._guard_size(event.size)

    def _guard_size(self, size: Size | None = None) -> None:
        app = cast("App[Any]", self)  # a mixin of the App
        size = size or app.size
        stack = app.screen_stack
        if len(stack) < 2:
            return  # only the App's default screen: wait for the first real one (the signal says)
        covered = isinstance(stack[-1], TooSmallScreen)
        if fits(size):
            while isinstance(app.screen_stack[-1], TooSmallScreen) and len(app.screen_stack) > 1:
                app.pop_screen()
        elif not covered:
            app.push_screen(TooSmallScreen(size))
