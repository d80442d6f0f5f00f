"""Locks that outlive their holder: a dead holder's lock is taken on the next open, and a lock
held too long (through the privacy cover, say) is handed over when a colleague asks, audited."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from store.clients import Repository
from store.errors import StoreError
from store.profile import Client
from store.records import Session
from tests.conftest import ROOT
from tui.services.config import Config
from tui.services.context import Context
from tui.services.repository import repository
from tui.shell.app import WellbeingApp

HOLD = """
import sys, time
from pathlib import Path
from store.clients import Repository
cf = Repository(Path(sys.argv[1]), user="prac1").open("X1")
print("held" if not cf.read_only else "read-only", flush=True)
time.sleep(120)
"""


def age_holder(repo: Repository, cid: str, minutes: int) -> None:
    """As if the client was opened `minutes` ago (a long hold): the holder note says so, and so
    does the holding process's own record (this process holds it in these tests)."""
    from store import locking

    path = repo.clients_dir / f"{cid}.holder"
    info = json.loads(path.read_text())
    since = datetime.now(UTC) - timedelta(minutes=minutes)
    info["since"] = since.isoformat(timespec="seconds")
    path.write_text(json.dumps(info))
    lock = str(repo.clients_dir / f"{cid}.lock")
    if lock in locking._TAKEN:
        locking._TAKEN[lock] = since


def actions(repo: Repository, cid: str) -> list[str]:
    return [e["action"] for e in repo.audit_log(cid).entries()]


def test_a_dead_holders_lock_is_taken_on_the_next_open(repo: Repository) -> None:
    repo.add_client(Client(id="X1", name="A"))
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(repo.data_dir)],
        stdout=subprocess.PIPE,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == b"held"
    with repo.open("X1") as other:
        assert other.read_only and "prac1" in str(other.lock_error())
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert (repo.clients_dir / "X1.holder").exists()  # the note a kill leaves behind
    with repo.open("X1") as cf:
        assert not cf.read_only
        cf.save_session(Session(id="s1", practitioner="p"))


def test_a_lock_held_too_long_is_handed_over_when_asked(data_dir: Path) -> None:
    holder_repo = Repository(data_dir, user="prac1")
    holder_repo.ensure()
    holder_repo.add_client(Client(id="X1", name="A"))
    held = holder_repo.open("X1")
    colleague = Repository(data_dir, user="prac2")
    with pytest.raises(StoreError, match="after 30 minutes"):
        colleague.request_takeover("X1", after_minutes=30)
    age_holder(holder_repo, "X1", 45)
    colleague.request_takeover("X1", after_minutes=30)
    request = held.takeover_requested(30)
    assert request is not None and request["user"] == "prac2"
    held.hand_over("prac2")
    assert held.read_only
    with pytest.raises(StoreError):  # the old holder never writes again
        held.save_session(Session(id="s2", practitioner="p"))
    with colleague.open("X1") as cf:
        assert not cf.read_only
    log = actions(holder_repo, "X1")
    assert "lock takeover requested" in log and "lock handed over" in log
    held.close()


async def test_the_app_hands_over_and_leaves_the_client(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Through the app's own look for requests (at a quicker pace), nothing called by hand."""
    from screens.client_list import ClientListScreen
    from screens.dashboard import DashboardScreen
    from screens.dialogs.handed_over import HandedOverScreen
    from tests.settling import settled
    from tests.shell_fixtures import wait_for
    from tui.shell import app as shell_app

    monkeypatch.setattr(shell_app, "HANDOVER_POLL_SECONDS", 0.05)

    ctx = Context(config=Config(privacy_check=False, idle_minutes=0), data_dir=data_dir)
    repository(ctx).add_client(Client(id="X1", name="A"))
    app = WellbeingApp(ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        app.open_client("X1")
        await settled(app, pilot)
        assert isinstance(app.screen, DashboardScreen)
        age_holder(repository(ctx), "X1", 40)
        Repository(data_dir, user="prac2").request_takeover("X1", after_minutes=30)
        await wait_for(pilot, lambda: isinstance(app.screen, HandedOverScreen), timeout=30)
        assert isinstance(app.screen, HandedOverScreen)  # over the client list
        assert isinstance(app.screen_stack[-2], ClientListScreen)
        assert "X1" not in app.client_files
    assert app._takeover_look is not None and app._takeover_look.cancelled()  # no look after
    assert "lock handed over" in actions(repository(ctx), "X1")
    with Repository(data_dir, user="prac2").open("X1") as cf:
        assert not cf.read_only
