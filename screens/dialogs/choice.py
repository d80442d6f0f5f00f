"""The shared dialogs: a problem said in plain words (with one way out, if any), a yes/no
question, and the one choice dialog (a choice from a list, some answered by typing)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import ClassVar, Generic, TypeVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, OptionList, Static
from textual.widgets.option_list import Option

from screens.text import as_content

T = TypeVar("T")


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


@dataclass(frozen=True)
class Choice(Generic[T]):
    """One choice of a `ChoiceDialog`: its words, and the answer it gives, at once or typed.

    `typed` (when set) opens the dialog's field: `ask` is said over it and `start` is in it; the
    typed text gives the answer, or the words that say why it cannot (a `Refused`)."""

    text: str
    answer: T | None = None
    typed: Callable[[str], T | Refused] | None = None
    ask: str = ""
    start: str = ""


@dataclass(frozen=True)
class Refused:
    """Why typed text is not an answer yet, said under the choices."""

    why: str


class ChoiceDialog(ModalScreen[T | None]):
    """The one choice dialog: a question and its choices (↑ ↓, Enter); a choice answers it, or
    opens a field to type the answer in (a reason, a date, new words) that must pass before it
    does. Esc: None. What the follow-ups, the agreement, the review date and a rewording ask.

    `look` is the family it belongs with: "dialog" (the shared dialogs) or "plan-dialog" (the
    plan screen's)."""

    CSS_PATH = "dialogs.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss(None)", "Cancel", id="messages.choose-cancel"),
    ]

    def __init__(
        self,
        title: str,
        choices: Sequence[Choice[T]],
        *,
        hint: str = "↑ ↓ choose · Enter: this one · esc: cancel",
        empty: str = "",
        placeholder: str = "",
        max_length: int = 500,
        look: str = "dialog",
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.title_text = title
        self.choices = list(choices)
        self.hint = hint
        self.empty = empty
        self.placeholder = placeholder
        self.max_length = max_length
        self.look = look
        self.chosen: Choice[T] | None = None

    def compose(self) -> ComposeResult:
        with Vertical(classes=self.look):
            yield Static(as_content(self.title_text), classes=f"{self.look}-title")
            if self.choices or not self.empty:
                yield OptionList(
                    *(Option(as_content(c.text), id=str(n)) for n, c in enumerate(self.choices)),
                    id="choices",
                )
            else:
                yield Static(self.empty, markup=False)
            if any(c.typed is not None for c in self.choices) or self.empty:
                yield Static("", id="choice-label", markup=False)
                yield Input(
                    placeholder=self.placeholder,
                    id="choice-field",
                    max_length=self.max_length,
                    disabled=True,
                    select_on_focus=False,
                )
            yield Static(self.hint, classes=f"{self.look}-hint", markup=False)

    @on(OptionList.OptionSelected, "#choices")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.chosen = self.choices[int(event.option.id or 0)]
        if self.chosen.typed is None:
            self.dismiss(self.chosen.answer)
            return
        self.query_one("#choice-label", Static).update(self.chosen.ask)
        field = self.query_one("#choice-field", Input)
        field.disabled = False
        if self.chosen.start:
            field.value = self.chosen.start
            field.cursor_position = len(field.value)
        field.focus()

    @on(Input.Submitted, "#choice-field")
    def _typed(self, event: Input.Submitted) -> None:
        if self.chosen is None or self.chosen.typed is None:
            return
        answer = self.chosen.typed(event.value)
        if isinstance(answer, Refused):
            self.query_one("#choice-label", Static).update(answer.why)
        else:
            self.dismiss(answer)
