"""The contact record shown at the end of a session: the text for the case system (nDelius),
copied to the clipboard where the terminal allows it (OSC 52) and shown for selecting.

The practitioner can enter the next appointment (kept on the session) and choose to include the
words of a disclosure; each change produces the record again (audited, by the service).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Checkbox, Input, Label, Static, TextArea

from screens.off_ui import app_of, back_on_ui, say_on_ui
from tui.services.clients import contact
from tui.services.clients.access import OpenClient

if TYPE_CHECKING:
    from textual.dom import DOMNode

COPIED = (
    "Copied to the clipboard where your terminal allows it; otherwise select the text below "
    "(f7 selects it all, ctrl+c copies)."
)


class ContactRecordScreen(ModalScreen[None]):
    CSS_PATH = "contact_record.tcss"
    AUTO_FOCUS = "#contact-next"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+y", "copy", "Copy again", priority=True, id="contact.copy"),
        Binding("escape", "close", "Close", id="contact.close"),
    ]

    def __init__(self, oc: OpenClient, session_id: str) -> None:
        super().__init__()
        self.oc = oc
        self.session_id = session_id
        self.text = ""

    def compose(self) -> ComposeResult:
        with Vertical(classes="contact-dialog"):
            yield Static(
                "Contact record for the case system", classes="contact-title", markup=False
            )
            with Horizontal(classes="contact-next-row"):
                yield Label("Next appointment", classes="contact-label")
                yield Input(
                    id="contact-next",
                    placeholder=contact.APPOINTMENT_HINT,
                    max_length=20,
                    compact=True,
                )
            yield Checkbox("Include the words of the disclosure", id="contact-words", compact=True)
            yield Static("", id="contact-status", markup=False)
            yield TextArea(id="contact-text", read_only=True, soft_wrap=True)
            yield Static(
                "Enter: keep the appointment · ctrl+y: copy again · Esc: close",
                classes="contact-hint",
                markup=False,
            )

    def on_mount(self) -> None:
        self.query_one("#contact-words", Checkbox).display = False
        self._produce(False)

    @work(thread=True, exclusive=True, group="contact")
    def _produce(self, words: bool) -> None:
        try:
            record, text = contact.produce(self.oc, self.session_id, include_disclosures=words)
        except Exception as exc:  # the audit log, a store problem: one line, nothing shown
            back_on_ui(self, self._status, f"No contact record: {exc}")
            return
        back_on_ui(self, self._show, record, text)

    def _status(self, text: str) -> None:
        self.query_one("#contact-status", Static).update(text)

    def _show(self, record: contact.ContactRecord, text: str) -> None:
        self.text = text
        self.query_one("#contact-words", Checkbox).display = record.has_disclosure
        self.query_one("#contact-text", TextArea).load_text(text)
        if record.next_appointment is not None and not self.query_one("#contact-next", Input).value:
            local = record.next_appointment.astimezone()
            self.query_one(
                "#contact-next", Input
            ).value = f"{local.day}/{local.month}/{local.year} {local:%H:%M}"
        self.action_copy()

    def action_copy(self) -> None:
        if self.text:
            self.app.copy_to_clipboard(self.text)
            self._status(COPIED)

    @on(Checkbox.Changed, "#contact-words")
    def _words(self, event: Checkbox.Changed) -> None:
        self._produce(event.value)

    @on(Input.Submitted, "#contact-next")
    def _next(self, event: Input.Submitted) -> None:
        typed = event.value.strip()
        try:
            when = contact.parse_appointment(typed) if typed else None
        except ValueError as exc:
            self._status(f"Next appointment: {exc}.")
            return
        self._keep(when)

    @work(thread=True, exclusive=True, group="contact-save")
    def _keep(self, when: object) -> None:
        app = app_of(self)
        try:
            contact.set_next_appointment(self.oc, self.session_id, when)  # type: ignore[arg-type]
        except Exception as exc:  # read-only, held by a colleague: one line
            if not back_on_ui(self, self._status, f"Not kept: {exc}"):  # (closed meanwhile)
                say_on_ui(app, f"Next appointment not kept: {exc}", severity="error")
            return
        back_on_ui(self, self._produce_again)

    def _produce_again(self) -> None:
        """The record again, with the next appointment just kept (and the words as chosen)."""
        self._produce(self.query_one("#contact-words", Checkbox).value)

    def action_close(self) -> None:
        self.dismiss(None)


def show_contact_record(node: DOMNode, oc: OpenClient, session_id: str) -> None:
    """The session's contact record for the case system (at the end of a session)."""
    node.app.push_screen(ContactRecordScreen(oc, session_id))
