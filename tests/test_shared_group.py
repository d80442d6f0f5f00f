"""A team server's shared data dir: colleagues in one group share clients, others are refused.

Real users are simulated by child processes that drop root to other uids and gids, so this runs
only as root (as CI does); elsewhere it is skipped with the reason.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="needs root to act as several users")

TEAM_GID, OTHER_GID = 47001, 47002
ALICE, BOB, MALLORY = 47011, 47012, 47013

# Everything is imported before dropping root: the interpreter's own files may be readable by root
# only (a pyenv under /root), which says nothing about the data dir under test.
AS_USER = """
import getpass, json, os, pwd, socket, sys
from pathlib import Path
from store.errors import StoreError
from store.profile import Client
from store.records import Answer, Session
from store.clients import Repository
import store.audit, store.files, store.permissions
uid, gid = int(sys.argv[1]), int(sys.argv[2])
os.setgroups([gid]); os.setgid(gid); os.setuid(uid)
repo = Repository(Path(sys.argv[3]), allow_group=True)
action = sys.argv[4]
try:
    repo.ensure()
    if action == "create":
        repo.add_client(Client(id="T1", name="Team client"))
    cf = repo.open("T1")
    out = {"read_only": cf.read_only}
    if action in ("create", "answer") and not cf.read_only:
        s = Session(practitioner=os.environ["USER"]); cf.save_session(s)
        cf.save_answer(Answer(session_id=s.id, exercise_id="e", step_id=os.environ["USER"],
                              value="by " + os.environ["USER"], recorded_by=os.environ["USER"]))
    if action == "hold":
        print(json.dumps(out), flush=True); sys.stdin.readline()
    out["answers"] = sorted(a.value for a in cf.answers())
    cf.close()
except StoreError as exc:
    out = {"error": str(exc)}
print(json.dumps(out), flush=True)
"""


@pytest.fixture
def team_dir() -> Iterator[Path]:
    base = Path(tempfile.mkdtemp(prefix="wellbeing-team-", dir="/tmp"))
    os.chmod(base, 0o711)  # others may pass through to the team dir, not list it
    team = base / "team"
    team.mkdir(mode=0o2770)
    os.chown(team, ALICE, TEAM_GID)
    os.chmod(team, 0o2770)
    yield team
    shutil.rmtree(base, ignore_errors=True)


def as_user(uid: int, gid: int, team: Path, action: str, name: str) -> dict[str, object]:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "USER": name,
        "LOGNAME": name,
        "WELLBEING_STATE_DIR": str(team.parent / f"state-{name}"),
    }
    out = subprocess.run(
        [sys.executable, "-c", AS_USER, str(uid), str(gid), str(team), action],
        capture_output=True,
        text=True,
        env=env,
        cwd="/",
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.splitlines()[-1])


def test_colleagues_in_the_group_share_a_client_and_others_are_refused(team_dir: Path) -> None:
    assert as_user(ALICE, TEAM_GID, team_dir, "create", "alice") == {
        "read_only": False,
        "answers": ["by alice"],
    }
    assert as_user(BOB, TEAM_GID, team_dir, "answer", "bob") == {
        "read_only": False,
        "answers": ["by alice", "by bob"],
    }
    # Group-shared, never world-readable; the team's group is kept by the setgid dir.
    for path in [team_dir, *team_dir.rglob("*")]:
        st = os.lstat(path)
        assert st.st_gid == TEAM_GID, path
        assert stat.S_IMODE(st.st_mode) & 0o007 == 0, path
        if path.is_file():
            assert stat.S_IMODE(st.st_mode) == 0o660, path
    refused = as_user(MALLORY, OTHER_GID, team_dir, "answer", "mallory")
    assert "error" in refused and "\n" not in str(refused["error"])


def test_a_colleague_holding_the_client_makes_it_read_only(team_dir: Path) -> None:
    as_user(ALICE, TEAM_GID, team_dir, "create", "alice")
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "USER": "alice",
        "LOGNAME": "alice",
        "WELLBEING_STATE_DIR": str(team_dir.parent / "state-alice"),
    }
    holder = subprocess.Popen(
        [sys.executable, "-c", AS_USER, str(ALICE), str(TEAM_GID), str(team_dir), "hold"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=env,
        cwd="/",
    )
    try:
        assert holder.stdout is not None and holder.stdin is not None
        assert json.loads(holder.stdout.readline()) == {"read_only": False}
        seen = as_user(BOB, TEAM_GID, team_dir, "answer", "bob")
        assert seen == {"read_only": True, "answers": ["by alice"]}
    finally:
        if holder.stdin:
            holder.stdin.write("\n")
            holder.stdin.flush()
        holder.wait(timeout=30)
