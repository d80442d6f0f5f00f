"""What the screens may ask of the App: a typed interface instead of untyped `self.app.*` calls.

Screens ask the App to navigate (open a client, start a session, show a plan); for everything
else they call the services with the `OpenClient` they were given. `tui.shell.app.WellbeingApp`
implements this protocol, and mypy checks that it does.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Protocol, cast

if TYPE_CHECKING:
    from textual.dom import DOMNode

    from store.records import FollowUp, Session
    from tui.services.autosave import AutoSaver
    from tui.services.clients.access import OpenClient
    from tui.services.context import Context


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

    @property
    def key_gate(self) -> HeldKeys: ...

    def open_client(self, client_id: str) -> None: ...
    def warm_up(self) -> None: ...
    def add_client_dialog(self) -> None: ...
    def new_session(self, oc: OpenClient) -> None: ...
    def run_session(self, oc: OpenClient, session: Session) -> None: ...
    def run_exercise(
        self,
        oc: OpenClient,
        session: Session,
        exercise_id: str,
        done: Callable[[Any], None] | None = None,
    ) -> None: ...
    def show_plan(self, oc: OpenClient, kind: str) -> None: ...
    def show_eligibility(self, oc: OpenClient) -> None: ...
    def edit_profile(self, oc: OpenClient) -> None: ...
    def show_audit(self, oc: OpenClient) -> None: ...
    def show_directory(self, entry: str = "") -> None: ...
    def close_follow_up(self, oc: OpenClient, follow_up: FollowUp) -> None: ...
    def show_contact_record(self, oc: OpenClient, session_id: str) -> None: ...


def host(node: DOMNode) -> Host:
    """The App behind a screen or widget, as the screens know it."""
    return cast("Host", node.app)
