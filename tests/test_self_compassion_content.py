"""The guide's Self Compassion section, whole: the three aspects and its web resources."""

from __future__ import annotations

import re

from exercises.library import load_library
from exercises.models import Exercise, StepKind
from tui.services.export import render
from tui.services.export.worksheet import worksheet_document

LIBRARY = load_library([])
SITES = ("self-compassion.org", "www.charterforcompassion.org", "www.compassionatemind.co.uk")


def exercise(exercise_id: str) -> Exercise:
    found = LIBRARY.get(exercise_id)
    assert found is not None, exercise_id
    return found


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_the_break_names_its_three_aspects_in_the_clients_words() -> None:
    step = exercise("self-compassion-break").step("three-parts")
    assert step is not None and step.kind is StepKind.READ and step.aloud
    body = flat(step.body)
    for phrase in ('("This hurts")', '("I\'m not alone")', '("May I be kind to myself")'):
        assert phrase in body
    # the practitioner learns where the three come from, apart from what is read aloud
    for aspect in ("mindfulness", "common humanity", "self-kindness", "Kristin Neff"):
        assert aspect in step.guidance


def test_the_guides_web_resources_and_what_to_do_offline() -> None:
    step = exercise("self-compassion-break").step("more-to-try")
    assert step is not None and step.kind is StepKind.READ
    for site in SITES:
        assert site in step.body
    assert "print" in step.body and "internet" in step.guidance
    closing = exercise("treat-a-friend").step("closing")
    assert closing is not None
    for site in SITES:
        assert site in closing.guidance
    assert "web based resources" in exercise("self-compassion-break").source


def test_the_worksheet_carries_them_on_paper() -> None:
    out = render(worksheet_document(exercise("self-compassion-break")), "txt")
    assert isinstance(out, str)
    text = flat(out)
    assert "THREE PARTS OF SELF-COMPASSION" in text
    for site in SITES:
        assert site in text
    assert "For you, not to read aloud" not in text and "Kristin Neff describes" not in text
