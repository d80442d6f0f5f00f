"""The store's side paths, closed: one checked reader, corrupt files that never crash, text from
disk cleaned, audit and change that cannot part, and every copy in a subject access export.

Each of these failed on the commit before this work (3eb63ff): a FIFO hung the app's list, a
symlink to /dev/zero read until memory ran out, a 5000-digit number or deep nesting gave a
traceback, a colleague-writable `.holder` reached the terminal, a kill between a save and its
audit entry left the change unaudited, and a corrupt copy set aside was missing from the export.
"""

from __future__ import annotations

import json
import os
import random
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from filelock import FileLock

from store.audit_chain import line_hash
from store.clients import Repository
from store.errors import CorruptFile, StoreError
from store.profile import Client
from store.records import Answer, Session
from tests.cli_runner import run_cli, run_cli_process
from tests.conftest import ROOT
from tui.services.clients.rows import list_clients
from tui.services.config import Config
from tui.services.context import Context

CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
HOSTILE = "\x1b]0;pwned\x07\x1b]52;c;ZXZpbA==\x07[/]\x9b31m"


def run(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The command line, in this process."""
    return run_cli("--data-dir", str(data_dir), *args)


def run_process(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The command line as a process, with a timeout: a hang is a failure, not a stuck suite."""
    return run_cli_process("--data-dir", str(data_dir), *args, timeout=30)


def add(repo: Repository, cid: str, name: str = "Ann") -> None:
    repo.add_client(Client(id=cid, name=name))


# -- one reader ----------------------------------------------------------------------------------


def hostile_files(repo: Repository) -> dict[str, str]:
    """Client files no reader may trust, by ID, with a word the refusal must name."""
    clients = repo.clients_dir
    os.mkfifo(clients / "F1.json", 0o600)
    (clients / "Z1.json").symlink_to("/dev/zero")
    add(repo, "L1")
    (clients / "L1.json").chmod(0o644)
    big = clients / "B1.json"
    with open(big, "wb") as handle:
        handle.truncate(300 * 1024 * 1024)  # sparse: costs nothing, refused by size
    big.chmod(0o600)
    found = {"F1": "FIFO", "Z1": "symbolic link", "L1": "open to others", "B1": "bytes"}
    if os.geteuid() == 0:
        add(repo, "N1")
        os.chown(clients / "N1.json", 65534, -1)
        found["N1"] = "not to you"
    return found


def test_the_app_list_and_client_list_refuse_the_same_files_and_never_hang(
    repo: Repository,
) -> None:
    add(repo, "A1")
    expected = hostile_files(repo)
    result = run_process(repo.data_dir, "client", "list")
    assert result.returncode == 1
    assert result.stdout.split()[0] == "A1"
    cli_lines = result.stderr.strip().splitlines()
    assert len(cli_lines) == len(expected)
    ctx = Context(config=Config(), data_dir=repo.data_dir)
    rows = {r.client_id: r for r in list_clients(ctx)}  # what the app's list shows
    assert not rows["A1"].problem
    for cid, word in expected.items():
        assert word in rows[cid].problem, (cid, rows[cid].problem)
        assert any(rows[cid].problem in line for line in cli_lines), cid


async def test_the_app_shows_a_fifo_as_a_row_it_cannot_read(repo: Repository) -> None:
    from screens.client_list import ClientListScreen
    from tui.shell.app import WellbeingApp

    add(repo, "A1")
    os.mkfifo(repo.clients_dir / "F1.json", 0o600)
    app = WellbeingApp(
        Context(config=Config(privacy_check=False, idle_minutes=0), data_dir=repo.data_dir)
    )
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, ClientListScreen)
        assert [r.client_id for r in app.screen.rows] == ["A1", "F1"]
        assert "FIFO" in app.screen.rows[1].problem


def test_content_check_never_hangs_on_a_fifo_or_a_device(tmp_path: Path) -> None:
    pack = tmp_path / "pack"
    pack.mkdir()
    os.mkfifo(pack / "pipe.md")
    (pack / "zero.md").symlink_to("/dev/zero")
    result = run_process(tmp_path / "data", "content", "check", str(pack))
    assert result.returncode == 1
    lines = [ln for ln in result.stdout.splitlines() if ln.startswith(str(pack))]
    assert sorted(Path(ln.split(":")[0]).name for ln in lines) == ["pipe.md", "zero.md"]
    assert all("not a regular file" in ln for ln in lines)


# -- corrupt never crashes -----------------------------------------------------------------------


