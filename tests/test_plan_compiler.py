"""The plan compiler and plan templates, without a terminal."""

from __future__ import annotations

from datetime import date

import pytest

from exercises.errors import ContentError
from exercises.models import Exercise
from exercises.plan_templates import load_plan_template, parse_plan_template
from tests.plan_fixtures import (
    BREATHING,
    EXERCISES,
    S1,
    S2,
    FakeLibrary,
    answer,
    at,
    history,
    inputs,
)
from tui.services.config import Config, CrisisLine
from tui.services.plans.compiler import ORPHANS_TITLE, Plan, compile_plan
from tui.services.plans.document import plan_markdown

TODAY = date(2020, 6, 12)
WELLBEING_IDS = [
    "wellbeing.concerns",
    "wellbeing.impact",
    "wellbeing.traffic-light",
    "wellbeing.toolkit-grounding",
    "wellbeing.toolkit-breathing",
    "wellbeing.toolkit-mindfulness",
    "wellbeing.kindness",
    "wellbeing.people",
    "wellbeing.goals",
]
KEEP_SAFE_IDS = [
    "keep-safe.victim-access",
    "keep-safe.hostility",
    "keep-safe.sexual-preoccupation",
    "keep-safe.rejection-of-supervision",
    "keep-safe.emotional-collapse",
    "keep-safe.collapse-of-social-supports",
    "keep-safe.substance-abuse",
]


def compile_(kind: str = "wellbeing", library: object = None, **kw: object) -> Plan:
    data = kw.pop("data", None) or inputs()
    return compile_plan(
        kind,
        load_plan_template(kind),
        library or FakeLibrary(),
        data,
        kw.pop("config", Config()),
        TODAY,
        **kw,
    )


def item(plan: Plan, section: str, step: str):
    found = plan.section(section)
    assert found is not None
    return next(i for i in found.items if i.step_id == step)


# -- templates ------------------------------------------------------------------------------------


def test_shipped_templates_hold_every_fixed_section() -> None:
    wellbeing = load_plan_template("wellbeing")
    ids = [s.id for s in wellbeing.sections]
    assert [i for i in ids if i in WELLBEING_IDS] == WELLBEING_IDS
    titles = {s.id: s.title for s in wellbeing.sections}
    assert titles["wellbeing.concerns"] == "My concerns right now"
    assert titles["wellbeing.kindness"] == "Being kind to myself"
    assert {s.fixed for s in wellbeing.sections} == {"", "crisis-lines", "review"}
    keep_safe = load_plan_template("keep-safe")
    domains = [s for s in keep_safe.sections if s.domain]
    assert [s.id for s in domains] == KEEP_SAFE_IDS
    assert domains[0].domain == "Victim Access" and domains[0].title  # client's words beside it
    assert {s.fixed for s in keep_safe.sections} >= {"follow-ups", "crisis-lines", "review"}


TEMPLATE = """---
kind: wellbeing
title: Test plan
---

## My goals

```section
id: wellbeing.goals
empty: None yet.
steps: [treat-a-friend/friend]
```

Goals first.
"""


def test_a_section_may_name_steps_explicitly() -> None:
    template = parse_plan_template(TEMPLATE, "wellbeing.md")
    (section,) = template.sections
    assert section.line == 6 and section.intro == "Goals first."
    plan = compile_plan("wellbeing", template, FakeLibrary(), inputs(), Config(), TODAY)
    assert [i.step_id for i in plan.sections[0].items] == ["friend", "goals"]


@pytest.mark.parametrize(
    ("change", "line", "words"),
    [
        ("id: wellbeing.goals", 10, "unknown field 'colour'"),
        ("id: keep-safe.goals", 9, "belongs to another plan"),
        ("id: wellbeing goals", 9, "must read PLAN.SECTION"),
        ("steps: [nope]", 11, "must read 'exercise-id/step-id'"),
        ("fixed: weather", 11, "is not one of"),
    ],
)
def test_template_errors_name_the_line(change: str, line: int, words: str) -> None:
    text = TEMPLATE
    if change.startswith("id: wellbeing.goals"):
        text = text.replace("empty: None yet.", "colour: red")
    elif change.startswith("id:"):
        text = text.replace("id: wellbeing.goals", change)
    else:
        text = text.replace("steps: [treat-a-friend/friend]", change)
    with pytest.raises(ContentError) as err:
        parse_plan_template(text, "wellbeing.md")
    assert err.value.line == line, str(err.value)
    assert words in err.value.message


