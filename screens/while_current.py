"""Timers a screen needs only while it is seen: paused while another screen covers it, and run
once at once when it is shown again (a list following departures, a session's clock).

On a team server thirty idle instances each have a client list, a dashboard and a session screen
under the step being typed into; their timers then wake nothing that no one sees.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.screen import Screen
from textual.timer import Timer


def every_while_current(
    screen: Screen[Any], seconds: float, callback: Callable[[], object], *, name: str
) -> Timer:
    """`callback` every `seconds` while `screen` is the current screen (call from its mount)."""
    timer = screen.set_interval(seconds, callback, name=name, pause=not screen.is_current)

    def changed(current: Screen[Any]) -> None:
        if current is screen:
            timer.resume()  # a tick that fell due while paused runs now: the look at once
        else:
            timer.pause()

    screen.app.screen_change_signal.subscribe(screen, changed, immediate=True)
    return timer
