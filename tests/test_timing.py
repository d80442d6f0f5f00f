"""The phase timer with a fake clock, and the timed step driven by it (no real waiting)."""

from __future__ import annotations

from pathlib import Path

import pytest

from exercises.models import Phase, StepKind
from store.records import SessionMode
from tests.exercise_fixtures import BOX, ExerciseApp, new_session, open_client, settle, single
from tui.services.timing import FakeClock, PhaseTimer, TimerState, describe_phases, parse_custom


def box_timer(cycles: int = 2) -> tuple[PhaseTimer, FakeClock]:
    clock = FakeClock()
    return PhaseTimer(BOX.phases, cycles, clock), clock


def test_ready_before_start() -> None:
    timer, clock = box_timer()
    clock.advance(100)
    s = timer.status()
    assert s.state is TimerState.READY
    assert (s.phase_label, s.seconds_left, s.cycle, s.completed) == ("Breathe in", 4, 1, 0)
    assert s.next_cue == "Breathe in slowly through your nose"
    assert s.progress == "Cycle 1 of 2"


def test_phases_and_cycles() -> None:
    timer, clock = box_timer()
    timer.start()
    s = timer.status()
    assert (s.state, s.phase_label, s.seconds_left, s.cycle) == (
        TimerState.RUNNING,
        "Breathe in",
        4,
        1,
    )
    assert s.cue == "Breathe in slowly through your nose"
    assert s.next_cue == "Hold it gently"
    clock.advance(1)
    assert timer.status().seconds_left == 3
    clock.advance(3)
    s = timer.status()
    assert (s.phase_index, s.phase_label, s.seconds_left) == (1, "Hold", 4)
    clock.advance(8.5)
    s = timer.status()
    assert (s.phase_index, s.phase_label, s.seconds_left) == (3, "Hold", 4)
    assert s.next_cue == "Breathe in slowly through your nose"  # wraps to the next cycle
    clock.advance(3.5)
    s = timer.status()
    assert (s.cycle, s.completed, s.phase_label) == (2, 1, "Breathe in")
    assert s.progress == "Cycle 2 of 2"


def test_last_phase_has_no_next_cue_and_finishes() -> None:
    timer, clock = box_timer(cycles=1)
    timer.start()
    clock.advance(13)
    s = timer.status()
    assert s.phase_index == 3 and s.next_cue == ""
    clock.advance(3)
    s = timer.status()
    assert s.state is TimerState.FINISHED
    assert (s.completed, s.cycle, s.seconds_left) == (1, 1, 0)
    clock.advance(60)
    assert timer.status().completed == 1


def test_pause_and_resume_hold_the_count() -> None:
    timer, clock = box_timer()
    timer.start()
    clock.advance(2)
    timer.pause()
    assert timer.status().state is TimerState.PAUSED
    clock.advance(500)
    s = timer.status()
    assert (s.seconds_left, s.phase_label) == (2, "Breathe in")
    timer.resume()
    clock.advance(2)
    assert timer.status().phase_label == "Hold"
    timer.toggle()
    assert timer.state is TimerState.PAUSED
    timer.toggle()
    assert timer.state is TimerState.RUNNING


def test_stop_keeps_completed_cycles_and_start_begins_again() -> None:
    timer, clock = box_timer(cycles=3)
    timer.start()
    clock.advance(20)
    timer.stop()
    clock.advance(100)
    s = timer.status()
    assert (s.state, s.completed, s.cycle) == (TimerState.STOPPED, 1, 2)
    assert s.cue == "" and s.next_cue == ""
    timer.start()
    s = timer.status()
    assert (s.state, s.completed, s.cycle, s.seconds_left) == (TimerState.RUNNING, 0, 1, 4)


def test_a_clock_cannot_go_back() -> None:
    with pytest.raises(ValueError):
        FakeClock().advance(-1)


def test_parse_custom() -> None:
    phases = parse_custom("in 4, hold 7, out 8")
    assert phases == (
        Phase(label="Breathe in", seconds=4),
        Phase(label="Hold", seconds=7),
        Phase(label="Breathe out", seconds=8),
    )
    assert describe_phases(phases) == "Breathe in 4 · Hold 7 · Breathe out 8"
    assert parse_custom("Count slowly 10s; rest 3")[0] == Phase(label="Count slowly", seconds=10)


@pytest.mark.parametrize("text", ["", "in", "in four", "in 0", "in 601", ",".join(["in 1"] * 13)])
def test_parse_custom_refuses(text: str) -> None:
    with pytest.raises(ValueError):
        parse_custom(text)


def face(app: ExerciseApp) -> str:
    return str(app.screen.query_one("TimerFace").render())


