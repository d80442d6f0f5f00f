"""Waiting for the app to settle: on a condition, never a fixed time (the suite runs on loaded
machines, where any fixed pause is sometimes too short)."""

from __future__ import annotations

import asyncio
from typing import Any

from tui.shell import textual_compat as compat
from tui.shell.key_gate import GatedApp, app_is_idle, busy_nodes


async def settled(app: GatedApp, pilot: Any, timeout: float = 60.0) -> None:
    """Wait until the app has dealt with everything it was given: every message of every widget
    handled, no worker running, the key gate holding nothing (a condition, never a fixed time).
    Only looks: anything posted to the app here would be one more thing for it to do."""
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    calm = 0
    while calm < 3:  # three looks in a row, with the loop run in between
        if loop.time() > end:
            raise AssertionError(f"the app did not settle: {busy_nodes(app)[:5]}")
        await asyncio.sleep(0.001)
        calm = calm + 1 if quiet(app) else 0


def quiet(app: GatedApp) -> bool:
    """One look: every message pump idle, the key gate holding nothing, no worker running, and
    the screen painted as its widgets are (what the gate does not wait for; a test reads it)."""
    return (  # the cheap looks first: the walk of every widget last
        not app.key_gate.holding
        and all(w.is_finished for w in app.workers)
        and not (app.screen_stack and compat.screen_repaint_due(app.screen))
        and app_is_idle(app)
    )


async def until(pilot: Any, condition: Any) -> None:
    """Let the app run until `condition()` holds (a look every couple of milliseconds)."""
    loop = asyncio.get_running_loop()
    end = loop.time() + 60
    while not condition():
        assert loop.time() < end, "timed out"
        await asyncio.sleep(0.002)
