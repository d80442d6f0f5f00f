"""The notice a practitioner sees when a colleague has taken over the client they had open.

The client's screens are gone, and everything typed before the handover was saved. Keys typed
after it can be saved nowhere: this notice takes them (they never reach the client list beneath,
where `a` would open Add a client and the client's words would fill its fields) and shows them,
marked not saved, so they can be passed to the colleague. Escape goes on to the client list; keys
typed in the same read as that Escape (typed before the list was seen) are not used either.
"""

from __future__ import annotations

from typing import ClassVar

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Button, Static

from screens.host import host
from store.text import clean_line


class TypedAfter(Widget, can_focus=True):
    """Takes the keys typed after the handover and shows them, not saved."""

    DEFAULT_CSS = """
    TypedAfter {
        height: auto;
        min-height: 1;
    }
    TypedAfter:focus {
        text-style: bold;
    }
    """

    def __init__(self) -> None:
        super().__init__(id="typed-after")
        self.text = ""
        self.keys = 0

    def render(self) -> Content:
        if not self.keys:
            return Content("Nothing typed since the handover.")
        shown = clean_line(self.text)[-200:]
        return Content(
            f"Typed after the handover, NOT SAVED ({self.keys} key{'s' if self.keys != 1 else ''}): "
            f"«{shown}»"
        )

    async def _on_key(self, event: events.Key) -> None:
        if event.key == "escape":
            return  # the screen's: on to the client list
        event.stop()
        event.prevent_default()
        self.keys += 1
        if event.key == "backspace":
            self.text = self.text[:-1]
        elif event.key == "enter":
            self.text += " / "
        elif event.is_printable and event.character:
            self.text += event.character
        self.refresh(layout=True)


class HandedOverScreen(ModalScreen[None]):
    """Says who took the client over; takes the keys typed after it (see the module)."""

    CSS_PATH = "dialogs.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "To the client list", id="handed-over.close"),
    ]

    def __init__(self, who: str, client_id: str) -> None:
        super().__init__()
        self.who = who
        self.client_id = client_id

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(
                f"Client {self.client_id} was handed over",
                classes="dialog-title",
                markup=False,
            )
            yield Static(
                f"{clean_line(self.who)} has taken over client {self.client_id}. Everything typed "
                "before the handover was saved; nothing more can be saved here.",
                classes="dialog-body",
                markup=False,
            )
            yield TypedAfter()
            yield Button("To the client list (esc)", id="close")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_close()

    def action_close(self) -> None:
        # keys read with the Escape, typed before the client list was seen: not used
        dropped = host(self).key_gate.discard()
        typed = self.query_one(TypedAfter)
        self.dismiss(None)
        if dropped or typed.keys:
            self.notify(
                f"{typed.keys + dropped} key(s) typed after client {self.client_id} was handed "
                "over were not saved.",
                severity="warning",
                markup=False,
                timeout=10,
            )
