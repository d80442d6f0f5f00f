"""Closing a follow-up: the date it was dealt with and a note saying how. Both are required."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from screens.host import host
from screens.messages import ClientChanged
from screens.text import as_content
from store.errors import StoreError
from store.records import FollowUp
from tui.services.dates import FIELD_HINT, parse_day

if TYPE_CHECKING:
    from textual.dom import DOMNode

    from tui.services.clients.access import OpenClient

NOTE_MAX = 1000


class CloseFollowUpScreen(ModalScreen[tuple[date, str] | None]):
    """Dismisses with (closed on, note), or None when cancelled."""

    CSS_PATH = "dialogs.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="follow-up.cancel"),
        Binding("ctrl+s", "save", "Close follow-up", id="follow-up.save"),
    ]

    def __init__(self, follow_up: FollowUp, today: date):
        super().__init__()
        self.follow_up = follow_up
        self.today = today

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static("Close a follow-up", classes="dialog-title", markup=False)
            yield Static(
                as_content(f"⚑ {self.follow_up.opened_at:%d %b %Y}: {self.follow_up.reason}")
            )
            yield Label(f"Closed on ({FIELD_HINT})", markup=False)
            yield Input(self.today.isoformat(), id="closed-on", max_length=10)
            yield Label("What was done (e.g. discussed with the treatment manager on ...)")
            yield Input(id="note", max_length=NOTE_MAX)
            yield Static("", id="close-error", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button("Close follow-up (ctrl+s)", id="save", variant="primary")
                yield Button("Cancel (esc)", id="cancel")

    @on(Button.Pressed, "#save")
    @on(Input.Submitted)
    def _save(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#cancel")
    def _cancel(self) -> None:
        self.action_cancel()

    def action_save(self) -> None:
        error = self.query_one("#close-error", Static)
        try:
            closed_on = parse_day(self.query_one("#closed-on", Input).value)
        except ValueError as exc:
            error.update(f"⚠ {exc}")
            return
        if closed_on > self.today or closed_on < self.follow_up.opened_at.date():
            error.update("⚠ the date must be between the day it was opened and today")
            return
        note = self.query_one("#note", Input).value.strip()
        if not note:
            error.update("⚠ a note saying what was done is needed")
            return
        self.dismiss((closed_on, note))

    def action_cancel(self) -> None:
        self.dismiss(None)


def close_follow_up(node: DOMNode, oc: OpenClient, follow_up: FollowUp) -> None:
    """Ask when and how `follow_up` was dealt with, and close it."""
    from tui.services.clients import sessions

    app, state = node.app, host(node)
    if oc.read_only:
        app.notify(oc.why_read_only(), severity="warning", markup=False)
        return

    def closed(result: tuple[date, str] | None) -> None:
        if result is None:
            return
        closed_on, note = result
        try:
            sessions.close_follow_up(
                oc, follow_up.id, closed_on=closed_on, note=note, by=state.ctx.practitioner
            )
        except StoreError as exc:
            app.notify(str(exc), severity="error", markup=False)
            return
        app.notify("Follow-up closed.", markup=False)
        app.screen.post_message(ClientChanged(oc.client_id))

    app.push_screen(CloseFollowUpScreen(follow_up, state.today()), closed)
