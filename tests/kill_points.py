"""kill -9 at each step of a command: the command line in a child process that SIGKILLs itself just
before its Nth change to the file system under the given folders.

A "change" is every call that can change a file there: creating a file (`os.open` with O_CREAT),
`os.write` to a file there, `os.fsync` of one, `os.replace`, `os.rename`, `os.link`,
`os.unlink`/`os.remove`, `os.rmdir`, `os.mkdir`. A run with no kill point counts them (`count`);
then `run(..., kill_at=n)` for each n from 1 to that count stops the command before each of them in
turn: every state a kill -9 can leave, between any two steps. Nothing here is in the app: the
counting is patched into the child before the command line is imported.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from tests.cli_runner import ROOT, cli_env

CHILD = r"""
import os, signal, sys

roots = tuple(os.path.realpath(r) + os.sep for r in os.environ["KILL_ROOTS"].split(os.pathsep))
kill_at = int(os.environ.get("KILL_AT", "0"))
count = 0


def ours(path):
    try:
        where = os.path.realpath(os.fsdecode(path))
    except (TypeError, ValueError):
        return False
    return (where + os.sep).startswith(roots)


def ours_fd(fd):
    try:
        return ours(os.readlink(f"/proc/self/fd/{fd}"))
    except OSError:
        return False


def step():
    global count
    count += 1
    if count == kill_at:
        os.kill(os.getpid(), signal.SIGKILL)


def wrap(name, is_ours):
    real = getattr(os, name)

    def patched(*args, **kwargs):
        if is_ours(*args, **kwargs):
            step()
        return real(*args, **kwargs)

    setattr(os, name, patched)


wrap("open", lambda path, flags, *a, **k: bool(flags & os.O_CREAT) and ours(path))
wrap("write", lambda fd, *a: ours_fd(fd))
wrap("fsync", lambda fd: ours_fd(fd if isinstance(fd, int) else fd.fileno()))
for name in ("replace", "rename", "link"):
    wrap(name, lambda src, dst, *a, **k: ours(src) or ours(dst))
for name in ("unlink", "remove", "rmdir", "mkdir"):
    wrap(name, lambda path, *a, **k: ours(path))

from tui.cli.main import main  # noqa: E402

code = main(sys.argv[1:])
sys.stdout.flush()
os.write(2, f"\nkill-points: {count}\n".encode())  # not counted: stderr is no folder of ours
sys.exit(code)
"""


@dataclass(frozen=True)
class Ran:
    returncode: int
    stdout: str
    stderr: str
    steps: int | None

    @property
    def killed(self) -> bool:
        return self.returncode == -signal.SIGKILL


def run(
    args: Sequence[str],
    *,
    roots: Sequence[Path],
    kill_at: int = 0,
    env: Mapping[str, str] | None = None,
    input: str | None = None,
) -> Ran:
    """`wellbeing ARGS` in a child killed before its `kill_at`th change under `roots` (0: never)."""
    full = cli_env(**(dict(env) if env else {}))
    full["KILL_ROOTS"] = os.pathsep.join(str(r) for r in roots)
    full["KILL_AT"] = str(kill_at)
    done = subprocess.run(
        [sys.executable, "-c", CHILD, *args],
        capture_output=True,
        text=True,
        input=input,
        env=full,
        cwd=ROOT,
        timeout=120,
    )
    steps = None
    marker = "kill-points: "
    if marker in done.stderr:
        steps = int(done.stderr.rsplit(marker, 1)[1].split()[0])
    stderr = done.stderr.split(f"\n{marker}")[0]
    return Ran(done.returncode, done.stdout, stderr, steps)


def count(
    args: Sequence[str],
    *,
    roots: Sequence[Path],
    env: Mapping[str, str] | None = None,
) -> int:
    """How many changes `wellbeing ARGS` makes under `roots` when nothing stops it."""
    done = run(args, roots=roots, env=env)
    assert done.returncode == 0 and done.steps, done.stderr
    return done.steps
