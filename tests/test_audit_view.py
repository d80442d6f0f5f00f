"""The audit view: hostile log entries shown literally, a broken chain said in words, Esc back."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from rich.text import Text
from textual.app import App, ComposeResult
from textual.widgets import DataTable, Input, Static

from screens.audit_view import AuditScreen, chain_status, entry_details
from store.clients import Repository
from store.profile import Client
from store.records import Session

ESCAPES = ("\x1b", "\x07", "\x00", "\x9b", "\u202e", "\x7f")


class AuditApp(App[None]):
    """Shows one AuditScreen on top of a blank base screen."""

    def __init__(self, entries: list[Any], problems: list[Any], client_id: str = "X1") -> None:
        super().__init__()
        self.entries, self.problems, self.client_id = entries, problems, client_id
        self.closed = False

    def compose(self) -> ComposeResult:
        yield Static("base", id="base")

    def on_mount(self) -> None:
        def closed(_: None) -> None:
            self.closed = True

        self.push_screen(AuditScreen(self.entries, self.problems, client_id=self.client_id), closed)


def terminal_output(app: App[Any]) -> str:
    update = app.screen._compositor.render_update(full=True)
    assert update is not None
    return update.render_segments(app.console)


def cells(app: App[Any]) -> list[list[str]]:
    table = app.screen.query_one("#audit-table", DataTable)
    out = []
    for row in range(table.row_count):
        values = table.get_row_at(row)
        assert all(isinstance(v, Text) for v in values)  # never a markup string
        out.append([v.plain for v in values])
    return out


def status(app: App[Any]) -> str:
    return str(app.screen.query_one("#audit-status", Static).render())


HOSTILE_ENTRY: dict[str, Any] = {
    "time": "[bold red]2026[/]\x1b]0;pwned\x07",
    "user": "[@click=app.quit]mallory[/]",
    "uid": 0,
    "ssh": "\x1b[2J10.0.0.1 5555 10.0.0.2 22",
    "action": "viewed[/]",
    "client": "X1",
    "fields": ["[b]name[/b]", "bell\x07field", "rtl\u202efield"],
    "ids": {"session": "[link=http://x.test]s1[/link]", "k\x9b31m": "v"},
    "prev": "0" * 64,
}


async def test_hostile_entries_are_shown_literally() -> None:
    odd_types = {
        "time": 5,
        "user": None,
        "action": ["x"],
        "fields": 7,
        "ids": "[/]",
        "ssh": 99,
        "client": "X1",
        "prev": "0",
    }
    app = AuditApp(
        [HOSTILE_ENTRY, {"line": 2, "unreadable": True}, odd_types, "not a dict"],  # type: ignore[list-item]
        [],
    )
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, AuditScreen)
        rows = cells(app)
        assert len(rows) == 4
        newest_first = [r[0] for r in rows]
        assert newest_first == ["4", "3", "2", "1"]
        hostile = rows[-1]
        assert hostile[1] == "[bold red]2026[/]"
        assert hostile[2] == "[@click=app.quit]mallory[/] (ssh 10.0.0.1)"
        assert hostile[3] == "viewed[/]"
        assert "[b]name[/b], bellfield, rtlfield" in hostile[4]
        assert "session=[link=http://x.test]s1[/link]" in hostile[4]
        assert rows[2][3] == "unreadable line"
        assert rows[1][1] == "5" and rows[1][2] == "? (ssh 99)" and rows[1][4] == "7 · [/]"
        for row in rows:
            for cell in row:
                assert not any(c in cell for c in ESCAPES), repr(cell)
        output = terminal_output(app)
        for raw in ("\x07", "\x1b]", "\x1b[2J", "\u202e", "\x9b", "pwned"):
            assert raw not in output, repr(raw)
        assert app.is_running  # the [@click=app.quit] did not become an action
        await pilot.press("escape")
        await pilot.pause()
        assert app.closed and not isinstance(app.screen, AuditScreen)


async def test_an_intact_chain_is_said_in_words() -> None:
    entry = {**HOSTILE_ENTRY, "time": "2026-11-25T10:04:00Z", "user": "pat", "ssh": None}
    app = AuditApp([entry], [])
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "✓" in status(app) and "intact" in status(app)
        assert cells(app)[0][1] == "2026-11-25 10:04"
        assert cells(app)[0][2] == "pat"


def real_log(tmp_path: Path) -> Repository:
    repo = Repository(tmp_path / "data", user="pat")
    repo.ensure()
    repo.add_client(Client(id="X1", name="A"))
    with repo.open("X1") as cf:
        cf.save_session(Session(id="s1", practitioner="pat"))
        cf.record("plan compiled", ["wellbeing"])
    return repo


async def test_a_broken_chain_is_shown_broken_in_words(tmp_path: Path) -> None:
    repo = real_log(tmp_path)
    log = repo.audit_log("X1")
    lines = log.path.read_bytes().split(b"\n")
    edited = json.loads(lines[1])
    edited["user"] = "[red]someone else\x1b]0;pwned\x07"
    lines[1] = json.dumps(edited).encode()
    log.path.write_bytes(b"\n".join(lines))
    problems = repo.verify_audit("X1")
    assert problems
    app = AuditApp(log.entries(), problems)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        text = status(app)
        assert "✗" in text and "BROKEN" in text and "line 3" in text
        assert app.screen.query_one("#audit-status").has_class("broken")
        rows = cells(app)
        assert [r[3] for r in rows] == ["plan compiled", "session saved", "viewed", "created"]
        assert "[red]someone else" in [r[2] for r in rows]
        assert "pwned" not in terminal_output(app)


async def test_a_hostile_problem_message_and_many_problems(tmp_path: Path) -> None:
    repo = real_log(tmp_path)
    log = repo.audit_log("X1")
    lines = log.path.read_bytes().split(b"\n")
    moved = json.loads(lines[0])
    moved["client"] = "[@click=app.quit]\x1b]0;pwned\x07"
    lines[0] = json.dumps(moved).encode()
    log.path.write_bytes(b"\n".join(lines[:1] + [b"junk[/]"] * 5 + lines[1:]))
    problems = repo.verify_audit("X1")
    assert len(problems) > 3
    app = AuditApp(log.entries(), problems)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        text = status(app)
        assert "BROKEN" in text and "more problem(s)" in text
        assert "[@click=app.quit]" in text and "\x1b" not in text  # repr-escaped, literal
        assert "\x1b]" not in terminal_output(app) and "\x07" not in terminal_output(app)
        assert app.is_running


def test_chain_status_and_details_are_single_clean_lines() -> None:
    assert chain_status([]).startswith("✓")
    assert chain_status(["line 2: x\x1b[31m"]) == "✗ Audit trail BROKEN: line 2: x"
    assert entry_details({"fields": "a\nb", "ids": {"x": ["y"]}}) == "a b · x=['y']"
    assert entry_details({"fields": ["x" * 5000]}).endswith("…")


async def test_an_empty_log_says_so() -> None:
    app = AuditApp([], ["line 0: there is no audit log for client X1"])
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "no audit log" in status(app)
        assert cells(app)[0][3] == "no entries"


# -- what the plan command and the plan screen record -----------------------------------------


def actions(repo: Repository, cid: str) -> list[tuple[str, list[str], dict[str, str]]]:
    return [(e["action"], e["fields"], e.get("ids", {})) for e in repo.audit_log(cid).entries()]


@pytest.fixture
def plan_repo(tmp_path: Path) -> Repository:
    from tests.plan_fixtures import CLIENT, S1, S2, history

    repo = Repository(tmp_path / "data", user="pat")
    repo.ensure()
    repo.add_client(CLIENT)
    with repo.open(CLIENT.id) as cf:
        cf.save_session(S1)
        cf.save_session(S2)
        for a in history():
            cf.save_answer(a)
    return repo


def test_plan_command_records_compiled_and_exported_on_a_read_only_open(
    plan_repo: Repository, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.plan_fixtures import CLIENT
    from tui.cli.main import main

    cid = CLIENT.id
    held = plan_repo.open(cid)  # the app holds the client: the command reads it read-only
    try:
        assert (
            main(
                [
                    "--data-dir",
                    str(plan_repo.data_dir),
                    "plan",
                    cid,
                    "--kind",
                    "keep-safe",
                    "--format",
                    "txt",
                ]
            )
            == 0
        )
        out = tmp_path / "private-name-in-path.md"
        assert (
            main(
                [
                    "--data-dir",
                    str(plan_repo.data_dir),
                    "plan",
                    cid,
                    "--kind",
                    "wellbeing",
                    "-o",
                    str(out),
                ]
            )
            == 0
        )
    finally:
        held.close()
    assert out.exists() and capsys.readouterr().out
    tail = actions(plan_repo, cid)[-6:]
    assert tail == [
        ("viewed", [], {}),
        ("plan compiled", ["keep-safe"], {}),
        ("exported", ["keep-safe"], {"format": "txt", "to": "stdout"}),
        ("viewed", [], {}),
        ("plan compiled", ["wellbeing"], {}),
        ("exported", ["wellbeing"], {"format": "md", "to": "file"}),
    ]
    assert "private-name-in-path" not in plan_repo.audit_log(cid).path.read_text()
    assert plan_repo.verify_audit(cid) == []


def test_plan_command_writes_nothing_when_the_audit_cannot_be_written(
    plan_repo: Repository, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.plan_fixtures import CLIENT
    from tui.cli.main import main

    log = plan_repo.audit_log(CLIENT.id).path
    aside = log.with_name("aside.jsonl")
    log.rename(aside)
    log.symlink_to(aside)  # the log refuses to append through a link (as root too)
    out = tmp_path / "plan.md"
    code = main(
        [
            "--data-dir",
            str(plan_repo.data_dir),
            "plan",
            CLIENT.id,
            "--kind",
            "wellbeing",
            "-o",
            str(out),
        ]
    )
    assert code == 1 and not out.exists()
    assert "audit" in capsys.readouterr().err


def test_pdf_to_the_terminal_is_refused_before_anything_is_recorded(
    plan_repo: Repository, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.plan_fixtures import CLIENT
    from tui.cli.main import main

    before = actions(plan_repo, CLIENT.id)
    assert (
        main(
            [
                "--data-dir",
                str(plan_repo.data_dir),
                "plan",
                CLIENT.id,
                "--kind",
                "wellbeing",
                "--format",
                "pdf",
            ]
        )
        == 1
    )
    assert "PDF cannot go to the terminal" in capsys.readouterr().err
    assert actions(plan_repo, CLIENT.id) == before


async def test_plan_screen_records_compiled_and_exported(
    plan_repo: Repository, tmp_path: Path
) -> None:
    from screens.plan.export import ExportDialog
    from screens.plan.screen import PlanScreen
    from tests.plan_fixtures import CLIENT, plan_client

    cf = plan_repo.read(CLIENT.id)  # read-only: recording still works
    today = date(2020, 6, 12)
    oc = plan_client(cf)

    class PlanApp(App[None]):
        def on_mount(self) -> None:
            self.push_screen(PlanScreen("wellbeing", oc, "pat", tmp_path, today=today))

    app = PlanApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert actions(plan_repo, CLIENT.id)[-1] == ("plan compiled", ["wellbeing"], {})
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, ExportDialog)
        app.screen.query_one(Input).value = str(tmp_path / "out.txt")
        await pilot.press("enter")  # Enter exports from anywhere in the dialog
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
    assert (tmp_path / "out.txt").exists()
    assert actions(plan_repo, CLIENT.id)[-1] == (
        "exported",
        ["wellbeing"],
        {"format": "txt", "to": "file"},
    )
    assert plan_repo.verify_audit(CLIENT.id) == []


def test_restricted_is_a_profile_field_and_its_change_is_audited(
    repo: Repository, capsys: pytest.CaptureFixture[str]
) -> None:
    from tui.cli.main import main
    from tui.services.clients.profile_fields import PROFILE_FIELDS

    assert PROFILE_FIELDS["restricted"].choices == ("yes", "no")
    repo.add_client(Client(id="X1", name="A"))
    base = ["--data-dir", str(repo.data_dir), "client", "set", "X1"]
    assert main([*base, "restricted=yes"]) == 0
    assert repo.read_client("X1").restricted
    assert main([*base, "name=B"]) == 1  # read-only while restricted
    assert main([*base, "restricted=unknown"]) == 1  # never unknown
    assert main([*base, "restricted=no"]) == 0
    assert not repo.read_client("X1").restricted
    changed = [
        e["fields"] for e in repo.audit_log("X1").entries() if e["action"] == "profile changed"
    ]
    assert changed == [["restricted"], ["restricted"]]
    err = capsys.readouterr().err
    assert "restricted" in err and "expected yes or no" in err
