"""The admin's way to a client a practitioner holds (issue 26 item 9): `wellbeing client takeover`.

`delete` and `transfer out` are refused while a practitioner has the client open. The admin asks
the holder's app to hand it over through the colleagues' takeover (audited on the client, allowed
once held `lock_takeover_minutes`, granted by the holder's app by its own rules), waits until it
has saved and let go, and then runs the command.
"""

from __future__ import annotations

import threading
from pathlib import Path

from store.client_writer import ClientWriter
from store.clients import Repository
from store.profile import Client
from tests.cli_runner import run_cli
from tests.test_lock_takeover import actions, age_holder


def holder_app(writer: ClientWriter, stop: threading.Event) -> threading.Thread:
    """What the holder's app does every few seconds: hand the client over when asked."""

    def poll() -> None:
        while not stop.wait(0.05):
            who = writer.takeover_requested(30)
            if who is not None:
                writer.hand_over(who.get("user", "a colleague"))
                writer.close()
                return

    thread = threading.Thread(target=poll, daemon=True)
    thread.start()
    return thread


def test_delete_is_refused_while_held_then_goes_through_after_a_takeover(
    data_dir: Path, held: ClientWriter
) -> None:
    data = ("--data-dir", str(data_dir))
    refused = run_cli(*data, "delete", "X1", "--yes")
    assert refused.returncode == 1 and "open for editing by prac1" in refused.stderr

    early = run_cli(*data, "client", "takeover", "X1", "--wait", "5")  # held a moment only
    assert early.returncode == 1 and "after 30 minutes held" in early.stderr, early.stderr
    assert "lock takeover requested" not in actions(Repository(data_dir), "X1")

    age_holder(Repository(data_dir, user="prac1"), "X1", 45)
    stop = threading.Event()
    thread = holder_app(held, stop)
    try:
        done = run_cli(*data, "client", "takeover", "X1", "--wait", "20")
    finally:
        stop.set()
        thread.join(timeout=10)
    assert done.returncode == 0, done.stderr
    assert "handed over by prac1" in done.stdout
    trail = actions(Repository(data_dir), "X1")
    assert "lock takeover requested" in trail and "lock handed over" in trail
    deleted = run_cli(*data, "delete", "X1", "--yes")
    assert deleted.returncode == 0, deleted.stderr


def test_takeover_of_a_client_nobody_holds_says_so(data_dir: Path) -> None:
    repo = Repository(data_dir)
    repo.ensure()
    repo.add_client(Client(id="X2", name="B"))
    done = run_cli("--data-dir", str(data_dir), "client", "takeover", "X2")
    assert done.returncode == 0 and "nothing to take over" in done.stdout
    assert "lock takeover requested" not in actions(repo, "X2")


def test_a_holder_that_does_not_let_go_is_named_after_the_wait(
    data_dir: Path, held: ClientWriter
) -> None:
    """A frozen app (or one whose own rules refuse): the admin is told, in one line."""
    age_holder(Repository(data_dir, user="prac1"), "X1", 45)
    done = run_cli("--data-dir", str(data_dir), "client", "takeover", "X1", "--wait", "0.5")
    assert done.returncode == 1 and done.stderr.count("\n") == 1
    assert "prac1" in done.stderr and "has not let go" in done.stderr
    assert not held.read_only
