"""The edge defects that came through second paths beside the store, each through the one path now.

Every test here failed on the commit before the services (3eb63ff): exports had their own writer,
the register outlived encryption and deletion, and a data dir without access gave a traceback.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from store.clients import Repository
from store.profile import Client
from store.records import Answer, Session
from tests.conftest import ROOT, cli_env
from tests.pty_app import PtyApp

NAME = "Zebedee Quartermain-7f3a"
ANSWER = "ANSWER-c41e my brother Tomas"
PASSPHRASE = "correct horse battery staple"


def seed(repo: Repository, cid: str = "X1") -> None:
    repo.add_client(Client(id=cid, name=NAME))
    with repo.open(cid) as cf:
        session = Session(id="s1", practitioner="sam")
        cf.save_session(session)
        cf.save_answer(
            Answer(
                session_id="s1",
                exercise_id="identify",
                step_id="impact-thoughts",
                value=ANSWER,
                recorded_by="sam",
            )
        )


def files_holding(root: Path, *needles: str) -> list[Path]:
    """Every regular file under `root` whose bytes hold any needle (plain or JSON-escaped)."""
    found = []
    for path in root.rglob("*"):
        if path.is_file() and not path.is_symlink():
            data = path.read_bytes()
            if any(n.encode() in data for n in needles):
                found.append(path)
    return found


def passfile(tmp_path: Path) -> Path:
    path = tmp_path / "pass"
    path.write_text(PASSPHRASE)
    path.chmod(0o600)
    return path


# -- exports: one writer -------------------------------------------------------------------------


def test_an_export_never_replaces_the_clients_own_file(repo: Repository, cli) -> None:
    seed(repo)
    target = repo.clients_dir / "X1.json"
    before = target.read_bytes()
    for args in (
        ["export", "X1", "-o", str(target), "--force"],
        ["plan", "X1", "--kind", "wellbeing", "--format", "md", "-o", str(target)],
        ["plan", "X1", "--kind", "wellbeing", "-o", str(repo.data_dir / "audit" / "x.md")],
    ):
        result = cli(*args)
        assert result.returncode == 1, result.stdout
        assert result.stderr.count("\n") == 1 and "inside the data dir" in result.stderr
    assert target.read_bytes() == before


def test_an_export_into_the_exports_folder_names_the_client_first(repo: Repository, cli) -> None:
    seed(repo)
    exports = repo.data_dir / "exports"
    refused = cli("plan", "X1", "--kind", "wellbeing", "-o", str(exports / "plan.md"))
    assert refused.returncode == 1 and "starts with X1-" in refused.stderr
    done = cli("plan", "X1", "--kind", "wellbeing", "-o", str(exports / "X1-plan.md"))
    assert done.returncode == 0, done.stderr
    assert stat.S_IMODE((exports / "X1-plan.md").stat().st_mode) == 0o600


def test_an_export_replaces_a_symlink_never_writes_through_it(
    repo: Repository, cli, tmp_path: Path
) -> None:
    seed(repo)
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    out = tmp_path / "out"
    out.mkdir()
    link = out / "plan.md"
    link.symlink_to(victim)
    # the old writer's fixed temp name, planted as a symlink: it must not be followed either
    (out / ".plan.md.tmp").symlink_to(victim)
    refused = cli("plan", "X1", "--kind", "wellbeing", "-o", str(link))  # something is there
    assert refused.returncode == 1 and "exists: not replaced" in refused.stderr
    assert link.is_symlink() and victim.read_text() == "keep me"
    result = cli("plan", "X1", "--kind", "wellbeing", "-o", str(link), "--force")
    assert result.returncode == 0, result.stderr
    assert victim.read_text() == "keep me"
    assert not link.is_symlink() and NAME in link.read_text()


def test_an_export_is_private_whatever_the_umask(repo: Repository, tmp_path: Path) -> None:
    seed(repo)
    out = tmp_path / "plan.txt"
    cmd = [sys.executable, "-m", "tui", "--data-dir", str(repo.data_dir)]
    cmd += ["plan", "X1", "--kind", "wellbeing", "--format", "txt", "-o", str(out)]
    result = subprocess.run(
        ["sh", "-c", 'umask 000 && exec "$@"', "sh", *cmd],
        capture_output=True,
        text=True,
        env=cli_env(),
        cwd=ROOT,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE(out.stat().st_mode) == 0o600


# -- encrypted means everywhere ------------------------------------------------------------------


def test_after_init_encrypt_no_name_or_answer_is_left_in_plain_text(
    repo: Repository, cli, tmp_path: Path
) -> None:
    seed(repo)
    assert cli("client", "list").returncode == 0  # writes the plain register
    exports = repo.data_dir / "exports"
    assert (
        cli("plan", "X1", "--kind", "wellbeing", "-o", str(exports / "X1-plan.md")).returncode == 0
    )
    assert repo.register_path.exists()
    env = cli_env(WELLBEING_PASSPHRASE_FILE=str(passfile(tmp_path)))
    result = cli("init", "--encrypt", env=env)
    assert result.returncode == 0, result.stderr
    # the export is a document for people: listed, never silently left
    assert "not encrypted" in result.stdout and "X1-plan.md" in result.stdout
    leaks = [p for p in files_holding(repo.data_dir, NAME, ANSWER) if p.parent != exports]
    assert leaks == []


# -- delete means everywhere ---------------------------------------------------------------------


def test_after_delete_no_file_in_the_data_dir_holds_the_name_or_an_answer(
    repo: Repository, cli
) -> None:
    seed(repo)
    seed(repo, "Y2")
    assert cli("client", "list").returncode == 0  # the register names both
    exports = repo.data_dir / "exports"
    for fmt in ("pdf", "md"):
        out = exports / f"X1-wellbeing.{fmt}"
        assert (
            cli("plan", "X1", "--kind", "wellbeing", "--format", fmt, "-o", str(out)).returncode
            == 0
        )
    result = cli("delete", "X1", "--yes")
    assert result.returncode == 0, result.stderr
    holding = files_holding(repo.data_dir, ANSWER)
    # Y2 shares the name and answer on purpose: only Y2's own files may still hold them
    assert all(p.name.startswith(("Y2", ".Y2")) for p in holding), holding
    assert not list(exports.glob("X1-*"))
    assert "X1" not in repo.register_path.read_text()
    listed = cli("client", "list")
    assert listed.returncode == 0 and listed.stdout.split()[0] == "Y2"


# -- no access -----------------------------------------------------------------------------------


def _without_dac(cmd: list[str]) -> list[str]:
    """`cmd` run so that file permissions bind it (root reads anything: drop what lets it)."""
    if os.geteuid() != 0:
        return cmd
    caps = "-dac_override,-dac_read_search"
    return ["setpriv", f"--inh-caps={caps}", f"--bounding-set={caps}", *cmd]


def test_the_app_without_access_to_its_data_dir_says_so_in_one_line(repo: Repository) -> None:
    seed(repo)
    repo.data_dir.chmod(0)
    try:
        app = PtyApp(
            ["--data-dir", str(repo.data_dir)],
            argv0=_without_dac([sys.executable, "-m", "tui"]),
        )
        try:
            app.proc.wait(timeout=30)
            app.read(0.5)
        finally:
            app.close()
    finally:
        repo.data_dir.chmod(0o700)
    shown = app.output.decode("utf-8", "replace").strip()
    assert app.proc.returncode == 1
    assert shown.count("\n") == 0 and "Permission denied" in shown, shown


@pytest.mark.parametrize(
    "args",
    [
        ["client", "list"],
        ["client", "add", "Y2", "--name", "B"],
        ["plan", "X1", "--kind", "wellbeing"],
        ["audit", "X1", "--verify"],
        ["retention"],
    ],
)
def test_a_command_without_access_to_the_data_dir_is_one_line(
    repo: Repository, args: list[str]
) -> None:
    seed(repo)
    cmd = _without_dac([sys.executable, "-m", "tui", "--data-dir", str(repo.data_dir), *args])
    repo.data_dir.chmod(0)
    try:
        result = subprocess.run(
            cmd, capture_output=True, text=True, env=cli_env(), cwd=ROOT, timeout=60
        )
    finally:
        repo.data_dir.chmod(0o700)
    assert result.returncode == 1, result.stdout
    assert result.stderr.count("\n") == 1, result.stderr
    assert "Traceback" not in result.stderr and "ermission" in result.stderr
