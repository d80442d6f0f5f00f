"""Fault tests of the store, in real processes: kill -9 mid-save, two writers, corrupt files."""

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

from store.client_writer import ClientWriter
from store.clients import Repository
from store.errors import ClientLocked, CorruptFile, StoreError
from store.files import temp_files
from store.profile import Client
from store.records import Answer, Session
from tests.conftest import ROOT
from tests.warm_child import WarmServer

SAVE_LOOP = """
import sys, itertools
from pathlib import Path
from store.clients import Repository
from store.records import Answer, Session
repo = Repository(Path(sys.argv[1]))
cf = repo.open("X123")
s = Session(practitioner="p"); cf.save_session(s)
print("ready", flush=True)
for i in itertools.count():
    cf.save_answer(Answer(session_id=s.id, exercise_id="e", step_id=f"s{i % 7}",
                          value="x" * (i % 500) + str(i), recorded_by="p"))
"""


def test_kill_9_during_saves_never_corrupts(repo: Repository, client: Client) -> None:
    path = repo.path("X123")
    rng = random.Random(1234)
    saver = WarmServer.for_("save-loop", ["store.clients", "store.records"])  # forks each run
    for _ in range(50):
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        proc = saver.start(SAVE_LOOP, ["-c", str(repo.data_dir)], env=env)
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == b"ready"
        time.sleep(rng.uniform(0.0, 0.05))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        # Whatever moment it died at, the file parses and holds the client.
        data = json.loads(path.read_bytes().decode("utf-8"))
        assert data["client"]
        # A restart (opening the client) removes any temp file the kill left behind.
        with repo.open("X123") as cf:
            assert cf.client().id == "X123"
            assert list(temp_files(path)) == []


SECOND_WRITER = """
import sys
from pathlib import Path
from store.errors import ClientLocked
from store.clients import Repository
repo = Repository(Path(sys.argv[1]))
cf = repo.open("X123")
print("read_only" if cf.read_only else "writable", flush=True)
try:
    repo.update_client("X123", lambda c: c.model_copy(update={"name": "Changed"}))
    print("updated")
except ClientLocked as exc:
    print("refused:", exc)
"""


def test_second_process_is_refused_and_nothing_is_lost(repo: Repository, client: Client) -> None:
    with repo.open("X123") as cf:
        session = Session(practitioner="p")
        cf.save_session(session)
        out = subprocess.run(
            [sys.executable, "-c", SECOND_WRITER, str(repo.data_dir)],
            capture_output=True,
            text=True,
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            timeout=60,
        )
        lines = out.stdout.splitlines()
        assert lines[0] == "read_only"
        assert lines[1].startswith("refused: client X123 is open for editing by ")
        # The first session's own updates still land, and none is lost.
        for i in range(5):
            cf.save_answer(
                Answer(
                    session_id=session.id,
                    exercise_id="e",
                    step_id=f"s{i}",
                    value=str(i),
                    recorded_by="p",
                )
            )
    with repo.read("X123") as cf:
        assert cf.client().name == "Alex B"
        assert sorted(a.value for a in cf.answers()) == ["0", "1", "2", "3", "4"]
    # Once closed, the second writer gets in.
    repo.update_client("X123", lambda c: c.model_copy(update={"name": "Changed"}))
    assert repo.read_client("X123").name == "Changed"


def test_two_processes_saving_at_once_lose_no_update(repo: Repository, client: Client) -> None:
    script = """
import sys
from pathlib import Path
from store.errors import ClientLocked
from store.clients import Repository
repo = Repository(Path(sys.argv[1]))
done = 0
for i in range(20):
    while True:
        try:
            repo.update_client("X123", lambda c: c.model_copy(
                update={"order_type": c.order_type + sys.argv[2]}))
            break
        except ClientLocked:
            pass
print("ok")
"""
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", script, str(repo.data_dir), tag],
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            stdout=subprocess.PIPE,
        )
        for tag in ("a", "b")
    ]
    for p in procs:
        p.wait(timeout=120)
    order = repo.read_client("X123").order_type
    assert order.count("a") == 20 and order.count("b") == 20


CORRUPTIONS = {
    "empty": b"",
    "truncated": None,  # filled from a real file
    "trailing garbage": None,
    "a JSON list": b"[1, 2, 3]",
    "invalid UTF-8": b'{"client": {"1": {"name": "\xa3\xff"}}}',
}


