"""Run `wellbeing` in a real pseudo-terminal: write keys, read what the terminal is sent.

Used by the subprocess tests (hang-ups, bytes on stdin) and by `bench/` (bytes per keystroke, idle
traffic), so both measure the real program, not a test double.
"""

from __future__ import annotations

import fcntl
import os
import pty
import select
import signal
import struct
import subprocess
import sys
import termios
import time
from collections.abc import Sequence
from pathlib import Path
from typing import ClassVar

ROOT = Path(__file__).resolve().parent.parent


class PtyApp:
    #: every app still running, so an interrupted bench or test kills them all (`kill_all`)
    live: ClassVar[set[PtyApp]] = set()

    def __init__(
        self,
        args: Sequence[str],
        *,
        env: dict[str, str] | None = None,
        size: tuple[int, int] = (80, 24),
        argv0: Sequence[str] | None = None,
    ):
        master, slave = pty.openpty()
        cols, rows = size
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        full_env = {
            **os.environ,
            "TERM": "xterm-256color",
            "PYTHONPATH": str(ROOT),
            "COLUMNS": str(cols),
            "LINES": str(rows),
            **(env or {}),
        }
        command = list(argv0 or [sys.executable, "-m", "tui"]) + list(args)
        self.proc = subprocess.Popen(
            command,
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=full_env,
            cwd=ROOT,
            start_new_session=True,
            close_fds=True,
        )
        os.close(slave)
        self.master = master
        self.output = bytearray()
        PtyApp.live.add(self)

    def read(self, seconds: float) -> bytes:
        """Everything the app sends to the terminal during `seconds`."""
        end = time.monotonic() + seconds
        got = bytearray()
        while True:
            left = end - time.monotonic()
            if left <= 0:
                break
            ready, _, _ = select.select([self.master], [], [], left)
            if not ready:
                continue
            try:
                chunk = os.read(self.master, 65536)
            except OSError:
                break
            if not chunk:
                break
            got += chunk
        self.output += got
        return bytes(got)

    def read_available(self, seconds: float) -> bytes:
        """What the app sends next: returns as soon as something arrives (or after `seconds`
        of nothing), so a timing is not rounded up to a polling interval."""
        ready, _, _ = select.select([self.master], [], [], seconds)
        if not ready:
            return b""
        try:
            chunk = os.read(self.master, 65536)
        except OSError:
            return b""
        self.output += chunk
        return chunk

    def wait_for(self, needle: bytes, timeout: float = 15.0) -> bool:
        """Read until `needle` has appeared in the output (since start), or time out."""
        end = time.monotonic() + timeout
        while needle not in self.output:
            if time.monotonic() > end or self.proc.poll() is not None:
                return needle in self.output
            self.read(0.1)
        return True

    def settle(self, quiet: float = 0.5, timeout: float = 10.0) -> None:
        """Read until the app has sent nothing for `quiet` seconds."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if not self.read(quiet):
                return

    def send(self, data: bytes | str, pause: float = 0.0) -> None:
        os.write(self.master, data.encode("utf-8") if isinstance(data, str) else data)
        if pause:
            self.read(pause)

    def hangup(self) -> int:
        """What a dropped line does: SIGHUP to the session, then the terminal goes away."""
        os.killpg(self.proc.pid, signal.SIGHUP)
        try:
            rc = self.proc.wait(timeout=15)
        finally:
            self.close()
        return rc

    @classmethod
    def kill_all(cls) -> None:
        """Kill every app still running, with its whole process group."""
        for app in list(cls.live):
            app.close()

    def close(self) -> None:
        PtyApp.live.discard(self)
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.proc.wait(timeout=10)
        try:
            os.close(self.master)
        except OSError:
            pass
