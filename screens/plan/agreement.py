"""Agreeing a plan and setting its review date: the two dialogs the plan screen opens for them."""

from __future__ import annotations

import calendar
from datetime import date
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from store.records import Agreement
from store.text import clean_line
from tui.services.dates import parse_day_or_none
from tui.services.plans.compiler import day

AGREEMENTS: dict[Agreement, str] = {
    "agreed": "Agreed",
    "not_agreed": "Not agreed",
    "could_not_answer": "Could not answer",
}


def add_months(start: date, months: int) -> date:
    """`start` plus whole months, on the same day or the month's last day (31 Jan + 1 = 28 Feb)."""
    month0 = start.month - 1 + months
    year, month = start.year + month0 // 12, month0 % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def parse_date(text: str) -> date | None:
    """A typed date by the product's one rule (`tui.services.dates`), or None."""
    return parse_day_or_none(text)


class AgreementDialog(ModalScreen[tuple[Agreement, str] | None]):
    """Agreed / not agreed / could not answer; a reason is required for the last two."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="plan-view.cancel")
    ]

    def __init__(self) -> None:
        super().__init__()
        self.choice: Agreement | None = None

    def compose(self) -> ComposeResult:
        with Vertical(classes="plan-dialog"):
            yield Static("Did the client agree this plan?", classes="plan-dialog-title")
            yield OptionList(
                *(Option(label, id=key) for key, label in AGREEMENTS.items()),
                id="agreement-options",
            )
            yield Static("", id="reason-label", markup=False)
            yield Input(placeholder="Reason (required)", id="reason", max_length=500, disabled=True)
            yield Static("Enter: choose · Esc: cancel", classes="plan-dialog-hint")

    @on(OptionList.OptionSelected, "#agreement-options")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.choice = next((k for k in AGREEMENTS if k == event.option.id), None)
        if self.choice is None:
            return
        if self.choice == "agreed":
            self.dismiss(("agreed", ""))
            return
        reason = self.query_one("#reason", Input)
        reason.disabled = False
        self.query_one("#reason-label", Static).update(
            f"{AGREEMENTS[self.choice]}: why? Type a reason, then Enter."
        )
        reason.focus()

    @on(Input.Submitted, "#reason")
    def _reason(self, event: Input.Submitted) -> None:
        reason = clean_line(event.value)
        if not reason:
            self.query_one("#reason-label", Static).update("A reason is required.")
            return
        if self.choice is not None:
            self.dismiss((self.choice, reason))

    def action_cancel(self) -> None:
        self.dismiss(None)


class ReviewDateDialog(ModalScreen[date | None]):
    """In 3, 6 or 12 months, or a typed date."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="plan-view.cancel-2")
    ]

    def __init__(self, today: date) -> None:
        super().__init__()
        self.today = today

    def compose(self) -> ComposeResult:
        options = [
            Option(f"In {n} months ({day(add_months(self.today, n))})", id=str(n))
            for n in (3, 6, 12)
        ]
        options.append(Option("On a date I type", id="typed"))
        with Vertical(classes="plan-dialog"):
            yield Static("When will you review this plan together?", classes="plan-dialog-title")
            yield OptionList(*options, id="review-options")
            yield Static("", id="date-label", markup=False)
            yield Input(
                placeholder="e.g. 2020-09-03 or 3/9/2020",
                id="review-date",
                max_length=20,
                disabled=True,
            )
            yield Static("Enter: choose · Esc: cancel", classes="plan-dialog-hint")

    @on(OptionList.OptionSelected, "#review-options")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        if event.option.id == "typed":
            field = self.query_one("#review-date", Input)
            field.disabled = False
            field.focus()
            return
        self.dismiss(add_months(self.today, int(event.option.id or 3)))

    @on(Input.Submitted, "#review-date")
    def _typed(self, event: Input.Submitted) -> None:
        when = parse_date(event.value)
        label = self.query_one("#date-label", Static)
        if when is None:
            label.update("Not a date I can read: try 2020-09-03 or 3/9/2020.")
        elif when < self.today:
            label.update("The review date cannot be in the past.")
        else:
            self.dismiss(when)

    def action_cancel(self) -> None:
        self.dismiss(None)
