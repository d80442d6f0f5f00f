"""Fast typing lands where it was typed (issue 22): the defects found with keys arriving in one
read, each pinned, and the key gate's rule that held keys go on when the app has settled, never
after a fixed time.

A "stall" stands in for a loaded machine: the UI thread is blocked for a moment while a new field
mounts, as it is when every core is busy. No test waits a fixed time to prove an order: each
waits until the app has dealt with everything (`settled`).
"""

from __future__ import annotations

import logging
import signal
import time
from pathlib import Path
from typing import Any

import pytest
from textual import events
from textual.app import ComposeResult
from textual.widget import Widget
from textual.widgets import Input

from exercises.models import Column, StepKind
from screens.steps.fields import LimitedInput, LimitedTextArea
from screens.steps.table import RowEditor
from tests.exercise_fixtures import ExerciseApp, exercise_of, new_session, open_client, step
from tests.key_scripts import key_event
from tests.settling import settled, until
from tui.shell import key_gate
from tui.shell.key_gate import GatedApp

#: how long a stall blocks the UI thread: longer than the 0.3 s the gate used to wait at most
STALL = 0.45


def burst(app: Any, keys: list[str]) -> None:
    """Every key posted before the app runs: one read from a slow link."""
    for key in keys:
        app.post_message(key_event(key))


def stall_on_mount(monkeypatch: pytest.MonkeyPatch, widget: type[Widget]) -> None:
    """Block the UI thread while a `widget` mounts, as a busy machine does."""

    def on_mount(self: Widget) -> None:
        time.sleep(STALL)

    monkeypatch.setattr(widget, "on_mount", on_mount, raising=False)


def stall_on_create(monkeypatch: pytest.MonkeyPatch, widget: type[Widget]) -> None:
    """Block the UI thread while a `widget` is built (before it is mounted)."""
    build = widget.__init__

    def __init__(self: Widget, *args: Any, **kwargs: Any) -> None:
        time.sleep(STALL)
        build(self, *args, **kwargs)

    monkeypatch.setattr(widget, "__init__", __init__)


async def saved_answers(app: ExerciseApp, pilot: Any) -> dict[str, Any]:
    await settled(app, pilot)
    app.saver.flush()
    await settled(app, pilot)
    return {a.step_id: a.value for a in app.client_file.answers("s1")}


LIST = step(StepKind.LIST, "worries", "What worries you?", max_items=5, max_length=60)
DIARY = step(
    StepKind.TABLE,
    "diary",
    "My diary",
    columns=(
        Column(id="date", label="Date", type="date"),
        Column(id="what", label="What I did", max_length=60),
        Column(id="after", label="How I felt after", max_length=60),
    ),
    max_rows=10,
)
FIRST = step(StepKind.TEXT, "worry", "What worries you most?")
SECOND = step(StepKind.TEXT, "hope", "What do you hope for?")
ITEMS = ["Losing my job at the warehouse", "My mum is ill and I can't visit her"]


@pytest.mark.parametrize("stall", [None, stall_on_create, stall_on_mount])
async def test_list_items_typed_fast_stay_two_items(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, stall: Any
) -> None:
    """`item<Enter>item` in one read: the second item goes in the new field, not on the end of
    the first (merged in 3 of 5 tries over a slow link), however busy the machine."""
    cf = open_client(tmp_path)
    app = ExerciseApp(exercise_of(LIST), new_session(cf), cf)
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(app, pilot)
        if stall is not None:
            stall(monkeypatch, LimitedInput)
        burst(app, [*ITEMS[0], "enter", *ITEMS[1]])
        assert (await saved_answers(app, pilot))["worries"] == ITEMS


