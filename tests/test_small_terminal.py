"""Below the minimum size every screen gives way to a message saying what size is needed."""

from __future__ import annotations

from textual.widgets import Static

from screens.too_small import MIN_HEIGHT, MIN_WIDTH, MinimumSizeGuard, TooSmallScreen
from tests.shell_fixtures import fixed_dir, make_app, populate, wait_for
from tui.shell.app import WellbeingApp

GuardedApp = WellbeingApp  # the guard is among the App's bases


def message(app: WellbeingApp) -> str:
    return str(app.screen.query_one("#too-small", Static).render())


def app_on(name: str, cls: type[WellbeingApp] = GuardedApp) -> WellbeingApp:
    data = fixed_dir(name)
    populate(data)
    template = make_app(data)
    return cls(template.ctx, today=template.today)


async def test_small_terminal_says_what_it_needs_and_recovers() -> None:
    app = app_on("small-start")
    async with app.run_test(size=(50, 15)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, TooSmallScreen))
        text = message(app)
        assert "50 x 15" in text
        assert f"at least {MIN_WIDTH} x {MIN_HEIGHT}" in text
        await pilot.press("a", "f1", "f12")  # nothing opens behind or above the message
        assert isinstance(app.screen, TooSmallScreen)
        assert len(app.screen_stack) == 3  # default screen, client list, the message
        await pilot.resize_terminal(70, 20)
        await wait_for(pilot, lambda: "70 x 20" in message(app))
        await pilot.resize_terminal(80, 24)
        await wait_for(pilot, lambda: not isinstance(app.screen, TooSmallScreen))
        assert type(app.screen).__name__ == "ClientListScreen"


async def test_shrinking_covers_any_screen_and_growing_returns_to_it() -> None:
    app = app_on("small-dashboard")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.open_client("X123")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "DashboardScreen")
        dashboard = app.screen
        await pilot.resize_terminal(80, MIN_HEIGHT - 1)
        await wait_for(pilot, lambda: isinstance(app.screen, TooSmallScreen))
        assert f"80 x {MIN_HEIGHT - 1}" in message(app)
        await pilot.press("escape", "n")  # keys do not reach the hidden dashboard
        assert isinstance(app.screen, TooSmallScreen)
        await pilot.resize_terminal(100, 30)
        await wait_for(pilot, lambda: app.screen is dashboard)


async def test_a_screen_pushed_while_too_small_is_covered_too() -> None:
    app = app_on("small-push")
    async with app.run_test(size=(40, 10)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, TooSmallScreen))
        app.lock_for_privacy()  # e.g. the idle timer fires
        await wait_for(
            pilot,
            lambda: (
                isinstance(app.screen, TooSmallScreen)
                and type(app.screen_stack[-2]).__name__ == "PrivacyScreen"
            ),
        )
        await pilot.resize_terminal(80, 24)
        await wait_for(pilot, lambda: type(app.screen).__name__ == "PrivacyScreen")
        await pilot.press("enter")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "ClientListScreen")
        assert not any(isinstance(s, TooSmallScreen) for s in app.screen_stack)


async def test_the_real_app_is_guarded() -> None:
    assert issubclass(WellbeingApp, MinimumSizeGuard)
    app = app_on("small-real", WellbeingApp)
    async with app.run_test(size=(50, 15)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, TooSmallScreen))
        await pilot.resize_terminal(80, 24)
        await wait_for(pilot, lambda: not isinstance(app.screen, TooSmallScreen))
