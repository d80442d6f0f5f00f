"""A live session a practitioner can trust, in a real terminal (issue 13): where keys land, when
saves happen, and a privacy cover that never interrupts a running timer.

Each test drives the app in a tmux pane at 80x24 with send-keys and reads it with capture-pane.
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest

from tests.test_tmux_e2e import (
    answers,
    app_command,
    app_env,
    cli,
    go_to_step,
    pick_exercises,
    write_config,
)
from tests.tmux_session import process_alive, tmux_path, tmux_session

pytestmark = pytest.mark.terminal

if tmux_path() is None:
    if os.environ.get("CI"):
        raise RuntimeError("tmux is missing, and CI must run the real-terminal tests")
    pytest.skip("tmux is not installed (CI installs it: .ci/run)", allow_module_level=True)


def start_friend_session(tmux, data: Path, config: Path, client: str = "T1") -> None:  # noqa: ANN001
    """The app on `client`, a new session of How Would You Treat a Friend, at its first question."""
    tmux.start(app_command(data, "--client", client), env=app_env(config))
    tmux.wait_for(f"{client} · ")
    tmux.keys("n")
    tmux.wait_for("Order: none chosen yet")
    pick_exercises(tmux, "treat-a-friend")
    tmux.keys("C-s")
    tmux.wait_for("How Would You Treat a Friend?", "not started")
    tmux.keys("Enter")
    tmux.wait_for("Step 1 of 6")
    tmux.settle()
    go_to_step(tmux, 2, 6, "A friend who is struggling", "0 of 2000 characters")


def test_a_burst_after_tab_lands_in_the_next_field(tmp_path: Path) -> None:
    """`X123<Tab>Jamie Smith` in one send-keys (one read on a laggy link): two fields."""
    data = tmp_path / "data"
    config = write_config(tmp_path / "config.toml", privacy_check=False)
    with tmux_session() as tmux:
        tmux.start(app_command(data), env=app_env(config))
        tmux.wait_for("No clients yet", "Add client")
        tmux.keys("a")
        tmux.wait_for("Add a client")
        tmux.settle()
        tmux.keys("X123", "Tab", "Jamie Smith", "C-s")
        screen = tmux.wait_for("X123 · Jamie Smith", "New session")
        (tmp_path / "burst.txt").write_text(screen, encoding="utf-8")
        # and keys right after ctrl+n reach the new step, not the floor
        tmux.keys("n")
        tmux.wait_for("Order: none chosen yet")
        pick_exercises(tmux, "treat-a-friend")
        tmux.keys("C-s")
        tmux.wait_for("How Would You Treat a Friend?", "not started")
        tmux.keys("Enter")
        tmux.wait_for("Step 1 of 6")
        tmux.settle()
        tmux.keys("C-n", "kind words")
        tmux.wait_for("Step 2 of 6", "kind words", "10 of 2000 characters")
        tmux.wait_for("saved ✓")
        tmux.keys("C-q")
        tmux.wait_until(lambda s: tmux.pane_dead(), "the app to quit")
    assert answers(data, "X123")[("treat-a-friend", "friend")].value == "kind words"


def test_resume_then_type_adds_at_the_end(tmp_path: Path) -> None:
    data = tmp_path / "data"
    cli(data, "client", "add", "T1", "--name", "Tam")
    config = write_config(tmp_path / "config.toml", privacy_check=False)
    with tmux_session() as tmux:
        start_friend_session(tmux, data, config)
        tmux.type("Tight chest and shaky hands")
        tmux.wait_for("saved ✓")
        tmux.keys("C-q")
        tmux.wait_until(lambda s: tmux.pane_dead(), "the app to quit")
        tmux.hang_up()  # the dead pane's session goes, for a new one

        tmux.start(app_command(data, "--client", "T1"), env=app_env(config))
        tmux.wait_for("T1 · Tam", "in progress")
        tmux.keys("r")
        tmux.wait_for("How Would You Treat a Friend?", "2 of 6 steps")
        tmux.keys("Enter")  # resumes at the first unanswered step; back to the answered one
        tmux.wait_for("Step 3 of 6", "When I am struggling")
        tmux.settle()
        tmux.keys("C-b")
        tmux.wait_for("Step 2 of 6", "Tight chest and shaky hands")
        tmux.settle()
        tmux.type(", racing heart")  # no End key: the cursor is already at the end
        tmux.wait_for("Tight chest and shaky hands, racing heart")
        tmux.wait_for("saved ✓")
        tmux.keys("C-q")
        tmux.wait_until(lambda s: tmux.pane_dead(), "the app to quit")
        tmux.hang_up()

        # a hang-up mid-answer resumes at that step, the cursor again at the end
        pid = tmux.start(app_command(data, "--client", "T1"), env=app_env(config))
        tmux.wait_for("T1 · Tam", "in progress")
        tmux.keys("r")
        tmux.wait_for("How Would You Treat a Friend?", "2 of 6 steps")
        tmux.keys("Enter")
        tmux.wait_for("Step 3 of 6")
        tmux.settle()
        tmux.keys("C-b")
        tmux.wait_for("Step 2 of 6", "racing heart")
        tmux.settle()
        tmux.hang_up(pid)
        tmux.start(app_command(data, "--client", "T1"), env=app_env(config))
        tmux.wait_for("T1 · Tam", "in progress")
        tmux.keys("r")
        tmux.wait_for("How Would You Treat a Friend?")
        tmux.keys("Enter")
        tmux.wait_for("Step 2 of 6", "racing heart")
        tmux.settle()
        tmux.type(".")
        tmux.wait_for("racing heart.")
        tmux.wait_for("saved ✓")
        tmux.keys("C-q")
        tmux.wait_until(lambda s: tmux.pane_dead(), "the app to quit")
    value = answers(data, "T1")[("treat-a-friend", "friend")].value
    assert value == "Tight chest and shaky hands, racing heart."


def test_steady_typing_is_saved_every_two_seconds(tmp_path: Path) -> None:
    """A kill -9 after 5 s of typing (a key every 100 ms) keeps at least the first 3 s."""
    data = tmp_path / "data"
    cli(data, "client", "add", "T1", "--name", "Tam")
    config = write_config(tmp_path / "config.toml", privacy_check=False)
    text = "abcdefghij" * 5  # 50 keys, 5 seconds
    with tmux_session() as tmux:
        start_friend_session(tmux, data, config)
        pid = tmux.pane_pid()
        for ch in text:
            tmux.type(ch)
            time.sleep(0.1)
        os.kill(pid, signal.SIGKILL)
        deadline = time.monotonic() + 10
        while process_alive(pid) and time.monotonic() < deadline:
            time.sleep(0.05)
    saved = answers(data, "T1")[("treat-a-friend", "friend")].value
    print(f"typed {len(text)} keys over 5 s; {len(saved)} saved when killed")
    assert text.startswith(saved) and len(saved) >= 30


def test_a_running_timer_is_never_covered(tmp_path: Path) -> None:
    """No keys for longer than the idle window while breathing runs: no cover. Stopped, the
    cover comes as usual (the idle window works)."""
    data = tmp_path / "data"
    cli(data, "client", "add", "B1", "--name", "Bo")
    config = write_config(tmp_path / "config.toml", privacy_check=False, idle_minutes=0.05)
    with tmux_session() as tmux:
        tmux.start(app_command(data, "--client", "B1"), env=app_env(config))
        tmux.wait_for("B1 · Bo")
        tmux.keys("n")
        tmux.wait_for("Order: none chosen yet")
        pick_exercises(tmux, "breathing")
        tmux.keys("C-s")
        tmux.wait_for("Breathing with timed prompts", "not started")
        tmux.keys("Enter")
        tmux.wait_for("Step 1 of 5")
        go_to_step(tmux, 3, 5, "Press s to start", "Cycle 1 of 4 · Ready")
        tmux.keys("s")
        tmux.wait_for("Cycle 1 of 4 · Running")
        started = time.monotonic()
        while time.monotonic() - started < 8:  # 3 s idle window, checked every 1.5 s
            screen = tmux.screen()
            assert "hidden for privacy" not in screen
            time.sleep(0.5)
        screen = tmux.wait_for("Running")
        (tmp_path / "timer-uncovered.txt").write_text(screen, encoding="utf-8")
        tmux.keys("x")
        tmux.wait_for("Stopped")
        tmux.wait_for("hidden for privacy", timeout=10)  # stopped: the idle cover is back
        tmux.keys("Enter")
        tmux.wait_for("Stopped")
        tmux.keys("C-q")
        tmux.wait_until(lambda s: tmux.pane_dead(), "the app to quit")


@pytest.mark.parametrize("signum", [signal.SIGQUIT, signal.SIGTERM])
def test_sigquit_and_sigterm_save_and_restore_the_terminal(tmp_path: Path, signum: int) -> None:
    """ctrl+\\ (SIGQUIT) is a way out like SIGTERM: what was typed is saved (the save was still
    waiting for its debounce), the terminal is given back (the app's screen is gone), no core."""
    data = tmp_path / "data"
    cli(data, "client", "add", "T1", "--name", "Tam")
    config = write_config(tmp_path / "config.toml", privacy_check=False, autosave_seconds=5)
    with tmux_session() as tmux:
        start_friend_session(tmux, data, config)
        pid = tmux.pane_pid()
        tmux.type("said before the signal")
        tmux.wait_for("said before the signal")
        os.kill(pid, signum)
        deadline = time.monotonic() + 10
        while process_alive(pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not process_alive(pid)
        screen = tmux.screen()
        assert "Step 2 of 6" not in screen, screen  # the alternate screen was left
    saved = answers(data, "T1")[("treat-a-friend", "friend")].value
    assert saved == "said before the signal"
    assert not list(tmp_path.glob("**/core*"))
