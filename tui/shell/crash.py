"""Logging and crash reports: tracebacks go to a 0600 file in the state dir, never to the terminal.

Textual's own crash report prints local variables, which here are client data, into the terminal's
scrollback. Ours writes the traceback without locals to the log and shows one line, which names
the log only when the traceback was written there: a state dir that is not private (or a log
that cannot be opened or written) means no log, and the line says so instead.
"""

from __future__ import annotations

import logging
import os
import stat
import traceback
from pathlib import Path
from typing import TextIO

from tui.services import locations
from tui.services.safe_text import one_line

LOG_NAME = "wellbeing.log"
_FORMAT = logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")

#: the log this process writes to, once `setup_logging` opened it (None: no log)
_log: tuple[Path, TextIO] | None = None
#: why there is no log, for the crash message
_no_log_because = "logging was not set up"


def log_path() -> Path:
    return locations.state_dir() / LOG_NAME


def setup_logging() -> Path | None:
    """Log to the state dir (0700 dir, 0600 file). Returns the log path, or None if it cannot.

    The one file the app appends to outside the store (a crash log cannot wait for an atomic
    replace). It is opened once, never through a symlink and without blocking (a FIFO put in
    its place would otherwise hang the start), checked on the open descriptor as a regular file
    of ours, and logged to through that same descriptor: nothing opens the path a second time.
    """
    global _log, _no_log_because
    path = log_path()
    try:
        locations.make_state_dir()
        flags = os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_NOFOLLOW | os.O_NONBLOCK
        fd = os.open(path, flags | os.O_CLOEXEC, 0o600)
    except Exception as exc:
        _no_log_because = f"the state dir {one_line(path.parent)} cannot hold it ({_short(exc)})"
        return None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or st.st_uid != os.geteuid():
            raise OSError(f"{path} is not a regular file of ours")
        os.set_blocking(fd, True)
        os.fchmod(fd, 0o600)
        stream = os.fdopen(fd, "a", encoding="utf-8")
    except Exception as exc:
        os.close(fd)
        _no_log_because = f"{one_line(path)} cannot be used ({_short(exc)})"
        return None
    handler = logging.StreamHandler(stream)
    handler.setFormatter(_FORMAT)
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    _log = (path, stream)
    return path


def _short(exc: BaseException) -> str:
    return one_line(getattr(exc, "strerror", None) or str(exc) or type(exc).__name__, 160)


def record_crash(error: BaseException) -> str:
    """Write the traceback (no locals) to the log; return the one line to show, which names the
    log only if the traceback is in it."""
    text = "".join(traceback.format_exception(type(error), error, error.__traceback__))
    start = (
        f"Wellbeing Guide stopped after an unexpected error ({type(error).__name__}). "
        "Your saved answers are safe."
    )
    if _log is None:
        return f"{start} No log was written: {_no_log_because}."
    path, stream = _log
    record = logging.LogRecord(
        "wellbeing.crash", logging.ERROR, __file__, 0, "unexpected error\n%s", (text,), None
    )
    try:  # written and flushed here, not through logging (which hides a failed write)
        stream.write(_FORMAT.format(record) + "\n")
        stream.flush()
        os.fsync(stream.fileno())
    except (OSError, ValueError) as exc:
        return f"{start} No log was written: {one_line(path)} could not be written ({_short(exc)})."
    return f"{start} Details for support are in {one_line(path)}"