async def test_timed_step_runs_on_a_fake_clock(tmp_path: Path) -> None:
    cf = open_client(tmp_path)
    clock = FakeClock()
    app = ExerciseApp(single(StepKind.TIMED), new_session(cf, SessionMode.PHONE), cf, clock=clock)
    async with app.run_test(size=(80, 24)) as pilot:
        editor = app.screen.query_one("TimedEditor")
        assert "Press s to start" in face(app)
        assert "Say first: Breathe in slowly through your nose" in face(app)
        await pilot.press("s")
        assert "BREATHE IN" in face(app) and "4 seconds left" in face(app)
        assert "Cycle 1 of 2 · Running" in face(app)
        assert "Say next: Hold it gently" in face(app)
        clock.advance(5)
        editor.tick()
        assert "HOLD" in face(app) and "3 seconds left" in face(app)
        await pilot.press("p")
        assert "PAUSED" in face(app)
        clock.advance(100)
        editor.tick()
        assert "3 seconds left" in face(app)
        await pilot.press("space")
        clock.advance(11)
        editor.tick()
        assert "Cycle 2 of 2" in face(app)
        await settle(app, pilot)
        answer = [a for a in cf.answers("s1") if a.step_id == "breathe"][0]
        assert answer.value == {"pattern": "box", "cycles": 2, "completed": 1}
        assert answer.on_behalf is True
        clock.advance(16)
        editor.tick()
        assert "FINISHED" in face(app)
        await settle(app, pilot)
    answer = [a for a in cf.answers("s1") if a.step_id == "breathe"][0]
    assert answer.value == {"pattern": "box", "cycles": 2, "completed": 2}


async def test_timed_step_stop_and_other_pattern(tmp_path: Path) -> None:
    cf = open_client(tmp_path)
    clock = FakeClock()
    app = ExerciseApp(single(StepKind.TIMED), new_session(cf), cf, clock=clock)
    async with app.run_test(size=(80, 24)) as pilot:
        editor = app.screen.query_one("TimedEditor")
        await pilot.press("shift+tab", "shift+tab")  # to the pattern chooser
        assert app.focused is app.screen.query_one("#timed-pattern")
        await pilot.press("right")  # 5-5
        await pilot.press("tab", "backspace", "3")  # three cycles
        assert "Breathe in 5 · Breathe out 5" in str(app.screen.query_one(".timed-phases").render())
        assert "Say" not in face(app)  # office session: no cue line
        editor.focus_first()
        await pilot.press("s")
        clock.advance(12)
        editor.tick()
        assert "Cycle 2 of 3" in face(app)
        await pilot.press("x")
        assert "Stopped" in face(app)
        await settle(app, pilot)
    answer = [a for a in cf.answers("s1") if a.step_id == "breathe"][0]
    assert answer.value == {"pattern": "five-five", "cycles": 3, "completed": 1}


async def test_timed_step_custom_pattern(tmp_path: Path) -> None:
    cf = open_client(tmp_path)
    clock = FakeClock()
    app = ExerciseApp(single(StepKind.TIMED), new_session(cf), cf, clock=clock)
    async with app.run_test(size=(80, 24)) as pilot:
        editor = app.screen.query_one("TimedEditor")
        await pilot.press("shift+tab", "shift+tab", "left")  # custom
        custom = app.screen.query_one("#timed-custom")
        assert custom.parent.display
        custom.focus()
        await pilot.press(*"in 2, out 3", "enter")
        assert app.focused is app.screen.query_one("TimerFace")
        await pilot.press("s")
        clock.advance(2)
        editor.tick()
        assert "BREATHE OUT" in face(app)
        await pilot.press("x")
        await settle(app, pilot)
    answer = [a for a in cf.answers("s1") if a.step_id == "breathe"][0]
    assert answer.value == {
        "pattern": "custom",
        "cycles": 2,
        "completed": 0,
        "phases": [{"label": "Breathe in", "seconds": 2}, {"label": "Breathe out", "seconds": 3}],
    }


async def test_running_breathing_again_adds_a_practice(tmp_path: Path) -> None:
    """A second run of the timer keeps the first as a practice; it never replaces it."""
    cf = open_client(tmp_path)
    clock = FakeClock()
    app = ExerciseApp(single(StepKind.TIMED), new_session(cf), cf, clock=clock)
    async with app.run_test(size=(80, 24)) as pilot:
        editor = app.screen.query_one("TimedEditor")
        await pilot.press("s")
        clock.advance(40)  # both cycles of box breathing
        editor.tick()
        assert "FINISHED" in face(app)
        await pilot.press("s")  # again
        clock.advance(17)
        editor.tick()
        await pilot.press("x")
        await settle(app, pilot)
    (answer,) = [a for a in cf.answers("s1") if a.step_id == "breathe"]
    assert answer.value == {
        "pattern": "box",
        "cycles": 2,
        "completed": 1,
        "earlier": [{"pattern": "box", "cycles": 2, "completed": 2}],
    }
    # and a third run after coming back keeps both
    app = ExerciseApp(single(StepKind.TIMED), new_session(cf), cf, clock=clock)
    async with app.run_test(size=(80, 24)) as pilot:
        editor = app.screen.query_one("TimedEditor")
        await pilot.press("s")
        clock.advance(17)
        editor.tick()
        await pilot.press("x")
        await settle(app, pilot)
    (answer,) = [a for a in cf.answers("s1") if a.step_id == "breathe"]
    assert [r["completed"] for r in answer.value["earlier"]] == [2, 1]
    assert answer.value["completed"] == 1
