"""End-to-end in a real terminal: the app in a tmux pane, driven by send-keys, read by capture-pane.

What a new practitioner would do: add a client through the form, start a session, answer How
Would You Treat a Friend with hostile text, hang up mid-answer, start again and carry on; run the
breathing timer; read the traffic light and the plan without colour.
"""

from __future__ import annotations

import os
import re
import sys
import time
from pathlib import Path

import pytest

from exercises.library import load_library
from store.clients import Repository
from store.records import Answer
from tests.cli_runner import run_cli
from tests.tmux_session import ROOT, TmuxSession, tmux_path, tmux_session

pytestmark = pytest.mark.terminal

if tmux_path() is None:
    if os.environ.get("CI"):
        raise RuntimeError("tmux is missing, and CI must run the real-terminal tests")
    pytest.skip("tmux is not installed (CI installs it: .ci/run)", allow_module_level=True)

HOSTILE_MARKUP = "[/] [@click=app.quit]x"
TITLE_ESCAPE = "\x1b]0;pwned\x07"
WIDE = "日本語 ✓ 한국"
FIRST_ANSWER = f"{HOSTILE_MARKUP} {TITLE_ESCAPE}{WIDE} kind"
PARTIAL = "I tell myself"
MORE = " off"


def exercise_index(exercise_id: str) -> int:
    """Where an exercise sits in the new-session list (the shipped content's order)."""
    return [e.id for e in load_library([]).exercises].index(exercise_id)


def app_command(data_dir: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "tui", "--data-dir", str(data_dir), *extra]


def app_env(config: Path | None = None, **extra: str) -> dict[str, str]:
    """What the pane's program gets on top of the test's environment (state dir isolated)."""
    env = {
        "PYTHONPATH": str(ROOT),
        "WELLBEING_STATE_DIR": os.environ["WELLBEING_STATE_DIR"],
        "WELLBEING_CONFIG": str(config) if config else os.environ["WELLBEING_CONFIG"],
    }
    env.update(extra)
    return env


