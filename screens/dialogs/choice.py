"""The shared dialogs: a problem said in plain words (with one way out, if any), a yes/no
question, and a choice from a list."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, OptionList, Static
from textual.widgets.option_list import Option

from screens.text import as_content


class ProblemScreen(ModalScreen[bool]):
    """Says what is wrong in plain words; optionally offers one way out (dismisses True)."""

    CSS_PATH = "dialogs.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss(False)", "Close", id="messages.dismiss-false"),
        Binding("r", "take_offer", "Take the offer", show=False, id="messages.take-offer"),
    ]

    def __init__(self, message: str, *, offer: str | None = None, title: str = "Problem"):
        super().__init__()
        self.message = message
        self.offer = offer
        self.title_text = title

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(as_content(self.title_text), classes="dialog-title")
            yield Static(as_content(self.message), classes="dialog-body")
            with Horizontal(classes="dialog-buttons"):
                if self.offer:
                    yield Button(Content(f"{self.offer} (r)"), id="offer", variant="warning")
                yield Button("Close (esc)", id="close")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "offer")

    def action_take_offer(self) -> None:
        if self.offer:
            self.dismiss(True)


class ConfirmScreen(ModalScreen[bool]):
    """Yes/no question; `y` and `n` answer it from the keyboard."""

    CSS_PATH = "dialogs.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "dismiss(True)", "Yes", id="messages.dismiss-true"),
        Binding("n,escape", "dismiss(False)", "No", id="messages.dismiss-false-2"),
    ]

    def __init__(self, question: str):
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(as_content(self.question), classes="dialog-body")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Yes (y)", id="yes", variant="primary")
                yield Button("No (n)", id="no")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")


class ChooseScreen(ModalScreen[str | None]):
    """Pick one of several named things (↑ ↓, Enter); dismisses with its key, or None (esc)."""

    CSS_PATH = "dialogs.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss(None)", "Cancel", id="messages.choose-cancel"),
    ]

    def __init__(self, title: str, choices: list[tuple[str, str]]):
        super().__init__()
        self.title_text = title
        self.choices = choices

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(as_content(self.title_text), classes="dialog-title")
            yield OptionList(
                *(Option(as_content(text), id=key) for key, text in self.choices),
                id="choices",
            )
            yield Static("↑ ↓ choose · Enter: this one · esc: cancel", classes="dialog-hint")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)
