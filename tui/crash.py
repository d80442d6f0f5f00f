"""Logging and crash reports: tracebacks go to a 0600 file in the state dir, never to the terminal.

Textual's own crash report prints local variables, which here are client data, into the terminal's
scrollback. Ours writes the traceback without locals to the log and shows one line.
"""

from __future__ import annotations

import logging
import os
import traceback
from pathlib import Path

from store.permissions import make_private_dir
from tui.services import locations

LOG_NAME = "wellbeing.log"


def log_path() -> Path:
    return locations.state_dir() / LOG_NAME


def setup_logging() -> Path | None:
    """Log to the state dir (0700 dir, 0600 file). Returns the log path, or None if it cannot."""
    path = log_path()
    try:
        make_private_dir(path.parent)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_NOFOLLOW, 0o600)
        os.close(fd)
    except Exception:
        return None
    handler = logging.FileHandler(path, encoding="utf-8")
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
