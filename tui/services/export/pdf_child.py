"""PDF rendering in a child process: `to_pdf` with fpdf2 and the fonts, in a process of its own.

fpdf2 and the parsed DejaVu fonts take about 65 MB, and a Python process seldom gives memory
back: rendered in the app, one PDF export would raise the app's memory for the rest of the
session (on a team server, times every practitioner). The child gets the document as JSON on
stdin (validated again there: it is a `Document`), writes the PDF bytes to stdout and exits; the
caller writes the file through the store's one writer, after the audit entry, as for every format.
"""

from __future__ import annotations

import atexit
import os
import signal
import subprocess
import sys
from pathlib import Path

from tui.services.errors import UserError
from tui.services.export.document import Document
from tui.services.safe_text import one_line

#: the folder that holds the `tui` package, so the child finds it however the app was started
_ROOT = Path(__file__).resolve().parents[3]
#: a document that takes longer than this to render is reported, not waited for: a plan renders in
#: about a second, so this is thirty times that, for a loaded server
TIMEOUT_SECONDS = 30
#: the child's exit status when the document holds a script no bundled font prints
REFUSED = 3


class PdfError(UserError, RuntimeError):
    """The PDF could not be made (the child failed, was killed, or hung): one line, no trace."""


#: a child started ahead of its document (`start_early`), not yet given one
_early: list[subprocess.Popen[bytes]] = []


def _command() -> tuple[list[str], dict[str, str]]:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(_ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    return [sys.executable, "-m", "tui.services.export.pdf_child"], env


def start_early() -> None:
    """Start the PDF maker now, for a PDF this process is about to make (the command line knows
    it from its arguments): the child imports fpdf2 and the renderer while the plan is read and
    compiled here, then waits for its document. Unused, it is stopped when this process ends."""
    if _early:
        return
    command, env = _command()
    try:
        child = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
            cwd=_ROOT,
        )
    except OSError:
        return  # said when the PDF is asked for, by a child started then
    _early.append(child)
    atexit.register(_stop_early)


def _stop_early() -> None:
    while _early:
        child = _early.pop()
        child.kill()
        child.communicate()


def _run(payload: bytes) -> subprocess.CompletedProcess[bytes]:
    """The child's exit status and output for `payload` (the early child when there is one)."""
    if not _early:
        command, env = _command()
        return subprocess.run(
            command,
            input=payload,
            capture_output=True,
            timeout=TIMEOUT_SECONDS,
            env=env,
            cwd=_ROOT,
            check=False,
        )
    child = _early.pop()
    try:
        out, err = child.communicate(payload, timeout=TIMEOUT_SECONDS)
    except BaseException:  # a timeout, an interrupt: never a child left running (as run() does)
        child.kill()
        child.communicate()
        raise
    return subprocess.CompletedProcess(child.args, child.returncode, out, err)


def pdf_in_child(doc: Document) -> bytes:
    """`doc` as PDF bytes, rendered by a child process. PdfError (one line) if it fails, is
    killed, or has not finished within TIMEOUT_SECONDS (then it is killed); UserError naming the
    script when a character no bundled font has would otherwise be lost."""
    try:
        done = _run(doc.model_dump_json().encode("utf-8"))
    except subprocess.TimeoutExpired:  # the child has been killed and reaped
        raise PdfError(
            f"the PDF could not be made: it took over {TIMEOUT_SECONDS} s and was stopped; "
            "try again, or export as txt or html"
        ) from None
    except OSError as exc:
        raise PdfError(f"the PDF could not be made: {exc.strerror or exc}") from None
    if done.returncode == REFUSED:
        lines = done.stderr.decode("utf-8", "replace").strip().splitlines()
        if lines:
            raise UserError(one_line(lines[-1], 300))
    if done.returncode != 0 or not done.stdout.startswith(b"%PDF"):
        raise PdfError(f"the PDF could not be made: {_why(done)}")
    return done.stdout


def _why(done: subprocess.CompletedProcess[bytes]) -> str:
    """What went wrong in the child, in a few words."""
    if done.returncode < 0:
        try:
            name = signal.Signals(-done.returncode).name
        except ValueError:
            name = f"signal {-done.returncode}"
        return f"the PDF maker was stopped ({name})"
    lines = done.stderr.decode("utf-8", "replace").strip().splitlines()
    if lines:
        return one_line(lines[-1], 200)
    if done.returncode == 0:
        return "the PDF maker gave no PDF"
    return f"the PDF maker failed (exit status {done.returncode})"


def main() -> int:
    from tui.services.export.pdf import MissingScript, blank_pdf, to_pdf

    blank = blank_pdf()  # the fonts loaded while the caller still compiles the document
    doc = Document.model_validate_json(sys.stdin.buffer.read())
    try:
        data = to_pdf(doc, blank)
    except MissingScript as exc:
        print(exc, file=sys.stderr)
        return REFUSED
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
