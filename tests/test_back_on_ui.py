"""A worker's result goes back to its screen only while that screen is there (`back_on_ui`):
never onto one whose widgets are being removed (a dismissed screen, the app exiting while the
client list still reads: `NoMatches` from a query, the app stopped). What is only said (a
failure, "done") is said by the app, even when the screen has gone."""

from __future__ import annotations

import threading
import time

import pytest
from textual import work
from textual.app import App, ComposeResult
from textual.screen import Screen
from textual.widgets import Static

from screens import off_ui as off_ui_module
from screens.off_ui import back_on_ui, dismiss_if_on_top, off_ui
from tests.shell_fixtures import wait_for


class Reading(Screen[None]):
    """Reads in a worker until released, then shows what it read in a widget of its own."""

    def __init__(self, release: threading.Event, release_on_unmount: bool = False) -> None:
        super().__init__()
        self.release = release
        self.release_on_unmount = release_on_unmount
        self.started = threading.Event()
        self.outcome: list[bool] = []
        self.answered = threading.Event()
        self.shown: list[str] = []

    def compose(self) -> ComposeResult:
        yield Static("", id="result")

    @work(thread=True, group="reading")
    def read(self) -> None:
        self.started.set()
        self.release.wait(30)
        self.outcome.append(back_on_ui(self, self._show, "read"))
        self.answered.set()

    def _show(self, text: str) -> None:
        self.query_one("#result", Static).update(text)  # NoMatches once its widgets are gone
        self.shown.append(text)

    def on_unmount(self) -> None:
        if self.release_on_unmount:  # its widgets are gone by now: the worker answers just then
            self.release.set()
            self.answered.wait(5)  # (the loop held: the answer comes while the screen closes)


class Host(App[None]):
    def __init__(self, screen: Reading) -> None:
        super().__init__()
        self.reading = screen
        self.said: list[str] = []

    def on_mount(self) -> None:
        self.push_screen(self.reading)

    def notify(self, message: str, **kwargs: object) -> None:  # type: ignore[override]
        self.said.append(message)


@pytest.mark.parametrize("dismissed", [False, True], ids=["there", "dismissed"])
async def test_a_result_lands_on_its_screen_only_while_it_is_there(dismissed: bool) -> None:
    release = threading.Event()
    screen = Reading(release)
    app = Host(screen)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.screen is screen)
        screen.read()
        await wait_for(pilot, screen.started.is_set)
        if dismissed:
            await app.pop_screen()
            await wait_for(pilot, lambda: not screen.is_attached)
        release.set()
        await wait_for(pilot, lambda: bool(screen.outcome))
        assert screen.outcome == [not dismissed]
        assert screen.shown == ([] if dismissed else ["read"])
        if not dismissed:
            assert str(screen.query_one("#result", Static).render()) == "read"
    assert app.return_code in (None, 0)  # not stopped by an error


async def test_the_app_exiting_while_a_screen_reads_is_no_crash() -> None:
    """The CI failure of 2026-12-06: the client list's read answered as the app exited."""
    release = threading.Event()
    screen = Reading(release, release_on_unmount=True)
    app = Host(screen)
    async with app.run_test(size=(80, 24)) as pilot:  # re-raises an error in the app or a worker
        await wait_for(pilot, lambda: app.screen is screen)
        screen.read()
        await wait_for(pilot, screen.started.is_set)
    assert release.is_set()
    assert screen.answered.wait(10)
    assert screen.outcome == [False]
    assert screen.shown == []
    assert app.return_code in (None, 0)


class Working(Screen[None]):
    def __init__(self, release: threading.Event, fails: bool) -> None:
        super().__init__()
        self.release, self.fails = release, fails
        self.started = threading.Event()
        self.done: list[str] = []

    def compose(self) -> ComposeResult:
        yield Static("", id="result")

    def start(self) -> None:
        def job() -> str:
            self.started.set()
            self.release.wait(30)
            if self.fails:
                raise OSError("the disk is full")
            return "written"

        off_ui(
            self,
            job,
            self._done,
            failed="Not exported",
            group="w",
            working="Exporting",
            told=lambda result: f"Exported: {result}",
        )

    def _done(self, result: str) -> None:
        self.query_one("#result", Static).update(result)
        self.done.append(result)


