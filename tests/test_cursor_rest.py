"""The text cursor stops blinking when nobody types (tui/shell/cursor_rest.py), on a fake clock:
still after BLINK_SECONDS without a key, blinking again at the next key, a field focused during
the rest holds still at once, and on a slow link it never blinks."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input

from tests.shell_fixtures import make_app, wait_for
from tui.services.timing import FakeClock
from tui.shell.cursor_rest import BLINK_SECONDS


async def test_the_cursor_rests_after_the_last_key_and_wakes_at_the_next(data_dir: Path) -> None:
    clock = FakeClock()
    app = make_app(data_dir, clock=clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.screen.query_one("#empty").display)
        await pilot.press("a", *"X12")  # the new client form, its ID field focused
        cid = app.screen.query_one("#cid", Input)
        await wait_for(pilot, lambda: app.focused is cid)
        rest = app.cursor_rest
        assert rest is not None and cid.cursor_blink

        clock.advance(BLINK_SECONDS - 1)
        rest.rest_if_due()  # what its timer calls: too soon, it waits on
        assert cid.cursor_blink

        clock.advance(1)
        rest.rest_if_due()
        assert not cid.cursor_blink, "the cursor still blinks after 10 s without a key"

        await pilot.press("3")
        assert cid.cursor_blink, "a key did not wake the cursor"
        assert cid.value == "X123"

        clock.advance(BLINK_SECONDS)
        rest.rest_if_due()
        assert not cid.cursor_blink
        app.screen.focus_next(Input)  # focus moved by the app, no key: the next holds still
        await wait_for(pilot, lambda: app.focused is not cid)
        await pilot.pause()  # the focus message on its way to the App
        name = app.focused
        assert isinstance(name, Input) and not name.cursor_blink
        assert not cid.cursor_blink

        await pilot.press("A")  # typing there wakes it; the field left behind stays as it is
        assert name.cursor_blink and name.value.endswith("A")
        assert not cid.cursor_blink


async def test_on_a_slow_link_the_cursor_never_blinks(data_dir: Path) -> None:
    app = make_app(data_dir, low_bandwidth=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.screen.query_one("#empty").display)
        await pilot.press("a", *"X12")
        cid = app.screen.query_one("#cid", Input)
        await wait_for(pilot, lambda: app.focused is cid)
        assert app.cursor_rest is None and not cid.cursor_blink
        await pilot.press("3")
        assert not cid.cursor_blink
