"""Work a screen does off the UI thread (compile, save, export), done one way: the job runs on a
worker thread; its result goes back to the loop; a failure is said in one line, never a crash;
a destination that already holds a file is asked about, never replaced unasked; work that takes
over a second says so ("Exporting the plan… 3 s"), and again every few seconds until done,
while every key is answered as usual."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from textual.timer import Timer
from textual.widget import Widget

from tui.services.privacy import outbox
from tui.services.safe_text import one_line

T = TypeVar("T")

#: seconds of work before its progress is shown, and between one showing and the next
PROGRESS_AFTER = 1.0
PROGRESS_EVERY = 3.0


def off_ui(
    node: Widget,
    job: Callable[[], T],
    done: Callable[[T], Any],
    *,
    failed: str,
    group: str,
    exclusive: bool = False,
    exists: Callable[[Path], Any] | None = None,
    working: str = "",
) -> None:
    """Run `job` on a worker thread of `node` (in `group`); then `done(result)` on the loop. A
    failure is notified as "`failed`: why"; `outbox.Exists` goes to `exists(path)` when given
    (the question to replace it), else it is a failure like any other. `working` ("Exporting
    the plan"): what is said, with the seconds so far, while the job takes over a second."""
    app = node.app
    progress = _Progress(node, working) if working else None

    def finish(then: Callable[..., Any], *args: Any) -> None:
        if progress is not None:
            progress.stop()
        app.call_next(then, *args)  # (awaited when it is a coroutine, e.g. a Markdown update)

    def body() -> None:
        try:
            result = job()
        except outbox.Exists as exc:
            if exists is not None:
                app.call_from_thread(finish, exists, exc.path)
                return
            app.call_from_thread(finish, _failed, node, failed, exc)
            return
        except Exception as exc:  # a content, store or file problem: said, never a crash
            app.call_from_thread(finish, _failed, node, failed, exc)
            return
        app.call_from_thread(finish, done, result)

    node.run_worker(body, thread=True, group=group, exclusive=exclusive)


class _Progress:
    """Says `working` with the seconds so far, after `PROGRESS_AFTER` and every
    `PROGRESS_EVERY` seconds, until stopped."""

    def __init__(self, node: Widget, working: str) -> None:
        self.node, self.working, self.seconds = node, working, PROGRESS_AFTER
        self.timer: Timer | None = node.set_timer(PROGRESS_AFTER, self._say, name="progress")

    def _say(self) -> None:
        self.node.notify(
            f"{self.working}… {self.seconds:.0f} s", timeout=PROGRESS_EVERY, markup=False
        )
        self.seconds += PROGRESS_EVERY
        self.timer = self.node.set_timer(PROGRESS_EVERY, self._say, name="progress")

    def stop(self) -> None:
        if self.timer is not None:
            self.timer.stop()
            self.timer = None


def _failed(node: Widget, failed: str, exc: Exception) -> None:
    node.notify(f"{failed}: {one_line(str(exc), 300)}", severity="error", markup=False)
