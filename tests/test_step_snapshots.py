"""One snapshot per step kind at 80x24, on fixed exercises built here (not the shipped content).

Time never shows: the timed step runs on a FakeClock moved by the test.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from exercises.models import StepKind
from store.records import SessionMode
from tests.exercise_fixtures import (
    STEPS,
    ExerciseApp,
    exercise_of,
    new_session,
    open_client,
    settle,
    single,
)
from tui.services.timing import FakeClock

SIZE = (80, 24)


def make_app(
    tmp_path: Path,
    kind: StepKind,
    mode: SessionMode = SessionMode.OFFICE,
    clock: FakeClock | None = None,
) -> ExerciseApp:
    cf = open_client(tmp_path)
    return ExerciseApp(single(kind), new_session(cf, mode), cf, clock=clock)


async def steady(pilot: Any) -> None:
    """Stop cursors blinking (a blink is a matter of timing), then let saves report."""
    for field in pilot.app.screen.query("Input, TextArea"):
        field.cursor_blink = False
    await settle(pilot.app, pilot)


def settled(*keys: str):
    async def run_before(pilot: Any) -> None:
        await pilot.press(*keys)
        await steady(pilot)

    return run_before


def test_read_step_phone_read_aloud(snap_compare, tmp_path: Path) -> None:
    app = make_app(tmp_path, StepKind.READ, SessionMode.PHONE)
    assert snap_compare(app, terminal_size=SIZE, run_before=settled())


def test_text_step(snap_compare, tmp_path: Path) -> None:
    app = make_app(tmp_path, StepKind.TEXT)
    keys = [*"I worry about my mum [/] and money.", "enter", *"And work."]
    assert snap_compare(app, terminal_size=SIZE, run_before=settled(*keys))


def test_list_step(snap_compare, tmp_path: Path) -> None:
    app = make_app(tmp_path, StepKind.LIST)
    keys = [*"Walk the dog", "enter", *"Call my sister", "enter", *"Music"]
    assert snap_compare(app, terminal_size=SIZE, run_before=settled(*keys))


def test_table_step_with_warning(snap_compare, tmp_path: Path) -> None:
    app = make_app(tmp_path, StepKind.TABLE)
    keys = ["left", "tab", *"My sister", "tab", "right", "right", "tab", *"2024-02-01"]
    assert snap_compare(app, terminal_size=SIZE, run_before=settled(*keys))


def test_choice_step(snap_compare, tmp_path: Path) -> None:
    app = make_app(tmp_path, StepKind.CHOICE)
    assert snap_compare(app, terminal_size=SIZE, run_before=settled("down", "enter"))


def test_scale_step(snap_compare, tmp_path: Path) -> None:
    app = make_app(tmp_path, StepKind.SCALE)
    assert snap_compare(app, terminal_size=SIZE, run_before=settled("6"))


@pytest.mark.parametrize("mode", [SessionMode.OFFICE, SessionMode.PHONE])
def test_timed_step_running(snap_compare, tmp_path: Path, mode: SessionMode) -> None:
    clock = FakeClock()
    app = make_app(tmp_path, StepKind.TIMED, mode, clock=clock)

    async def run_before(pilot: Any) -> None:
        await pilot.press("s")
        clock.advance(5.5)
        pilot.app.screen.query_one("TimedEditor").tick()
        await steady(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_disclosure_follow_up_notice(snap_compare, tmp_path: Path) -> None:
    cf = open_client(tmp_path)
    app = ExerciseApp(exercise_of(STEPS[StepKind.TEXT]), new_session(cf), cf)
    keys = [*"Something I should say", "ctrl+g"]
    assert snap_compare(app, terminal_size=SIZE, run_before=settled(*keys))
