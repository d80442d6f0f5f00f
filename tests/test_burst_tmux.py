"""Burst equals slow in a real terminal (issue 22): for each step kind, a whole key script sent
with one `tmux send-keys` (one write to the terminal: as a slow SSH link delivers typing) comes
out as the same script typed one key at a time.

The slow reference is the Pilot replay (a key at a time, each once the app has settled) on a copy
of the same data, on today's date and the real clock as the app in the pane has. The pane must
come to show the same screen, and the client files must hold the same answers.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import time
from datetime import date
from pathlib import Path
from typing import Any

import pytest

import tests.key_scripts as scripts
from tests.key_scripts import (
    IN_A_TERMINAL,
    TARGETS,
    generate,
    make_data,
    record_of,
    replay,
    tmux_keys,
)
from tests.test_tmux_e2e import app_command, app_env, write_config
from tests.tmux_session import TARGET, TmuxError, tmux_path, tmux_session

pytestmark = pytest.mark.terminal

if tmux_path() is None:
    if os.environ.get("CI"):
        raise RuntimeError("tmux is missing, and CI must run the real-terminal tests")
    pytest.skip("tmux is not installed (CI installs it: .ci/run)", allow_module_level=True)


def lines(screen: str) -> list[str]:
    """The screen's lines without trailing spaces, and without blank lines at the foot."""
    found = [line.rstrip() for line in scripts.masked(screen).split("\n")]
    while found and not found[-1]:
        found.pop()
    return found


async def reference(script: scripts.Script, template: Path, monkeypatch: Any) -> Any:
    """The script typed slowly in Pilot, on today's date and the real clock."""
    monkeypatch.setattr(scripts, "TODAY", date.today())
    monkeypatch.setattr(scripts, "FakeClock", lambda: None)
    return await replay(script, template, "slow")


def _named_keys(kind: str) -> set[str]:
    return {key for key in generate(kind, 0).keys if len(key) > 1}


def test_the_kinds_typed_in_a_terminal_press_every_key_the_scripts_do() -> None:
    every = set().union(*(_named_keys(kind) for kind in TARGETS))
    assert set().union(*(_named_keys(kind) for kind in IN_A_TERMINAL)) == every


@pytest.mark.parametrize("kind", IN_A_TERMINAL)
def test_one_send_keys_of_a_script_comes_out_as_slow_typing(
    tmp_path: Path, kind: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    script = generate(kind, 0)
    template = make_data(tmp_path / "template" / "data")
    slow = asyncio.run(reference(script, template, monkeypatch))
    assert slow.answers, f"{script}\nthe script saved nothing"

    data = template.parent / "replay" / template.name  # where the reference ran: the list shows it
    shutil.rmtree(data)
    shutil.copytree(template, data)
    config = write_config(tmp_path / "config.toml", idle_minutes=0)
    expected = lines(slow.screen)
    with tmux_session() as tmux:
        tmux.start(app_command(data), env=app_env(config))
        tmux.wait_for("C100", "C300")
        tmux.settle()
        tmux.run("send-keys", "-t", TARGET, *tmux_keys(script.keys))  # one write: one burst
        try:
            # toasts fade in their own time (the reference cleared them): wait for the screen
            screen = tmux.wait_until(lambda s: lines(s) == expected, "the slow screen", 60)
        except TmuxError:
            shown = lines(tmux.screen())
            diff = (
                "\n".join(
                    f"  line {i}:\n    slow : {a}\n    burst: {b}"
                    for i, (a, b) in enumerate(zip(expected, shown, strict=False))
                    if a != b
                )
                or f"  {len(expected)} lines slow, {len(shown)} in the pane"
            )
            raise AssertionError(f"{script}\nthe screens differ:\n{diff}") from None
        (tmp_path / "burst-screen.txt").write_text(screen, encoding="utf-8")
        end = time.monotonic() + 30
        while True:  # the last save waits for its debounce
            answers, notes, follow_ups = record_of(data)
            same = (answers, notes, follow_ups) == (slow.answers, slow.notes, slow.follow_ups)
            if same or time.monotonic() > end:
                break
            time.sleep(0.1)
        tmux.keys("C-q")
        tmux.wait_until(lambda s: tmux.pane_dead(), "the app to quit")
    assert answers == slow.answers, script
    assert (notes, follow_ups) == (slow.notes, slow.follow_ups), script
