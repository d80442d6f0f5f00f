"""What makes the app start fast and stay light (issue 17), checked as behaviour, never as time:
the first frame imports no heavy library, the list is drawn from the register and fills a batch
at a time, the config is checked without pydantic, PDFs are made in a child process, and the
dashboard is built once and refilled per client."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from store.clients import Repository
from store.profile import Client
from store.records import Session
from tests.conftest import ROOT, cli_env
from tui.services.clients.rows import SUMMARY_KIND, ClientListing, list_clients
from tui.services.config import Config, ConfigError, load_config
from tui.services.context import Context
from tui.services.errors import UserError
from tui.services.writers import writer_of

HEAVY = ("pydantic", "tinydb", "filelock", "cryptography", "fpdf", "yaml", "markdown_it")


def _python(code: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=cli_env(),
        cwd=ROOT,
        timeout=120,
        check=True,
    )
    return done.stdout


def _caseload(repo: Repository, n: int) -> list[str]:
    ids = [f"C{i:03d}" for i in range(1, n + 1)]
    for cid in ids:
        repo.add_client(Client(id=cid, name=f"Name {cid}"))
    return ids


def test_the_first_frame_imports_no_heavy_library(repo: Repository) -> None:
    """Everything the client list needs, read from a warm register, in a fresh interpreter."""
    _caseload(repo, 3)
    list_clients(Context(config=Config(), data_dir=repo.data_dir))  # writes the register
    out = _python(
        "import sys, json\n"
        "import tui.cli.main, tui.shell.launch, tui.shell.app, screens.client_list\n"
        "from pathlib import Path\n"
        "from tui.services.config import load_config\n"
        "from tui.services.context import Context\n"
        "from tui.services.clients.rows import ClientListing\n"
        f"ctx = Context(config=load_config(), data_dir=Path({str(repo.data_dir)!r}))\n"
        "ctx.prepare_data_dir()\n"
        "listing = ClientListing(ctx)\n"
        "rows = listing.rows()\n"
        f"heavy = [m for m in {HEAVY!r} if m in sys.modules]\n"
        "print(json.dumps([heavy, [r.name for r in rows], listing.complete]))\n"
    )
    heavy, names, complete = json.loads(out)
    assert heavy == []
    assert names == ["Name C001", "Name C002", "Name C003"] and complete


_GC_PROBE = """
import gc, sys
import tui.cli.main

runs = []  # every collection, in order
gc.callbacks.append(lambda phase, info: phase == "start" and runs.append(info))
at: dict[str, int] = {}
parse, enable = tui.cli.main.parse, gc.enable

def parsed(argv):
    args = parse(argv)
    at["parse"] = len(runs)
    return args

def enabled():
    if "enable" not in at and "tui.shell.app" in sys.modules:
        at["enable"] = len(runs)
        sys.modules["tui.shell.app"].WellbeingApp.run = run
    enable()

def run(self, *args, **kwargs):
    during = at["enable"] - at["parse"]
    print("running", gc.isenabled(), gc.get_freeze_count() > 1000, during, flush=True)

