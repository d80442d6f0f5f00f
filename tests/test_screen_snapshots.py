"""One snapshot per screen of the real app at 80x24, on fixed data (the demo client, a fixed today).

Data dirs sit at fixed paths (`fixed_dir`) so no random temp path shows; no time of day shows;
cursors are stopped so a blink never decides a pixel.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from screens.exercise import run_exercise
from screens.session import run_session
from store.records import PlanVersion, Session, SessionMode
from tests.shell_fixtures import TODAY, fixed_dir, make_app, populate
from tui.services.demo import DEMO_ID, write_demo
from tui.services.writers import writer_of
from tui.shell.app import WellbeingApp

SIZE = (80, 24)
RunBefore = Callable[[Any], Awaitable[None]]


@pytest.fixture(autouse=True)
def _utc(monkeypatch: pytest.MonkeyPatch) -> None:
    """Times are shown in local time: make local time the same on every machine."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()


async def steady(pilot: Any) -> None:
    """Let workers finish and the screen settle, then stop cursors blinking."""
    app = pilot.app
    for _ in range(3):
        await app.workers.wait_for_complete()
        await pilot.pause()
    for field in app.screen.query("Input, TextArea"):
        field.cursor_blink = False
    await pilot.pause()


def demo_app(name: str) -> WellbeingApp:
    """The app on a fixed data dir holding the demo client, written as of TODAY."""
    app = make_app(fixed_dir(name))
    write_demo(app.ctx, today=TODAY)
    return app


def then(*steps: Callable[[WellbeingApp], object] | str | tuple[str, ...]) -> RunBefore:
    """A run_before doing each step in turn: a callable gets the app, a string or tuple are keys."""

    async def run_before(pilot: Any) -> None:
        await steady(pilot)
        for step in steps:
            if callable(step):
                step(pilot.app)
            else:
                keys = (step,) if isinstance(step, str) else step
                await pilot.press(*keys)
            await steady(pilot)

    return run_before


def open_demo(app: WellbeingApp) -> None:
    app.open_client(DEMO_ID)


def start_session(app: WellbeingApp) -> Session:
    """A planned session on the open demo client, shown on the session screen."""
    cf = app.client_files[DEMO_ID]
    session = Session(
        id="snap",
        date=TODAY,
        mode=SessionMode.OFFICE,
        practitioner="Pat Practitioner",
        rar_activity=True,
        planned=["treat-a-friend", "breathing", "wellbeing-traffic-light"],
    )
    writer_of(cf).save_session(session)
    run_session(app, cf, session)
    return session


def open_exercise(app: WellbeingApp) -> None:
    cf = app.client_files[DEMO_ID]
    session = next(s for s in cf.sessions() if s.id == "snap")
    run_exercise(app, cf, session, "treat-a-friend")


# -- client list ----------------------------------------------------------------------------------


def test_client_list(snap_compare) -> None:
    data = fixed_dir("snap-list")
    populate(data)
    assert snap_compare(make_app(data), terminal_size=SIZE, run_before=then())


def test_client_list_empty(snap_compare) -> None:
    assert snap_compare(make_app(fixed_dir("snap-empty")), terminal_size=SIZE, run_before=then())


def test_add_client_with_error(snap_compare) -> None:
    app = make_app(fixed_dir("snap-form"))
    keys = ("a", *"X1/2")
    assert snap_compare(app, terminal_size=SIZE, run_before=then(*keys))


def test_problem_offers_backup(snap_compare) -> None:
    data = fixed_dir("snap-corrupt")
    populate(data)
    path = data / "clients" / "X123.json"
    path.write_bytes(path.read_bytes()[:40])
    app = make_app(data)
    assert snap_compare(app, terminal_size=SIZE, run_before=then(lambda a: a.open_client("X123")))


# -- one client -----------------------------------------------------------------------------------


def test_dashboard(snap_compare) -> None:
    app = demo_app("snap-dashboard")
    assert snap_compare(app, terminal_size=SIZE, run_before=then(open_demo))


def test_close_follow_up(snap_compare) -> None:
    app = demo_app("snap-follow-up")
    assert snap_compare(app, terminal_size=SIZE, run_before=then(open_demo, "c"))


def test_session_setup(snap_compare) -> None:
    app = demo_app("snap-setup")
    assert snap_compare(
        app,
        terminal_size=SIZE,
        run_before=then(open_demo, "n", ("tab", "tab", "space", "down", "down", "space")),
    )


