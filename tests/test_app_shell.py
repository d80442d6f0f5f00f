"""Pilot tests of the shell: add a client, start a session, resume it."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input

from screens.client_list import ClientListScreen
from screens.dashboard import DashboardScreen
from screens.session import SessionScreen
from store.records import SessionStatus
from store.repository import Repository
from tests.shell_fixtures import make_app, populate, rows, wait_for


async def test_add_a_client_validates_as_you_type(data_dir: Path) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        assert isinstance(app.screen, ClientListScreen)
        await wait_for(pilot, lambda: app.screen.query_one("#empty").display)
        await pilot.press("a")
        await pilot.pause()
        await pilot.press(*"../x")
        error = app.screen.query_one("#form-error")
        assert "letters and digits" in str(error.render())
        cid = app.screen.query_one("#cid", Input)
        cid.value = ""
        await pilot.press(*"x123", "tab", *"Alex B", "ctrl+s")
        await pilot.pause(0.3)
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen)
        assert app.screen.oc.client().name == "Alex B"
    assert Repository(data_dir).read_client("X123").name == "Alex B"


async def test_start_a_session_then_resume_it(data_dir: Path) -> None:
    populate(data_dir)
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: rows(app) == 2)
        await pilot.press("down", "enter")  # B77 sorts first
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen)
        await pilot.press("n")
        await pilot.pause()
        # focus starts at the top (the mode); two tabs reach the exercises
        await pilot.press("tab", "tab", "space", "down", "down", "space", "ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, SessionScreen)
        session = app.screen.session
        assert session.status is SessionStatus.IN_PROGRESS and len(session.planned) == 2
        await pilot.press("ctrl+o", *"Client calm today")
        await pilot.pause(0.6)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen)
        await pilot.press("r")  # the newest session is selected
        await pilot.pause()
        assert isinstance(app.screen, SessionScreen) and app.screen.session.id == session.id
    with Repository(data_dir).read("X123") as cf:
        saved = cf.session(session.id)
        assert saved is not None and saved.notes == "Client calm today"
        assert saved.planned == session.planned


async def test_a_second_app_gets_a_read_only_view(data_dir: Path) -> None:
    repo = populate(data_dir)
    holder = repo.open("X123")
    try:
        app = make_app(data_dir)
        async with app.run_test(size=(80, 24)) as pilot:
            await wait_for(pilot, lambda: rows(app) == 2)
            await pilot.press("down", "enter")
            await pilot.pause()
            assert isinstance(app.screen, DashboardScreen)
            assert app.screen.oc.read_only
            assert app.screen.sub_title.startswith("read-only: open for editing by ")
    finally:
        holder.close()


async def test_corrupt_client_offers_the_backup(data_dir: Path) -> None:
    repo = populate(data_dir)
    path = repo.path("X123")
    bad = path.read_bytes()[:40]
    path.write_bytes(bad)
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: rows(app) == 2)
        assert "X123.json is not valid JSON" in str(app.screen.query_one("#problems").render())
        await pilot.press("down", "enter")  # B77 sorts first; X123 is second
        await pilot.pause()
        body = str(app.screen.query_one(".dialog-body").render())
        assert "X123.json is not valid JSON" in body and "backup" in body
        assert path.read_bytes() == bad
        await pilot.press("tab", "shift+tab")
        app.screen.query_one("#offer").press()
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen)
    assert any(p.name.startswith("X123.json.corrupt-") for p in path.parent.iterdir())


async def test_command_palette_finds_screen_actions(data_dir: Path) -> None:
    from screens.client_form import ClientFormScreen

    populate(data_dir)
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: rows(app) == 2)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"add client")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ClientFormScreen))
