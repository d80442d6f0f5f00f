"""The plans there are come from the content (issue 25): a pack adds a plan by adding a template,
and everything that differs between plans is what a template declares, never code."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from pydantic import ValidationError

from exercises.errors import ContentError
from exercises.library import load_library
from exercises.plan_templates import (
    load_plan_template,
    parse_plan_template,
    plan_kinds,
    plan_names,
)
from exercises.sections import guide_steps, plan_sections
from store.records import PlanEdit
from tests.plan_fixtures import S1, answer, at, inputs
from tests.test_content_cli import run
from tui.services.config import Config
from tui.services.context import Context
from tui.services.errors import UserError
from tui.services.plans.compiler import compile_plan
from tui.services.plans.document import plan_markdown
from tui.services.plans.service import known_kind

TODAY = date(2020, 6, 12)

CRISIS = """\
---
kind: crisis
title: Crisis Plan
intro: What we agreed to do when things are at their worst.
work: Crisis
led_by: practitioner
names_subject: true
order: 3
guide_steps:
  crisis: Crisis work (practitioner-led)
---

## What to do now

```section
id: crisis.now
empty: Nothing agreed yet.
```

## Crisis lines

```section
id: crisis.lines
fixed: crisis-lines
```
"""

EXERCISE = """\
---
id: crisis-talk
title: When it is at its worst
guide_step: crisis
area: safety
minutes: 10
modes: [office]
source: Our service's own exercise
---

## What to do

```step
id: now
kind: text
feeds: [crisis.now]
```