def test_template_structure_errors() -> None:
    with pytest.raises(ContentError) as err:
        parse_plan_template(TEMPLATE.replace("```section", "```text"), "wellbeing.md")
    assert err.value.line == 6
    twice = TEMPLATE + "\n## Again\n\n```section\nid: wellbeing.goals\n```\n"
    with pytest.raises(ContentError) as err:
        parse_plan_template(twice, "wellbeing.md")
    assert err.value.line == 16 and "duplicate section id" in err.value.message
    with pytest.raises(ContentError) as err:
        parse_plan_template(TEMPLATE.replace("kind: wellbeing", "kind: other"), "wellbeing.md")
    assert err.value.line == 2


# -- compiling ------------------------------------------------------------------------------------


def test_latest_answer_wins_across_sessions() -> None:
    plan = compile_()
    friend = "I would tell him it is not his fault."
    assert item(plan, "wellbeing.kindness", "friend").text == friend
    newer = answer(S2, "treat-a-friend", "friend", "Be kind to him.", at(10))
    plan = compile_(data=inputs(history() + [newer]))
    assert item(plan, "wellbeing.kindness", "friend").text == "Be kind to him."
    # an answer saved later wins even when typed into an earlier session (a posted worksheet)
    late = answer(S1, "treat-a-friend", "friend", "From his worksheet.", at(11))
    plan = compile_(data=inputs(history() + [newer, late]))
    assert item(plan, "wellbeing.kindness", "friend").text == "From his worksheet."


def test_a_reading_of_one_day_is_never_in_a_plan() -> None:
    """Today's level and distress ratings are trends (the dashboard's), not a plan for months."""
    plan = compile_()
    shown = {(i.exercise_id, i.step_id) for s in plan.sections for i in s.items}
    assert ("traffic-light", "today") not in shown and ("breathing", "before") not in shown
    assert ("traffic-light", "lights") in shown
    assert "Where I am today" not in plan_markdown(plan)


def test_provenance_dates() -> None:
    plan = compile_()
    assert item(plan, "wellbeing.concerns", "concerns").given_on == date(2020, 6, 3)
    assert item(plan, "wellbeing.goals", "goals").given_on == date(2020, 6, 10)
    md = plan_markdown(plan)
    # when each answer was given is kept out of the reading line, in the sources at the end
    assert "**My signs**\n" in md and "**What worries me**\n" in md
    assert "given 3 Jun" not in md and "given 10 Jun" not in md
    assert "- Wellbeing Traffic Light: 3 Jun 2020\n" in md  # today's level (10 Jun) is no item


def test_values_are_rendered_readably() -> None:
    plan = compile_()
    lights = item(plan, "wellbeing.traffic-light", "lights")
    # a table row reads as sentences: each column's phrase, or "Label: value." without one
    assert (
        lights.items[0] == "Level: ● Green. Signs: Sleeping well. What I will do: Keep my routine."
    )
    assert item(plan, "wellbeing.impact", "impact").items == (
        "Concern: Losing my job. Feelings: Anxious. How I cope: Avoidance-focused.",
    )
    assert (
        item(plan, "wellbeing.toolkit-breathing", "breathe").text
        == "Box breathing (In 4s, Hold 4s, Out 4s, Hold 4s), 4 cycles"
    )
    assert item(plan, "wellbeing.kindness", "phrases").items == (
        "May I be kind to myself",
        "May I be strong",
    )


def test_empty_sections_say_so() -> None:
    plan = compile_(data=inputs([]))
    ids = [s.id for s in plan.sections]
    assert [i for i in ids if i in WELLBEING_IDS] == WELLBEING_IDS  # nothing disappears
    md = plan_markdown(plan)
    assert "## My people" in md and "_We have not written down who I can turn to yet._" in md
    assert "## My concerns right now" in md and "_We have not written down my concerns yet._" in md
    assert "Samaritans: 116 123" in md and "Shout: 85258" in md  # fixed sections still filled
    keep_safe = compile_("keep-safe", data=inputs([], follow_ups=[]))
    assert keep_safe.last_reformulated is None
    assert plan_markdown(keep_safe).count("Not reviewed yet.") == 7


