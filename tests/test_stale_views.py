"""Lists on screen follow clients that go (issue 26, stale views): a client deleted or transferred
out, from another terminal, leaves the client list, the Due list and the team's follow-ups
already on screen without a reload."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from textual.widgets import DataTable

from screens import departures
from screens.client_list import ClientListScreen
from screens.due import DueScreen
from screens.team_review import TeamReviewScreen
from store.clients import Repository
from tests.cli_runner import run_cli
from tests.settling import settled
from tests.shell_fixtures import TODAY, make_app, populate, wait_for
from tui.services.config import Config
from tui.services.context import Context
from tui.services.demo import DEMO_ID, write_demo


@pytest.fixture(autouse=True)
def quick_poll(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(departures, "POLL_SECONDS", 0.05)


def listed(app: object, table: str) -> str:
    """The rows of the table on the current screen, as text ("" while it is not there yet)."""
    found = app.screen.query(table)  # type: ignore[attr-defined]
    if not found:
        return ""
    grid = found.first(DataTable)
    return " ".join(str(c) for r in range(grid.row_count) for c in grid.get_row_at(r))


async def test_the_client_list_drops_a_client_deleted_elsewhere(data_dir: Path) -> None:
    populate(data_dir)
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: "X123" in listed(app, "#clients"), timeout=30)
        assert isinstance(app.screen, ClientListScreen)
        out = run_cli("delete", "X123", "--yes", "--data-dir", str(data_dir))
        assert out.returncode == 0, out.stderr
        await wait_for(pilot, lambda: "X123" not in listed(app, "#clients"), timeout=30)
        assert "B77" in listed(app, "#clients")


async def test_due_and_team_lists_drop_a_client_transferred_out(
    tmp_path: Path, data_dir: Path
) -> None:
    write_demo(Context(config=Config(), data_dir=data_dir), today=TODAY)
    populate(data_dir)
    app = make_app(data_dir)
    app.ctx.__dict__["_repo"] = Repository(data_dir, user="mo")
    app.ctx.config.__dict__["managers"] = ("mo",)
    secret = tmp_path / "pass"
    secret.write_text("correct horse battery staple\n", "utf-8")
    secret.chmod(0o600)
    env = {**os.environ, "WELLBEING_TRANSFER_PASSPHRASE_FILE": str(secret)}
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(app, pilot)
        app.push_screen(DueScreen(TODAY))
        await wait_for(pilot, lambda: DEMO_ID in listed(app, "#due"), timeout=30)
        app.push_screen(TeamReviewScreen(TODAY))
        await wait_for(
            pilot,
            lambda: isinstance(app.screen, TeamReviewScreen) and DEMO_ID in listed(app, "#team"),
            timeout=30,
        )
        out = run_cli(
            "transfer",
            "out",
            DEMO_ID,
            "-o",
            str(tmp_path / "b.bundle"),
            "--to",
            "Wales",
            "--data-dir",
            str(data_dir),
            env=env,
        )
        assert out.returncode == 0, out.stderr
        await wait_for(pilot, lambda: DEMO_ID not in listed(app, "#team"), timeout=30)
        app.pop_screen()
        await wait_for(pilot, lambda: isinstance(app.screen, DueScreen))
        await wait_for(pilot, lambda: DEMO_ID not in listed(app, "#due"), timeout=30)
        assert "X123" in listed(app, "#due")


async def test_the_first_frame_never_shows_a_client_removed_since_the_register_was_written(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first rows come from the register as written; a client whose file went meanwhile
    (removed by hand, or by another tool) is left out of them, not shown until the checked read
    catches up."""
    populate(data_dir)
    ctx = Context(config=Config(), data_dir=data_dir)
    from tui.services.clients.rows import list_clients

    assert {r.client_id for r in list_clients(ctx)} >= {"X123", "B77"}  # the register written
    (data_dir / "clients" / "X123.json").unlink()
    monkeypatch.setattr(ClientListScreen, "load", lambda self: None)  # the first frame alone
    monkeypatch.setattr(departures, "POLL_SECONDS", 3600)  # ... not the departures' watch
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: "B77" in listed(app, "#clients"), timeout=30)
        assert "X123" not in listed(app, "#clients")
