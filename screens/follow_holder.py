"""A read-only view follows the colleague who holds the client: new answers appear as they save.

Only the file's stamp (a stat, no read) is checked on a timer; the view is filled again only when
the file changed, so an idle view costs nothing on a slow link.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.screen import Screen
from textual.timer import Timer

from tui.services.clients.access import OpenClient

#: seconds between checks of the held client's file.
POLL_SECONDS = 2.0


def follow_holder(
    screen: Screen[Any], oc: OpenClient, refresh: Callable[[], object]
) -> Timer | None:
    """When `oc` is read-only, call `refresh` on `screen` each time the holder saves; the
    timer that looks (stop it when the screen moves on to another client)."""
    if not oc.read_only:
        return None
    seen = oc.file_stamp()

    def check() -> None:
        nonlocal seen
        stamp = oc.file_stamp()
        if stamp != seen:
            seen = stamp
            result = refresh()
            if hasattr(result, "__await__"):
                screen.run_worker(result, exclusive=True, group="follow-holder")

    return screen.set_interval(POLL_SECONDS, check, name="follow-holder")
