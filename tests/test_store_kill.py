"""kill -9 at every step of a save and of the fold that follows it (`store.journal`, `store.fold`):
whatever step a kill falls on, the client opens, every change saved before is there, the killed
change is there whole or not at all, the audit chain verifies, and the same command run again
finishes the job. A restored backup brings back every change the journal holds."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import store.client_writer
from store.clients import Repository
from store.profile import Client
from store.records import Answer, Session
from tests import kill_points
from tests.cli_runner import run_cli

ANSWERS = [f"saved before the kill {i}" for i in range(6)]


def answer(session: Session, i: int) -> Answer:
    return Answer(
        session_id=session.id,
        exercise_id="treat-a-friend",
        step_id=f"s{i}",
        value=ANSWERS[i],
        recorded_by="sam",
    )


@pytest.fixture
def template(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Repository:
    """A client with a folded file and a journal of changes not yet folded in (closed with
    folding held off), so the command below appends to the journal and then folds it all."""
    repo = Repository(tmp_path / "template")
    repo.ensure()
    repo.add_client(Client(id="X1", name="Alex"))
    session = Session(id="s1", practitioner="sam")
    with repo.open("X1") as cf:  # folded on close (a small file)
        assert isinstance(cf, store.client_writer.ClientWriter)
        cf.save_session(session)
        for i in range(3):
            cf.save_answer(answer(session, i))
    monkeypatch.setattr(store.client_writer, "FOLD_SMALL", 0)
    with repo.open("X1") as cf:  # left in the journal only
        assert isinstance(cf, store.client_writer.ClientWriter)
        for i in range(3, 6):
            cf.save_answer(answer(session, i))
        assert cf.unfolded() == 3
    return repo


def check_whole(repo: Repository, rar_days: set[int | None]) -> None:
    with repo.read("X1") as cf:
        held = {a.step_id: a.value for a in cf.answers()}
        assert held == {f"s{i}": v for i, v in enumerate(ANSWERS)}
        assert cf.client().rar_days in rar_days
    assert repo.verify_audit("X1") == []


def test_a_kill_9_at_any_step_of_a_save_and_its_fold_loses_nothing_saved(
    template: Repository, tmp_path: Path
) -> None:
    def fresh(n: int) -> Repository:
        target = tmp_path / f"run-{n}"
        shutil.copytree(template.data_dir, target, symlinks=True)
        return Repository(target)

    def args(repo: Repository) -> list[str]:
        return ["--data-dir", str(repo.data_dir), "client", "set", "X1", "rar_days=21"]

    probe = fresh(0)
    steps = kill_points.count(args(probe), roots=[probe.data_dir])
    check_whole(Repository(probe.data_dir), {21})
    assert steps >= 8  # audit, journal, then the fold: file, backup, summary, journal
    for n in range(1, steps + 1):
        repo = fresh(n)
        killed = kill_points.run(args(repo), roots=[repo.data_dir], kill_at=n)
        assert killed.killed, (n, killed.stderr)
        check_whole(repo, {None, 21})  # before or after the change, never half of it
        again = run_cli(*args(repo))
        assert again.returncode == 0, (n, again.stderr)
        check_whole(repo, {21})


def test_a_restored_backup_loses_no_change_the_journal_holds(template: Repository) -> None:
    """The file damaged after a fold: the backup (the file before that fold) plus the journal
    (which keeps what that fold took in) bring back every change."""
    repo = template
    with repo.open("X1") as cf:  # the three journal changes folded in
        assert isinstance(cf, store.client_writer.ClientWriter)
        cf.fold()
        assert cf.unfolded() == 0
    repo.paths("X1").file.write_bytes(b'{"client": ')
    kept = repo.restore_backup("X1")
    assert kept.read_bytes() == b'{"client": '
    check_whole(repo, {None})
