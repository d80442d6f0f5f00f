"""What the screens may ask of the App: its app-wide state, typed, instead of untyped `self.app.*`.

The App owns the context, the autosaver, the clocks, the key gate and the open client files; so
opening a client (its lock, a takeover, a restore) is the App's. Everything else a screen does
itself: it calls the services with the `OpenClient` it was given and pushes the next screen (each
flow has one function next to the screen it pushes, e.g. `screens.session.run_session`).
`tui.shell.app.WellbeingApp` implements this protocol, and mypy checks that it does;
tests/test_contracts.py keeps navigation from creeping back in.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import TYPE_CHECKING, Protocol, cast

if TYPE_CHECKING:
    from textual.dom import DOMNode

    from tui.services.autosave import AutoSaver
    from tui.services.context import Context
    from tui.services.timing import Clock


class HeldKeys(Protocol):
    """What a screen may ask of the App's key gate (`tui.shell.key_gate.KeyGate`)."""

    def discard(self) -> int:
        """Drop the keys held back so far (typed for a screen that is gone); return how many."""
        ...


class Host(Protocol):
    ctx: Context
    saver: AutoSaver
    low_bandwidth: bool
    today: Callable[[], date]
    now: Callable[[], datetime]
    #: the timed steps' clock (None: the real one); tests give a fake one
    clock: Clock | None

    @property
    def key_gate(self) -> HeldKeys: ...

    def open_client(self, client_id: str) -> None: ...
    def close_client(self, client_id: str) -> None: ...
    def warm_up(self) -> None: ...
    def lock_for_privacy(self) -> None: ...


def host(node: DOMNode) -> Host:
    """The App behind a screen or widget (or the App itself), as the screens know it."""
    return cast("Host", node.app)
