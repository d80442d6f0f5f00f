"""Rewording an item of a plan in the client's own words."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from store.text import clean_line
from tui.services.plans.compiler import Plan, PlanItem
from tui.services.safe_text import one_line


@dataclass(frozen=True)
class Rewordable:
    """One piece of a plan the client can reword: an item's text (index -1) or a list entry."""

    section: str
    item: PlanItem
    index: int
    words: str


def rewordable(plan: Plan) -> list[Rewordable]:
    found = []
    for section in plan.sections:
        for item in section.items:
            if item.text:
                found.append(Rewordable(section.title, item, -1, item.text))
            for index, words in enumerate(item.items):
                found.append(Rewordable(section.title, item, index, words))
    return found


class RewordDialog(ModalScreen[tuple[Rewordable, str] | None]):
    """Pick an item, then change its words with the client (the answer stays as given)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="plan-view.cancel-4")
    ]

    def __init__(self, plan: Plan) -> None:
        super().__init__()
        self.entries = rewordable(plan)
        self.chosen: Rewordable | None = None

    def compose(self) -> ComposeResult:
        with Vertical(classes="plan-dialog"):
            yield Static("Reword an item with the client", classes="plan-dialog-title")
            if self.entries:
                yield OptionList(
                    *(
                        Option(
                            one_line(f"{e.section} · {e.item.title}: {e.words}", 70)
                            + (" (reworded)" if e.index in e.item.reworded else ""),
                            id=str(n),
                        )
                        for n, e in enumerate(self.entries)
                    ),
                    id="reword-items",
                )
            else:
                yield Static("Nothing to reword: the plan has no answers yet.", markup=False)
            yield Static("", id="reword-label", markup=False)
            yield Input(id="reword-text", max_length=2000, disabled=True, select_on_focus=False)
            yield Static(
                "Enter: choose, then Enter to keep the new words · Esc: cancel",
                classes="plan-dialog-hint",
            )

    @on(OptionList.OptionSelected, "#reword-items")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.chosen = self.entries[int(event.option.id or 0)]
        self.query_one("#reword-label", Static).update(
            f"{self.chosen.item.title}: in the client's new words (the answer stays as given)"
        )
        field = self.query_one("#reword-text", Input)
        field.disabled = False
        field.value = self.chosen.words
        field.cursor_position = len(field.value)
        field.focus()

    @on(Input.Submitted, "#reword-text")
    def _submit(self, event: Input.Submitted) -> None:
        words = clean_line(event.value)
        if self.chosen is None:
            return
        if not words:
            self.query_one("#reword-label", Static).update(
                "A rewording needs some words; Esc keeps the answer as it is."
            )
            return
        self.dismiss((self.chosen, words))

    def action_cancel(self) -> None:
        self.dismiss(None)