def corrupt(path: Path, how: str) -> None:
    text = path.read_text("utf-8")
    if how == "nested":
        path.write_text(text[:-1] + ',"x":{"1":' + "[" * 100_000 + "]" * 100_000 + "}}")
    elif how == "bigint":
        path.write_text(text[:-1] + ',"x":{"1":{"n":' + "9" * 5000 + "}}}")
    elif how == "surrogate":
        path.write_text(text.replace('"Ann"', '"Ann\\ud800"'))


@pytest.mark.parametrize("how", ["nested", "bigint", "surrogate"])
def test_a_corrupt_file_is_one_line_and_changes_nothing(repo: Repository, how: str) -> None:
    add(repo, "A1")
    path = repo.path("A1")
    corrupt(path, how)
    before = path.read_bytes()
    for args in (
        ["client", "list"],
        ["plan", "A1", "--kind", "wellbeing"],
        ["export", "A1", "-o", str(repo.data_dir.parent / "sar.json")],
    ):
        result = run(repo.data_dir, *args)
        assert result.returncode == 1, args
        assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr, result.stderr
        assert "A1.json" in result.stderr and "backup" in result.stderr
    assert path.read_bytes() == before
    with pytest.raises(CorruptFile) as caught:
        repo.open("A1")
    assert caught.value.backup  # the app's dialog offers it


async def test_the_app_offers_the_backup_for_a_lone_surrogate_and_saves_again(
    repo: Repository,
) -> None:
    from screens.dashboard import DashboardScreen
    from screens.dialogs.choice import ProblemScreen
    from tui.shell.app import WellbeingApp

    add(repo, "A1")
    corrupt(repo.path("A1"), "surrogate")
    app = WellbeingApp(
        Context(config=Config(privacy_check=False, idle_minutes=0), data_dir=repo.data_dir)
    )
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.open_client("A1")
        await pilot.pause()
        assert isinstance(app.screen, ProblemScreen) and app.screen.offer
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen)
        oc = app.client_files["A1"]
        from store.records import SessionMode
        from tui.services.clients.sessions import plan_session, save_notes

        session = plan_session(
            oc, practitioner="pat", mode=SessionMode.OFFICE, planned=[], rar_activity=False
        )
        save_notes(oc, session.id, "saves again")
    assert list(repo.clients_dir.glob("A1.json.corrupt-*"))


def test_a_5000_digit_number_in_a_content_pack_is_a_file_line_error(tmp_path: Path) -> None:
    pack = tmp_path / "pack"
    pack.mkdir()
    (pack / "big.md").write_text(f"---\nid: big\nminutes: {'9' * 5000}\n---\n")
    result = run(tmp_path / "data", "content", "check", str(pack))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"{pack / 'big.md'}:3: a number of 5000 digits is too long" in result.stdout


# -- text from disk ------------------------------------------------------------------------------


def test_a_hostile_holder_note_never_reaches_a_message(repo: Repository) -> None:
    add(repo, "A1")
    holder = repo.clients_dir / "A1.holder"
    holder.write_text(json.dumps({"user": HOSTILE, "host": HOSTILE, "since": HOSTILE}))
    holder.chmod(0o600)
    lock = FileLock(repo.clients_dir / "A1.lock", timeout=0)
    lock.acquire()  # a colleague holds the client
    try:
        cf = repo.open("A1")
        assert cf.read_only
        message = str(cf.lock_error())
    finally:
        lock.release()
    assert "open for editing by" in message
    assert not CONTROLS.search(message), repr(message)


def test_hostile_audit_lines_are_reported_by_line_never_a_crash(repo: Repository) -> None:
    add(repo, "A1")
    log = repo.audit_log("A1")
    with open(log.path, "ab") as handle:
        handle.write(
            b'{"time":"t","user":"u","uid":0,"action":["a"],"client":"A1","fields":[],"prev":"x"}\n'
        )
        handle.write(b"[" * 50_000 + b"]" * 50_000 + b"\n")
        handle.write(b'{"n":' + b"9" * 5000 + b"}\n")
        handle.write(b"\xff\xfe not utf-8\n")
        handle.write(json.dumps({"action": HOSTILE, "client": HOSTILE}).encode() + b"\n")
    problems = repo.verify_audit("A1")
    assert [p.line for p in problems] == [2, 3, 4, 5, 6]
    assert not any(CONTROLS.search(str(p)) for p in problems)
    entries = log.entries()
    assert sum(1 for e in entries if e.get("unreadable")) == 3
    result = run(repo.data_dir, "audit", "A1", "--verify")
    assert result.returncode == 1 and result.stderr.count("\n") == 1
    assert not CONTROLS.search(result.stderr)
    sar = run(repo.data_dir, "export", "A1", "-o", str(repo.data_dir.parent / "sar.json"))
    assert sar.returncode == 0, sar.stderr


# -- audit and change cannot part ----------------------------------------------------------------