@pytest.mark.parametrize("kind", list(CORRUPTIONS))
def test_corrupt_file_gives_a_clear_error_and_keeps_its_bytes(
    repo: Repository, client: Client, kind: str
) -> None:
    path = repo.path("X123")
    with repo.open("X123") as cf:
        cf.save_session(Session(practitioner="p"))  # makes a .bak
    good = path.read_bytes()
    bad = {
        "truncated": good[: len(good) // 2],
        "trailing garbage": good + b"}garbage",
    }.get(kind, CORRUPTIONS[kind])
    assert bad is not None
    path.write_bytes(bad)
    with pytest.raises(CorruptFile) as info:
        repo.open("X123")
    message = str(info.value)
    assert str(path) in message and "\n" not in message
    assert info.value.backup and info.value.backup.endswith("X123.json.bak")
    assert path.read_bytes() == bad  # never overwritten
    with pytest.raises(CorruptFile):
        repo.update_client("X123", lambda c: c)
    assert path.read_bytes() == bad
    # The other clients still list; the broken one is named.
    repo.add_client(Client(id="Y1", name="Other"))
    clients, problems = repo.list_clients()
    assert [c.id for c in clients] == ["Y1"]
    assert len(problems) == 1 and str(path) in str(problems[0])
    # Restoring the backup keeps the damaged bytes aside.
    kept = repo.restore_backup("X123")
    assert kept.read_bytes() == bad
    assert repo.read_client("X123").id == "X123"


@pytest.mark.parametrize("umask", [0o000, 0o022])
def test_permissions_are_private_whatever_the_umask(tmp_path: Path, umask: int) -> None:
    script = """
import sys
from pathlib import Path
from store.clients import Repository
from store.profile import Client
r = Repository(Path(sys.argv[1])); r.ensure()
r.add_client(Client(id="X123", name="A"))
with r.open("X123") as cf:
    cf.save_client(cf.client())
"""
    data = tmp_path / "d"
    subprocess.run(
        [sys.executable, "-c", f"import os; os.umask({umask}); exec({script!r})", str(data)],
        check=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=60,
    )
    assert (data.stat().st_mode & 0o777) == 0o700
    assert ((data / "clients").stat().st_mode & 0o777) == 0o700
    for f in (data / "clients").iterdir():
        assert (f.stat().st_mode & 0o777) == 0o600, f


def test_loose_data_dir_is_refused(tmp_path: Path) -> None:
    data = tmp_path / "d"
    Repository(data).ensure()
    os.chmod(data, 0o755)
    with pytest.raises(
        StoreError, match=r"accessible to group/others \(mode 755\); run: chmod 700"
    ):
        Repository(data).ensure()


def test_loose_client_file_is_refused(repo: Repository, client: Client) -> None:
    os.chmod(repo.path("X123"), 0o644)
    with pytest.raises(StoreError, match="mode 644"):
        repo.open("X123")


def test_symlinked_client_file_is_refused(repo: Repository, tmp_path: Path) -> None:
    target = tmp_path / "elsewhere.json"
    target.write_text("{}")
    os.chmod(target, 0o600)
    repo.path("X123").symlink_to(target)
    with pytest.raises(StoreError, match="symbolic link"):
        repo.open("X123")
    with pytest.raises(StoreError, match="already exists"):
        repo.add_client(Client(id="X123", name="A"))
    assert target.read_text() == "{}"


def test_locked_client_is_read_only_and_says_who(repo: Repository, client: Client) -> None:
    first = repo.open("X123")
    second = repo.open("X123")
    try:
        assert not first.read_only and second.read_only
        # the second is a reader: it has no way to save at all, and says who holds the client
        assert not isinstance(second, ClientWriter) and not hasattr(second, "save_session")
        error = second.lock_error()
        assert isinstance(error, ClientLocked)
        assert re.search(r"open for editing by \S+ on \S+ since", str(error))
    finally:
        second.close()
        first.close()
    assert not repo.path("X123").with_suffix(".holder").exists()


def test_utf8_whatever_the_locale(repo: Repository, client: Client) -> None:
    script = """
import sys
from pathlib import Path
from store.clients import Repository
from store.records import Answer, Session
r = Repository(Path(sys.argv[1]))
with r.open("X123") as cf:
    s = Session(practitioner="p"); cf.save_session(s)
    cf.save_answer(Answer(session_id=s.id, exercise_id="e", step_id="s",
                          value="Zo\\u00eb \\u2013 \\u00a35 \\u65e5\\u672c \\U0001f600",
                          recorded_by="p"))
    print(ascii(cf.answers()[0].value))
"""
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "LANG": "C",
        "LC_ALL": "C",
        "PYTHONUTF8": "0",
        "PYTHONIOENCODING": "ascii",
    }
    out = subprocess.run(
        [sys.executable, "-c", script, str(repo.data_dir)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=60,
        check=True,
    )
    assert "Zo\\xeb" in out.stdout
    assert "Zoë – £5 日本 😀" in repo.path("X123").read_text("utf-8")
