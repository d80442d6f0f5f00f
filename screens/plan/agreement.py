"""Agreeing a plan and setting its review date: the two questions the plan screen asks (each
the one choice dialog, `screens.dialogs.choice.ChoiceDialog`)."""

from __future__ import annotations

import calendar
from collections.abc import Callable
from datetime import date

from screens.dialogs.choice import Choice, ChoiceDialog, Refused
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


def agreement_dialog() -> ChoiceDialog[tuple[Agreement, str]]:
    """Agreed / not agreed / could not answer; a reason is required for the last two."""

    def because(key: Agreement) -> Callable[[str], tuple[Agreement, str] | Refused]:
        def reason(text: str) -> tuple[Agreement, str] | Refused:
            said = clean_line(text)
            return (key, said) if said else Refused("A reason is required.")

        return reason

    choices: list[Choice[tuple[Agreement, str]]] = [
        Choice(label, answer=(key, ""))
        if key == "agreed"
        else Choice(label, typed=because(key), ask=f"{label}: why? Type a reason, then Enter.")
        for key, label in AGREEMENTS.items()
    ]
    return ChoiceDialog(
        "Did the client agree this plan?",
        choices,
        hint="Enter: choose · Esc: cancel",
        placeholder="Reason (required)",
        look="plan-dialog",
        id="agreement",
    )


def review_date_dialog(today: date) -> ChoiceDialog[date]:
    """In 3, 6 or 12 months, or a typed date (not in the past)."""

    def typed(text: str) -> date | Refused:
        when = parse_date(text)
        if when is None:
            return Refused("Not a date I can read: try 2020-09-03 or 3/9/2020.")
        if when < today:
            return Refused("The review date cannot be in the past.")
        return when

    choices = [
        Choice(f"In {n} months ({day(add_months(today, n))})", answer=add_months(today, n))
        for n in (3, 6, 12)
    ]
    choices.append(Choice("On a date I type", typed=typed))
    return ChoiceDialog(
        "When will you review this plan together?",
        choices,
        hint="Enter: choose · Esc: cancel",
        placeholder="e.g. 2020-09-03 or 3/9/2020",
        max_length=20,
        look="plan-dialog",
        id="review-date",
    )
