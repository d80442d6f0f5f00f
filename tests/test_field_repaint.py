"""A text field repaints the rows a key changed, not the whole box (issue 27), and what the
terminal shows is still what a whole repaint would show.

A key in the tall bordered field used to repaint all its lines: about 2 KB a key over SSH, and on
a team server thirty typists' worth of drawing. Now a moved cursor or selection repaints the rows
it touched, an edit the rows it changed, and anything that moves lines (a wrap, a new line, an
undo, a loaded text) the whole field. The Pilot test pins the narrow repaint; the tmux test
drives a real terminal through edits, moves and selections and compares the pane, colours and
attributes included, with the same screen repainted whole (the window resized and back).
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from textual.geometry import Region

from exercises.models import StepKind
from screens.steps.fields import LimitedTextArea
from tests.exercise_fixtures import ExerciseApp, exercise_of, new_session, open_client, step
from tests.settling import settled
from tests.shell_fixtures import populate
from tests.test_tmux_e2e import app_command, app_env, go_to_step, write_config
from tests.tmux_session import TARGET, tmux_path, tmux_session

TEXT = step(StepKind.TEXT, "friend", "What would you say to a friend?", max_length=600)


class Repaints:
    """The rows a field asks to repaint (None: the whole field), recorded from `refresh`."""

    def __init__(self, field: LimitedTextArea) -> None:
        self.asked: list[set[int] | None] = []
        real = field.refresh

        def refresh(*regions: Region, **kwargs: Any) -> Any:
            self.asked.append({y for r in regions for y in range(r.y, r.bottom)} or None)
            return real(*regions, **kwargs)

        field.refresh = refresh  # type: ignore[method-assign]

    def rows(self) -> set[int] | None:
        """Every row asked for since the last look (None if the whole field was)."""
        asked, self.asked = self.asked, []
        if any(a is None for a in asked):
            return None
        return set().union(*asked)  # type: ignore[arg-type]


@asynccontextmanager
async def a_field(tmp_path: Path, text: str) -> AsyncIterator[tuple[Any, LimitedTextArea]]:
    """A text step at 80x24 whose field holds `text`, the cursor at the fourth character of its
    second row, the app settled: (pilot, field)."""
    cf = open_client(tmp_path)
    app = ExerciseApp(exercise_of(TEXT), new_session(cf), cf)
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(app, pilot)
        field = app.screen.query_one(LimitedTextArea)
        field.load_text(text)
        field.move_cursor((1, 3))
        await settled(app, pilot)
        yield pilot, field


async def test_a_bracket_under_the_cursor_lights_nothing_elsewhere(tmp_path: Path) -> None:
    """A client's words are not code: no matching bracket is lit (it would sit on a row the
    cursor never touched, which a move does not repaint)."""
    async with a_field(tmp_path, "(one\ntwo)") as (_, field):
        assert not field.match_cursor_bracket, "a matching bracket is lit"


async def test_a_key_in_the_middle_repaints_its_row_not_the_field(tmp_path: Path) -> None:
    async with a_field(tmp_path, "first line\nsecond line\nthird line") as (pilot, field):
        app = field.app
        repaints = Repaints(field)
        await pilot.press("x")
        assert repaints.rows() == {1}, "a key on the second row repainted more than that row"
        await pilot.press("down")
        assert repaints.rows() == {1, 2}, "a move from the second row to the third"
        await pilot.press("shift+up", "shift+up")
        assert repaints.rows() == {0, 1, 2}, "a selection growing up from the third row"
        await pilot.press("enter")  # the selection replaced by a new line: lines move
        assert repaints.rows() is None, "a new line moves the lines below: all are repainted"
        await pilot.press("ctrl+z")
        assert repaints.rows() is None, "an undo can change any line: all are repainted"
        await settled(app, pilot)
        assert field.text == "first line\nsecxond line\nthird line"


# -- in a real terminal ---------------------------------------------------------------------------

#: keys (tmux names), in groups; the pane is compared with a whole repaint after each group
GROUPS = [
    ["Home", "-l", "When I struggle I tell myself I am useless and that nothing will change"],
    ["Enter", "-l", "but a friend (a good one) would hear it differently"],
    ["Left"] * 12,  # the cursor past the brackets: nothing of them may stay lit
    ["Left"] * 10 + ["Up", "Down"],
    ["Up", "Left", "Left", "Left", "-l", "XYZ"],
    ["S-Left", "S-Left", "S-Left", "S-Left"],
    ["-l", "k"],
    ["Down", "End", "S-Up"],
    ["BSpace"],
    ["C-z"],
    ["Home", "BSpace"],
    ["-l", " and so on and so on until the line wraps round again at the edge of the box"],
    ["Up", "Up", "Right", "Right"],
    # more lines than the field shows: moves that scroll it, a selection across the fold
    [k for n in range(9) for k in ("End", "Enter", "-l", f"line {n} of a long answer")],
    ["Up"] * 10,
    ["S-Down"] * 6,
    ["-l", "m"],
    ["C-End", "S-Up", "S-Up", "Delete"],
]

if tmux_path() is None and os.environ.get("CI"):
    raise RuntimeError("tmux is missing, and CI must run the real-terminal tests")


@pytest.mark.terminal
@pytest.mark.skipif(tmux_path() is None, reason="tmux is not installed (CI installs it: .ci/run)")
def test_what_the_terminal_shows_is_a_whole_repaint(tmp_path: Path) -> None:
    data = tmp_path / "data"
    populate(data)
    config = write_config(tmp_path / "config.toml", idle_minutes=0)
    # low bandwidth: a cursor that never blinks, so two looks at one screen are alike
    with tmux_session() as tmux:
        tmux.start(app_command(data, "--client", "X123", "--low-bandwidth"), env=app_env(config))
        tmux.wait_for("Resume")
        tmux.keys("r")
        tmux.wait_for("Treat")
        tmux.settle()
        tmux.keys("Enter")
        tmux.wait_for("Step 1 of 6")
        tmux.settle()
        go_to_step(tmux, 2, 6, "A friend who is struggling")
        before = settle_with_attributes(tmux)
        for group in GROUPS:
            send(tmux, group)
            changed(tmux, before, group)
            shown = settle_with_attributes(tmux)
            tmux.run("resize-window", "-t", TARGET, "-x", "81")
            tmux.wait_until(lambda s: max(len(x) for x in s.split("\n")) > 0, "a resize")
            settle_with_attributes(tmux)
            tmux.run("resize-window", "-t", TARGET, "-x", "80")
            whole = settle_with_attributes(tmux)
            assert shown == whole, f"after {group} the pane differs from a whole repaint:\n" + (
                diff(shown, whole)
            )
            before = whole


def send(tmux: Any, group: list[str]) -> None:
    literal = False
    for key in group:
        if key == "-l":
            literal = True
            continue
        if literal:
            tmux.run("send-keys", "-t", TARGET, "-l", key)
            literal = False
        else:
            tmux.keys(key)


def changed(tmux: Any, before: str, group: list[str]) -> None:
    """Wait until the pane, colours included, is no longer `before`: the keys have landed."""
    tmux.wait_until(lambda _: tmux.screen_with_attributes() != before, f"the keys {group}")


def settle_with_attributes(tmux: Any) -> str:
    tmux.settle()
    return str(tmux.screen_with_attributes())


def diff(a: str, b: str) -> str:
    return "\n".join(
        f"  line {i}:\n    shown: {x!r}\n    whole: {y!r}"
        for i, (x, y) in enumerate(zip(a.split("\n"), b.split("\n"), strict=False))
        if x != y
    )
