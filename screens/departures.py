"""Lists on screen follow clients that go: a client deleted or transferred out (perhaps from
another terminal, by a colleague or an admin) leaves the client list, the Due list and the
team's follow-ups already on screen, without a reload.

While a list is the current screen, every `POLL_SECONDS` (and at once when it is shown again) the
data dir's client files are listed (one directory listing, no file read) and the rows of any
client whose file has gone are dropped; covered by another screen, it does not look.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from textual.screen import Screen

from screens.host import host
from screens.while_current import every_while_current
from tui.services.clients.rows import present_ids

POLL_SECONDS = 2.0


def follow_departures(
    screen: Screen[Any],
    shown: Callable[[], Iterable[str]],
    drop: Callable[[set[str]], None],
) -> None:
    """Call `drop(gone)` when clients among `shown()` no longer have a file."""

    def check() -> None:
        if not screen.is_current:
            return
        ids = set(shown())
        if not ids:
            return
        gone = ids - present_ids(host(screen).ctx)
        if gone:
            drop(gone)

    every_while_current(screen, POLL_SECONDS, check, name="departures")
