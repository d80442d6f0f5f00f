"""Add a client: a small form that says what is wrong while you type."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, ClassVar

from pydantic import ValidationError
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.validation import ValidationResult, Validator
from textual.widgets import Button, Input, Label, Select, Static

from screens.host import host
from screens.off_ui import app_of, back_on_ui, dismiss_if_on_top, say_on_ui
from store.errors import StoreError
from store.profile import ProgrammeStage
from tui.services.clients.access import add_client, validate_client_id
from tui.services.context import Context
from tui.services.dates import FIELD_HINT, parse_day

if TYPE_CHECKING:
    from textual.dom import DOMNode


class ClientIdValidator(Validator):
    def validate(self, value: str) -> ValidationResult:
        try:
            validate_client_id(value)
        except StoreError as exc:
            return self.failure(str(exc))
        return self.success()


class NameValidator(Validator):
    def validate(self, value: str) -> ValidationResult:
        if not value.strip():
            return self.failure("a name or initials is needed")
        if len(value) > 120:
            return self.failure(f"at most 120 characters ({len(value)} typed)")
        return self.success()


class DateValidator(Validator):
    def validate(self, value: str) -> ValidationResult:
        if not value.strip():
            return self.success()
        try:
            d = parse_day(value)
        except ValueError as exc:
            return self.failure(str(exc))
        if d > date.today():
            return self.failure("date of birth is in the future")
        return self.success()


STAGES = [
    ("pre-group", ProgrammeStage.PRE_GROUP),
    ("group", ProgrammeStage.GROUP),
    ("post-group", ProgrammeStage.POST_GROUP),
]


class ClientFormScreen(ModalScreen[str | None]):
    """Dismisses with the new client's ID, or None when cancelled."""

    CSS_PATH = "client_form.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="client-form.cancel"),
        Binding("ctrl+s", "save", "Save", id="client-form.save"),
    ]

    def __init__(self, ctx: Context):
        super().__init__()
        self.ctx = ctx

    def compose(self) -> ComposeResult:
        with Vertical(classes="form"):
            yield Static("Add a client", classes="form-title", markup=False)
            yield Label("Case reference (letters and digits)")
            yield Input(id="cid", validators=[ClientIdValidator()], max_length=32)
            yield Label("Name or initials")
            yield Input(id="name", validators=[NameValidator()])
            yield Label(f"Date of birth (optional, {FIELD_HINT})", markup=False)
            yield Input(id="dob", validators=[DateValidator()], max_length=10)
            yield Label("Programme stage (optional)")
            yield Select(STAGES, id="stage", prompt="not set")
            yield Static("", id="form-error", markup=False)
            with Horizontal(classes="form-buttons"):
                yield Button("Save (ctrl+s)", id="save", variant="primary")
                yield Button("Cancel (esc)", id="cancel")

    @on(Input.Changed)
    def _validate(self, event: Input.Changed) -> None:
        result = event.validation_result
        message = (
            "" if result is None or result.is_valid else "; ".join(result.failure_descriptions)
        )
        self.query_one("#form-error", Static).update(f"⚠ {message}" if message else "")

    @on(Button.Pressed, "#save")
    def _save_pressed(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_save()

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_save(self) -> None:
        fields = {k: self.query_one(f"#{k}", Input) for k in ("cid", "name", "dob")}
        for widget in fields.values():
            result = widget.validate(widget.value)
            if result is not None and not result.is_valid:
                widget.focus()
                self.query_one("#form-error", Static).update(
                    "⚠ " + "; ".join(result.failure_descriptions)
                )
                return
        stage = self.query_one("#stage", Select).value
        dob = fields["dob"].value.strip()
        self._add(
            fields["cid"].value,
            fields["name"].value,
            {
                "date_of_birth": parse_day(dob) if dob else None,
                "programme_stage": stage if isinstance(stage, ProgrammeStage) else None,
            },
        )

    @work(thread=True, exclusive=True)
    def _add(self, client_id: str, name: str, facts: dict[str, object]) -> None:
        app = app_of(self)
        try:
            client = add_client(self.ctx, client_id, name, **facts)
        except (ValidationError, StoreError) as exc:
            message = exc.errors()[0]["msg"] if isinstance(exc, ValidationError) else str(exc)
            back_on_ui(self, self._refused, f"⚠ {message}")
            return
        if not back_on_ui(self, self._added, client.id):
            say_on_ui(app, f"Client {client.id} added.")

    def _added(self, client_id: str) -> None:
        if not dismiss_if_on_top(self, client_id):  # (covered meanwhile: it stays, said)
            self.notify(f"Client {client_id} added.", markup=False)

    def _refused(self, why: str) -> None:
        self.query_one("#form-error", Static).update(why)


def add_client_dialog(node: DOMNode) -> None:
    """Ask for a new client's details, add them and open them."""
    app, state = node.app, host(node)

    def added(client_id: str | None) -> None:
        if client_id:
            app.notify(f"Added client {client_id}", markup=False)
            state.open_client(client_id)

    app.push_screen(ClientFormScreen(state.ctx), added)
