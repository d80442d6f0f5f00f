"""The client's profile in plain words: every fact, grouped, generated from the field table.

Each field is a choice (shown as words, with the chosen one named, never colour alone) or a box
to type in, with what it accepts beside it. Saving checks every changed field with the same rules
and messages as `client set`; a refused field says why beneath it and nothing is saved. The
eligibility check opens the same form with only the facts it is missing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Select, Static

from screens.key_bar import KeyBar
from screens.messages import ClientChanged
from screens.off_ui import app_of, back_on_ui, dismiss_if_on_top, say_on_ui
from screens.text import as_content
from store.errors import StoreError
from store.facts import GROUPS, plain
from store.profile import Client
from tui.services.clients.profile import ProfileErrors
from tui.services.clients.profile_fields import (
    PROFILE_FIELDS,
    ProfileField,
    format_value,
    profile_value,
)
from tui.services.errors import UserError

if TYPE_CHECKING:
    from textual.dom import DOMNode

    from tui.services.clients.access import OpenClient

UNKNOWN = "unknown"


def _initial(spec: ProfileField, client: Client) -> str:
    """The field's current value as the words the form (and `client set`) take back."""
    value = profile_value(client, spec.name)
    if spec.shape in ("yes-no", "choice"):
        if value is None or value == "":
            return UNKNOWN
        return (
            format_value(value) if spec.shape == "yes-no" else str(getattr(value, "value", value))
        )
    if value is None:
        return ""
    return format_value(value)


class ProfileFormScreen(ModalScreen[Client | None]):
    """Edit client facts; dismisses with the saved client, or None when left unsaved."""

    CSS_PATH = "profile_form.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", id="profile-form.save"),
        Binding("escape", "cancel", "Cancel", id="profile-form.cancel"),
    ]

    def __init__(
        self,
        client: Client,
        save: Callable[[dict[str, str]], Client],
        *,
        fields: Sequence[str] | None = None,
        title: str = "Profile",
        read_only: bool = False,
    ) -> None:
        super().__init__()
        self.client = client
        self.save = save
        names = list(fields) if fields is not None else list(PROFILE_FIELDS)
        self.specs = [PROFILE_FIELDS[n] for n in names if n in PROFILE_FIELDS]
        self.title_text = title
        self.read_only = read_only
        self.initial = {spec.name: _initial(spec, client) for spec in self.specs}

    def compose(self) -> ComposeResult:
        with Vertical(classes="profile-dialog"):
            yield Static(
                as_content(f"{self.title_text}: {self.client.id} {self.client.name}"),
                classes="profile-title",
            )
            yield Static(
                "Read only: this client is open elsewhere or restricted."
                if self.read_only
                else "Tab moves between facts; Enter on a choice lists its words; "
                "empty or unknown when not known. ctrl+s saves.",
                classes="profile-hint",
                markup=False,
            )
            with VerticalScroll(id="profile-fields", can_focus=False):
                group = None
                for spec in self.specs:
                    if spec.group != group:
                        group = spec.group
                        yield Static(GROUPS[group], classes="profile-group", markup=False)
                    yield Static(
                        as_content(f"{spec.label}: {spec.accepts}"), classes="profile-label"
                    )
                    yield self._widget(spec)
                    yield Static("", id=f"error-{spec.name}", classes="profile-error")
        yield KeyBar()

    def _widget(self, spec: ProfileField) -> Any:
        value = self.initial[spec.name]
        wid = f"field-{spec.name}"
        if spec.shape in ("yes-no", "choice"):
            options = [(plain(c), c) for c in spec.choices]
            if spec.nullable or spec.shape == "choice":
                options.append((UNKNOWN, UNKNOWN))
            select: Select[str] = Select(
                options,
                value=value if value in dict((v, v) for _, v in options) else UNKNOWN,
                allow_blank=False,
                id=wid,
                classes="profile-field",
                disabled=self.read_only,
                compact=True,
            )
            return select
        return Input(
            value,
            placeholder=spec.accepts,
            id=wid,
            classes="profile-field",
            max_length=600,
            disabled=self.read_only,
            compact=True,
        )

    def on_mount(self) -> None:
        fields = self.query(".profile-field")
        if fields and not self.read_only:
            fields.first().focus()
        # the first group's heading and label stay in view above the first box
        self.call_after_refresh(self.query_one("#profile-fields").scroll_home, animate=False)

    def _value(self, spec: ProfileField) -> str:
        widget = self.query_one(f"#field-{spec.name}")
        if isinstance(widget, Select):
            return str(widget.value)
        assert isinstance(widget, Input)
        return widget.value

    def changes(self) -> dict[str, str]:
        """The fields whose text differs from what they were filled with."""
        out = {}
        for spec in self.specs:
            value = self._value(spec)
            if value.strip() != self.initial[spec.name].strip():
                out[spec.name] = "" if value == UNKNOWN else value
        return out

    @on(Input.Submitted, ".profile-field")
    def _next(self) -> None:
        self.focus_next()

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_save(self) -> None:
        if self.read_only:
            self.notify("This profile is read only here.", severity="warning", markup=False)
            return
        for spec in self.specs:
            self._show_error(spec.name, "")
        changes = self.changes()
        if not changes:
            self.dismiss(None)
            return
        self._save_worker(changes)

    @work(thread=True, exclusive=True, group="profile-save")
    def _save_worker(self, changes: dict[str, str]) -> None:
        app = app_of(self)
        try:
            client = self.save(changes)
        except ProfileErrors as exc:
            if not back_on_ui(self, self._refused, exc.by_field):  # (the form closed meanwhile)
                say_on_ui(app, f"Not saved: {'; '.join(exc.by_field.values())}", severity="error")
            return
        except (UserError, StoreError) as exc:
            say_on_ui(app, f"Not saved: {exc}", severity="error")
            return
        if not back_on_ui(self, self._saved, client):
            say_on_ui(app, "Profile saved.")

    def _saved(self, client: Client) -> None:
        if not dismiss_if_on_top(self, client):  # (covered meanwhile: it stays, said)
            self.notify("Profile saved.", markup=False)

    def _refused(self, by_field: dict[str, str]) -> None:
        for name, why in by_field.items():
            self._show_error(name, f"✗ {why}")
        first = next(iter(by_field), None)
        if first is not None:
            widget = self.query(f"#field-{first}")
            if widget:
                widget.first().focus()
        self.notify(
            f"Not saved: {len(by_field)} fact(s) to correct.", severity="error", markup=False
        )

    def _show_error(self, name: str, text: str) -> None:
        found = self.query(f"#error-{name}")
        if found:
            box = found.first(Static)
            box.update(as_content(text))
            box.display = bool(text)


def edit_profile(node: DOMNode, oc: OpenClient) -> None:
    """Every client fact in plain words, saved with the rules of `client set`."""
    from tui.services.clients.profile import update_open_profile

    app = node.app

    def save(changes: dict[str, str]) -> Client:
        return update_open_profile(oc, changes)

    def saved(client: Client | None) -> None:
        if client is not None:
            app.notify("Profile saved.", markup=False)
            app.screen.post_message(ClientChanged(oc.client_id))

    app.push_screen(ProfileFormScreen(oc.client(), save, read_only=oc.read_only), saved)
