"""Work a screen does off the UI thread (compile, save, export), done one way: the job runs on a
worker thread; its result goes back to the loop; a failure is said in one line, never a crash;
a destination that already holds a file is asked about, never replaced unasked."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from textual.widget import Widget

from tui.services.privacy import outbox
from tui.services.safe_text import one_line

T = TypeVar("T")


def off_ui(
    node: Widget,
    job: Callable[[], T],
    done: Callable[[T], Any],
    *,
    failed: str,
    group: str,
    exclusive: bool = False,
    exists: Callable[[Path], Any] | None = None,
) -> None:
    """Run `job` on a worker thread of `node` (in `group`); then `done(result)` on the loop. A
    failure is notified as "`failed`: why"; `outbox.Exists` goes to `exists(path)` when given
    (the question to replace it), else it is a failure like any other."""
    app = node.app

    def body() -> None:
        try:
            result = job()
        except outbox.Exists as exc:
            if exists is not None:
                app.call_from_thread(exists, exc.path)
                return
            app.call_from_thread(_failed, node, failed, exc)
            return
        except Exception as exc:  # a content, store or file problem: said, never a crash
            app.call_from_thread(_failed, node, failed, exc)
            return
        app.call_from_thread(done, result)

    node.run_worker(body, thread=True, group=group, exclusive=exclusive)


def _failed(node: Widget, failed: str, exc: Exception) -> None:
    node.notify(f"{failed}: {one_line(str(exc), 300)}", severity="error", markup=False)
