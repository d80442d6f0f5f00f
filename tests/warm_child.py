"""Child processes without an interpreter's start: forked from a server that has imported the
modules they need, once.

A test that needs a real process (killed by SIGKILL mid-write, the PDF maker the app runs in a
child) but runs it a hundred times pays mostly for starting Python and importing the app. A
`WarmServer` is a `python -c` process that imports the given modules and then runs nothing: for
each job it forks a child, which takes the job's stdin, stdout, stderr (files), environment,
working directory and argv, and runs the job's code as `__main__`. Each child is its own process
with the modules loaded and no state (no cache filled, no file open, nothing run), as a fresh
interpreter would be after those imports; its exit status is reported as `subprocess` reports it
(-9 when killed by SIGKILL).
"""

from __future__ import annotations

import atexit
import json
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import BinaryIO

ROOT = Path(__file__).resolve().parent.parent

SERVER = r"""
import importlib, json, os, sys

for name in sys.argv[1:]:
    try:
        importlib.import_module(name)
    except Exception:
        pass
requests, replies = sys.stdin.buffer, sys.stdout.buffer
for line in requests:
    job = json.loads(line)
    pid = os.fork()
    if pid == 0:
        code = 0
        try:
            for fd, path, flags in (
                (0, job["stdin"], os.O_RDONLY),
                (1, job["stdout"], os.O_WRONLY),
                (2, job["stderr"], os.O_WRONLY),
            ):
                opened = os.open(path, flags)
                os.dup2(opened, fd)
                os.close(opened)
            sys.stdin, sys.stdout, sys.stderr = (  # as a fresh interpreter makes them
                open(fd, mode, encoding=s.encoding, errors=s.errors, closefd=False)
                for fd, mode, s in ((0, "r", sys.stdin), (1, "w", sys.stdout), (2, "w", sys.stderr))
            )
            sys.stderr.reconfigure(line_buffering=True)
            os.environ.clear()
            os.environ.update(job["env"])
            os.chdir(job["cwd"])
            sys.argv = job["argv"]
            exec(compile(job["code"], "<warm child>", "exec"), {"__name__": "__main__"})
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        except BaseException:
            import traceback
            traceback.print_exc()
            code = 1
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code)
    replies.write(b"%d\n" % pid)
    replies.flush()
    _, status = os.waitpid(pid, 0)
    replies.write(b"%d\n" % os.waitstatus_to_exitcode(status))
    replies.flush()
"""


class WarmServer:
    """One forking server per purpose in this test process (see the module)."""

    _running: dict[str, WarmServer] = {}

    def __init__(self, modules: Sequence[str]):
        self.modules = list(modules)
        self.process = subprocess.Popen(
            [sys.executable, "-c", SERVER, *self.modules],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            bufsize=0,  # unbuffered: a reply is never read ahead of `select`
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            cwd=ROOT,
        )

    @classmethod
    def for_(cls, purpose: str, modules: Sequence[str]) -> WarmServer:
        """The server for `purpose`, started again when its modules changed or it died."""
        server = cls._running.get(purpose)
        if server is None or server.modules != list(modules) or server.process.poll() is not None:
            if server is not None:
                server.stop()
            server = cls._running[purpose] = WarmServer(modules)
        return server

    def stop(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait(timeout=30)

    def start(self, code: str, argv: Sequence[str], *, env: Mapping[str, str]) -> WarmChild:
        """`code` as `__main__` in a forked child that runs on while the caller reads its stdout
        (a pipe); one at a time: `wait` for it before the next job."""
        stdin, replies = self.process.stdin, self.process.stdout
        assert stdin is not None and replies is not None
        tmp = tempfile.mkdtemp(prefix="warm-child-")
        pipe = Path(tmp, "stdout")
        os.mkfifo(pipe, 0o600)
        Path(tmp, "stdin").touch()
        Path(tmp, "stderr").touch()
        job = {
            "code": code,
            "argv": list(argv),
            "env": dict(env),
            "cwd": str(ROOT),
            **{name: str(Path(tmp, name)) for name in ("stdin", "stdout", "stderr")},
        }
        stdin.write(json.dumps(job).encode("utf-8") + b"\n")
        pid = int(replies.readline())
        return WarmChild(self, pid, open(pipe, "rb"), tmp)  # noqa: SIM115 - closed by wait()

    def run(
        self,
        code: str,
        argv: Sequence[str],
        *,
        env: Mapping[str, str],
        cwd: Path = ROOT,
        input: bytes = b"",
        timeout: float = 120,
    ) -> subprocess.CompletedProcess[bytes]:
        """`code` as `__main__` in a forked child, as `subprocess.run(capture_output=True)` would
        report it; on `timeout` the child is killed and `subprocess.TimeoutExpired` raised."""
        stdin, stdout = self.process.stdin, self.process.stdout
        assert stdin is not None and stdout is not None
        with tempfile.TemporaryDirectory(prefix="warm-child-") as tmp:
            files = {name: Path(tmp, name) for name in ("stdin", "stdout", "stderr")}
            files["stdin"].write_bytes(input)
            files["stdout"].touch()
            files["stderr"].touch()
            job = {
                "code": code,
                "argv": list(argv),
                "env": dict(env),
                "cwd": str(cwd),
                **{name: str(path) for name, path in files.items()},
            }
            stdin.write(json.dumps(job).encode("utf-8") + b"\n")
            pid = int(stdout.readline())
            ready, _, _ = select.select([stdout], [], [], timeout)
            if not ready:  # hung: killed, as subprocess.run(timeout=...) does
                os.kill(pid, signal.SIGKILL)
                stdout.readline()
                raise subprocess.TimeoutExpired(list(argv), timeout)
            returncode = int(stdout.readline())
            return subprocess.CompletedProcess(
                list(argv), returncode, files["stdout"].read_bytes(), files["stderr"].read_bytes()
            )


class WarmChild:
    """A child started by `WarmServer.start`, as much of `subprocess.Popen` as the tests use: its
    stdout (a pipe), `send_signal` and `wait`."""

    def __init__(self, server: WarmServer, pid: int, stdout: BinaryIO, tmp: str):
        self.server, self.pid, self.stdout, self._tmp = server, pid, stdout, tmp
        self.returncode: int | None = None

    def send_signal(self, sig: int) -> None:
        if self.returncode is None:
            os.kill(self.pid, sig)

    def wait(self, timeout: float = 120) -> int:
        if self.returncode is None:
            replies = self.server.process.stdout
            assert replies is not None
            ready, _, _ = select.select([replies], [], [], timeout)
            if not ready:
                os.kill(self.pid, signal.SIGKILL)
                replies.readline()
                raise subprocess.TimeoutExpired(["warm child"], timeout)
            self.returncode = int(replies.readline())
            self.stdout.close()
            shutil.rmtree(self._tmp, ignore_errors=True)
        return self.returncode


@atexit.register
def _stop_all() -> None:
    for server in WarmServer._running.values():
        server.stop()
