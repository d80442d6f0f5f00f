"""Work off the UI that takes a while says so, and keys are answered meanwhile (issue 27):
`screens.off_ui` shows "Exporting… N s" after a second and every few seconds until done."""

from __future__ import annotations

import threading

import pytest
from textual.app import App, ComposeResult
from textual.widgets import Input

from screens import off_ui as off_ui_module
from screens.off_ui import off_ui
from tests.shell_fixtures import wait_for


class Busy(App[None]):
    def __init__(self, release: threading.Event) -> None:
        super().__init__()
        self.release = release
        self.results: list[str] = []
        self.said: list[str] = []

    def notify(self, message: str, **kwargs: object) -> None:  # type: ignore[override]
        self.said.append(message)

    def compose(self) -> ComposeResult:
        yield Input(id="typing")

    def start(self) -> None:
        def job() -> str:
            self.release.wait(30)
            return "done"

        off_ui(
            self.screen,
            job,
            self.results.append,
            failed="Not exported",
            group="busy",
            working="Exporting the plan",
        )


def said(app: Busy) -> list[str]:
    return app.said


async def test_long_work_says_so_until_done_and_keys_are_answered_meanwhile(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(off_ui_module, "PROGRESS_AFTER", 0.05)
    monkeypatch.setattr(off_ui_module, "PROGRESS_EVERY", 0.05)
    release = threading.Event()
    app = Busy(release)
    async with app.run_test(size=(80, 24)) as pilot:
        app.start()
        await wait_for(pilot, lambda: any("Exporting the plan…" in m for m in said(app)))
        await pilot.press("o", "k")  # the UI answers keys while the job runs
        assert app.query_one("#typing", Input).value == "ok"
        await wait_for(pilot, lambda: len([m for m in said(app) if "Exporting" in m]) >= 2)
        release.set()
        await wait_for(pilot, lambda: app.results == ["done"])
        shown = len([m for m in said(app) if "Exporting" in m])
        await pilot.pause(0.2)  # (a progress line due after the result would show here)
        assert len([m for m in said(app) if "Exporting" in m]) == shown


async def test_quick_work_says_nothing_of_its_progress() -> None:
    release = threading.Event()
    release.set()
    app = Busy(release)
    async with app.run_test(size=(80, 24)) as pilot:
        app.start()
        await wait_for(pilot, lambda: app.results == ["done"])
        assert not [m for m in said(app) if "Exporting" in m]


async def test_a_coroutine_gets_the_result_too() -> None:
    """`done` may be async (the plan screen's Markdown update): it is awaited, not dropped."""
    release = threading.Event()
    release.set()
    app = Busy(release)
    got: list[str] = []

    async def done(result: str) -> None:
        got.append(result)

    async with app.run_test(size=(80, 24)) as pilot:
        off_ui(app.screen, lambda: "done", done, failed="x", group="g", working="Working")
        await wait_for(pilot, lambda: got == ["done"])
