"""Logging and crash reports: tracebacks go to a 0600 file in the state dir, never to the terminal.

Textual's own crash report prints local variables, which here are client data, into the terminal's
scrollback. Ours writes the traceback without locals to the log and shows one line.
"""

from __future__ import annotations

import logging
import os
import stat
import traceback
from pathlib import Path

from store.permissions import make_private_dir
from tui.services import locations

LOG_NAME = "wellbeing.log"


def log_path() -> Path:
    return locations.state_dir() / LOG_NAME


def setup_logging() -> Path | None:
    """Log to the state dir (0700 dir, 0600 file). Returns the log path, or None if it cannot.

    The one file the app appends to outside the store (a crash log cannot wait for an atomic
    replace). It is opened once, never through a symlink and without blocking (a FIFO put in
    its place would otherwise hang the start), checked on the open descriptor as a regular file
    of ours, and logged to through that same descriptor: nothing opens the path a second time.
    """
    path = log_path()
    try:
        make_private_dir(path.parent)
        flags = os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_NOFOLLOW | os.O_NONBLOCK
        fd = os.open(path, flags | os.O_CLOEXEC, 0o600)
    except Exception:
        return None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or st.st_uid != os.geteuid():
            raise OSError(f"{path} is not a regular file of ours")
        os.set_blocking(fd, True)
        os.fchmod(fd, 0o600)
        stream = os.fdopen(fd, "a", encoding="utf-8")
    except Exception:
        os.close(fd)
        return None
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    return path


def record_crash(error: BaseException) -> str:
    """Write the traceback (no locals) to the log; return the one line to show."""
    text = "".join(traceback.format_exception(type(error), error, error.__traceback__))
    logging.getLogger("wellbeing.crash").error("unexpected error\n%s", text)
    return (
        f"Wellbeing Guide stopped after an unexpected error ({type(error).__name__}). "
        f"Your saved answers are safe. Details for support are in {log_path()}"
    )