@pytest.mark.parametrize(
    ("fails", "told"), [(True, "Not exported: the disk is full"), (False, "Exported: written")]
)
async def test_work_that_ends_after_its_screen_has_gone_is_still_told(
    fails: bool, told: str
) -> None:
    release = threading.Event()
    screen = Working(release, fails)
    app = Host(Reading(threading.Event()))
    async with app.run_test(size=(80, 24)) as pilot:
        await app.push_screen(screen)
        screen.start()
        await wait_for(pilot, screen.started.is_set)
        await app.pop_screen()
        await wait_for(pilot, lambda: not screen.is_attached)
        release.set()
        # the UI busy for longer than the worker's look at its (cancelled) self: what it hands to
        # the App is still waited for, not given up with the screen
        time.sleep(off_ui_module.GONE_LOOK * 6)
        await wait_for(pilot, lambda: told in app.said)
        assert screen.done == []
    assert app.return_code in (None, 0)


async def test_a_result_of_a_cancelled_worker_never_lands_even_when_queued() -> None:
    """A worker replaced by a newer one of its group (`exclusive`) gives up its result for good:
    False, and the callback it had already posted does nothing when its turn comes."""
    release = threading.Event()
    screen = Reading(release)
    app = Host(screen)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.screen is screen)
        worker = screen.read()
        await wait_for(pilot, screen.started.is_set)
        worker.cancel()
        release.set()
        # the loop held until the worker has given up: its callback is queued, not yet run
        assert screen.answered.wait(10)
        await pilot.pause()
        assert screen.outcome == [False]
        assert screen.shown == []


class Cover(Screen[None]):
    def compose(self) -> ComposeResult:
        yield Static("covered")


class Form(Screen[str]):
    """Dismissed by its worker's answer (a save done), through `dismiss_if_on_top`."""

    def __init__(self, release: threading.Event) -> None:
        super().__init__()
        self.release = release
        self.closed: list[bool] = []

    @work(thread=True, group="save")
    def save(self) -> None:
        self.release.wait(30)
        back_on_ui(self, lambda: self.closed.append(dismiss_if_on_top(self, "saved")))


@pytest.mark.parametrize("meanwhile", ["covered", "popped"])
async def test_a_late_dismiss_closes_no_other_screen(meanwhile: str) -> None:
    """`dismiss` pops whatever is on top: a save that ends under the privacy cover must not lift
    the cover, and one whose form was already taken off must not pop the screen below."""
    release = threading.Event()
    base = Reading(threading.Event())
    app = Host(base)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.screen is base)
        form = Form(release)
        await app.push_screen(form)
        form.save()
        if meanwhile == "covered":
            await app.push_screen(Cover())
        else:
            app.pop_screen()  # (not awaited: its queue still holds what was posted before)
        release.set()
        if meanwhile == "covered":
            await wait_for(pilot, lambda: bool(form.closed))
            assert form.closed == [False]
            assert isinstance(app.screen, Cover)
            assert app.screen_stack[-2] is form
        else:
            await wait_for(pilot, lambda: not form.is_attached)
            await pilot.pause()
            assert form.closed in ([], [False])
            assert app.screen is base
    assert app.return_code in (None, 0)


def test_every_worker_answers_through_back_on_ui() -> None:
    """One path: no screen and not the App hands a result back with `call_from_thread`."""
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    offenders = [
        str(path.relative_to(root))
        for folder in ("screens", "tui/shell")
        for path in sorted((root / folder).rglob("*.py"))
        if "call_from_thread(" in path.read_text(encoding="utf-8")
    ]
    assert offenders == []