tui.cli.main.parse, gc.enable = parsed, enabled
code = tui.cli.main.main(sys.argv[1:])
print("after", code, gc.isenabled(), flush=True)
"""


def test_the_collector_sleeps_through_the_imports_and_runs_with_the_app(
    repo: Repository, tmp_path: Path
) -> None:
    """The app's imports run without the garbage collector (each collection would walk all they
    made, ~30 ms of a start): not one collection from the command line parsed to the app's
    modules in. It runs again, with them frozen out, by the time the app does. A launch that
    fails, and any command, leave it running."""
    from tests.pty_app import PtyApp

    _caseload(repo, 1)
    seen = []
    for args in (
        ["--data-dir", str(repo.data_dir)],
        ["--data-dir", str(tmp_path / "a-file")],  # not a directory: one line, exit 1
        ["--data-dir", str(repo.data_dir), "client", "list"],
    ):
        (tmp_path / "a-file").write_text("x")
        app = PtyApp(args, argv0=[sys.executable, "-c", _GC_PROBE])
        try:
            app.proc.wait(timeout=60)
            app.read(0.2)
        finally:
            app.close()
        seen.append(
            [line for line in app.output.decode().splitlines() if line[:5] in ("runni", "after")]
        )
    assert seen[0] == ["running True True 0", "after 0 True"]
    assert seen[1] == ["after 1 True"]
    assert seen[2] == ["after 0 True"]


def test_a_new_caseload_fills_a_batch_at_a_time_and_keeps_the_register(
    repo: Repository,
) -> None:
    ids = _caseload(repo, 5)
    ctx = Context(config=Config(), data_dir=repo.data_dir)
    listing = ClientListing(ctx)
    assert listing.rows() == [] and not listing.complete  # nothing read yet
    seen = []
    for done in listing.fill(batch=2):
        seen.append((done, [r.client_id for r in listing.rows()]))
    assert seen == [(2, ids[:2]), (4, ids[:4]), (5, ids)]
    doc = json.loads((repo.data_dir / "register.json").read_text())
    assert doc["kind"] == SUMMARY_KIND and sorted(doc["clients"]) == ids
    # the next start reads no client file; a changed one is read again
    again = ClientListing(ctx)
    assert again.complete and [r.client_id for r in again.rows()] == ids
    with repo.open("C002") as cf:
        cf.save_session(Session(practitioner="sam"))
    stale = ClientListing(ctx)
    assert stale.register.stale == ["C002"]
    assert [r.client_id for r in stale.rows()] == ["C001", "C003", "C004", "C005"]


def test_a_start_cut_short_keeps_what_it_read(repo: Repository) -> None:
    """The register is written as it is built: a kill half way does not start from nothing."""
    from tui.services.clients import rows as client_rows

    _caseload(repo, 6)
    ctx = Context(config=Config(), data_dir=repo.data_dir)
    filling = ClientListing(ctx).fill(batch=1)
    old = client_rows.SAVE_EVERY
    client_rows.SAVE_EVERY = 3
    try:
        for done in filling:
            if done == 4:
                break  # the app went (the worker was cancelled)
    finally:
        client_rows.SAVE_EVERY = old
    filling.close()
    assert len(ClientListing(ctx).register.current) >= 3


def test_config_is_checked_without_pydantic(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('idle_minutes = 7\ncontent_dirs = ["/srv/packs"]\n')
    config = load_config(path)
    assert config.idle_minutes == 7.0 and config.content_dirs == (Path("/srv/packs"),)
    for text, says in (
        ("idle_minutes = -1", "idle_minutes: must be at least 0 and at most 240"),
        ('theme = "neon"', 'theme: must be one of "default", "high-contrast"'),
        ('mouse = "yes"', "mouse: must be true or false"),
        ("retention_years = 2.5", "retention_years: must be a whole number"),
        ("colour = 1", "colour: is not a setting Wellbeing Guide knows"),
        ('[[crisis_lines]]\nname = "x"', "crisis_lines.0: needs name and number"),
        ('keymap = { "app.quit" = 3 }', "keymap: must map binding ids to keys"),
    ):
        path.write_text(text + "\n")
        with pytest.raises(UserError) as caught:
            load_config(path)
        message = str(caught.value)
        assert says in message and "\n" not in message and str(path) in message
    with pytest.raises(ConfigError):
        Config(due_rar_most_a_week=0)


def test_a_pdf_is_made_in_a_child_process(tmp_path: Path) -> None:
    out = _python(
        "import sys\n"
        "from tui.services.export import Block, Document, render\n"
        "doc = Document(title='Plan', blocks=(Block(kind='text', text='Walk by the canal'),))\n"
        "data = render(doc, 'pdf')\n"
        "print(data[:4].decode(), 'fpdf' in sys.modules)\n"
    )
    assert out.split() == ["%PDF", "False"]


def test_a_failed_pdf_child_is_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    from tui.services.export import Document, pdf_child

    monkeypatch.setattr(pdf_child.sys, "executable", "/bin/false")
    with pytest.raises(UserError) as caught:
        pdf_child.pdf_in_child(Document(title="Plan"))
    assert str(caught.value).startswith("the PDF could not be made") and "\n" not in str(
        caught.value
    )


def _fake_child(tmp_path: Path, body: str) -> str:
    script = tmp_path / "child.sh"
    script.write_text(f"#!/bin/sh\n{body}\n")
    script.chmod(0o700)
    return str(script)


@pytest.mark.parametrize(
    ("body", "says"),
    [
        ("kill -9 $$", "the PDF maker was stopped (SIGKILL)"),
        ("echo 'MemoryError' >&2; exit 1", "the PDF could not be made: MemoryError"),
        ("exec sleep 600", "it took over 1 s and was stopped"),
    ],
    ids=["killed", "failed", "hung"],
)
@pytest.mark.parametrize("early", [False, True], ids=["started-when-asked", "started-early"])
def test_a_failed_killed_or_hung_pdf_child_is_one_line_from_the_command_line(
    tmp_path: Path,
    data_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    cli,
    body: str,
    says: str,
    early: bool,
) -> None:
    """The command line gives one line and exit 1, never a traceback: a killed child at once, a
    hung one once TIMEOUT_SECONDS has passed (1 s here; it is killed, not left running); the
    same for the child the command starts while it compiles the plan (`start_early`)."""
    from tui.services.export import pdf_child

    if early:
        monkeypatch.setattr(pdf_child, "start_early", pdf_child.start_early.real)
        run = pdf_child._run

        def only_early(payload: bytes):  # noqa: ANN202 - the child's CompletedProcess
            assert len(pdf_child._early) == 1, "no child was started ahead of the document"
            return run(payload)

        monkeypatch.setattr(pdf_child, "_run", only_early)

    repo = Repository(data_dir)
    repo.ensure()
    repo.add_client(Client(id="P1", name="Pat"))
    monkeypatch.setattr(pdf_child.sys, "executable", _fake_child(tmp_path, body))
    monkeypatch.setattr(pdf_child, "TIMEOUT_SECONDS", 1)
    out = tmp_path / "plan.pdf"
    done = cli("plan", "P1", "--kind", "wellbeing", "--format", "pdf", "-o", str(out))
    assert done.returncode == 1, done.stderr
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr, done.stderr
    assert says in done.stderr
    assert not out.exists()
    assert not pdf_child._early  # given its document, whatever became of it


def test_the_command_line_starts_the_pdf_maker_early_and_leaves_none_behind(
    tmp_path: Path, data_dir: Path, cli_process
) -> None:
    """In a process of its own (no test shims): the PDF made by the child started while the
    plan was compiled; a command that fails after starting one (the client is held elsewhere
    ... here: has no file) leaves no child running."""
    repo = Repository(data_dir)
    repo.ensure()
    repo.add_client(Client(id="P1", name="Pat"))
    out = tmp_path / "plan.pdf"
    done = cli_process("plan", "P1", "--kind", "wellbeing", "--format", "pdf", "-o", str(out))
    assert done.returncode == 0, done.stderr
    assert out.read_bytes().startswith(b"%PDF")
    gone = cli_process("plan", "P2", "--kind", "wellbeing", "--format", "pdf", "-o", str(out))
    assert gone.returncode == 1 and "P2" in gone.stderr, gone.stderr
    assert _pdf_makers_of(os.environ["WELLBEING_STATE_DIR"]) == []


def _pdf_makers_of(marker: str) -> list[int]:
    """PDF makers still running whose environment holds `marker` (this test's state dir)."""
    found = []
    for proc in Path("/proc").iterdir():
        try:
            cmd = (proc / "cmdline").read_bytes()
            env = (proc / "environ").read_bytes()
        except OSError:
            continue
        if b"pdf_child" in cmd and marker.encode() in env:
            found.append(int(proc.name))
    return found


# -- the screens (Pilot) ----------------------------------------------------------------------


async def test_the_list_shows_rows_as_a_first_start_reads_them(tmp_path: Path) -> None:
    from screens.client_list import ClientListScreen
    from tests.shell_fixtures import make_app, rows, wait_for

    repo = Repository(tmp_path / "data")
    repo.ensure()
    ids = _caseload(repo, 120)  # more than one batch: the list fills in steps
    app = make_app(repo.data_dir)
    shown: list[int] = []
    original = ClientListScreen._show

    def spy(screen: ClientListScreen, found: list, complete: bool = True, total: int = 0) -> None:  # type: ignore[type-arg]
        shown.append(len(found))
        original(screen, found, complete, total)

    ClientListScreen._show = spy  # type: ignore[method-assign]
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await wait_for(pilot, lambda: rows(app) == len(ids), timeout=30)
            assert app.screen.query_one("#more").display is False  # "Reading ..." has gone
            # the reading thread writes the register once the last rows are shown: wait for it
            await wait_for(pilot, lambda: (repo.data_dir / "register.json").exists(), timeout=30)
    finally:
        ClientListScreen._show = original  # type: ignore[method-assign]
    assert shown[0] == 0 and shown[-1] == len(ids)
    assert any(0 < n < len(ids) for n in shown)  # rows were shown before all were read
    assert (repo.data_dir / "register.json").exists()


async def test_the_key_bar_shows_the_keys_that_work_and_presses_a_clicked_one(
    tmp_path: Path,
) -> None:
    from screens.key_bar import KeyBar
    from tests.shell_fixtures import make_app, populate, rows, wait_for

    populate(tmp_path / "data")
    app = make_app(tmp_path / "data")
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: rows(app) == 2)
        bar = app.screen.query_one(KeyBar)
        keys = {key: enabled for key, _shown, _words, enabled in bar.entries}
        assert keys["a"] and keys["f1"] and keys["enter"]
        text = str(bar.render())
        assert "a Add client" in text and "f1 Help" in text
        await pilot.press("slash")  # typing into the search box: letters are text there
        await pilot.pause()
        keys = {key: enabled for key, _shown, _words, enabled in bar.entries}
        assert "a" not in keys and keys["slash"] is False  # letters are text; / is dimmed
        await pilot.press("escape")
        await pilot.pause()
        help_at = str(bar.render()).index("f1")
        await pilot.click(KeyBar, offset=(help_at, 0))
        await pilot.pause()
        assert type(app.screen).__name__ == "HelpScreen"


