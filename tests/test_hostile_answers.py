"""Hostile text, typed, pasted, stored or shipped in content, is shown literally and never raw.

Markup (`[/]` would crash a Static that parses markup; `[@click=app.quit]` would become a link),
terminal escapes (an OSC that retitles the window), NUL, bidi overrides, wide characters and 100 kB.
What the app would send to the terminal is rendered and searched for anything that escaped.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual import events

from exercises.models import Column, Option, StepKind
from store.records import Answer
from tests.exercise_fixtures import (
    STEPS,
    ExerciseApp,
    exercise_of,
    new_session,
    open_client,
    settle,
    step,
)
from tests.raw_records import put_raw

HOSTILE = [
    "[/]",
    "[@click=app.quit]x[/]",
    "[bold red]shout",
    "\x1b]0;pwned\x07title",
    "nul\x00byte",
    "rtl\u202eevil\u202c mark\u200f",
    "wide 漢字テスト 😀",
    "csi\x1b[2Jclear\x1b[31m",
    "bell\x07 c1\x9b31m",
]
BIG = "A" * 100_000


def terminal_output(app: ExerciseApp) -> str:
    """What a real terminal would receive for a full repaint of the screen."""
    update = app.screen._compositor.render_update(full=True)
    assert update is not None
    return update.render_segments(app.console)


def assert_clean(output: str) -> None:
    for raw in ("\x00", "\x07", "\x1b]", "\u202e", "\u202c", "\x9b", "pwned", "\x1b[2J"):
        assert raw not in output, repr(raw)


def hostile_exercise():
    text = "".join(HOSTILE)
    options = (
        Option(value="a", label="[/]", symbol="[b]", description="[@click=app.quit]x"),
        Option(value="b", label="\x1b]0;pwned\x07B", tone="red"),
    )
    return exercise_of(
        step(
            StepKind.TEXT,
            "t",
            "[/] title \x1b]0;pwned\x07",
            text,
            max_length=200_000,
            disclosure=True,
        ),
        step(StepKind.LIST, "l", "List [/]", "[@click=app.quit]x"),
        step(
            StepKind.TABLE,
            "tb",
            "Table",
            columns=(
                Column(id="c", label="[/]col", type="choice", options=options),
                Column(id="d", label="[@click=app.quit]x", max_length=200_000),
            ),
        ),
        step(StepKind.CHOICE, "c", "Choice", options=options),
        step(StepKind.SCALE, "s", "Scale", low_label="[/]", high_label="\x1b]0;pwned\x07"),
        id="hostile",
        title="[/]Hostile [@click=app.quit]x",
    )


def store_raw(cf, step_id: str, value) -> None:
    """Write an answer as a hand-edited file might hold it: not cleaned on the way in."""
    answer = Answer(
        session_id="s1", exercise_id="hostile", step_id=step_id, value=value, recorded_by="pat"
    )
    put_raw(cf.ctx.data_dir, cf.client_id, "answers", answer.model_dump(mode="json"))


async def test_hostile_stored_answers_are_shown_safely(tmp_path: Path) -> None:
    cf = open_client(tmp_path)
    session = new_session(cf)
    store_raw(cf, "t", "\n".join(HOSTILE) + BIG)
    store_raw(cf, "l", HOSTILE)
    store_raw(cf, "tb", [{"c": "b", "d": h} for h in HOSTILE])
    store_raw(cf, "c", "[/]")
    store_raw(cf, "s", 5)
    app = ExerciseApp(hostile_exercise(), session, cf)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+b")  # opened at the start: everything is answered
        for _ in range(5):
            await pilot.pause()
            output = terminal_output(app)
            assert_clean(output)
            await pilot.press("ctrl+n")
        assert app.is_running
    assert app.result is True


@pytest.mark.parametrize("text", HOSTILE)
async def test_hostile_typed_and_pasted_text_is_cleaned(tmp_path: Path, text: str) -> None:
    cf = open_client(tmp_path)
    app = ExerciseApp(exercise_of(STEPS[StepKind.TEXT], STEPS[StepKind.LIST]), new_session(cf), cf)
    async with app.run_test(size=(80, 24)) as pilot:
        app.post_message(events.Paste(text))  # as the driver does: to the focused field
        await settle(app, pilot)
        assert_clean(terminal_output(app))
        await pilot.press("ctrl+n")
        app.post_message(events.Paste(text + "\nsecond line"))
        await settle(app, pilot)
        assert_clean(terminal_output(app))
    values = {a.step_id: a.value for a in cf.answers("s1")}
    for value in (values["worry"], values["helps"][0]):
        for raw in ("\x00", "\x07", "\x1b", "\u202e", "\x9b"):
            assert raw not in value
    assert values["helps"][0].endswith("second line")  # joined, not dropped
    if text.startswith("["):
        assert values["worry"] == text  # markup kept as the literal text it is


async def test_100kb_paste_is_refused_with_a_message(tmp_path: Path) -> None:
    cf = open_client(tmp_path)
    app = ExerciseApp(exercise_of(STEPS[StepKind.TEXT], STEPS[StepKind.LIST]), new_session(cf), cf)
    async with app.run_test(size=(80, 24)) as pilot:
        app.post_message(events.Paste(BIG))
        await settle(app, pilot)
        notice = str(app.screen.query_one("#exercise-notice").render())
        assert "Paste refused" in notice and "100000" in notice
        await pilot.press("ctrl+n")
        app.post_message(events.Paste(BIG))
        await settle(app, pilot)
        assert "Paste refused" in str(app.screen.query_one("#exercise-notice").render())
    assert cf.answers("s1") == ()


async def test_100kb_answer_within_its_limit_is_kept_whole(tmp_path: Path) -> None:
    cf = open_client(tmp_path)
    app = ExerciseApp(hostile_exercise(), new_session(cf), cf)
    async with app.run_test(size=(80, 24)) as pilot:
        app.post_message(events.Paste(BIG))
        await settle(app, pilot)
        assert_clean(terminal_output(app))
    assert [a.value for a in cf.answers("s1")] == [BIG]
