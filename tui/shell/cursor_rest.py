"""A text cursor that stops blinking when nobody types, as desktop toolkits do (GTK's
cursor-blink-timeout is 10 s): a blink is a repaint every half second, and thirty idle sessions
on one team server would otherwise spend a quarter of a core drawing cursors.

The first key (or click) wakes the cursor again. On a slow link the cursor never blinks at all
(`--low-bandwidth`); that is the App's, not this module's.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from weakref import WeakSet

from textual.app import App
from textual.timer import Timer
from textual.widget import Widget

#: seconds without a key after which the focused cursor holds still
BLINK_SECONDS = 10.0


class CursorRest:
    """Stills the focused widget's blinking cursor `BLINK_SECONDS` after the last key; `woken`
    (on every key) starts it again."""

    def __init__(self, app: App[Any], now: Callable[[], float]) -> None:
        self.app = app
        self.now = now  # seconds; only differences matter (a test's fake clock moves it)
        self.last_key = now()
        self._stilled: WeakSet[Widget] = WeakSet()
        self._timer: Timer | None = None

    def woken(self) -> None:
        """A key or a click: the focused cursor blinks again, and the rest starts over."""
        self.last_key = self.now()
        if self.app.focused is not None:
            self._wake(self.app.focused)
        self._arm(BLINK_SECONDS)

    def focused(self, widget: Widget) -> None:
        """A widget took the focus: a cursor focused after the rest began holds still at once."""
        if self.now() - self.last_key >= BLINK_SECONDS:
            self._still(widget)
        else:
            self._wake(widget)
            self._arm(BLINK_SECONDS)

    def _arm(self, seconds: float) -> None:
        if self._timer is None:
            self._timer = self.app.set_timer(seconds, self.rest_if_due, name="cursor-rest")

    def rest_if_due(self) -> None:
        """The timer: still the focused cursor if no key came for `BLINK_SECONDS`."""
        self._timer = None
        left = self.last_key + BLINK_SECONDS - self.now()
        if left > 0.05:  # keys came meanwhile: one timer, moved on, never one per key
            self._arm(left)
            return
        if self.app.focused is not None:
            self._still(self.app.focused)

    def _wake(self, widget: Widget) -> None:
        # only a focused widget: an unfocused Input set blinking would run its timer unseen
        if widget in self._stilled:
            self._stilled.discard(widget)
            widget.cursor_blink = True  # type: ignore[attr-defined]

    def _still(self, widget: Widget) -> None:
        if getattr(widget, "cursor_blink", False) is True:
            widget.cursor_blink = False  # type: ignore[attr-defined]
            self._stilled.add(widget)