async def test_keys_after_ctrl_o_go_into_the_new_row(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A diary row, ctrl+o and the next row's date in one read, on a busy machine: the date is
    the new row's (it went on the end of the row before: `Calmer, slept by 22026-12-04`)."""
    cf = open_client(tmp_path)
    app = ExerciseApp(exercise_of(DIARY), new_session(cf), cf)
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(app, pilot)
        stall_on_mount(monkeypatch, RowEditor)
        keys = [*"2026-12-03", "tab", *"Walk", "tab", *"Calmer, slept by 2", "ctrl+o"]
        burst(app, [*keys, *"2026-12-04", "tab", *"Breathing"])
        rows = (await saved_answers(app, pilot))["diary"]
    assert rows == [
        {"date": "2026-12-03", "what": "Walk", "after": "Calmer, slept by 2"},
        {"date": "2026-12-04", "what": "Breathing", "after": ""},
    ]


async def test_a_date_put_right_in_one_read_keeps_every_key(tmp_path: Path) -> None:
    """`2026-12-05<Backspace>4` in one read: Backspace acts through a binding, after bubbling up,
    so the 4 typed after it went in first and was the character it deleted."""
    cf = open_client(tmp_path)
    app = ExerciseApp(exercise_of(DIARY), new_session(cf), cf)
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(app, pilot)
        burst(app, [*"2026-12-05", "backspace", "4", "tab", *"Walj", "backspace", "k"])
        rows = (await saved_answers(app, pilot))["diary"]
    assert rows == [{"date": "2026-12-04", "what": "Walk", "after": ""}]


async def test_the_first_key_after_ctrl_n_on_a_busy_machine(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`kind<ctrl+n>hope` in one read while the next step takes long to mount: every letter of
    `hope` is in the next step (the gate let go after 0.3 s, and the `h` was lost)."""
    cf = open_client(tmp_path)
    app = ExerciseApp(exercise_of(FIRST, SECOND), new_session(cf), cf)
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(app, pilot)
        stall_on_mount(monkeypatch, LimitedTextArea)
        burst(app, [*"kind", "ctrl+n", *"hope"])
        answers = await saved_answers(app, pilot)
    assert answers == {"worry": "kind", "hope": "hope"}


# -- the gate itself: an event lets held keys go, never the clock -------------------------------


class Busy(Widget, can_focus=True):
    """Handles ctrl+w by waiting for the test to let it finish: the app is busy until then."""

    def __init__(self) -> None:
        super().__init__()
        self.release: Any = None

    async def _on_key(self, event: events.Key) -> None:
        import asyncio

        if event.key == "ctrl+w":
            event.stop()
            self.release = asyncio.Event()
            await self.release.wait()
            self.screen.query_one(Input).focus()


class TwoFields(GatedApp):
    def compose(self) -> ComposeResult:
        yield Busy()
        yield Input(id="field")


class Clock:
    """Stands in for `time.monotonic` in the gate: moved by the test."""

    def __init__(self) -> None:
        self.now = 1000.0

    def monotonic(self) -> float:
        return self.now


def counted_looks(app: GatedApp, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many times the gate has looked whether the app has settled."""
    looks = [0]
    check = app.key_gate.check

    def counting() -> None:
        looks[0] += 1
        check()

    monkeypatch.setattr(app.key_gate, "check", counting)
    return looks


async def test_held_keys_wait_for_the_app_however_long_it_takes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Keys behind a key still being dealt with are held past any fixed time (the clock moves
    9 s: once 0.3 s let them go to whatever had the focus), and go on when it is done."""
    clock = Clock()
    monkeypatch.setattr(key_gate, "time", clock)
    app = TwoFields()
    looks = counted_looks(app, monkeypatch)
    async with app.run_test(size=(80, 24)) as pilot:
        busy = app.query_one(Busy)
        busy.focus()
        await settled(app, pilot)
        try:
            burst(app, ["ctrl+w", *"hope"])
            await until(pilot, lambda: busy.release is not None and len(app.key_gate.held) == 4)
            clock.now += 9.0
            seen = looks[0]
            # the gate looks again and again: still busy, so still held
            await until(pilot, lambda: looks[0] >= seen + 20 or not app.key_gate.holding)
            assert app.key_gate.holding and len(app.key_gate.held) == 4
        finally:
            if busy.release is not None:
                busy.release.set()
        await settled(app, pilot)
        assert app.query_one("#field", Input).value == "hope"


async def test_the_safety_limit_lets_keys_go_and_says_so(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """An app that never settles does not keep keys for ever: after SAFETY_SECONDS (seconds,
    not a fraction of one) they go on, and the log names what was still busy."""
    assert key_gate.SAFETY_SECONDS >= 5
    clock = Clock()
    monkeypatch.setattr(key_gate, "time", clock)
    app = TwoFields()
    async with app.run_test(size=(80, 24)) as pilot:
        busy = app.query_one(Busy)
        busy.focus()
        await settled(app, pilot)
        try:
            with caplog.at_level(logging.WARNING, logger="tui.shell.key_gate"):
                burst(app, ["ctrl+w", "x"])
                await until(pilot, lambda: len(app.key_gate.held) == 1)
                clock.now += key_gate.SAFETY_SECONDS + 1
                await until(pilot, lambda: not app.key_gate.held)
            assert "did not settle" in caplog.text and "Busy" in caplog.text
        finally:
            if busy.release is not None:
                busy.release.set()
        await settled(app, pilot)


# -- keys after a screen is taken away: a takeover, the privacy cover, an error dialog ----------


def wellbeing_app(data: Path) -> Any:
    from tests.key_scripts import TODAY
    from tui.services.config import Config
    from tui.services.context import Context
    from tui.services.timing import FakeClock
    from tui.shell.app import WellbeingApp

    ctx = Context(config=Config(privacy_check=False, idle_minutes=0), data_dir=data)
    return WellbeingApp(ctx, clock=FakeClock(), today=lambda: TODAY)


async def typed(app: Any, pilot: Any, keys: list[str]) -> None:
    """One key at a time, each once the app has settled (slow typing)."""
    for key in keys:
        app.post_message(key_event(key))
        await settled(app, pilot)


#: from the client list: open C100, a session of How Would You Treat a Friend, its first question
TO_FRIEND = [
    "enter",
    "n",
    "tab",
    "tab",  # the new-session dialog opens at its top; two tabs reach the list
    *["down"] * 7,  # treat-a-friend, in the shipped content's order
    "space",
    "ctrl+s",
    "enter",
    "ctrl+n",
]


def friend_answer(data: Path) -> Any:
    from store.clients import Repository

    with Repository(data, user="pat").read("C100") as cf:
        found = [a.value for a in cf.answers() if a.step_id == "friend"]
    return found[0] if found else None


async def test_keys_after_a_takeover_never_reach_the_client_list(tmp_path: Path) -> None:
    """A colleague takes the client over while the practitioner types: what was typed before is
    saved; what is typed after goes to a notice that shows it as not saved. `a` never opens Add
    a client, and the client's words never fill its fields."""
    from screens.client_form import ClientFormScreen
    from screens.client_list import ClientListScreen
    from screens.dialogs.handed_over import HandedOverScreen, TypedAfter
    from store.clients import Repository
    from tests.key_scripts import make_data, screen_text
    from tests.test_lock_takeover import age_holder

    data = make_data(tmp_path / "data")
    app = wellbeing_app(data)
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(app, pilot)
        await typed(app, pilot, [*TO_FRIEND, *"I would tell"])
        age_holder(Repository(data, user="pat"), "C100", 40)
        Repository(data, user="sam").request_takeover("C100", after_minutes=30)
        burst(app, [*" them", "space"])  # on their way when the app looks for requests:
        app._check_takeovers()  # they land (and are saved) before the client is handed over
        await settled(app, pilot)
        app._check_takeovers()
        burst(app, [*"about my mum", "enter", "a", *"bcd"])
        await settled(app, pilot)
        assert isinstance(app.screen, HandedOverScreen)
        assert not any(isinstance(s, ClientFormScreen) for s in app.screen_stack)
        shown = " ".join(screen_text(app).split())
        assert "sam has taken over client C100" in shown and "NOT SAVED (17 keys)" in shown
        typed_after = app.screen.query_one(TypedAfter)
        assert typed_after.text == "about my mum / abcd"
        await typed(app, pilot, ["escape"])
        assert isinstance(app.screen, ClientListScreen)
        assert app.screen.query_one("#search", Input).value == ""
        assert any("17 key(s) typed after client C100" in n.message for n in app._notifications)
        assert not [n.message for n in app._notifications if n.severity == "error"]
    assert friend_answer(data) == "I would tell them "


async def test_keys_read_with_the_escape_that_closes_the_notice_are_not_used(
    tmp_path: Path,
) -> None:
    """`<Escape>adef` in one read on the notice: the keys after Escape were typed before the
    client list was seen; they open nothing there."""
    from screens.client_form import ClientFormScreen
    from screens.client_list import ClientListScreen
    from store.clients import Repository
    from tests.key_scripts import make_data
    from tests.test_lock_takeover import age_holder

    data = make_data(tmp_path / "data")
    app = wellbeing_app(data)
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(app, pilot)
        await typed(app, pilot, TO_FRIEND)
        age_holder(Repository(data, user="pat"), "C100", 40)
        Repository(data, user="sam").request_takeover("C100", after_minutes=30)
        app._check_takeovers()
        await settled(app, pilot)
        burst(app, ["escape", *"adef"])
        await settled(app, pilot)
        assert isinstance(app.screen, ClientListScreen)
        assert not any(isinstance(s, ClientFormScreen) for s in app.screen_stack)
        assert any("4 key(s) typed after client C100" in n.message for n in app._notifications)


async def test_keys_under_the_privacy_cover_never_reach_the_form(tmp_path: Path) -> None:
    """`abc<f12>def<Enter>ghi` in one read: the keys typed while the cover is up are used
    nowhere (the cover says so); those after Enter go on in the answer."""
    from screens.exercise import ExerciseScreen
    from screens.privacy import PrivacyScreen
    from tests.key_scripts import make_data, screen_text

    data = make_data(tmp_path / "data")
    app = wellbeing_app(data)
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(app, pilot)
        await typed(app, pilot, TO_FRIEND)
        burst(app, [*"abc", "f12", *"def"])
        await settled(app, pilot)
        assert isinstance(app.screen, PrivacyScreen)
        assert "3 key(s) typed while hidden were not used" in screen_text(app)
        burst(app, ["enter", *"ghi"])
        await settled(app, pilot)
        assert isinstance(app.screen, ExerciseScreen)
        app.saver.flush()
        await settled(app, pilot)
    assert friend_answer(data) == "abcghi"


async def test_keys_after_an_error_dialog_stay_on_the_dialog(tmp_path: Path) -> None:
    """Enter on a client whose file is damaged, and typing on in the same read: the keys reach
    the dialog that says so, never the list beneath (no search typed, no form opened)."""
    from screens.client_form import ClientFormScreen
    from screens.client_list import ClientListScreen
    from screens.dialogs.choice import ProblemScreen
    from store.clients import Repository
    from tests.key_scripts import make_data

    data = make_data(tmp_path / "data")
    Repository(data, user="pat").path("C200").write_bytes(b"{ not a client file")
    app = wellbeing_app(data)
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(app, pilot)
        burst(app, ["down", "enter", *"about", "slash", *"xyz"])
        await settled(app, pilot)
        assert isinstance(app.screen, ProblemScreen)
        assert not any(isinstance(s, ClientFormScreen) for s in app.screen_stack)
        assert app.screen_stack[-2].query_one("#search", Input).value == ""
        await typed(app, pilot, ["escape"])
        assert isinstance(app.screen, ClientListScreen)


# -- Escape and the key after it in one read --------------------------------------------------


@pytest.mark.parametrize(
    ("read", "keys"),
    [
        ("\x1bn", ["escape", "n"]),  # was alt+n: Escape lost, and n no key of the app's
        ("\x1b\r", ["escape", "enter"]),  # was enter alone: the Escape dropped
        ("\x1b\t", ["escape", "tab"]),  # was shift+tab
        ("\x1b\x0e", ["escape", "ctrl+n"]),  # was ctrl+n alone
        ("\x1b\x7f", ["escape", "backspace"]),  # was ctrl+w
        ("\x1b\x1b[B", ["escape", "down"]),
        ("\x1b[B", ["down"]),  # sequences a terminal sends are still read as keys
        ("\x1bOP", ["f1"]),
        ("\x1b[1;3D", ["alt+left"]),
        ("\x1bPat", ["escape", "P", "a", "t"]),
        ("\x1b", ["escape"]),
    ],
)
def test_escape_and_the_next_key_in_one_read_are_two_keys(read: str, keys: list[str]) -> None:
    """On a slow link Escape and the key typed next arrive together; a terminal sends alt+key
    the same way. The app binds no alt+letter, so it reads them as the two keys typed."""
    from tui.shell.terminal_guards import burst_parser

    parser = burst_parser()()
    events_read = [*parser.feed(read), *parser.feed("")]
    assert [e.key for e in events_read] == keys


def test_the_driver_gets_the_burst_parser() -> None:
    from textual.drivers import linux_driver

    from tui.shell.terminal_guards import guard_escape_bursts

    guard_escape_bursts()
    assert linux_driver.XTermParser.__name__ == "BurstParser"


async def test_a_takeover_under_the_privacy_cover_shows_its_notice_when_lifted(
    tmp_path: Path,
) -> None:
    """Handed over while the screen was hidden: Enter and typing on in one read; the keys after
    Enter reach the notice, not the client list."""
    from screens.client_form import ClientFormScreen
    from screens.dialogs.handed_over import HandedOverScreen, TypedAfter
    from screens.privacy import PrivacyScreen
    from store.clients import Repository
    from tests.key_scripts import make_data
    from tests.test_lock_takeover import age_holder

    data = make_data(tmp_path / "data")
    app = wellbeing_app(data)
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(app, pilot)
        await typed(app, pilot, [*TO_FRIEND, *"kind", "f12"])
        assert isinstance(app.screen, PrivacyScreen)
        age_holder(Repository(data, user="pat"), "C100", 40)
        Repository(data, user="sam").request_takeover("C100", after_minutes=30)
        app._check_takeovers()
        await settled(app, pilot)
        assert isinstance(app.screen, PrivacyScreen)  # the cover never lifts by itself
        burst(app, ["enter", *"add more"])
        await settled(app, pilot)
        assert isinstance(app.screen, HandedOverScreen)
        assert not any(isinstance(s, ClientFormScreen) for s in app.screen_stack)
        assert app.screen.query_one(TypedAfter).text == "add more"
    assert friend_answer(data) == "kind"


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGQUIT])
async def test_a_signal_saves_the_words_still_on_their_way(tmp_path: Path, signum: int) -> None:
    """ctrl+\\ or SIGTERM just after typing, before the field has told the screen (on a loaded
    server the words are on screen first): the words land, are saved, and then the app goes. The
    tmux test of the same lost all but 'sa' under load when the handler saved at once."""
    from tests.key_scripts import make_data

    data = make_data(tmp_path / "data")
    app = wellbeing_app(data)
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(app, pilot)
        await typed(app, pilot, TO_FRIEND)
        burst(app, [*"said before the signal"])  # read, not yet handled
        app.leave_on_signal(signum)
        await app._leaving
    assert app.return_code == 128 + signum
    assert friend_answer(data) == "said before the signal"
