"""The session screen at 80x24 (issue 23): one step count, the cursor moving on from a finished
exercise, the session's planned and elapsed time on a fake clock, and ctrl+e in the notes box."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from textual.widgets import DataTable

from exercises.library import load_library
from screens.dashboard import DashboardScreen
from screens.dialogs.choice import ConfirmScreen
from screens.exercise import ExerciseScreen
from screens.key_bar import KeyBar
from screens.session import SessionScreen, run_session
from store.clients import Repository
from store.records import Answer, SessionStatus
from tests.shell_fixtures import make_app, populate, wait_for
from tui.shell.app import WellbeingApp

FRIEND = load_library([]).get("treat-a-friend")
START = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)


class FakeNow:
    """A wall clock that moves only when told."""

    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at


def answered(repo: Repository, *step_ids: str) -> None:
    """Answers to treat-a-friend in the in-progress session s2 of client X123."""
    with repo.open("X123") as cf:
        for step_id in step_ids:
            cf.save_answer(
                Answer(
                    session_id="s2",
                    exercise_id="treat-a-friend",
                    step_id=step_id,
                    value=f"words for {step_id}",
                    recorded_by="pat",
                )
            )


async def shown_session(app: WellbeingApp, pilot: object, session_id: str) -> SessionScreen:
    """Open X123 on its dashboard, then the session, once each screen is up."""
    app.open_client("X123")
    await wait_for(pilot, lambda: isinstance(app.screen, DashboardScreen) and app.screen.ready)
    oc = app.client_files["X123"]
    session = oc.session(session_id)
    assert session is not None
    run_session(app, oc, session)
    await wait_for(
        pilot, lambda: isinstance(app.screen, SessionScreen) and app.screen.query("#plan")
    )
    await pilot.pause()  # type: ignore[attr-defined]
    screen = app.screen
    assert isinstance(screen, SessionScreen)
    return screen


async def open_session(app: WellbeingApp, pilot: object) -> SessionScreen:
    return await shown_session(app, pilot, "s2")


def cell(screen: SessionScreen, row: int) -> str:
    return str(screen.query_one("#plan", DataTable).get_row_at(row)[2])


async def test_one_step_count_in_the_session_and_the_exercise(data_dir: Path) -> None:
    assert FRIEND is not None and len(FRIEND.steps) == 6 and len(FRIEND.answerable_steps) == 4
    repo = populate(data_dir)
    answered(repo, "friend", "yourself")
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_session(app, pilot)
        # the read step before them was passed: 3 of the exercise's 6 steps, not "2 of 4"
        assert cell(screen, 0) == "3 of 6 steps"
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ExerciseScreen))
        progress = str(app.screen.query_one("#exercise-progress").render())
        assert progress == "Step 4 of 6"


async def test_the_cursor_moves_on_from_an_exercise_just_finished(data_dir: Path) -> None:
    repo = populate(data_dir)
    answered(repo, "friend", "yourself", "difference")
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_session(app, pilot)
        table = screen.query_one("#plan", DataTable)
        assert table.cursor_row == 0
        await pilot.press("enter")  # resumes at "change", the one step left
        await wait_for(pilot, lambda: isinstance(app.screen, ExerciseScreen))
        await pilot.press(*"Be kinder", "ctrl+n", "ctrl+n")  # the closing read step, then done
        await wait_for(pilot, lambda: app.screen is screen)
        await wait_for(pilot, lambda: cell(screen, 0) == "✓ done")
        assert table.cursor_row == 1  # on to breathing, not left on the finished exercise


async def test_a_session_opened_on_a_finished_first_exercise_starts_on_the_next(
    data_dir: Path,
) -> None:
    repo = populate(data_dir)
    answered(repo, "friend", "yourself", "difference", "change")
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_session(app, pilot)
        assert cell(screen, 0) == "✓ done"
        assert screen.query_one("#plan", DataTable).cursor_row == 1


async def test_the_session_shows_its_planned_and_elapsed_time(data_dir: Path) -> None:
    repo = populate(data_dir)
    with repo.open("X123") as cf:  # a planned session, started by the app on the fake clock
        from store.records import Session, SessionMode

        cf.save_session(
            Session(
                id="s9",
                practitioner="pat",
                mode=SessionMode.OFFICE,
                planned=["treat-a-friend", "breathing"],
            )
        )
    clock = FakeNow(START)
    app = make_app(data_dir, now=clock)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await shown_session(app, pilot, "s9")
        minutes = sum(e.minutes for e in screen._exercises())
        assert minutes == 30  # treat-a-friend 20 + breathing 10, from the content

        def shown() -> str:
            return str(screen.query_one("#session-time").render())

        assert shown() == "Time: about 30 min planned · 0 min so far"
        clock.at = START + timedelta(minutes=12, seconds=40)
        screen.show_time()  # what its ticker does
        assert shown() == "Time: about 30 min planned · 12 min so far"
        clock.at = START + timedelta(hours=1, minutes=5)
        screen.show_time()
        assert shown() == "Time: about 30 min planned · 1 h 05 min so far"
        await pilot.press("ctrl+e")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await wait_for(pilot, lambda: not isinstance(app.screen, (SessionScreen, ConfirmScreen)))
    with Repository(data_dir).read("X123") as cf:
        saved = cf.session("s9")
        assert saved is not None and saved.status is SessionStatus.COMPLETED
        assert saved.started_at == START and saved.ended_at == START + timedelta(hours=1, minutes=5)


async def test_ctrl_e_ends_the_session_from_the_notes_box(data_dir: Path) -> None:
    populate(data_dir)
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_session(app, pilot)
        bar = screen.query_one(KeyBar)
        assert any(key == "ctrl+e" for key, *_ in bar.entries)
        await pilot.press("ctrl+o", *"Calm today")
        await wait_for(pilot, lambda: screen.focused is screen.query_one("#notes"))
        await pilot.pause()
        # still shown in the footer while typing notes, and it still works there
        assert any(key == "ctrl+e" and enabled for key, _, _, enabled in bar.entries)
        await pilot.press("ctrl+e")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert screen.query_one("#notes").text == "Calm today"  # type: ignore[attr-defined]


def test_time_words_for_a_session_over_and_one_resumed_another_day() -> None:
    from store.records import Session
    from tui.services.clients.sessions import time_words

    ended = Session(practitioner="pat", started_at=START, ended_at=START + timedelta(minutes=47))
    assert time_words(ended, 30, START + timedelta(days=3)) == (
        "Time: about 30 min planned · took 47 min"
    )
    resumed = Session(practitioner="pat", started_at=START)
    assert time_words(resumed, 30, START + timedelta(days=2)) == (
        "Time: about 30 min planned · started 25 Nov 2026"
    )
    assert time_words(Session(practitioner="pat"), 0, START) == (
        "Time: nothing planned · not started yet"
    )
