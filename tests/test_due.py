"""Due: what needs attention today across the caseload (issue 18 item 1).

A generated caseload with every reason present, the demo caseload, the screen at 80x24 (Pilot and
snapshot), Enter to the client, `wellbeing due --json`, and the register staying right when a file
changes underneath.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from screens.due import DueScreen
from store.clients import Repository
from store.profile import Client
from store.records import FollowUp, PlanVersion, Session, SessionStatus
from tests.cli_runner import run_cli
from tests.shell_fixtures import fixed_dir, make_app
from tests.test_screen_snapshots import steady
from tui.services.clients.due import DueItem, due, due_items
from tui.services.clients.rows import list_clients
from tui.services.config import Config
from tui.services.context import Context
from tui.services.demo import write_demo
from tui.shell.app import WellbeingApp

TODAY = date(2026, 11, 25)
ROOT = Path(__file__).resolve().parents[1]


def _at(d: date) -> datetime:
    return datetime(d.year, d.month, d.day, 10, tzinfo=UTC)


def session(day: date, rar: bool = False) -> Session:
    return Session(
        date=day,
        practitioner="pat",
        status=SessionStatus.COMPLETED,
        rar_activity=rar,
        started_at=_at(day),
    )


def caseload(data_dir: Path) -> Repository:
    """One client for each reason, and one with nothing due."""
    repo = Repository(data_dir, user="pat")
    repo.ensure()
    recent = TODAY - timedelta(days=3)

    def client(cid: str, name: str, **facts: object) -> None:
        repo.add_client(Client.model_validate({"id": cid, "name": name, **facts}))

    client("F1", "Fay Open")
    with repo.open("F1") as cf:
        cf.save_session(session(recent))
        cf.save_follow_up(
            FollowUp(
                reason="Keep Safe review: Hostility (a clear concern was recorded)",
                opened_at=_at(TODAY - timedelta(days=23)),
            )
        )
        cf.save_follow_up(
            FollowUp(
                reason="Identify: concerns (marked as a disclosure)",
                opened_at=_at(TODAY - timedelta(days=2)),
            )
        )
    client("R1", "Rob Review")
    with repo.open("R1") as cf:
        cf.save_session(session(recent))
        for kind, on in (
            ("wellbeing", TODAY - timedelta(days=5)),
            ("keep-safe", TODAY + timedelta(days=6)),
        ):
            cf.add_plan_version(
                PlanVersion(
                    kind=kind,
                    number=1,
                    saved_by="pat",
                    markdown="# Plan",
                    agreement="agreed",
                    review_on=on,
                )
            )
    client("A1", "Ash Rar", rar_days=20, order_end=TODAY + timedelta(days=28))
    with repo.open("A1") as cf:
        cf.save_session(session(recent, rar=True))
    client("N1", "Nia Unseen")
    with repo.open("N1") as cf:
        cf.save_session(session(TODAY - timedelta(weeks=9)))
    client("OK1", "Olu Fine", rar_days=10, order_end=TODAY + timedelta(days=200))
    with repo.open("OK1") as cf:
        cf.save_session(session(recent, rar=True))
    (repo.clients_dir / "BAD1.json").write_text("{not json", encoding="utf-8")
    os.chmod(repo.clients_dir / "BAD1.json", 0o600)
    return repo


@pytest.fixture
def ctx(tmp_path: Path) -> Context:
    repo = caseload(tmp_path / "data")
    context = Context(config=Config(privacy_check=False, idle_minutes=0), data_dir=repo.data_dir)
    return context


def test_every_reason_says_why(ctx: Context) -> None:
    items = due(ctx, TODAY)
    got = [(i.reason, i.client_id) for i in items]
    assert got == [
        ("follow-up", "F1"),  # oldest first
        ("follow-up", "F1"),
        ("review", "R1"),  # overdue first
        ("review", "R1"),
        ("rar", "A1"),
        ("not-seen", "N1"),
        ("problem", "BAD1"),
    ]
    words = {i.detail for i in items}
    assert "open 23 days: Keep Safe review: Hostility (a clear concern was recorded)" in words
    assert "Wellbeing Plan review overdue since 20 Nov 2026" in words
    assert "Keep Safe Plan review due 1 Dec 2026 (in 6 days)" in words
    rar = next(i for i in items if i.reason == "rar")
    assert rar.detail.startswith("19 RAR days left, 28 days to the order's end (23 Dec 2026)")
    assert "4.8 sessions a week" in rar.detail
    assert "last session 23 Sep 2026, 9 weeks ago" in words
    assert "OK1" not in {i.client_id for i in items}


def test_due_rules_are_config(ctx: Context) -> None:
    rows = list_clients(ctx)
    lenient = Config(due_not_seen_weeks=0, due_review_days=0, due_rar_most_a_week=7)
    reasons = {i.reason for i in due_items(rows, TODAY, lenient)}
    assert reasons == {"follow-up", "review", "problem"}  # only the overdue review is left
    strict = Config(due_not_seen_weeks=1)
    assert "OK1" in {i.client_id for i in due_items(rows, TODAY + timedelta(days=10), strict)}


def test_a_file_changed_underneath_is_read_again(ctx: Context) -> None:
    assert any(i.client_id == "N1" for i in due(ctx, TODAY))
    other = Repository(ctx.data_dir, user="sam")  # a colleague, another process in effect
    with other.open("N1") as cf:
        cf.save_session(session(TODAY - timedelta(days=1)))
    assert not any(i.client_id == "N1" for i in due(ctx, TODAY))


def test_due_does_not_open_unchanged_files(ctx: Context, monkeypatch: pytest.MonkeyPatch) -> None:
    due(ctx, TODAY)  # the register is written
    opened: list[str] = []
    original = Repository.summarise

    def counting(self: Repository, cid: str, summarise: object) -> object:
        opened.append(cid)
        return original(self, cid, summarise)  # type: ignore[arg-type]

    monkeypatch.setattr(Repository, "summarise", counting)
    due(ctx, TODAY)
    assert opened == ["BAD1"]  # only the file that cannot be read is tried again


def test_due_cli_json(ctx: Context) -> None:
    out = run_cli("due", "--json", "--data-dir", str(ctx.data_dir))
    assert out.returncode == 0, out.stderr
    rows = json.loads(out.stdout)
    assert {r["reason"] for r in rows} == {"follow-up", "review", "rar", "not-seen", "problem"}
    plain = run_cli("due", "--data-dir", str(ctx.data_dir))
    assert plain.returncode == 0, plain.stderr
    assert "Follow-up open" in plain.stdout and "RAR at risk" in plain.stdout


async def test_due_screen_opens_from_the_list_and_enter_goes_to_the_client(ctx: Context) -> None:
    app = WellbeingApp(ctx, today=lambda: TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, DueScreen)
        await app.workers.wait_for_complete()
        await pilot.pause()
        summary = str(app.screen.query_one("#due-summary").render())
        assert summary.startswith("7 due today: Follow-up open: 2 · Plan review: 2")
        detail = str(app.screen.query_one("#due-detail").render())
        assert "F1 Fay Open: open 23 days" in detail
        await pilot.press("down", "down", "enter")  # the overdue review
        await pilot.pause(0.5)
        assert app.screen.__class__.__name__ == "DashboardScreen"
        assert "R1" in str(app.screen.sub_title) + str(app.screen.title)


async def _open_due(pilot) -> None:  # noqa: ANN001
    await steady(pilot)
    await pilot.press("t")
    await steady(pilot)


def test_due_screen_snapshot_every_reason(snap_compare) -> None:  # noqa: ANN001
    data = fixed_dir("snap-due")
    caseload(data)
    assert snap_compare(make_app(data), terminal_size=(80, 24), run_before=_open_due)


def test_due_screen_snapshot_demo(snap_compare) -> None:  # noqa: ANN001
    app = make_app(fixed_dir("snap-due-demo"))
    write_demo(app.ctx, today=TODAY)
    assert snap_compare(app, terminal_size=(80, 24), run_before=_open_due)


async def test_due_shows_at_once_from_the_rows_the_list_has_read_then_reads_again(
    ctx: Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The list has read and checked every row: Due draws from them before its own read of the
    register, and that read (a colleague's change meanwhile) then replaces them."""
    import threading

    import screens.due as due_screen

    release = threading.Event()
    reads: list[date] = []

    def held_read(context: Context, today: date) -> list[DueItem]:
        reads.append(today)
        release.wait(30)
        return []  # as if a colleague had dealt with everything meanwhile

    app = WellbeingApp(ctx, today=lambda: TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await steady(pilot)
        monkeypatch.setattr(due_screen, "due", held_read)
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, DueScreen)
        summary = str(app.screen.query_one("#due-summary").render())
        assert summary.startswith("7 due today: Follow-up open: 2 · Plan review: 2")
        assert reads == [TODAY]  # the register is read again all the same
        release.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert str(app.screen.query_one("#due-summary").render()) == "Nothing due today."


async def test_during_a_first_start_due_shows_what_has_been_read_so_far_and_says_so(
    ctx: Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While the list is still reading the caseload's files, Due works on the rows read so far
    (it does not read them all again beside the list) and says how far that is; F5 reads on."""
    import screens.due as due_screen

    rows = list_clients(ctx)
    reads: list[date] = []

    def counted(context: Context, today: date) -> list[DueItem]:
        reads.append(today)
        return due(context, today)

    monkeypatch.setattr(due_screen, "due", counted)
    app = WellbeingApp(ctx, today=lambda: TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await steady(pilot)
        app.push_screen(DueScreen(TODAY, rows[:3], reading=len(rows) + 40))
        await pilot.pause()
        summary = str(app.screen.query_one("#due-summary").render())
        assert f"3 of {len(rows) + 40:,} clients read so far (F5 reads on)" in summary
        await app.workers.wait_for_complete()
        assert reads == []
        await pilot.press("f5")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert reads == [TODAY]
        summary = str(app.screen.query_one("#due-summary").render())
        assert summary.startswith("7 due today") and "so far" not in summary
