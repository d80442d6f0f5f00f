"""Background work makes way for keys (`tui.services.yielding`), and stops making way once the UI
waits on it: a first client opened while the content loads is not held up by the key that opened
it. On a fake clock: no test here sleeps."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest

from exercises.library import content_files, load_dirs, shipped_dir
from tui.services import yielding


class FakeTime:
    """`time` as yielding sees it: a clock that moves only when slept on."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.naps = 0

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.naps += 1
        self.now += seconds


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FakeTime:
    fake = FakeTime()
    monkeypatch.setattr(yielding, "time", fake)
    monkeypatch.setattr(yielding, "_last_input", [float("-inf")])
    monkeypatch.setattr(yielding, "_waited_on", [0])
    return fake


def in_worker(work: Callable[[], None]) -> None:
    thread = threading.Thread(target=work)
    thread.start()
    thread.join()


def test_a_worker_waits_out_the_typing_and_no_longer(clock: FakeTime) -> None:
    yielding.note_input()
    in_worker(yielding.make_way)
    assert clock.naps > 0
    assert clock.now >= 1000.0 + yielding.QUIET  # until the keys have been quiet for QUIET
    assert clock.now <= 1000.0 + yielding.QUIET + 2 * yielding.NAP
    naps = clock.naps
    in_worker(yielding.make_way)  # quiet now: on at once
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
    in_worker(typing_on)
    assert 1000.0 + yielding.MOST <= clock.now <= 1000.0 + yielding.MOST + 2 * yielding.NAP


def test_the_ui_thread_is_never_put_to_sleep(clock: FakeTime) -> None:
    yielding.note_input()
    yielding.make_way()  # (pytest runs this on the main thread, as the App's loop runs)
    assert clock.naps == 0


def test_a_worker_does_not_make_way_while_the_ui_waits_on_it(clock: FakeTime) -> None:
    yielding.note_input()  # the key that asked for the work (Enter on a client)
    with yielding.waited_on():
        in_worker(yielding.make_way)
    assert clock.naps == 0
    in_worker(yielding.make_way)  # the wait over, a recent key is made way for again
    assert clock.naps > 0


def test_waited_on_from_a_worker_changes_nothing(clock: FakeTime) -> None:
    def waits_and_makes_way() -> None:
        with yielding.waited_on():
            yielding.make_way()

    yielding.note_input()
    in_worker(waits_and_makes_way)
    assert clock.naps > 0


def test_the_library_makes_way_before_each_file() -> None:
    paused: list[int] = []
    library = load_dirs([shipped_dir()], pause=lambda: paused.append(1))
    assert library.exercises
    assert len(paused) == len(content_files(shipped_dir()))  # one look before each file
