"""In a real pseudo-terminal: bad bytes on stdin, hang-ups, TERM=dumb."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from store.clients import Repository
from store.profile import Client
from tests.conftest import ROOT, cli_env
from tests.pty_app import PtyApp

pytestmark = pytest.mark.xdist_group("pty")


def test_a_non_utf8_byte_on_stdin_does_not_freeze_input(data_dir: Path) -> None:
    app = PtyApp(["--data-dir", str(data_dir)])
    try:
        assert app.wait_for(b"No clients yet")
        app.settle()
        app.send(b"\xa3")  # '£' from a Latin-1 terminal: not UTF-8
        app.settle()
        app.send("a")  # input still works: the add-client form opens
        assert app.wait_for(b"Add a client"), app.output[-2000:]
        assert app.proc.poll() is None
    finally:
        app.close()


def test_hangup_releases_the_lock_and_exits(data_dir: Path) -> None:
    repo = Repository(data_dir)
    repo.ensure()
    repo.add_client(Client(id="X123", name="Alex"))
    app = PtyApp(["--data-dir", str(data_dir), "--client", "X123"])
    try:
        assert app.wait_for(b"RAR")
        app.settle()
        assert repo.path("X123").with_suffix(".holder").exists()
    finally:
        rc = app.hangup()
    assert rc == 129  # our handler flushed, released the lock and left
    assert not repo.path("X123").with_suffix(".holder").exists()
    with repo.open("X123") as cf:  # nobody holds it now
        assert not cf.read_only


def test_term_dumb_is_refused_with_what_to_set(data_dir: Path) -> None:
    app = PtyApp(["--data-dir", str(data_dir)], env={"TERM": "dumb"})
    try:
        app.proc.wait(timeout=30)
        app.read(0.2)
    finally:
        app.close()
    assert app.proc.returncode == 1
    assert b"TERM=xterm-256color" in app.output


def test_without_a_terminal_the_app_says_so(data_dir: Path) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "tui", "--data-dir", str(data_dir)],
        capture_output=True,
        text=True,
        env=cli_env(),
        cwd=ROOT,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    assert out.returncode == 1
    assert out.stderr.strip().count("\n") == 0 and "needs a terminal" in out.stderr
