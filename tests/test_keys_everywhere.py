"""The keys agree wherever they are shown (issue 23): f1 lists each key once, a key the footer shows
for the screen keeps working in every field of it, and the command palette finds every action the
footer or f1 shows (ctrl+p `disc` finds `^g Disclosure`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

import pytest
from textual.app import App
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Static

from exercises.models import StepKind
from screens.exercise import FOLLOW_UP_TOLD
from screens.help import KEY_WIDTH, HelpScreen
from screens.key_bar import KeyBar
from screens.session import SessionScreen, run_session
from tests.exercise_fixtures import STEPS, ExerciseApp, exercise_of, new_session, open_client
from tests.shell_fixtures import make_app, populate, wait_for
from tui.shell.app import WellbeingApp
from tui.shell.palette import WellbeingCommands


class PaletteApp(ExerciseApp):
    """The exercise screen with the app's palette provider, its help key and its palette key."""

    COMMANDS: ClassVar = App.COMMANDS | {WellbeingCommands}
    BINDINGS: ClassVar = [
        b
        for b in WellbeingApp.BINDINGS
        if isinstance(b, Binding) and b.action in ("help", "command_palette")
    ]

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())


def help_keys(help_screen: Screen[Any]) -> list[str]:
    """Every key f1 lists, one entry per listing."""
    keys: list[str] = []
    for block in help_screen.query(".help-keys").results(Static):
        for line in str(block.render()).splitlines():
            keys += [k.strip() for k in line[:KEY_WIDTH].split(" / ") if k.strip()]
    return keys


def palette_titles(screen: Screen[Any]) -> set[str]:
    return {title for title, _, _ in WellbeingCommands(screen)._commands()}


def footer(screen: Screen[Any]) -> list[tuple[str, str, str, bool]]:
    return list(screen.query_one(KeyBar).entries)


async def walk_focus(screen: Screen[Any], pilot: Any) -> Any:
    """Focus each focusable widget of the screen in turn (yielding after each)."""
    for widget in list(screen.focus_chain):
        widget.focus()
        await pilot.pause()
        yield widget


async def check_screen(app: Any, pilot: Any, screen: Screen[Any]) -> None:
    """On every focus position: the screen's footer keys are still there, f1 lists each key
    once, and the palette offers every action the footer and f1 show."""
    await pilot.pause()
    own = {key for key, _, _, _ in footer(screen)}
    async for widget in walk_focus(screen, pilot):
        where = f"{type(screen).__name__} with {type(widget).__name__} focused"
        shown = footer(screen)
        missing = own - {key for key, _, _, _ in shown}
        screen_keys = {
            key
            for key in missing
            if any(
                b.key == key and b.show and screen.check_action(b.action, ()) is not False
                for _, b in screen._bindings
            )
        }
        assert not screen_keys, f"{where}: the footer loses {screen_keys}"
        titles = palette_titles(screen)
        for _key, _shown, description, enabled in shown:
            if enabled and description:
                assert description in titles, f"{where}: the palette misses {description!r}"
        await pilot.press("f1")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
        listed = help_keys(app.screen)
        doubled = {k for k in listed if listed.count(k) > 1}
        assert not doubled, f"{where}: f1 lists {doubled} more than once"
        assert listed.count("ctrl+p") == 1
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is screen)
        widget.focus()


@pytest.mark.parametrize("kind", list(StepKind), ids=[k.value for k in StepKind])
async def test_keys_agree_on_every_kind_of_step(tmp_path: Path, kind: StepKind) -> None:
    cf = open_client(tmp_path)
    app = PaletteApp(exercise_of(STEPS[kind]), new_session(cf), cf)
    async with app.run_test(size=(80, 24)) as pilot:
        await check_screen(app, pilot, app.screen)


async def test_keys_agree_on_the_session_screen(data_dir: Path) -> None:
    populate(data_dir)
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        from screens.dashboard import DashboardScreen

        app.open_client("X123")
        await wait_for(pilot, lambda: isinstance(app.screen, DashboardScreen) and app.screen.ready)
        await check_screen(app, pilot, app.screen)
        oc = app.client_files["X123"]
        run_session(app, oc, oc.session("s2"))  # type: ignore[arg-type]
        await wait_for(
            pilot, lambda: isinstance(app.screen, SessionScreen) and app.screen.query("#plan")
        )
        await check_screen(app, pilot, app.screen)


async def test_the_palette_finds_the_disclosure_action_and_runs_it(tmp_path: Path) -> None:
    cf = open_client(tmp_path)
    app = PaletteApp(exercise_of(STEPS[StepKind.TEXT]), new_session(cf), cf)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*"I went near the school")
        assert any(d == "Disclosure" for _, _, d, _ in footer(app.screen))
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"disc")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await wait_for(
            pilot,
            lambda: FOLLOW_UP_TOLD in str(app.screen.query_one("#exercise-notice").render()),
        )
        app.saver.flush()
    (answer,) = cf.answers("s1")
    assert answer.disclosure is True
