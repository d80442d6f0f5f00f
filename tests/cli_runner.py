"""The `wellbeing` command line run from a test: in this process (`run_cli`, the usual way) or as a
real process (`run_cli_process`, for what only a process shows: the entry point, the locale, a
kill, a second holder of a lock).

In this process, `tui.cli.main.main(argv)` runs with stdin, stdout and stderr replaced by buffers
(none of them a terminal, as with a pipe), the environment replaced by the one given for the
call, and the umask restored afterwards; what it returns is a `CompletedProcess` as `subprocess`
gives, so a test reads the same either way. An exception `main` lets out is what a real process
would print: a traceback on stderr and exit status 1, so a test that asserts "no traceback" still
catches it.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import traceback
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def cli_env(**extra: str) -> dict[str, str]:
    """The current environment with the source tree importable, plus `extra`."""
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT)
    env.update(extra)
    return env


class _Stream(io.TextIOWrapper):
    """A text stream over bytes, as a pipe is: UTF-8, never a terminal, with `.buffer`."""

    def __init__(self, data: bytes = b"") -> None:
        super().__init__(io.BytesIO(data), encoding="utf-8", errors="strict", newline=None)

    def isatty(self) -> bool:
        return False

    def text(self) -> str:
        self.flush()
        raw = self.buffer.getvalue()  # type: ignore[attr-defined]
        return raw.decode("utf-8", "replace").replace("\r\n", "\n")


@contextmanager
def _environment(env: Mapping[str, str] | None) -> Iterator[None]:
    if env is None:
        yield
        return
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(env)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def run_cli(
    *args: str, input: str | None = None, env: Mapping[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """`wellbeing ARGS` in this process, as `subprocess.run(..., text=True)` would report it."""
    from tui.cli.main import main

    stdin = _Stream((input or "").encode("utf-8"))
    stdout, stderr = _Stream(), _Stream()
    umask = os.umask(0o022)
    os.umask(umask)
    saved_stdin = sys.stdin
    try:
        with _environment(env), redirect_stdout(stdout), redirect_stderr(stderr):
            sys.stdin = stdin
            try:
                code = main(list(args))
            except SystemExit as exc:  # argparse: usage errors, --help, --version
                code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
                if exc.code is not None and not isinstance(exc.code, int):
                    print(exc.code, file=sys.stderr)
            except Exception:  # what the interpreter prints for an uncaught error
                traceback.print_exc(file=sys.stderr)
                code = 1
    finally:
        sys.stdin = saved_stdin
        os.umask(umask)
    return subprocess.CompletedProcess(
        ["wellbeing", *args], code, stdout=stdout.text(), stderr=stderr.text()
    )


def run_cli_process(
    *args: str,
    input: str | None = None,
    env: Mapping[str, str] | None = None,
    timeout: float = 60,
) -> subprocess.CompletedProcess[str]:
    """`python -m tui ARGS` as a real process (the entry point, a locale, signals)."""
    return subprocess.run(
        [sys.executable, "-m", "tui", *args],
        capture_output=True,
        text=True,
        input=input,
        env=dict(env) if env is not None else cli_env(),
        timeout=timeout,
        cwd=ROOT,
    )
