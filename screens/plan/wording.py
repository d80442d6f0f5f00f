"""Rewording an item of a plan in the client's own words (asked with the one choice dialog)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from screens.dialogs.choice import Choice, ChoiceDialog, Refused
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


def reword_dialog(plan: Plan) -> ChoiceDialog[tuple[Rewordable, str]]:
    """Pick an item, then change its words with the client (the answer stays as given)."""

    def new_words(entry: Rewordable) -> Callable[[str], tuple[Rewordable, str] | Refused]:
        def words(text: str) -> tuple[Rewordable, str] | Refused:
            said = clean_line(text)
            if not said:
                return Refused("A rewording needs some words; Esc keeps the answer as it is.")
            return (entry, said)

        return words

    choices = [
        Choice(
            one_line(f"{e.section} · {e.item.title}: {e.words}", 70)
            + (" (reworded)" if e.index in e.item.reworded else ""),
            typed=new_words(e),
            ask=f"{e.item.title}: in the client's new words (the answer stays as given)",
            start=e.words,
        )
        for e in rewordable(plan)
    ]
    return ChoiceDialog(
        "Reword an item with the client",
        choices,
        hint="Enter: choose, then Enter to keep the new words · Esc: cancel",
        empty="Nothing to reword: the plan has no answers yet.",
        max_length=2000,
        look="plan-dialog",
        id="reword",
    )
