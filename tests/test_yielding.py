"""Background work makes way for keys (`tui.services.yielding`), and stops making way once anyone
waits on it: a first client opened while the content loads is not held up by the key that opened
it. On a fake clock: time moves only when a test says so."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from exercises import library as library_module
from exercises.library import content_files, load_dirs, shipped_dir
from tui.services import yielding
from tui.services.config import Config
from tui.services.context import Context

#: naps after which a fake clock that never moves gives up (a worker that would nap for ever)
STUCK = 2000


class FakeTime:
    """`time` as yielding sees it. `moving`: each nap moves the clock on by its length; else
    the clock stands still (typing that never stops) and a nap yields for a real instant, so
    other threads run, until `STUCK` naps."""

    def __init__(self, moving: bool = True) -> None:
        self.now = 1000.0
        self.naps = 0
        self.moving = moving

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.naps += 1
        if self.moving:
            self.now += seconds
            return
        time.sleep(0.0005)
        if self.naps >= STUCK:
            self.now += 3600.0  # the worker lets go; the test then fails on the count


@pytest.fixture
def reset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(yielding, "_last_input", [float("-inf")])
    monkeypatch.setattr(yielding, "_waiting", [0])


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch, reset: None) -> FakeTime:
    fake = FakeTime()
    monkeypatch.setattr(yielding, "time", fake)
    return fake


@pytest.fixture
def still(monkeypatch: pytest.MonkeyPatch, reset: None) -> FakeTime:
    fake = FakeTime(moving=False)
    monkeypatch.setattr(yielding, "time", fake)
    return fake


def in_worker(work: Callable[[], Any]) -> threading.Thread:
    thread = threading.Thread(target=work, daemon=True)
    thread.start()
    return thread


def test_a_worker_waits_out_the_typing_and_no_longer(clock: FakeTime) -> None:
    yielding.note_input()
    in_worker(yielding.make_way).join()
    assert clock.naps > 0
    assert clock.now >= 1000.0 + yielding.QUIET  # until the keys have been quiet for QUIET
    assert clock.now <= 1000.0 + yielding.QUIET + 2 * yielding.NAP
    naps = clock.naps
    in_worker(yielding.make_way).join()  # quiet now: on at once
    assert clock.naps == naps


def test_however_long_the_typing_a_worker_waits_at_most_most_seconds(clock: FakeTime) -> None:
    def typing_on() -> None:
        original = clock.sleep

        def sleep(seconds: float) -> None:
            original(seconds)
            yielding.note_input()  # a key in every nap

        clock.sleep = sleep  # type: ignore[method-assign]
        yielding.make_way()

    yielding.note_input()
    in_worker(typing_on).join()
    assert 1000.0 + yielding.MOST <= clock.now <= 1000.0 + yielding.MOST + 2 * yielding.NAP


def test_the_ui_thread_is_never_put_to_sleep(clock: FakeTime) -> None:
    yielding.note_input()
    yielding.make_way()  # (pytest runs this on the main thread, as the App's loop runs)
    assert clock.naps == 0


def test_a_worker_stops_making_way_when_another_worker_waits_on_its_lock(still: FakeTime) -> None:
    """Typing that never stops (the clock stands still): the worker holding the lock naps until
    another thread blocks on that lock, then finishes at once."""
    lock = threading.Lock()
    inside = threading.Event()

    def holder() -> None:
        with yielding.taken(lock):
            inside.set()
            yielding.make_way()

    yielding.note_input()
    first = in_worker(holder)
    assert inside.wait(10)

    def waiter() -> None:
        with yielding.taken(lock):
            pass

    second = in_worker(waiter)
    first.join(10)
    assert not first.is_alive()
    assert still.naps < STUCK, "the holder napped on while a worker waited on its lock"
    second.join(10)


def test_a_ui_thread_waiting_on_the_content_stops_the_worker_making_way(
    still: FakeTime, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The first client opened while a worker loads the content (the App's warm-up): the UI
    thread asks `ctx.library`, blocks on the worker, and the worker stops making way."""
    inside = threading.Event()

    def loading(dirs: list[Path], pause: Callable[[], None]) -> str:
        inside.set()
        for _ in range(12):  # one look before each exercise file
            pause()
        return "the library"

    monkeypatch.setattr(library_module, "load_library", loading)
    ctx = Context(config=Config(), data_dir=tmp_path)
    yielding.note_input()  # the practitioner typing a search
    worker = in_worker(lambda: ctx.library)
    assert inside.wait(10)
    assert ctx.library == "the library"  # (the UI thread, blocked until the worker is done)
    assert still.naps < STUCK, "the worker napped on while the UI waited on it"
    worker.join(10)


def test_the_library_makes_way_before_each_file() -> None:
    paused: list[int] = []
    library = load_dirs([shipped_dir()], pause=lambda: paused.append(1))
    assert library.exercises
    assert len(paused) == len(content_files(shipped_dir()))  # one look before each file
