"""The shipped content: loads cleanly and covers every exercise of the Wellbeing Guide."""

from __future__ import annotations

import textwrap

import pytest

from exercises.library import load_library, shipped_dir
from exercises.models import Exercise, StepKind
from exercises.sections import plan_sections

SECTIONS = plan_sections()

REQUIRED = {
    "identify",
    "window-of-tolerance",
    "wellbeing-traffic-light",
    "live-moment-to-moment",
    "grounding",
    "breathing",
    "mindfulness-diary",
    "treat-a-friend",
    "self-compassion-break",
    "connection-traffic-light",
    "good-life-goals",
    "keep-safe-review",
}
DOMAINS = (
    "victim-access",
    "hostility",
    "sexual-preoccupation",
    "rejection-of-supervision",
    "emotional-collapse",
    "collapse-of-social-supports",
    "substance-abuse",
)

LIBRARY = load_library([])


def exercise(exercise_id: str) -> Exercise:
    found = LIBRARY.get(exercise_id)
    assert found is not None, exercise_id
    return found


def test_every_shipped_file_loads_without_problems() -> None:
    assert [str(p) for p in LIBRARY.problems] == []
    assert len(LIBRARY.exercises) == len(list(shipped_dir().glob("*.md")))


def test_every_required_exercise_is_present() -> None:
    assert REQUIRED <= {e.id for e in LIBRARY.exercises}


@pytest.mark.parametrize("ex", LIBRARY.exercises, ids=lambda e: e.id)
def test_feeds_sources_and_prompts(ex: Exercise) -> None:
    assert ex.source and ex.references
    for step in ex.steps:
        assert set(step.feeds) <= set(SECTIONS)
        assert bool(step.feeds) == step.answerable, step.id
        # short enough to read at 80x24 beside the answer field
        wrapped = sum(len(textwrap.wrap(line, 76)) or 1 for line in step.body.split("\n"))
        assert wrapped <= 12, step.id
    if ex.practitioner_only:
        assert all(s.feeds[0].startswith("keep-safe.") for s in ex.answerable_steps)
    else:
        assert all(s.feeds[0].startswith("wellbeing.") for s in ex.answerable_steps)


def test_self_compassion_credits_kristin_neff() -> None:
    for exercise_id in ("treat-a-friend", "self-compassion-break"):
        assert "Kristin Neff" in exercise(exercise_id).source
        assert "self-compassion.org" in exercise(exercise_id).source


def test_coping_column_is_a_choice_of_three() -> None:
    table = exercise("identify").step("concern-table")
    assert table is not None and table.kind is StepKind.TABLE
    assert [c.label for c in table.columns] == [
        "Concern",
        "Thoughts",
        "Feelings",
        "Behaviour",
        "How I cope",
    ]
    assert [o.value for o in table.columns[-1].options] == [
        "emotion-focused",
        "avoidance-focused",
        "task-focused",
    ]


def test_traffic_light_levels_carry_word_and_symbol() -> None:
    today = exercise("wellbeing-traffic-light").step("today")
    assert today is not None and today.kind is StepKind.CHOICE
    assert [(o.label, o.symbol, o.tone) for o in today.options] == [
        ("Green", "●", "green"),
        ("Amber", "▲", "amber"),
        ("Red", "■", "red"),
    ]


def test_breathing_patterns_and_cues() -> None:
    ex = exercise("breathing")
    timed = ex.step("practice")
    assert timed is not None and timed.allow_custom
    seconds = {p.id: [ph.seconds for ph in p.phases] for p in timed.patterns}
    assert seconds == {"box": [4, 4, 4, 4], "four-seven-eight": [4, 7, 8], "five-five": [5, 5]}
    assert all(ph.cue for p in timed.patterns for ph in p.phases)
    kinds = {s.id: s.kind for s in ex.steps}
    assert kinds["distress-before"] is kinds["distress-after"] is StepKind.SCALE


def test_mindfulness_diary_is_dated() -> None:
    diary = exercise("mindfulness-diary").step("diary")
    assert diary is not None and diary.columns[0].type == "date"


def test_treat_a_friend_has_four_questions() -> None:
    assert len(exercise("treat-a-friend").answerable_steps) == 4


def test_connection_warns_without_professional_crisis_contact() -> None:
    table = exercise("connection-traffic-light").step("contacts")
    assert table is not None
    (rule,) = table.rules
    assert (rule.column, rule.value, rule.when_column, rule.when_value) == (
        "professional",
        "yes",
        "level",
        "crisis-contact",
    )
    levels = next(c for c in table.columns if c.id == "level")
    assert [o.label for o in levels.options] == [
        "Staying in Touch",
        "Sharing Concerns",
        "Crisis Contact",
    ]


def test_keep_safe_review_covers_seven_domains_without_scores() -> None:
    ex = exercise("keep-safe-review")
    assert ex.practitioner_only and ex.guide_step == "keep-safe"
    for domain in DOMAINS:
        questions = ex.step(f"{domain}-questions")
        assert questions is not None and questions.aloud and questions.kind is StepKind.READ
        for part in ("changes", "warning-signs", "keeps-safe", "who-helps"):
            step = ex.step(f"{domain}-{part}")
            assert step is not None and step.disclosure
            assert step.feeds == (f"keep-safe.{domain}",)
        concern = ex.step(f"{domain}-concern")
        assert concern is not None
        assert [(o.value, o.opens_follow_up) for o in concern.options] == [
            ("none", False),
            ("some", False),
            ("clear", True),
        ]
    assert not any(s.kind is StepKind.SCALE for s in ex.steps)