def test_a_cleared_answer_does_not_bring_back_an_older_one() -> None:
    cleared = answer(S2, "identify", "concerns", [], at(11))
    plan = compile_(data=inputs(history() + [cleared]))
    assert plan.section("wellbeing.concerns").is_empty


def test_a_step_removed_from_the_content_is_kept() -> None:
    without_after = BREATHING.model_copy(update={"steps": BREATHING.steps[:2]})
    library = FakeLibrary(
        tuple(without_after if e.id == "breathing" else e for e in EXERCISES)[:-2]
        + (EXERCISES[-1],)
    )  # and the goals exercise is gone entirely
    plan = compile_(library=library)
    assert [i.step_id for i in plan.section("wellbeing.toolkit-breathing").items] == ["breathe"]
    orphans = {(o.exercise_id, o.step_id): o for o in plan.orphans}
    assert set(orphans) == {("breathing", "after"), ("goals", "goals")}
    assert orphans[("breathing", "after")].text == "2"
    assert orphans[("goals", "goals")].items == ("Finish my college course",)
    md = plan_markdown(plan)
    assert f"## {ORPHANS_TITLE}" in md
    assert "**breathing/after: A step no longer in use**" in md or "breathing/after" in md
    assert "goals/goals" in md
    # the keep-safe plan does not collect wellbeing answers whose exercise still exists
    keep_safe = compile_("keep-safe", library=library)
    assert [(o.exercise_id, o.step_id) for o in keep_safe.orphans] == [("goals", "goals")]


def test_keep_safe_plan() -> None:
    plan = compile_("keep-safe")
    victim = plan.section("keep-safe.victim-access")
    assert victim.domain == "Victim Access" and victim.concern
    assert [i.title for i in victim.items] == [
        "Warning signs",
        "What keeps me safe",
        "Who can help",
        "Concern level",
    ]
    assert not plan.section("keep-safe.hostility").concern
    assert plan.last_reformulated == date(2020, 6, 3)
    md = plan_markdown(plan)
    assert "## Victim Access — Who they spend time with" in md
    assert "**⚠ CLEAR CONCERN**" in md
    assert "Last reformulated: 3 Jun 2020" in md
    assert (
        "Clear concern: Victim Access, opened 3 Jun 2020. Open; not yet discussed with the "
        "treatment manager." in md.replace("\\", "")
    )
    assert "score" not in md.lower()


def test_crisis_lines_and_review_date_come_from_config_and_versions() -> None:
    config = Config(crisis_lines=(CrisisLine(name="Breathing Space", number="0800 83 85 87"),))
    plan = compile_(config=config, review_on=date(2020, 9, 12))
    md = plan_markdown(plan)
    assert "Breathing Space: 0800 83 85 87" in md and "Samaritans" not in md
    assert "Review on 12 Sep 2020." in md


def test_the_shipped_content_feeds_only_sections_the_templates_have() -> None:
    from exercises.library import load_library

    library = load_library([])
    assert library.exercises
    sections = {s.id for k in ("wellbeing", "keep-safe") for s in load_plan_template(k).sections}
    fed = {f for e in library.exercises for s in e.steps for f in s.feeds}
    assert fed <= sections, fed - sections
    # and every answer section is fed by some step
    answer_sections = {
        s.id
        for k in ("wellbeing", "keep-safe")
        for s in load_plan_template(k).sections
        if not s.fixed
    }
    assert answer_sections <= fed, answer_sections - fed


def test_library_may_be_a_plain_list() -> None:
    exercises: list[Exercise] = list(EXERCISES)
    plan = compile_plan(
        "wellbeing", load_plan_template("wellbeing"), exercises, inputs(), Config(), TODAY
    )
    assert item(plan, "wellbeing.goals", "goals").items == ("Finish my college course",)
    assert S2.date == date(2020, 6, 10)