What will you do first?
"""


@pytest.fixture
def pack(tmp_path: Path) -> Path:
    folder = tmp_path / "pack"
    (folder / "plans").mkdir(parents=True)
    (folder / "plans" / "crisis.md").write_text(CRISIS, "utf-8")
    (folder / "crisis-talk.md").write_text(EXERCISE, "utf-8")
    return folder


def test_the_shipped_plans_are_the_shipped_templates() -> None:
    assert plan_kinds() == ("wellbeing", "keep-safe")
    assert plan_names() == {"wellbeing": "Wellbeing Plan", "keep-safe": "Keep Safe Plan"}
    assert list(guide_steps()) == [1, 2, 3, 4, "keep-safe"]
    labels = load_library([]).step_labels  # beside an exercise in the session setup
    assert labels == {1: "Step 1", 2: "Step 2", 3: "Step 3", 4: "Step 4", "keep-safe": "Keep Safe"}
    keep_safe = load_plan_template("keep-safe")
    assert keep_safe.countersigned and keep_safe.names_subject and keep_safe.practitioner_led
    wellbeing = load_plan_template("wellbeing")
    assert not (wellbeing.countersigned or wellbeing.names_subject or wellbeing.practitioner_led)


def test_a_pack_adds_a_third_plan_without_code(pack: Path, tmp_path: Path) -> None:
    assert plan_kinds([pack]) == ("wellbeing", "keep-safe", "crisis")
    assert plan_names([pack])["crisis"] == "Crisis Plan"
    assert plan_sections([pack])["crisis.now"] == "What to do now"
    library = load_library([pack])
    assert library.problems == ()
    exercise = library.get("crisis-talk")
    assert exercise is not None and exercise.guide_step == "crisis"
    assert library.step_labels["crisis"] == "Crisis"

    template = load_plan_template("crisis", [pack])
    given = [answer(S1, "crisis-talk", "now", "Ring my sister", at(3))]
    plan = compile_plan("crisis", template, library, inputs(given), Config(), TODAY)
    assert plan.kind == "crisis" and plan.title == "Crisis Plan for Alex Brown"
    [item] = plan.sections[0].items
    assert item.text == "Ring my sister"
    assert plan.last_reformulated == date(2020, 6, 3)  # practitioner-led: when last reviewed
    text = plan_markdown(plan)
    assert "Case reference AB123; Crisis review by pat" in text
    assert "Ring my sister" in text

    checked = run("content", "check", str(pack), tmp=tmp_path)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "3 plan templates" in checked.stdout
    listed = run("content", "list", "--content-dir", str(pack), tmp=tmp_path)
    assert listed.returncode == 0, listed.stderr
    assert "  Crisis work (practitioner-led)\n    crisis-talk" in listed.stdout


def test_a_guide_step_no_template_declares_is_a_problem(tmp_path: Path) -> None:
    folder = tmp_path / "pack"
    folder.mkdir()
    (folder / "crisis-talk.md").write_text(EXERCISE, "utf-8")
    library = load_library([folder])
    assert library.get("crisis-talk") is None
    [problem] = library.problems
    assert problem.line == 4
    assert "guide_step must be 1, 2, 3, 4 or keep-safe, not 'crisis'" in problem.message


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        (CRISIS.replace("order: 3\n", "order: 3\ncolour: red\n"), 9, "unknown field 'colour'"),
        (CRISIS.replace("kind: crisis\n", ""), 1, "missing required field 'kind'"),
        (CRISIS.replace("kind: crisis", "kind: Crisis Plan"), 2, "must be a slug"),
        (CRISIS.replace("kind: crisis", "kind: other"), 2, "not the file's name"),
        (CRISIS.replace("led_by: practitioner", "led_by: nobody"), 6, "led_by"),
        (CRISIS.replace("  crisis: Crisis", "  Crisis Work: Crisis"), 9, "guide step"),
    ],
    ids=["unknown", "no-kind", "kind-not-slug", "kind-not-file", "led-by", "guide-step"],
)
def test_template_front_matter_errors_name_the_line(text: str, line: int, words: str) -> None:
    with pytest.raises(ContentError) as err:
        parse_plan_template(text, "plans/crisis.md")
    assert err.value.line == line, str(err.value)
    assert words in err.value.message, err.value.message


def test_content_check_names_a_bad_template_at_its_line(pack: Path, tmp_path: Path) -> None:
    (pack / "plans" / "crisis.md").write_text(
        CRISIS.replace("order: 3\n", "order: 3\ncountersign: yes\n"), "utf-8"
    )
    checked = run("content", "check", str(pack), tmp=tmp_path)
    assert checked.returncode == 1
    assert f"{pack / 'plans' / 'crisis.md'}:9: front matter: unknown field 'countersign'" in (
        checked.stdout
    )


def test_records_keep_a_well_formed_kind_and_services_a_known_one(
    pack: Path, tmp_path: Path
) -> None:
    with pytest.raises(ValidationError):
        PlanEdit(kind="Keep Safe", exercise_id="x", step_id="y", index=-1, original="a",
                 wording="b", by="pat")  # fmt: skip
    edit = PlanEdit(
        kind="crisis", exercise_id="x", step_id="y", index=-1, original="a", wording="b", by="pat"
    )
    assert edit.kind == "crisis"
    shipped = Context(config=Config(), data_dir=tmp_path / "data")
    assert known_kind(shipped, "keep-safe") == "keep-safe"
    with pytest.raises(UserError, match="no plan kind 'crisis'"):
        known_kind(shipped, "crisis")
    packed = Context(config=Config(), data_dir=tmp_path / "data", content_dirs=[pack])
    assert known_kind(packed, "crisis") == "crisis"


def test_the_command_line_knows_a_packs_plan(pack: Path, tmp_path: Path) -> None:
    unknown = run("plan", "NOBODY1", "--kind", "crisis", tmp=tmp_path)
    assert unknown.returncode == 2 and unknown.stderr.count("\n") == 1
    assert "invalid choice: 'crisis' (choose from wellbeing, keep-safe)" in unknown.stderr
    known = run("plan", "NOBODY1", "--kind", "crisis", "--content-dir", str(pack), tmp=tmp_path)
    assert known.returncode == 1, known.stderr  # past the kind: there is no such client
    assert "invalid choice" not in known.stderr
