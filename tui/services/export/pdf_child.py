"""PDF rendering in a child process: `to_pdf` with fpdf2 and the fonts, in a process of its own.

fpdf2 and the parsed DejaVu fonts take about 65 MB, and a Python process seldom gives memory
back: rendered in the app, one PDF export would raise the app's memory for the rest of the
session (on a team server, times every practitioner). The child gets the document as JSON on
stdin (validated again there: it is a `Document`), writes the PDF bytes to stdout and exits; the
caller writes the file through the store's one writer, after the audit entry, as for every format.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tui.services.errors import UserError
from tui.services.export.document import Document

#: the folder that holds the `tui` package, so the child finds it however the app was started
_ROOT = Path(__file__).resolve().parents[3]
#: a document that takes longer than this to render is reported, not waited for
TIMEOUT_SECONDS = 120
#: the child's exit status when the document holds a script no bundled font prints
REFUSED = 3


def pdf_in_child(doc: Document) -> bytes:
    """`doc` as PDF bytes, rendered by a child process. UserError (one line, naming the script)
    when a character no bundled font has would otherwise be lost; RuntimeError if it fails."""
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(_ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    try:
        done = subprocess.run(
            [sys.executable, "-m", "tui.services.export.pdf_child"],
            input=doc.model_dump_json().encode("utf-8"),
            capture_output=True,
            timeout=TIMEOUT_SECONDS,
            env=env,
            cwd=_ROOT,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise RuntimeError(f"making the PDF took over {TIMEOUT_SECONDS} s; stopped") from None
    lines = done.stderr.decode("utf-8", "replace").strip().splitlines()
    if done.returncode == REFUSED and lines:
        raise UserError(lines[-1][:300])
    if done.returncode != 0 or not done.stdout.startswith(b"%PDF"):
        why = lines[-1][:200] if lines else f"exit status {done.returncode}"
        raise RuntimeError(f"the PDF could not be made: {why}")
    return done.stdout


def main() -> int:
    from tui.services.export.pdf import MissingScript, to_pdf

    doc = Document.model_validate_json(sys.stdin.buffer.read())
    try:
        data = to_pdf(doc)
    except MissingScript as exc:
        print(exc, file=sys.stderr)
        return REFUSED
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
