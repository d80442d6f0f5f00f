"""Forms and controls around a session (issue 23): focus starts at the top of each form, `c` asks
which follow-up to close, and every date field takes the README's date rule (3/12/2026 and
2026-12-03)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from textual.app import App
from textual.screen import Screen
from textual.widgets import Input, OptionList

from exercises.models import Column, StepKind
from screens.dashboard import DashboardScreen
from screens.dialogs.choice import ChoiceDialog
from screens.dialogs.follow_up import CloseFollowUpScreen
from screens.session_setup import SessionSetupScreen
from screens.team_review import ReviewDialog
from store.clients import Repository
from store.records import FollowUp
from tests.exercise_fixtures import ExerciseApp, exercise_of, new_session, open_client, settle, step
from tests.shell_fixtures import TODAY, make_app, populate, wait_for
from tui.services.clients.oversight import TeamFollowUp

OPENED = FollowUp(id="f1", opened_at=datetime(2026, 10, 21, 11, tzinfo=UTC), reason="Oldest")


class FormApp(App[Any]):
    """Shows one form and keeps what it dismissed with."""

    def __init__(self, form: Screen[Any]) -> None:
        super().__init__()
        self.form = form
        self.result: Any = "not dismissed"

    def on_mount(self) -> None:
        self.push_screen(self.form, self._done)

    def _done(self, result: Any) -> None:
        self.result = result


class Library:
    def __init__(self) -> None:
        from exercises.library import load_library

        self.exercises = load_library([]).exercises


FORMS = {
    "session setup": (lambda: SessionSetupScreen(Library()), "mode"),
    "close a follow-up": (lambda: CloseFollowUpScreen(OPENED, TODAY), "closed-on"),
    "record a review": (
        lambda: ReviewDialog(TeamFollowUp("X123", "Alex", OPENED), TODAY),
        "on",
    ),
}


@pytest.mark.parametrize("name", list(FORMS))
async def test_focus_starts_at_the_top_of_the_form(name: str) -> None:
    make, first_id = FORMS[name]
    app = FormApp(make())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        form = app.screen
        chain = form.focus_chain
        assert form.focused is chain[0], f"{name}: focus on {form.focused}, not at the top"
        assert form.focused is not None and form.focused.id == first_id


@pytest.mark.parametrize("typed", ["20/11/2026", "2026-11-20"])
async def test_closing_a_follow_up_takes_either_date_form(typed: str) -> None:
    app = FormApp(CloseFollowUpScreen(OPENED, TODAY))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press(*typed, "tab", *"Discussed with TM", "ctrl+s")
        await wait_for(pilot, lambda: app.result != "not dismissed")
    assert app.result == (date(2026, 11, 20), "Discussed with TM")


@pytest.mark.parametrize("typed", ["3/11/2026", "2026-11-03"])
async def test_recording_a_review_takes_either_date_form(typed: str) -> None:
    app = FormApp(ReviewDialog(TeamFollowUp("X123", "Alex", OPENED), TODAY))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press(*typed, "tab", *"Keep under review", "ctrl+s")
        await wait_for(pilot, lambda: app.result != "not dismissed")
    assert app.result["discussed_on"] == date(2026, 11, 3)


DIARY = step(
    StepKind.TABLE,
    "diary",
    "My diary",
    columns=(Column(id="date", label="Date", type="date"), Column(id="what", label="What")),
)


@pytest.mark.parametrize("typed", ["3/12/2026", "2026-12-03", "03.12.2026"])
async def test_a_table_date_takes_the_date_rule_and_is_kept_as_one_date(
    tmp_path: Path, typed: str
) -> None:
    """The diary's date field turned 3/12/2026 into 3122026 and then called it not a date."""
    cf = open_client(tmp_path)
    app = ExerciseApp(exercise_of(DIARY), new_session(cf), cf)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*typed)
        await settle(app, pilot)
        field = app.screen.query_one("LimitedInput.-date", Input)
        assert field.value == typed  # as typed: nothing dropped
        assert "Thu 3 Dec 2026" in str(app.screen.query_one(".table-date-words").render())
        assert not app.screen.query_one(".table-warnings").display
    (answer,) = cf.answers("s1")
    assert answer.value == [{"date": "2026-12-03", "what": ""}]


async def test_a_table_date_that_is_none_is_kept_as_typed_and_warned(tmp_path: Path) -> None:
    cf = open_client(tmp_path)
    app = ExerciseApp(exercise_of(DIARY), new_session(cf), cf)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*"31/2/2026")
        await settle(app, pilot)
        warnings = app.screen.query_one(".table-warnings")
        assert warnings.display and "not a date as YYYY-MM-DD or D/M/YYYY" in str(warnings.render())
    (answer,) = cf.answers("s1")
    assert answer.value == [{"date": "31/2/2026", "what": ""}]


async def test_c_asks_which_follow_up_to_close(data_dir: Path) -> None:
    repo: Repository = populate(data_dir)
    with repo.open("X123") as cf:  # a second one, newer than f1
        cf.save_follow_up(
            FollowUp(
                id="f2",
                opened_at=datetime(2026, 11, 4, 11, tzinfo=UTC),
                reason="Wellbeing Traffic Light: Red, and the client asked for a call",
            )
        )
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        app.open_client("X123")
        await wait_for(pilot, lambda: isinstance(app.screen, DashboardScreen) and app.screen.ready)
        await pilot.press("c")
        await wait_for(pilot, lambda: isinstance(app.screen, ChoiceDialog))
        options = app.screen.query_one(OptionList)
        named = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert len(named) == 2
        assert "Emotional Collapse" in named[0] and "asked for a call" in named[1]
        await pilot.press("down", "enter")  # the newer one, not the oldest
        await wait_for(pilot, lambda: isinstance(app.screen, CloseFollowUpScreen))
        assert app.screen.follow_up.id == "f2"
        await pilot.press(*"20/11/2026", "tab", *"Called back the same day", "ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, DashboardScreen))
    with Repository(data_dir).read("X123") as cf:
        closed = {f.id: f.closed_on for f in cf.follow_ups()}
    assert closed == {"f1": None, "f2": date(2026, 11, 20)}


async def test_the_dashboards_rar_line_stays_whole_after_the_setup_dialog(data_dir: Path) -> None:
    """The setup dialog's stylesheet once reached the dashboard's #rar (stylesheets apply app-wide)
    and cut the RAR line to one line after `n` then esc."""
    populate(data_dir)
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        app.open_client("X123")
        await wait_for(pilot, lambda: isinstance(app.screen, DashboardScreen) and app.screen.ready)
        rar = app.screen.query_one("#rar")
        before = rar.size
        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(app.screen, SessionSetupScreen))
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, DashboardScreen))
        await pilot.pause()
        assert rar.size == before and rar.size.width <= 42
