"""A repaint of part of the screen renders only the widgets in that part (`tui.shell.partial_paint`),
and every line it sends is the line Textual's own compositor would send.

Each frame of a session through every kind of step (typing, moving, choosing, a row added, the
save mark changing, a step changed) is composed twice, by the app's compositor and by Textual's,
and the two compared on every span the terminal is sent. A key in a text field must not render
the step's title above it.
"""

from __future__ import annotations

import types
from pathlib import Path
from typing import Any

import pytest
from rich.cells import cell_len
from textual._compositor import Compositor
from textual.geometry import Region
from textual.widgets import Static

from exercises.models import StepKind
from screens.steps.fields import LimitedTextArea
from tests.exercise_fixtures import ExerciseApp, every_kind, new_session, open_client, single
from tests.settling import settled
from tui.shell.partial_paint import PartialCompositor


class Frames:
    """Every partial frame composed both ways; the spans where the two differ."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.frames = 0
        self.differences: list[str] = []
        real = PartialCompositor._render_chops

        def render_chops(compositor: PartialCompositor, crop: Region, is_line: Any) -> Any:
            ours = real(compositor, crop, is_line)
            # the same frame through Textual's `_get_renders` (an instance attribute shadows ours)
            compositor._get_renders = types.MethodType(Compositor._get_renders, compositor)  # type: ignore[method-assign]
            try:
                textuals = real(compositor, crop, is_line)
            finally:
                del compositor._get_renders
            self.frames += 1
            self._compare(crop, is_line, ours, textuals)
            return ours

        monkeypatch.setattr(PartialCompositor, "_render_chops", render_chops)

    def _compare(self, crop: Region, is_line: Any, ours: Any, textuals: Any) -> None:
        for y in range(crop.y, crop.bottom):
            if not is_line(y):
                continue
            for x, strip in textuals[y].items():
                if crop.x <= x < crop.right and ours[y].get(x) != strip:
                    self.differences.append(f"row {y}, column {x}: {ours[y].get(x)!r} != {strip!r}")


@pytest.mark.parametrize("size", [(80, 24), (60, 12)], ids=["80x24", "60x12-scrolled"])
async def test_every_partial_frame_sends_what_textual_would(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, size: tuple[int, int]
) -> None:
    """At 60x12 the steps overflow their scrolling body, which is moved to its end before the
    keys: widgets cut by their container's clip."""
    frames = Frames(monkeypatch)
    cf = open_client(tmp_path)
    app = ExerciseApp(every_kind(), new_session(cf), cf)
    scrolled = 0
    async with app.run_test(size=size) as pilot:
        await settled(app, pilot)
        assert isinstance(app.screen._compositor, PartialCompositor)  # noqa: SLF001
        # through each step: something typed, moved, chosen, then on to the next
        for _ in range(len(every_kind().steps)):
            body = app.screen.query_one("#step-body")
            if body.max_scroll_y > 0:
                body.scroll_end(animate=False, immediate=True)
                scrolled += 1
                await settled(app, pilot)
            await pilot.press(*"ab c", "left", "space", "right", "down", "x", "backspace", "tab")
            await pilot.press(*"de", "enter", "up", "shift+tab")
            await settled(app, pilot)
            await pilot.press("ctrl+n")
            await settled(app, pilot)
    assert frames.frames > 20, "too few partial frames to have compared anything"
    assert scrolled or size == (80, 24), "no step overflowed at 60x12: nothing was cut by a clip"
    assert not frames.differences, "\n".join(frames.differences[:10])


async def test_a_key_in_a_field_renders_nothing_above_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No save ends while the keys are typed (the autosaver waits a minute): a save mark that
    changes in the same frame as a key widens the part repainted up to the title bar."""
    cf = open_client(tmp_path)
    app = ExerciseApp(every_kind(), new_session(cf), cf, delay=60.0)
    rendered: list[str] = []
    real = Static.render_lines

    def render_lines(static: Static, crop: Region) -> Any:
        rendered.append(static.id or "")
        return real(static, crop)

    async with app.run_test(size=(80, 24)) as pilot:
        await settled(app, pilot)
        while app.focused is None or type(app.focused).__name__ != "LimitedTextArea":
            await pilot.press("ctrl+n")
            await settled(app, pilot)
        await pilot.press("x")  # the first key: "saving…" shows in the title bar, and stays
        await settled(app, pilot)
        monkeypatch.setattr(Static, "render_lines", render_lines)
        await pilot.press(*"yz")
        await settled(app, pilot)
        assert app.focused.text.endswith("xyz")  # type: ignore[union-attr]
    assert rendered, "nothing rendered: the field's count below it is a Static"
    assert "step-title" not in rendered, "a key in the field rendered the step's title above it"


def cell_style(app: Any, x: int, y: int) -> Any:
    """The style of the cell at (x, y) as the screen would be sent."""
    left = 0
    for segment in app.screen._compositor.render_strips()[y]:  # noqa: SLF001
        right = left + cell_len(segment.text)
        if left <= x < right:
            return segment.style
        left = right
    raise AssertionError(f"no cell at {x}, {y}")


async def test_the_field_draws_its_cursor_in_each_theme(tmp_path: Path) -> None:
    """The field gives its theme the CSS only when styles change (`LimitedTextArea.render_lines`):
    its cursor is drawn in the cursor colour of the theme in use, before and after a switch."""
    cf = open_client(tmp_path)
    app = ExerciseApp(single(StepKind.TEXT), new_session(cf), cf)
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(app, pilot)
        await pilot.press(*"kind words")
        field = app.screen.query_one(LimitedTextArea)
        field.cursor_blink = False  # shown steadily
        seen = []
        for theme in (app.theme, "textual-light", "textual-dark"):
            app.theme = theme
            await settled(app, pilot)
            x, y = field.cursor_screen_offset
            cursor = field.get_component_rich_style("text-area--cursor")
            assert cell_style(app, x, y).bgcolor == cursor.bgcolor, f"the cursor in {theme}"
            seen.append(cursor.bgcolor)
        assert seen[0] != seen[1], "the two themes' cursors look alike: nothing was tested"