def test_privacy_check(snap_compare) -> None:
    app = demo_app("snap-privacy-check")
    app.ctx.config = dataclasses.replace(app.ctx.config, privacy_check=True)
    keys = ("space", "tab", "space")
    assert snap_compare(
        app,
        terminal_size=SIZE,
        run_before=then(open_demo, "n", ("tab", "tab", "space"), "ctrl+s", keys),
    )


def test_session(snap_compare) -> None:
    app = demo_app("snap-session")
    assert snap_compare(app, terminal_size=SIZE, run_before=then(open_demo, start_session))


def test_exercise_first_step(snap_compare) -> None:
    app = demo_app("snap-exercise")
    assert snap_compare(
        app, terminal_size=SIZE, run_before=then(open_demo, start_session, open_exercise)
    )


def test_wellbeing_plan(snap_compare) -> None:
    app = demo_app("snap-plan-wellbeing")
    assert snap_compare(app, terminal_size=SIZE, run_before=then(open_demo, "w"))


def test_keep_safe_plan(snap_compare) -> None:
    app = demo_app("snap-plan-keep-safe")
    assert snap_compare(app, terminal_size=SIZE, run_before=then(open_demo, "k"))


def _two_versions(app: WellbeingApp) -> None:
    cf = app.client_files[DEMO_ID]
    for number, text, agreement in (
        (1, "- walk the dog\n- call my sister", "agreed"),
        (2, "- walk the dog\n- ring Sam on Fridays", "not_agreed"),
    ):
        writer_of(cf).add_plan_version(
            PlanVersion(
                kind="wellbeing",
                number=number,
                saved_by="Pat Practitioner",
                saved_at=datetime(2026, 11, number, 10, 30, tzinfo=UTC),
                markdown=f"# Wellbeing Plan\n\n## What helps\n\n{text}\n",
                agreement=agreement,
                agreement_reason="" if agreement == "agreed" else "wants to think about it",
            )
        )


def test_plan_versions(snap_compare) -> None:
    app = demo_app("snap-versions")
    assert snap_compare(
        app, terminal_size=SIZE, run_before=then(open_demo, _two_versions, "w", "v")
    )


def test_plan_version_diff(snap_compare) -> None:
    app = demo_app("snap-diff")
    assert snap_compare(
        app, terminal_size=SIZE, run_before=then(open_demo, _two_versions, "w", "v", "enter")
    )


def test_eligibility(snap_compare) -> None:
    app = demo_app("snap-eligibility")
    assert snap_compare(app, terminal_size=SIZE, run_before=then(open_demo, "e"))


# -- app-wide -------------------------------------------------------------------------------------


def test_directory(snap_compare) -> None:
    app = make_app(fixed_dir("snap-directory"))
    assert snap_compare(app, terminal_size=SIZE, run_before=then("d"))


def test_help_on_dashboard(snap_compare) -> None:
    app = demo_app("snap-help")
    assert snap_compare(app, terminal_size=SIZE, run_before=then(open_demo, "f1"))


def test_privacy_screen(snap_compare) -> None:
    app = demo_app("snap-privacy")
    assert snap_compare(app, terminal_size=SIZE, run_before=then(open_demo, "f12"))


def test_data_dirs_are_fixed() -> None:
    """A guard for the others: a random temp path in a snapshot would make it fail elsewhere."""
    assert fixed_dir("x") == Path("/tmp/wellbeing-test-data/x")


async def test_help_lists_the_keys_of_the_screen_below_and_the_app() -> None:
    from textual.widgets import Static

    from screens.help import HelpScreen

    app = demo_app("help-keys")
    async with app.run_test(size=SIZE) as pilot:
        await steady(pilot)
        app.open_client(DEMO_ID)
        await steady(pilot)
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        text = "\n".join(str(s.render()) for s in app.screen.query(Static))
        for shown in (
            "New session",
            "Wellbeing Plan",
            "Back",  # in the footer
            "Audit trail",
            "Close follow-up",
            "Interventions",  # not in the footer
            "Command palette",
            "Quit",
            "High contrast",
            "Hide for privacy",  # the app's
            "Cursor down",
        ):  # the focused sessions table's
            assert shown in text, shown
        assert "esc" in text and "f1" in text
        await pilot.press("escape")
        assert type(app.screen).__name__ == "DashboardScreen"