async def test_one_dashboard_is_refilled_for_each_client(tmp_path: Path) -> None:
    from screens.dashboard import DashboardScreen
    from tests.shell_fixtures import make_app, populate, rows, wait_for

    populate(tmp_path / "data")
    app = make_app(tmp_path / "data")
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: rows(app) == 2)
        await app.workers.wait_for_complete()
        await pilot.pause()
        built = app._dashboard
        assert built is not None and built.is_mounted  # built off screen while the list showed
        app.open_client("X123")
        await wait_for(pilot, lambda: isinstance(app.screen, DashboardScreen))
        assert app.screen is built
        assert "Alex Brown" in str(built.query_one("#profile").render())
        await pilot.press("escape")
        await pilot.pause()
        app.open_client("B77")
        await wait_for(pilot, lambda: isinstance(app.screen, DashboardScreen))
        assert app.screen is built
        profile = str(built.query_one("#profile").render())
        assert "B77" in profile and "Alex Brown" not in profile  # nothing of the last client
        assert built.query_one("#sessions").display is False
        await pilot.press("escape")
        await pilot.pause()
        assert "X123" not in app.client_files and "B77" not in app.client_files


def test_an_encrypted_data_dir_keeps_an_encrypted_register(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Encrypted dirs used to read every client file on every start: the register is kept there
    too, encrypted with the data dir's key, naming nobody in plain text."""
    from store import crypto

    plain = Repository(data_dir)
    plain.ensure()
    codec = crypto.create_keyinfo(data_dir, "correct horse battery staple")
    repo = Repository(data_dir, codec=codec)
    repo.add_client(Client(id="E1", name="Robin Quill"))
    repo.add_client(Client(id="E2", name="Sasha Wren"))
    (data_dir / "register.json").write_text('{"kind": "old", "clients": {"E1": "Robin Quill"}}')
    (data_dir / "register.json").chmod(0o600)  # a plain one left from before encryption
    ctx = Context(config=Config(), data_dir=data_dir)
    ctx.unlock(codec)
    assert [r.name for r in list_clients(ctx)] == ["Robin Quill", "Sasha Wren"]
    blob = (data_dir / "register.json").read_bytes()
    assert crypto.is_encrypted_blob(blob) and b"Robin" not in blob and b"Sasha" not in blob
    read: list[str] = []
    original = Repository.summarise

    def counting(self: Repository, cid: str, summarise: object) -> object:
        read.append(cid)
        return original(self, cid, summarise)  # type: ignore[arg-type]

    monkeypatch.setattr(Repository, "summarise", counting)
    listing = ClientListing(ctx)
    assert listing.complete and [r.client_id for r in listing.rows()] == ["E1", "E2"]
    assert read == []  # the next start reads no client file


def test_a_save_writes_its_change_not_the_history(repo: Repository) -> None:
    """A save appends one line (the changed record) to the journal: the client file is not
    rewritten, whatever its history holds."""
    from store.records import Answer

    repo.add_client(Client(id="H1", name="Heavy"))
    session = Session(practitioner="sam")

    def answer(i: int, value: str) -> Answer:
        return Answer(
            session_id=session.id,
            exercise_id="treat-a-friend",
            step_id=f"s{i}",
            value=value,
            recorded_by="sam",
        )

    with repo.open("H1") as cf:
        cf.save_session(session)
        for i in range(300):
            cf.save_answer(answer(i, f"answer {i}"))
    paths = repo.paths("H1")
    with repo.open("H1") as cf:
        file_before = paths.file.stat()
        journal_before = paths.journal.stat().st_size if paths.journal.exists() else 0
        cf.save_answer(answer(1, "changed"))
        file_after = paths.file.stat()
        grew = paths.journal.stat().st_size - journal_before
        assert (file_after.st_ino, file_after.st_mtime_ns) == (
            file_before.st_ino,
            file_before.st_mtime_ns,
        )  # the file is not rewritten by a save
        assert 0 < grew < 1024  # one line: the change
    with repo.read("H1") as cf:
        assert {a.step_id: a.value for a in cf.answers()}["s1"] == "changed"


async def test_back_from_a_changed_client_its_row_stays_under_the_cursor(tmp_path: Path) -> None:
    """The client just closed changed its file: the list reads it again before showing itself
    again, so its row never blinks out and the cursor stays on it."""
    from screens.client_list import ClientListScreen
    from screens.dashboard import DashboardScreen
    from tests.shell_fixtures import make_app, populate, rows, wait_for

    populate(tmp_path / "data")
    app = make_app(tmp_path / "data")
    shown: list[list[str]] = []
    original = ClientListScreen._show

    def spy(screen: ClientListScreen, found: list, complete: bool = True, total: int = 0) -> None:  # type: ignore[type-arg]
        shown.append([r.client_id for r in found])
        original(screen, found, complete, total)

    ClientListScreen._show = spy  # type: ignore[method-assign]
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await wait_for(pilot, lambda: rows(app) == 2)
            await app.workers.wait_for_complete()
            await pilot.press("down", "enter")  # X123, second in ID order
            await wait_for(pilot, lambda: isinstance(app.screen, DashboardScreen))
            writer_of(app.client_files["X123"]).save_session(Session(practitioner="pat"))
            shown.clear()
            await pilot.press("escape")
            await wait_for(pilot, lambda: bool(shown))
            await app.workers.wait_for_complete()
            await pilot.pause()
            table = app.screen.query_one("#clients")
            key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
    finally:
        ClientListScreen._show = original  # type: ignore[method-assign]
    assert all("X123" in ids for ids in shown)
    assert key == "X123"


async def test_a_long_history_lists_the_latest_sessions_and_the_rest_at_the_last_row(
    tmp_path: Path,
) -> None:
    from datetime import date, timedelta

    from screens.dashboard import MAX_SESSION_ROWS, DashboardScreen
    from store.records import SessionStatus
    from tests.shell_fixtures import make_app, wait_for

    repo = Repository(tmp_path / "data")
    repo.ensure()
    repo.add_client(Client(id="L1", name="Long History"))
    total = MAX_SESSION_ROWS + 8
    with repo.open("L1") as cf:
        for week in range(total):
            cf.save_session(
                Session(
                    practitioner="pat",
                    date=date(2025, 1, 6) + timedelta(weeks=week),
                    status=SessionStatus.COMPLETED if week else SessionStatus.IN_PROGRESS,
                )
            )
    app = make_app(repo.data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        app.open_client("L1")
        await wait_for(pilot, lambda: isinstance(app.screen, DashboardScreen) and app.screen.ready)
        await pilot.pause()
        table = app.screen.query_one("#sessions")
        # the latest completed ones, and the oldest because it is still open
        assert table.row_count == MAX_SESSION_ROWS + 1
        assert "more at the last row" in str(app.screen.query_one("#no-sessions").render())
        table.focus()
        for _ in range(MAX_SESSION_ROWS):
            await pilot.press("down")
        await pilot.pause()
        oldest = app.screen.sessions[0].id  # open, so listed last among the latest
        assert table.row_count == total
        # still on the session it reached, now last of all (the oldest)
        assert table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value == oldest
        assert table.cursor_row == total - 1
        assert app.screen.query_one("#no-sessions").display is False


def test_the_first_frame_lists_only_ids_from_a_register_it_has_not_checked(
    repo: Repository,
) -> None:
    """The first frame trusts the register's entries without listing the files: an ID in it
    that no client file could have (escape codes, markup, lower case) is never shown."""
    _caseload(repo, 2)
    ctx = Context(config=Config(), data_dir=repo.data_dir)
    list_clients(ctx)
    path = repo.data_dir / "register.json"
    doc = json.loads(path.read_text())
    for hostile in ("\x1b]0;pwned\x07", "[@click=app.quit]x", "c001", "../X"):
        doc["clients"][hostile] = {"key": [1, 2, 3, 4], "name": "Hostile"}
    path.write_text(json.dumps(doc))
    first = ClientListing(ctx, check=False)
    assert [r.client_id for r in first.rows()] == ["C001", "C002"]
    assert [r.client_id for r in ClientListing(ctx).rows()] == ["C001", "C002"]


def test_the_key_gate_lets_go_when_the_app_has_no_screen_left() -> None:
    """A key held while the last screen closes (an exercise app's last Next) must not crash the
    gate's timer: with no screen, nothing is left for the held keys."""
    from textual import events

    from tui.shell.key_gate import KeyGate

    class Closing:
        screen_stack: list[object] = []

        @property
        def screen(self) -> object:
            raise AssertionError("the gate asked for a screen the app no longer has")

    gate = KeyGate(Closing())  # type: ignore[arg-type]
    gate._holding = True  # just held: the gate looks at the screen to decide
    gate.held.append(events.Key("a", "a"))
    gate.check()
    assert not gate.holding and not gate.held


async def test_temp_files_of_killed_saves_are_cleared_after_the_first_frame(
    tmp_path: Path,
) -> None:
    """Listing every file of a large caseload for them is not done before the first frame (the
    launch leaves them); the app clears them on its warm-up thread."""
    from tests.shell_fixtures import make_app, rows, wait_for

    repo = Repository(tmp_path / "data")
    repo.ensure()
    (cid,) = _caseload(repo, 1)
    left = repo.path(cid).with_name(f".{repo.path(cid).name}.k1ll3d.tmp")
    left.write_bytes(b'{"half a save')
    ctx = Context(config=Config(), data_dir=repo.data_dir)
    ctx.prepare_data_dir(sweep=False)  # what the launch does before the first frame
    assert left.exists()
    app = make_app(repo.data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: rows(app) == 1)
        app.warm_up()  # what the list asks for once drawn (or a second after the start)
        await wait_for(pilot, lambda: not left.exists(), timeout=30)
    assert Repository(repo.data_dir).read_client(cid).id == cid
