"""A tmux server of the test's own: start a command in an 80x24 pane, send keys, read the screen.

Each `TmuxSession` runs its own server on a private socket (`tmux -L <unique>`, no user config), so
tests never touch a user's tmux and can always kill everything they started. `wait_for` polls
`capture-pane` until text appears, so tests wait only as long as the app needs.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = "main"


def tmux_path() -> str | None:
    return shutil.which("tmux")


def process_alive(pid: int) -> bool:
    """True while `pid` runs (a zombie counts as gone)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):  # gone between the open and the read: ProcessLookupError
        return False


class TmuxError(AssertionError):
    """What the test expected did not show up; the message carries the last screen."""


class TmuxSession:
    def __init__(self, *, width: int = 80, height: int = 24, env: Mapping[str, str] | None = None):
        tmux = tmux_path()
        if tmux is None:
            raise RuntimeError("tmux is not installed")
        self.tmux = tmux
        self.socket = f"wbtest-{os.getpid()}-{uuid.uuid4().hex[:10]}"
        self.width, self.height = width, height
        base = {k: v for k, v in os.environ.items() if not k.startswith("TMUX")}
        self.env = {**base, **(env or {})}
        self.last_screen = ""

    # -- plumbing --

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [self.tmux, "-L", self.socket, "-f", "/dev/null", *args],
            capture_output=True,
            text=True,
            env=self.env,
            timeout=20,
            check=check,
        )

    def start(
        self, command: Sequence[str], *, env: Mapping[str, str] | None = None, cwd: Path = ROOT
    ) -> int:
        """Start `command` in a new 80x24 session (a new server if none runs); returns its pid."""
        prefix = ["env", *(f"{k}={v}" for k, v in (env or {}).items())] if env else []
        # One tmux command line, so the option is set before the program can exit: a pane whose
        # program ended stays, and its last screen can still be read.
        start = (
            "new-session",
            "-d",
            "-s",
            TARGET,
            "-x",
            str(self.width),
            "-y",
            str(self.height),
            "-c",
            str(cwd),
            *prefix,
            *command,
            ";",
            "set-option",
            "-t",
            TARGET,
            "remain-on-exit",
            "on",
        )
        started = self.run(*start, check=False)
        if started.returncode != 0 and "server exited unexpectedly" in started.stderr:
            # tmux's own server start failed (seen once under ../shared/tools/under-load; a
            # program that exits at once does not cause it): start it once more, afresh
            self.run("kill-server", check=False)
            started = self.run(*start, check=False)
        started.check_returncode()
        return self.pane_pid()

    def pane_pid(self) -> int:
        return int(self.display("#{pane_pid}"))

    def display(self, fmt: str) -> str:
        return self.run("display-message", "-p", "-t", TARGET, fmt).stdout.strip()

    def pane_dead(self) -> bool:
        result = self.run("display-message", "-p", "-t", TARGET, "#{pane_dead}", check=False)
        return result.returncode != 0 or result.stdout.strip() == "1"

    # -- keys and screen --

    def keys(self, *keys: str) -> None:
        """Key names as tmux knows them: Enter, Tab, BTab, Up, Space, C-s, Escape, ..."""
        self.run("send-keys", "-t", TARGET, *keys)

    def type(self, text: str) -> None:
        """Literal text (escape sequences included) as if typed."""
        self.run("send-keys", "-t", TARGET, "-l", text)

    def screen(self) -> str:
        result = self.run("capture-pane", "-p", "-t", TARGET, check=False)
        if result.returncode == 0:
            self.last_screen = result.stdout
        return self.last_screen

    def screen_with_attributes(self) -> str:
        """The screen with its colours and attributes as SGR escape sequences."""
        return self.run("capture-pane", "-p", "-e", "-t", TARGET).stdout

    def settle(self, quiet: float = 0.4, timeout: float = 10.0) -> str:
        """Wait until the screen, colours and attributes included, stops changing for `quiet` s.

        Textual shows a new widget before it takes focus; keys sent in between go elsewhere. A
        change of focus shows in the attributes (cursor, border colour), so this waits it out.
        """
        end = time.monotonic() + timeout
        last = self.screen_with_attributes()
        since = time.monotonic()
        while time.monotonic() < end:
            time.sleep(0.05)
            now = self.screen_with_attributes()
            if now != last:
                last, since = now, time.monotonic()
            elif time.monotonic() - since >= quiet:
                break
        return self.screen()

    def wait_until(self, condition: Callable[[str], bool], what: str, timeout: float = 15.0) -> str:
        """Poll the screen until `condition(screen)` holds; fail showing the screen if never."""
        end = time.monotonic() + timeout
        while True:
            screen = self.screen()
            if condition(screen):
                return screen
            if time.monotonic() > end:
                raise TmuxError(f"timed out waiting for {what}; the screen was:\n{screen}")
            time.sleep(0.05)

    def wait_for(self, *texts: str, timeout: float = 15.0) -> str:
        """Wait until every one of `texts` is on the screen."""
        return self.wait_until(lambda s: all(t in s for t in texts), repr(texts), timeout)

    def wait_gone(self, text: str, timeout: float = 15.0) -> str:
        return self.wait_until(lambda s: text not in s, f"{text!r} to go", timeout)

    # -- endings --

    def hang_up(self, pid: int | None = None, timeout: float = 15.0) -> None:
        """Kill the session: its pane's terminal goes away and the process gets SIGHUP.

        Waits until `pid` (default: the pane's process) has gone.
        """
        pid = pid or self.pane_pid()
        self.run("kill-session", "-t", TARGET, check=False)
        end = time.monotonic() + timeout
        while process_alive(pid):
            if time.monotonic() > end:
                raise TmuxError(f"process {pid} still running {timeout}s after the hang-up")
            time.sleep(0.05)

    def kill(self) -> None:
        """Kill the server and everything in it, and remove its socket (safe to call twice)."""
        self.run("kill-server", check=False)
        tmpdir = Path(self.env.get("TMUX_TMPDIR") or "/tmp") / f"tmux-{os.getuid()}"
        (tmpdir / self.socket).unlink(missing_ok=True)


@contextmanager
def tmux_session(**kwargs: object) -> Iterator[TmuxSession]:
    """A `TmuxSession` whose server is killed however the block ends."""
    session = TmuxSession(**kwargs)  # type: ignore[arg-type]
    try:
        yield session
    finally:
        session.kill()