SAVE_LOOP = """
import sys, itertools
from pathlib import Path
from store.clients import Repository
from store.records import Answer, Session
repo = Repository(Path(sys.argv[1]))
cf = repo.open("X123")
s = Session(id="s1", practitioner="p")
cf.save_session(s)
print("ready", flush=True)
for i in itertools.count():
    cf.save_answer(Answer(session_id="s1", exercise_id="e", step_id=f"s{i % 9}",
                          value="x" * (i % 300) + str(i), recorded_by="p"))
"""


def test_a_kill_never_leaves_a_change_unaudited_or_a_gap_unrecorded(repo: Repository) -> None:
    repo.add_client(Client(id="X123", name="Kill Test"))
    rng = random.Random(20261203)
    for _ in range(40):
        proc = subprocess.Popen(
            [sys.executable, "-c", SAVE_LOOP, str(repo.data_dir)],
            stdout=subprocess.PIPE,
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        assert proc.stdout is not None and proc.stdout.readline().strip() == b"ready"
        time.sleep(rng.uniform(0.0, 0.04))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        with repo.open("X123") as cf:  # opening reconciles
            log = cf.audit
            head = cf.audit_head()
            assert head is not None
            assert log.after(head) == []  # nothing audited after the file's last change
            # every answer in the file was audited before it was written
            saved = [json.loads(raw) for raw in log.read_lines()]
            audited = {
                (e.get("ids", {}).get("session"), (e.get("fields") or [None])[0])
                for e in saved
                if e.get("action") == "answer saved"
            }
            assert {("s1", a.step_id) for a in cf.answers()} <= audited
    assert repo.verify_audit("X123") == []


def test_a_log_cut_at_its_end_or_rewritten_is_detected(repo: Repository) -> None:
    add(repo, "A1")
    with repo.open("A1") as cf:
        for i in range(3):
            cf.save_session(Session(id=f"s{i}", practitioner="p"))
    log = repo.audit_log("A1")
    lines = log.read_lines()
    original = log.path.read_bytes()
    # cut: the last two lines go (the chain of what is left still holds)
    log.path.write_bytes(b"\n".join(lines[:-2]) + b"\n")
    assert any("was cut" in str(p) for p in repo.verify_audit("A1"))
    # rewritten: a fresh chain that holds together, without the last change
    prev, rebuilt = "0" * 64, []
    for raw in lines[:-2]:
        entry = json.loads(raw)
        entry["prev"] = prev
        line = json.dumps(entry, separators=(",", ":")).encode()
        rebuilt.append(line)
        prev = line_hash(line)
    log.path.write_bytes(b"\n".join(rebuilt) + b"\n")
    problems = repo.verify_audit("A1")
    assert [p.line for p in problems] == [len(rebuilt)] and "rewritten" in str(problems[0])
    result = run(repo.data_dir, "audit", "A1", "--verify")
    assert result.returncode == 1 and "cut" in result.stderr
    log.path.write_bytes(original)
    assert repo.verify_audit("A1") == []


# -- subject access ------------------------------------------------------------------------------


def test_the_subject_access_export_holds_what_exists_only_in_a_corrupt_copy(
    repo: Repository, tmp_path: Path
) -> None:
    add(repo, "A1")
    with repo.open("A1") as cf:
        cf.save_session(Session(id="s1", practitioner="p"))
        cf.save_answer(
            Answer(
                session_id="s1",
                exercise_id="identify",
                step_id="concerns",
                value="ONLY-IN-THE-DAMAGED-COPY",
                recorded_by="p",
            )
        )
    path = repo.path("A1")
    path.write_bytes(path.read_bytes()[:-3])  # damaged after the last save
    repo.restore_backup("A1")  # the damaged file is set aside, the backup put back
    out = tmp_path / "sar.json"
    result = run(repo.data_dir, "export", "A1", "-o", str(out))
    assert result.returncode == 0, result.stderr
    data = json.loads(out.read_text("utf-8"))
    kept = [c for c in data["copies"] if ".corrupt-" in c["file"]]
    assert len(kept) == 1 and "unreadable" in kept[0]
    # what only the damaged copy holds is in the export, as its text, with why it is damaged
    assert "not valid JSON" in kept[0]["unreadable"]
    assert "ONLY-IN-THE-DAMAGED-COPY" in kept[0]["text"]
    # and the restore lost nothing: the backup plus the journal bring the last save back
    assert "ONLY-IN-THE-DAMAGED-COPY" in json.dumps(data["records"])
    assert "COPIES KEPT" in (tmp_path / "sar.json.txt").read_text("utf-8")
    with pytest.raises(StoreError):
        repo.open("ZZ9")
