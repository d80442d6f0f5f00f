"""A step takes its rows or options from an earlier step's answer, as the content declares it
(issue 23): the Identify grid starts with the concerns just listed, so nothing is typed twice."""

from __future__ import annotations

from pathlib import Path

import pytest

from exercises.errors import ContentError
from exercises.library import load_library
from exercises.models import Column, Option, RowsFrom, StepKind
from exercises.parser import parse_exercise
from store.records import Answer, SessionMode
from tests.exercise_fixtures import ExerciseApp, exercise_of, new_session, open_client, settle, step

FRONT = """\
---
id: sample
title: A sample
guide_step: 1
area: Identify
minutes: 10
modes: [office]
source: Written for the tests.
---

## My concerns

```step
id: concerns
kind: list
feeds: [wellbeing.concerns]
```

What worries you?

## Notes

```step
id: notes
kind: text
feeds: [wellbeing.concerns]
```

Anything else?

## Each concern

```step
id: grid
kind: table
feeds: [wellbeing.concerns]
columns: [Concern, Thoughts]
{extra}
```

Take each in turn.
"""
#: the line of {extra} in FRONT
EXTRA_LINE = 38


def parse(extra: str):  # noqa: ANN201
    return parse_exercise(FRONT.replace("{extra}", extra), "sample.md")


def test_rows_from_is_read() -> None:
    grid = parse("rows_from: {step: concerns, column: concern}").step("grid")
    assert grid is not None and grid.rows_from == RowsFrom(step="concerns", column="concern")
    assert grid.takes_from == "concerns"


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (
            "rows_from: {step: later, column: concern}",
            "rows_from names 'later', which is not an earlier step of this exercise",
        ),
        (
            "rows_from: {step: grid, column: concern}",
            "rows_from names 'grid', which is not an earlier step",
        ),
        (
            "rows_from: {step: notes, column: concern}",
            "rows_from names 'notes', a text step; it must be a list step",
        ),
        (
            "rows_from: {step: concerns, column: feelings}",
            "rows_from column 'feelings' is not a text column of this table "
            "(text columns: concern, thoughts)",
        ),
        ("rows_from: concerns", "step 'grid': rows_from"),
        ("options_from: concerns", "field 'options_from' does not apply to a table step"),
    ],
)
def test_a_bad_rows_from_is_an_error_at_its_line(extra: str, message: str) -> None:
    with pytest.raises(ContentError) as err:
        parse(extra)
    text = str(err.value)
    assert text.startswith(f"sample.md:{EXTRA_LINE}:"), text
    assert message in text


def test_options_from_must_name_an_earlier_list_step() -> None:
    choice = FRONT.replace(
        "kind: table\nfeeds: [wellbeing.concerns]\ncolumns: [Concern, Thoughts]\n{extra}",
        "kind: choice\nfeeds: [wellbeing.concerns]\noptions_from: notes",
    )
    with pytest.raises(ContentError) as err:
        parse_exercise(choice, "sample.md")
    assert "options_from names 'notes', a text step" in str(err.value)
    fine = parse_exercise(choice.replace("options_from: notes", "options_from: concerns"), "x.md")
    chosen = fine.step("grid")
    assert chosen is not None and chosen.options == () and chosen.options_from == "concerns"


def test_the_shipped_identify_grid_takes_its_rows_from_the_concerns() -> None:
    identify = load_library([]).get("identify")
    assert identify is not None
    grid = identify.step("concern-table")
    assert grid is not None and grid.rows_from == RowsFrom(step="concerns", column="concern")


def rows_on_screen(app: ExerciseApp) -> list[dict[str, str]]:
    from screens.steps.table import RowEditor

    return [r.values() for r in app.screen.query(RowEditor)]


async def test_the_identify_grid_starts_with_the_concerns_just_listed(tmp_path: Path) -> None:
    identify = load_library([]).get("identify")
    assert identify is not None
    index = [s.id for s in identify.steps].index("concern-table")
    cf = open_client(tmp_path)
    app = ExerciseApp(identify, new_session(cf, SessionMode.PHONE), cf)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.screen_.show_step(1)  # My concerns
        await pilot.press(*"Losing my job", "enter", *"Mum's health", "enter", *"Money")
        await settle(app, pilot)
        await app.screen_.show_step(index)
        await settle(app, pilot)
        assert [r["concern"] for r in rows_on_screen(app)] == [
            "Losing my job",
            "Mum's health",
            "Money",
        ]
        # shown, not yet answered: the grid counts as answered once something is typed in it
        assert [a.step_id for a in cf.answers("s1")] == ["concerns"]
        await pilot.press("tab", *"I'm useless")
        await settle(app, pilot)
        grid = [a for a in cf.answers("s1") if a.step_id == "concern-table"]
        assert [r["concern"] for r in grid[0].value] == ["Losing my job", "Mum's health", "Money"]
        assert grid[0].value[0]["thoughts"] == "I'm useless"
        # a concern added later joins the grid; the rows typed in stay
        await app.screen_.show_step(1)
        await pilot.press("ctrl+o", *"Sleep")
        await settle(app, pilot)
        await app.screen_.show_step(index)
        await settle(app, pilot)
        shown = rows_on_screen(app)
        assert [r["concern"] for r in shown] == [
            "Losing my job",
            "Mum's health",
            "Money",
            "Sleep",
        ]
        assert shown[0]["thoughts"] == "I'm useless"


async def test_the_rows_come_from_an_earlier_session_when_none_were_listed_today(
    tmp_path: Path,
) -> None:
    grid = step(
        StepKind.TABLE,
        "grid",
        "Each concern",
        columns=(Column(id="concern", label="Concern"), Column(id="how", label="How")),
        rows_from=RowsFrom(step="concerns", column="concern"),
    )
    exercise = exercise_of(step(StepKind.LIST, "concerns", "My concerns"), grid)
    cf = open_client(tmp_path)
    new_session(cf, id="s0")
    cf._cf.save_answer(
        Answer(
            session_id="s0",
            exercise_id=exercise.id,
            step_id="concerns",
            value=["Money", "", "money", "Housing"],
            recorded_by="pat",
        )
    )
    app = ExerciseApp(exercise, new_session(cf), cf)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.screen_.show_step(1)
        await settle(app, pilot)
        assert [r["concern"] for r in rows_on_screen(app)] == ["Money", "Housing"]


async def test_a_choice_offers_the_items_of_an_earlier_step(tmp_path: Path) -> None:
    pick = step(
        StepKind.CHOICE,
        "pick",
        "Which one first?",
        options=(Option(value="none", label="None of these"),),
        options_from="concerns",
    )
    exercise = exercise_of(step(StepKind.LIST, "concerns", "My concerns"), pick)
    cf = open_client(tmp_path)
    app = ExerciseApp(exercise, new_session(cf), cf)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*"Money", "enter", *"Housing")
        await settle(app, pilot)
        await app.screen_.show_step(1)
        await settle(app, pilot)
        editor = app.screen.query_one("ChoiceEditor")
        assert [o.label for o in editor.options] == ["Money", "Housing", "None of these"]  # type: ignore[attr-defined]
        await pilot.press("down", "enter")
        await settle(app, pilot)
    (chosen,) = [a for a in cf.answers("s1") if a.step_id == "pick"]
    assert chosen.value == "Housing"
