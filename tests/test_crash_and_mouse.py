"""In a pseudo-terminal: an unexpected error is one short line (traceback only in the 0600 log);
`--no-mouse` stops mouse reporting."""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.pty_app import PtyApp

pytestmark = pytest.mark.xdist_group("pty")

CRASHING_APP = """
import sys
from pathlib import Path
import tui.shell.app
from tui.shell.app import WellbeingApp
from tui.services.config import Config
from tui.services.context import Context
from tui.shell.crash import setup_logging


class Crashes(WellbeingApp):
    CSS_PATH = str(Path(tui.shell.app.__file__).with_name("app.tcss"))  # resolved beside tui/shell/app.py

    def _start(self):
        secret_client_answer = "my secret disclosure"  # a local that must never be printed
        raise RuntimeError("boom " + str(len(secret_client_answer)))


setup_logging()
app = Crashes(Context(config=Config(), data_dir=Path(sys.argv[1])))
app.run()
sys.exit(app.return_code or 0)
"""


def _crash(tmp_path: Path, state: Path) -> str:
    script = tmp_path / "crashing_app.py"
    script.write_text(CRASHING_APP, "utf-8")
    app = PtyApp(
        [str(tmp_path / "data")],
        argv0=[sys.executable, str(script)],
        env={"WELLBEING_STATE_DIR": str(state)},
    )
    try:
        app.proc.wait(timeout=60)
        app.read(0.5)
    finally:
        app.close()
    assert app.proc.returncode == 1
    return app.output.decode("utf-8", "replace")


def test_unexpected_error_is_one_line_and_the_traceback_goes_to_the_log(tmp_path: Path) -> None:
    state = tmp_path / "state"
    screen = _crash(tmp_path, state)
    assert "stopped after an unexpected error (RuntimeError)" in screen
    assert "Traceback" not in screen and "my secret disclosure" not in screen
    log = state / "wellbeing.log"
    squeezed = "".join(screen.split())  # the terminal wraps the line where it likes
    assert f"Detailsforsupportarein{log}" in squeezed
    text = log.read_text("utf-8")
    assert "Traceback" in text and "RuntimeError: boom 20" in text
    assert "my secret disclosure" not in text  # no local variables
    assert stat.S_IMODE(os.stat(log).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(state).st_mode) == 0o700


def test_the_crash_message_names_a_log_only_when_one_was_written(tmp_path: Path) -> None:
    """A state dir open to others holds no log (it could be read by anyone): the message must
    not send support to a file that is not there."""
    state = tmp_path / "state"
    state.mkdir()
    state.chmod(0o755)
    screen = "".join(_crash(tmp_path, state).split())  # the terminal wraps where it likes
    assert "stoppedafteranunexpectederror(RuntimeError)" in screen
    assert "Detailsforsupport" not in screen
    assert "Nologwaswritten" in screen and str(state) in screen
    assert not (state / "wellbeing.log").exists()
    assert "Traceback" not in screen


MOUSE_ON = b"\x1b[?1000h"


@pytest.mark.parametrize("flag", [[], ["--no-mouse"]])
def test_no_mouse_stops_mouse_reporting(data_dir: Path, flag: list[str]) -> None:
    app = PtyApp(["--data-dir", str(data_dir), *flag])
    try:
        assert app.wait_for(b"No clients yet")
    finally:
        app.close()
    assert (MOUSE_ON in app.output) == (not flag)


LOG_PROBE = """
import logging, sys
from tui.shell.crash import setup_logging
path = setup_logging()
logging.getLogger("probe").error("probe line")
print(path)
"""


@pytest.mark.parametrize("kind", ["fifo", "symlink", "file"])
def test_the_log_is_opened_once_and_never_through_a_pipe_or_link(tmp_path: Path, kind: str) -> None:
    """A FIFO where the log goes would hang the start (open for writing waits for a reader); a
    link would make the app append to whatever it names. Neither is used; a file is."""
    import subprocess

    state = tmp_path / "state"
    state.mkdir(mode=0o700)
    log = state / "wellbeing.log"
    elsewhere = tmp_path / "elsewhere.txt"
    elsewhere.write_text("")
    if kind == "fifo":
        os.mkfifo(log, 0o600)
    elif kind == "symlink":
        log.symlink_to(elsewhere)
    env = {**os.environ, "WELLBEING_STATE_DIR": str(state), "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", LOG_PROBE], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    if kind == "file":
        assert done.stdout.strip() == str(log)
        assert "probe line" in log.read_text()
        assert stat.S_IMODE(log.stat().st_mode) == 0o600
    else:
        assert done.stdout.strip() == "None"
        assert elsewhere.read_text() == ""
