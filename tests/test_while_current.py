"""A screen's timers that matter only while it is seen (screens/while_current.py) sleep while
another screen covers it and run once at once when it is shown again."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.screen import Screen
from textual.widgets import Static

from screens.while_current import every_while_current
from tests.settling import until


class Listed(Screen[None]):
    def __init__(self) -> None:
        super().__init__()
        self.looks = 0

    def compose(self) -> ComposeResult:
        yield Static("the list")

    def on_mount(self) -> None:
        every_while_current(self, 0.02, self.look, name="look")

    def look(self) -> None:
        self.looks += 1


class Covering(Screen[None]):
    """Another screen, with a timer of its own that shows time passing."""

    def __init__(self) -> None:
        super().__init__()
        self.ticks = 0

    def on_mount(self) -> None:
        self.set_interval(0.02, self.tick)

    def tick(self) -> None:
        self.ticks += 1


class Two(App[None]):
    def on_mount(self) -> None:
        self.push_screen(Listed())


async def test_covered_it_sleeps_and_shown_again_it_looks_at_once() -> None:
    app = Two()
    async with app.run_test(size=(40, 5)) as pilot:
        listed = app.screen
        assert isinstance(listed, Listed)
        await until(pilot, lambda: listed.looks >= 3)
        covering = Covering()
        await app.push_screen(covering)
        before = listed.looks
        await until(pilot, lambda: covering.ticks >= 10)
        assert listed.looks == before  # ten of its periods went by unseen
        app.pop_screen()
        await until(pilot, lambda: listed.looks > before)
        await until(pilot, lambda: listed.looks >= before + 3)  # and goes on
