"""Nothing the practitioner reads is cut at 80x24 (issue 23): generated from the shipped content.

For every step of every exercise, in an office and (where the exercise allows it) a phone session,
the step is shown at 80x24 and each text on it (the title, the prompt or script, the guidance, the
banner and note, every option and its description, every column, every timer pattern) must end on
screen: its last words are read from what is rendered, inside one widget's visible region, with
every scrolling container moved through its whole range and every option cycler turned through
its options. The last step also shows the exercise's related programmes (front matter
`references:`), whole. A text cut off by a fixed height, or left below a container that cannot scroll, fails;
a script read aloud (and its guidance) must be whole on arrival, without scrolling.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.containers import ScrollableContainer
from textual.geometry import Region
from textual.scroll_view import ScrollView
from textual.widget import Widget

from exercises.library import load_library
from exercises.models import Exercise, Step, StepKind
from screens.steps.fields import OptionCycler
from store.records import SessionMode
from tests.exercise_fixtures import ExerciseApp, new_session, open_client

SIZE = (80, 24)
#: how many of a text's last words must be seen together
LAST_WORDS = 4
WORD = re.compile(r"\w+")

LIBRARY = load_library([])
CASES = [
    pytest.param(exercise, mode, id=f"{exercise.id}-{mode.value}")
    for exercise in LIBRARY.exercises
    for mode in (SessionMode.OFFICE, SessionMode.PHONE)
    if mode in exercise.modes
]


def words(text: str) -> list[str]:
    return [w.casefold() for w in WORD.findall(text)]


def texts_of(step: Step) -> list[str]:
    """Everything the content gives the practitioner to read on this step."""
    found = [step.title, step.body, step.guidance, step.low_label, step.high_label]
    for option in step.options:
        found += [option.label, option.description]
    for column in step.columns:
        found.append(column.label)
        for option in column.options:
            found += [option.label, option.description]
    found += [pattern.label for pattern in step.patterns]
    return [t for t in found if words(t)]


def ending(text: str) -> list[str]:
    return words(text)[-LAST_WORDS:]


def contains(haystack: list[str], needle: list[str]) -> bool:
    n = len(needle)
    return any(haystack[i : i + n] == needle for i in range(len(haystack) - n + 1))


def shown(app: Any) -> list[list[str]]:
    """The words rendered inside each visible widget's visible region (one list per widget)."""
    compositor = app.screen._compositor
    lines = [strip.text for strip in compositor.render_strips()]
    out = []
    for region, clip in compositor.visible_widgets.values():
        seen: Region = region.intersection(clip)
        if not seen.area:
            continue
        crop = [line[seen.x : seen.right] for line in lines[seen.y : seen.bottom]]
        out.append(words("\n".join(crop)))
    return out


def scrollables(app: Any) -> list[Widget]:
    return [
        w
        for w in app.screen.query("*")
        if isinstance(w, (ScrollableContainer, ScrollView)) and w.display and w.max_scroll_y > 0
    ]


def positions(widget: Widget) -> Iterator[int]:
    page = max(1, widget.scrollable_content_region.height - 1)
    y = 0
    while True:
        yield min(y, widget.max_scroll_y)
        if y >= widget.max_scroll_y:
            return
        y += page


class _AllFound(Exception):
    """Every text sought has been seen: no further scroll position can change the verdict."""


async def everything_shown(
    app: Any, pilot: Any, first: list[list[str]], sought: list[list[str]]
) -> list[list[str]]:
    """What is rendered at every scroll position of every scrolling widget, each cycler turned
    (`first`: what is shown before any of that); it stops as soon as every ending in `sought`
    has been seen somewhere (the rest could only be seen again)."""
    seen: list[list[str]] = list(first)
    missing = [e for e in sought if not any(contains(r, e) for r in seen)]

    def add(regions: list[list[str]]) -> None:
        seen.extend(regions)
        missing[:] = [e for e in missing if not any(contains(r, e) for r in regions)]
        if not missing:
            raise _AllFound

    boxes = scrollables(app)

    async def explore(i: int) -> None:
        if i == len(boxes):
            add(shown(app))
            return
        for y in list(positions(boxes[i])):
            boxes[i].scroll_to(y=y, animate=False, immediate=True)
            await pilot.pause()
            await explore(i + 1)
        boxes[i].scroll_to(y=0, animate=False, immediate=True)

    try:
        if not missing:
            raise _AllFound
        if boxes:  # (with none, what `first` holds is all there is)
            await explore(0)
        for cycler in app.screen.query(OptionCycler).results():
            if not cycler.display:
                continue
            start = cycler.index
            try:
                for _ in cycler.options:
                    cycler.action_move(1)
                    cycler.scroll_visible(animate=False, immediate=True)
                    await pilot.pause()
                    add(shown(app))
            finally:  # back to where it was, stopped early or not (the answer is left as it was)
                while cycler.index != start:
                    cycler.action_move(1)
    except _AllFound:
        pass
    await pilot.pause()
    return seen


def own_texts(app: Any) -> list[str]:
    """The screen's own words for the step: the banner and a read step's note."""
    out = []
    for selector in ("#exercise-banner", ".step-read-note"):
        for widget in app.screen.query(selector):
            if widget.display:
                out.append(str(widget.render()))
    return [t for t in out if words(t)]


@pytest.mark.parametrize(("exercise", "mode"), CASES)
async def test_every_text_of_every_step_ends_on_screen(
    tmp_path: Path, exercise: Exercise, mode: SessionMode
) -> None:
    cf = open_client(tmp_path)
    app = ExerciseApp(exercise, new_session(cf, mode), cf)
    cut: list[str] = []
    async with app.run_test(size=SIZE) as pilot:
        for index, step in enumerate(exercise.steps):
            await app.screen_.show_step(index)
            await pilot.pause()
            first_sight = shown(app)
            related = [r.text for r in exercise.references] if step is exercise.steps[-1] else []
            texts = [*texts_of(step), *own_texts(app), *related]
            everything = await everything_shown(app, pilot, first_sight, [ending(t) for t in texts])
            for text in texts:
                if not any(contains(region, ending(text)) for region in everything):
                    cut.append(f"step {index + 1} '{step.id}': …{' '.join(ending(text))}")
            # A script read aloud, and the guidance beside it, are whole on arrival: the
            # practitioner reading to the client never has to find out that there is more.
            for text in (step.body, step.guidance) if step.aloud else ():
                if words(text) and not any(contains(r, ending(text)) for r in first_sight):
                    cut.append(f"step {index + 1} '{step.id}' (needs scrolling): …{text[-30:]!r}")
    assert not cut, "cut at 80x24:\n" + "\n".join(cut)


def test_the_cases_cover_the_content() -> None:
    """Generated from the content: every shipped exercise and every kind of step is checked."""
    assert {c.values[0].id for c in CASES} == {e.id for e in LIBRARY.exercises}
    kinds = {s.kind for e in LIBRARY.exercises for s in e.steps}
    assert kinds == set(StepKind)
    assert any(c.values[1] is SessionMode.PHONE for c in CASES)
