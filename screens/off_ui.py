"""Work a screen does off the UI thread (compile, save, export), done one way: the job runs on a
worker thread; its result goes back to the loop; a failure is said in one line, never a crash;
a destination that already holds a file is asked about, never replaced unasked; work that takes
over a second says so ("Exporting the plan… 3 s"), and again every few seconds until done,
while every key is answered as usual."""

from __future__ import annotations

import inspect
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from textual.app import App
from textual.message_pump import MessagePump
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.timer import Timer
from textual.widget import Widget
from textual.worker import get_current_worker

from tui.services.privacy import outbox
from tui.services.safe_text import one_line

T = TypeVar("T")

#: seconds between looks, while a worker waits for its node to take a result, at whether the
#: node (or the app) has gone meanwhile
GONE_LOOK = 0.05


def back_on_ui(node: MessagePump, callback: Callable[..., Any], *args: Any, **kwargs: Any) -> bool:
    """From a worker thread of `node`: run `callback(*args, **kwargs)` on the loop in `node`'s
    own turn, and wait until it has run (a coroutine it returns is awaited). False when it never
    runs: `node` was taken down first (a screen dismissed, the app exiting: a result never lands
    on a screen whose widgets are being removed, as Textual's `call_from_thread` lets it), or the
    worker was cancelled first (a newer one of its group has the say)."""
    worker = get_current_worker()
    app = app_of(node)
    if app is None:
        return False
    ran = threading.Event()
    lock = threading.Lock()
    state = {"started": False, "abandoned": False}

    async def run() -> None:
        with lock:
            if state["abandoned"]:
                return
            state["started"] = True
        try:
            result = callback(*args, **kwargs)
            if inspect.iscoroutine(result):  # (not a dismiss's AwaitComplete: it runs by itself)
                await result
        finally:
            ran.set()

    try:
        if not node.call_later(run):  # closing: its queue takes nothing more
            return False
    except RuntimeError:  # (Textual's NoActiveAppError: it was removed just then)
        return False
    # a worker's cancelling concerns its own node (taken down, or a newer worker of its group);
    # what it hands to another (the App, to be said) is waited for while the App runs
    own = worker.node is node
    while not ran.wait(GONE_LOOK):
        # posted just as it closed, the worker cancelled, or the app going: given up, for good
        if (own and worker.is_cancelled) or not app.is_running:
            with lock:
                if not state["started"]:
                    state["abandoned"] = True
                    return False
    return True


def app_of(node: MessagePump) -> App[Any] | None:
    """The App behind `node`, from any thread (a worker's first line, while its screen is there);
    None once `node` has been removed (on a worker's thread it is found through its parents)."""
    try:
        return node.app
    except RuntimeError:  # Textual's NoActiveAppError
        return None


def say_on_ui(
    app: App[Any] | None, message: str, *, severity: SeverityLevel = "information"
) -> None:
    """From a worker thread: say `message` through the App (`app_of`, taken when the work began),
    so that it is said even when the screen that asked has been dismissed meanwhile."""
    if app is not None:
        back_on_ui(app, _say, app, message, severity)


def dismiss_if_on_top(screen: Screen[Any], result: Any = None) -> bool:
    """Dismiss `screen` (from a worker's answer) only while it is the screen on top: `dismiss`
    pops whatever is on top, which by then may be a screen put over it (the privacy cover, a
    handover's notice) or the one below it, if it was taken off the stack meanwhile."""
    if not screen.is_active:
        return False
    screen.dismiss(result)
    return True


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
    told: Callable[[T], str] | None = None,
) -> None:
    """Run `job` on a worker thread of `node` (in `group`); then `done(result)` on the loop. A
    failure is notified as "`failed`: why"; `outbox.Exists` goes to `exists(path)` when given
    (the question to replace it), else it is a failure like any other. `working` ("Exporting
    the plan"): what is said, with the seconds so far, while the job takes over a second.
    `told(result)`: what the App says of a job done when `done` cannot run (`node` was taken
    down meanwhile, or a newer job of the group replaced it): "Exported to …"."""
    app = node.app  # taken now: on the worker's thread a node removed by then has no App to find
    progress = _Progress(node, working) if working else None

    def finish(then: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        if progress is not None:
            progress.stop()
        return then(*args, **kwargs)  # (awaited when it is a coroutine, e.g. a Markdown update)

    def body() -> None:
        # what it did goes to `node` (it shows it); what is only said goes to the app, which
        # says it even when `node` was dismissed meanwhile (a failure is never lost)
        try:
            result = job()
        except outbox.Exists as exc:
            if exists is not None and back_on_ui(node, finish, exists, exc.path):
                return  # (asked there whether to replace it)
            why = f"{exc.path.name} is already there, and was kept" if exists else str(exc)
            back_on_ui(app, finish, _say, app, f"{failed}: {one_line(why, 300)}", "error")
            return
        except Exception as exc:  # a content, store or file problem: said, never a crash
            back_on_ui(app, finish, _say, app, f"{failed}: {one_line(str(exc), 300)}", "error")
            return
        if not back_on_ui(node, finish, done, result):
            back_on_ui(app, finish, _say, app, told(result) if told else "")

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


def _say(app: App[Any], text: str, severity: SeverityLevel = "information") -> None:
    if text:
        app.notify(text, severity=severity, markup=False)
