"""Data dirs at fixed paths, for snapshots that show the data dir's path."""

from __future__ import annotations

import shutil
from pathlib import Path

from filelock import FileLock

FIXED_ROOT = Path("/tmp/wellbeing-test-data")
#: one lock per fixed dir, held until the test ends (`release_fixed_dirs`): two test runs at once
#: (two checkouts, or a run under load beside a fresh clone's) take turns with the same dir
_FIXED_LOCKS: dict[str, FileLock] = {}


def fixed_dir(name: str) -> Path:
    """A data dir at a fixed path, so snapshots do not show a random temp path; this test's alone
    until it ends, whatever other test run shares the machine."""
    FIXED_ROOT.mkdir(mode=0o700, exist_ok=True)
    lock = _FIXED_LOCKS.setdefault(name, FileLock(FIXED_ROOT / f".{name}.lock"))
    lock.acquire(timeout=900)
    path = FIXED_ROOT / name
    shutil.rmtree(path, ignore_errors=True)
    return path


def release_fixed_dirs() -> None:
    """After each test: the fixed dirs it took are free for another run's tests."""
    for lock in _FIXED_LOCKS.values():
        lock.release(force=True)