def write_config(path: Path, **values: object) -> Path:
    lines = [
        f"{k} = {str(v).lower() if isinstance(v, bool) else repr(v)}" for k, v in values.items()
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def answers(data_dir: Path, client_id: str) -> dict[tuple[str, str], Answer]:
    with Repository(data_dir).read(client_id) as cf:
        return {(a.exercise_id, a.step_id): a for a in cf.answers()}


def pick_exercises(tmux: TmuxSession, *exercise_ids: str) -> None:
    """In the new-session dialog: tick exercises in this order (space), from the top of the list.

    The dialog opens with the focus at its top (how the session is held): two tabs reach the list.
    """
    tmux.keys("Tab")
    tmux.keys("Tab")
    at = 0
    for exercise_id in exercise_ids:
        target = exercise_index(exercise_id)
        key = "Down" if target > at else "Up"
        for _ in range(abs(target - at)):
            tmux.keys(key)
        at = target
        title = next(e.title for e in load_library([]).exercises if e.id == exercise_id)
        tmux.keys("Space")
        in_order = re.compile(r"Order:.*" + re.escape(title[:20]))
        tmux.wait_until(lambda s, r=in_order: r.search(s) is not None, f"{title} in the order")


def go_to_step(tmux: TmuxSession, step: int, of: int, *expect: str) -> str:
    """ctrl+n until the exercise shows 'Step `step` of `of`' and `expect`, with its editor focused.

    The progress label changes first and the step's editor follows (slower on a loaded machine),
    so wait for what the step shows, then for the screen to settle (focus moves last).
    """
    screen = tmux.screen()
    for _ in range(of):
        if f"Step {step} of {of}" in screen:
            break
        shown = re.search(r"Step (\d+) of", screen)
        tmux.keys("C-n")
        screen = tmux.wait_gone(shown.group(0)) if shown else tmux.screen()
    tmux.wait_for(f"Step {step} of {of}", *expect)
    return tmux.settle()


# -- a: a new user, hostile text, two hang-ups ----------------------------------------------------


def test_new_user_hostile_answer_hang_up_and_resume(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with tmux_session() as tmux:
        pid = tmux.start(app_command(data), env=app_env())
        tmux.wait_for("No clients yet", "Add client")

        # Add a client through the form (wait for each field to take the text: typeahead after a
        # focus change would otherwise land in the field being left).
        tmux.keys("a")
        tmux.wait_for("Add a client")
        tmux.type("AB12")
        tmux.wait_for("AB12")
        tmux.keys("Tab")
        tmux.settle()
        tmux.type("Alex Test")
        tmux.wait_for("Alex Test")
        tmux.keys("C-s")
        tmux.wait_for("AB12 · Alex Test", "New session")

        # A session: How Would You Treat a Friend, then breathing; then the privacy check.
        tmux.keys("n")
        tmux.wait_for("New session", "Order: none chosen yet")
        pick_exercises(tmux, "treat-a-friend", "breathing")
        tmux.wait_for("Order: How Would You Treat a Friend? → Breathing")
        tmux.keys("C-s")
        tmux.wait_for("privacy check")
        for i in range(3):
            tmux.keys("Space")
            tmux.wait_until(lambda s, n=i + 1: s.count("✓") >= n, f"{i + 1} ticks")
            tmux.keys("Tab")
        tmux.keys("C-s")
        tmux.wait_for("How Would You Treat a Friend?", "not started", "End session")
        tmux.keys("Enter")
        tmux.wait_for("Step 1 of 6")

        # The first question, answered with markup, a title-setting escape and wide characters.
        go_to_step(tmux, 2, 6, "A friend who is struggling", "0 of 2000 characters")
        tmux.type(FIRST_ANSWER)
        screen = tmux.wait_for(HOSTILE_MARKUP, WIDE, "kind")
        assert "pwned" not in tmux.display("#{pane_title}")
        go_to_step(tmux, 3, 6, "When I am struggling", "0 of 2000 characters")
        tmux.type(PARTIAL)
        tmux.wait_for(PARTIAL)
        time.sleep(1.0)  # past the 0.4 s autosave debounce
        screen = tmux.wait_for(PARTIAL, "saved ✓")
        assert not tmux.pane_dead()  # the markup did not quit the app
        tmux.hang_up(pid)
        assert (data / "clients" / "AB12.json").exists()

        # Again: the client is listed, the session resumes at the step being typed.
        pid = tmux.start(app_command(data), env=app_env())
        tmux.wait_for("AB12", "Alex Test")
        tmux.keys("Enter")
        screen = tmux.wait_for("AB12 · Alex Test", "in progress")
        assert "read-only" not in screen  # the hang-up released the lock
        tmux.keys("r")
        tmux.wait_for("How Would You Treat a Friend?", "3 of 6 steps")
        tmux.keys("Enter")
        tmux.wait_for(
            "Step 3 of 6", "When I am struggling", PARTIAL, f"{len(PARTIAL)} of 2000 characters"
        )
        tmux.settle()

        # Type more and hang up at once, while the save is still waiting for its debounce: the
        # SIGHUP handler must flush it.
        tmux.keys("End")
        tmux.type(MORE)
        sent = time.monotonic()
        screen = tmux.wait_for(PARTIAL + MORE, timeout=5)
        tmux.hang_up(pid)
        flushed_by_hangup = "saving…" in screen
        print(
            f"hung up {time.monotonic() - sent:.2f}s after the last key; "
            f"save pending at hang-up: {flushed_by_hangup}"
        )

        # The file: answers saved, escape stripped, markup stored as text.
        saved = answers(data, "AB12")
        first = saved[("treat-a-friend", "friend")].value
        assert HOSTILE_MARKUP in first and WIDE in first
        assert not any(c in first for c in "\x1b\x07\x00"), repr(first)
        assert saved[("treat-a-friend", "yourself")].value == PARTIAL + MORE

        # And once more: the resume point and the hostile answer, shown as typed text.
        pid = tmux.start(app_command(data, "--client", "AB12"), env=app_env())
        tmux.wait_for("AB12 · Alex Test", "in progress")
        tmux.keys("r")
        tmux.wait_for("3 of 6 steps")
        tmux.keys("Enter")
        tmux.wait_for("Step 3 of 6", PARTIAL + MORE)
        tmux.keys("C-b")
        screen = tmux.wait_for("Step 2 of 6", HOSTILE_MARKUP, WIDE)
        assert "pwned" not in tmux.display("#{pane_title}")
        assert not tmux.pane_dead()
        (tmp_path / "resumed-hostile-answer.txt").write_text(screen, encoding="utf-8")
        tmux.keys("C-q")
        tmux.wait_until(lambda s: tmux.pane_dead(), "the app to quit on ctrl+q")


# -- b: the breathing timer -----------------------------------------------------------------------


def cli(data: Path, *args: str) -> str:
    done = run_cli("--data-dir", str(data), *args)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def seconds_left(screen: str) -> int:
    found = re.search(r"(\d+) seconds? left", screen)
    assert found, screen
    return int(found.group(1))


def test_breathing_timer_in_words_pause_and_stop(tmp_path: Path) -> None:
    data = tmp_path / "data"
    cli(data, "client", "add", "B1", "--name", "Bo")
    config = write_config(tmp_path / "config.toml", privacy_check=False)
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
        go_to_step(
            tmux,
            3,
            5,
            "Press s to start",
            "First: Breathe in for 4 seconds",
            "Cycle 1 of 4 · Ready",
        )

        tmux.keys("s")
        screen = tmux.wait_for("BREATHE IN", "seconds left", "Cycle 1 of 4 · Running")
        first = seconds_left(screen)
        screen = tmux.wait_until(
            lambda s: "left" in s and seconds_left(s) < first, "the countdown to move", timeout=4
        )

        tmux.keys("p")
        screen = tmux.wait_for("PAUSED")
        held = seconds_left(screen)
        time.sleep(1.5)
        screen = tmux.screen()
        assert "PAUSED" in screen and seconds_left(screen) == held  # a pause holds the count

        tmux.keys("x")
        screen = tmux.wait_for("Stopped")
        (tmp_path / "timer-stopped.txt").write_text(screen, encoding="utf-8")
        tmux.wait_for("saved ✓")
        tmux.keys("C-q")
        tmux.wait_until(lambda s: tmux.pane_dead(), "the app to quit")
    value = answers(data, "B1")[("breathing", "practice")].value
    assert value == {"pattern": "box", "cycles": 4, "completed": 0}


# -- c: no colour: the words carry the meaning ----------------------------------------------------


def page_through(tmux: TmuxSession, needed: list[str], pages: int = 40) -> str:
    """PageDown through a scrolling view, collecting every screen until all of `needed` was seen.

    The end is two PageDowns in a row that change nothing (one may be lost while the view is
    still being built on a loaded machine).
    """
    seen = [tmux.screen()]
    misses = 0
    for _ in range(pages):
        if all(n in "\n".join(seen) for n in needed) or misses >= 2:
            break
        before = seen[-1]
        tmux.keys("PageDown")
        try:
            seen.append(tmux.wait_until(lambda s, b=before: s != b, "the view to scroll", 3))
            misses = 0
        except AssertionError:
            misses += 1
        # A page scrolls in several frames: keep the one it comes to rest on, or a page can be
        # skipped between a mid-scroll capture and the next PageDown.
        seen.append(tmux.settle())
    return "\n".join(seen)


def colours_used(tmux: TmuxSession) -> set[str]:
    """The colour parameters of every SGR sequence on the screen (38;5;n, 97, 48;2;r;g;b, ...)."""
    found: set[str] = set()
    for params in re.findall(r"\x1b\[([0-9;]*)m", tmux.screen_with_attributes()):
        parts = params.split(";")
        i = 0
        while i < len(parts):
            p = parts[i]
            if p in ("38", "48"):
                width = 3 if parts[i + 1 : i + 2] == ["5"] else 5
                found.add(";".join(parts[i : i + width]))
                i += width
                continue
            if p.isdigit() and (30 <= int(p) <= 37 or 40 <= int(p) <= 47 or 90 <= int(p) <= 107):
                found.add(p)
            i += 1
    return found


def is_grey(colour: str) -> bool:
    """A 256-colour grey (the ramp, black or white): what Textual draws under NO_COLOR."""
    parts = colour.split(";")
    return len(parts) == 3 and parts[1] == "5" and (int(parts[2]) >= 232 or parts[2] in ("0", "15"))


@pytest.mark.parametrize(
    "colour", [{"NO_COLOR": "1"}, {"TERM": "linux"}], ids=["no-color", "linux"]
)
def test_traffic_light_and_plan_in_words_without_colour(
    tmp_path: Path, colour: dict[str, str]
) -> None:
    data = tmp_path / "data"
    client_id = cli(data, "demo")
    config = write_config(tmp_path / "config.toml", privacy_check=False)
    env = app_env(config, COLORTERM="", **colour)
    with tmux_session() as tmux:
        tmux.start(app_command(data, "--client", client_id), env=env)
        tmux.wait_for(f"{client_id} · ", "Traffic light: ▲ Amber")

        # The Wellbeing Plan, paged through to its traffic-light section.
        tmux.keys("w")
        tmux.wait_for("My Wellbeing Plan", "My concerns right now")
        tmux.settle()
        needed = [  # the traffic light, level by level: Green, Amber, Red, each a word and a sign
            "● Green",
            "▲ Amber",
            "■ Red",
            "My signs",
            "What I will do",
            "● Staying in Touch",
            "■ Crisis Contact",
        ]
        plan = page_through(tmux, needed)
        (tmp_path / "plan.txt").write_text(plan, encoding="utf-8")
        for text in needed:
            assert text in plan, f"{text!r} not in the plan as shown:\n{plan}"
        tmux.keys("Escape")
        tmux.wait_for("New session")

        # Today's level in the Wellbeing Traffic Light exercise.
        tmux.keys("n")
        tmux.wait_for("Order: none chosen yet")
        pick_exercises(tmux, "wellbeing-traffic-light")
        tmux.keys("C-s")
        tmux.wait_for("Wellbeing Traffic Light", "not started")
        tmux.keys("Enter")
        total = int(
            tmux.wait_until(
                lambda s: re.search(r"Step 1 of (\d+)", s) is not None, "the first step"
            )
            .split("Step 1 of ")[1]
            .split()[0]
        )
        levels = (
            "( ) ● Green",
            "( ) ▲ Amber",
            "( ) ■ Red",
            "doing OK",
            "slipping, need to act",
            "struggling, need help now",
        )
        screen = go_to_step(tmux, total, total, "Where are you today?", *levels)
        (tmp_path / "traffic-light-step.txt").write_text(screen, encoding="utf-8")
        used = colours_used(tmux)
        if "NO_COLOR" in colour:  # the condition under test: no hue anywhere, only greys
            assert used and all(is_grey(c) for c in used), sorted(used)
        else:  # TERM=linux: the 16 basic colours only
            assert used and not any(c.startswith(("38;", "48;")) for c in used), sorted(used)
        for line in levels:
            assert line in screen, f"{line!r} not on the screen:\n{screen}"
        tmux.keys("Down", "Enter")
        screen = tmux.wait_for("(•) ▲ Amber")  # the choice shows as a mark, not a colour
        assert "( ) ● Green" in screen and "( ) ■ Red" in screen
        (tmp_path / "traffic-light-chosen.txt").write_text(screen, encoding="utf-8")
