"""An exercise's programme cross-references are shown on its last step (issue 23, item 4): "Related
programmes: ...", and Enter opens the directory entry a reference matches."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from textual.widgets import OptionList, Tree

from exercises.errors import ContentError
from exercises.interventions import load_directory
from exercises.library import load_library
from exercises.models import Reference, StepKind
from exercises.parser import parse_exercise
from screens.directory import DirectoryScreen, show_directory
from tests.exercise_fixtures import ExerciseApp, exercise_of, new_session, open_client, step
from tests.shell_fixtures import make_app, wait_for
from tui.services.references import related_programmes

INTERVENTIONS, _ = load_directory()
REFERENCES = (
    Reference(text="Horizon: block 3, pp. 12-20"),
    Reference(text="Case Manager Pack: Session 2, pp. 25-35"),
    Reference(text="Programme notes on managing anger", directory="resolve"),
)


def test_a_reference_is_matched_by_id_or_by_the_name_it_contains() -> None:
    names = {i.id: i.name for i in INTERVENTIONS}
    assert names["horizon"] == "Horizon" and "resolve" in names
    found = related_programmes(
        [
            *REFERENCES,
            Reference(text="Horizons of the Case Manager Pack"),  # not the word "Horizon"
            Reference(text="iHorizon, p. 4"),  # iHorizon, not Horizon
            Reference(text="See the notes", directory="no-such-entry"),
        ],
        INTERVENTIONS,
    )
    assert [r.entry.id if r.entry else None for r in found] == [
        "horizon",
        None,
        "resolve",
        None,
        "ihorizon",
        None,
    ]
    assert found[1].text == "Case Manager Pack: Session 2, pp. 25-35"


def test_the_shipped_references_are_read_and_none_is_linked_by_a_guess() -> None:
    """The guide's references are to programme materials (MFMC manual pages), which the
    directory does not hold: they are listed, and none is sent to a programme by a guess."""
    shipped = [e for e in load_library([]).exercises if e.references]
    assert len(shipped) >= 10
    for exercise in shipped:
        for related in related_programmes(exercise.references, INTERVENTIONS):
            assert related.entry is None, (exercise.id, related.text)


def test_a_reference_names_a_directory_entry_by_slug_only() -> None:
    text = """---
id: x
title: X
guide_step: 1
area: a
minutes: 5
modes: [office]
source: s
references:
  - {text: "Resolve notes", directory: "Not A Slug"}
---

## Read

```step
id: r
kind: read
```

Text.
"""
    with pytest.raises(ContentError) as err:
        parse_exercise(text, "x.md")
    assert str(err.value).startswith("x.md:9:") and "must be the id of a directory entry" in str(
        err.value
    )
    fine = parse_exercise(text.replace("Not A Slug", "resolve"), "x.md")
    assert fine.references == (Reference(text="Resolve notes", directory="resolve"),)


class LinkedApp(ExerciseApp):
    """The exercise screen, in an App whose context holds the directory (as the real App's does:
    the screen opens the directory itself, from `screens.host.Host.ctx`)."""

    ctx = SimpleNamespace(directory=(INTERVENTIONS, ()))


def shown(app: Any) -> str:
    return "\n".join(s.text for s in app.screen._compositor.render_strips())


async def test_the_last_step_lists_the_related_programmes_and_opens_a_match(
    tmp_path: Path,
) -> None:
    exercise = exercise_of(
        step(StepKind.TEXT, "first", "First", "Say something.", feeds=("wellbeing.concerns",)),
        step(StepKind.READ, "last", "The end", "Thank you."),
    )
    exercise = exercise.model_copy(update={"references": REFERENCES})
    cf = open_client(tmp_path)
    app = LinkedApp(exercise, new_session(cf), cf, interventions=INTERVENTIONS)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "Related programmes" not in shown(app)  # not on the first step
        await pilot.press("ctrl+n")
        await wait_for(pilot, lambda: "Related programmes:" in shown(app))
        screen = shown(app)
        assert "• Horizon: block 3, pp. 12-20 (in the directory: Horizon)" in screen
        assert "• Case Manager Pack: Session 2, pp. 25-35" in screen
        links = app.screen.query_one("#related-open", OptionList)
        assert links.option_count == 2  # Horizon and Resolve; the pack pages are not in it
        links.focus()
        await pilot.pause()
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, DirectoryScreen))
        tree = app.screen.query_one("#tree", Tree)
        assert tree.cursor_node is not None and tree.cursor_node.data.id == "horizon"
        assert "Horizon" in str(app.screen.query_one("#detail").render())


async def test_the_app_opens_the_directory_at_an_entry(tmp_path: Path) -> None:
    app = make_app(tmp_path / "data")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        show_directory(app, "resolve")
        await wait_for(pilot, lambda: isinstance(app.screen, DirectoryScreen))
        await pilot.pause()
        tree = app.screen.query_one("#tree", Tree)
        assert tree.cursor_node is not None and tree.cursor_node.data.id == "resolve"
