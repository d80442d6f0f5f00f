"""Exporters: a `Document` (a compiled plan or a blank worksheet) as md, txt, html or pdf.

No Textual here: the command line and tests export without a terminal.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Final

from tui.services.errors import UserError
from tui.services.export.document import Block, Document
from tui.services.safe_text import one_line

FORMATS: Final[tuple[str, ...]] = ("md", "txt", "html", "pdf")
TEXT_FORMATS: Final[tuple[str, ...]] = ("md", "txt", "html")

__all__ = [
    "FORMATS",
    "TEXT_FORMATS",
    "Block",
    "Document",
    "format_for",
    "format_of",
    "render",
    "render_bytes",
]


def render(doc: Document, fmt: str) -> str | bytes:
    """`doc` in `fmt`: str for md, txt and html; bytes for pdf. ValueError for an unknown format."""
    if fmt == "md":
        from tui.services.export.markdown import to_markdown

        return to_markdown(doc)
    if fmt == "txt":
        from tui.services.export.text import to_text

        return to_text(doc)
    if fmt == "html":
        from tui.services.export.html import to_html

        return to_html(doc)
    if fmt == "pdf":  # in a child process: fpdf2 and its fonts never weigh on the app
        from tui.services.export.pdf_child import pdf_in_child

        return pdf_in_child(doc)
    raise ValueError(f"unknown format {fmt!r} (known: {', '.join(FORMATS)})")


def render_bytes(doc: Document, fmt: str) -> bytes:
    """`doc` in `fmt` as bytes ready to write to a file (text formats as UTF-8)."""
    out = render(doc, fmt)
    return out.encode("utf-8") if isinstance(out, str) else out


def format_of(path: str | os.PathLike[str]) -> str | None:
    """The export format a file name asks for (".markdown" is md, ".htm" html), or None."""
    ext = Path(path).suffix.lower().lstrip(".")
    ext = {"markdown": "md", "htm": "html", "text": "txt"}.get(ext, ext)
    return ext if ext in FORMATS else None


def format_for(fmt: str | None, dest: str | os.PathLike[str] | None) -> str:
    """The format to write: the one asked for, else the one the file name asks for, else md.

    A file name that asks for another format than the one asked for is refused (a `.pdf` file
    never holds Markdown), and so is a name whose ending is no format when none was asked for.
    UserError (one line) for either, and for an unknown format."""
    if fmt is not None and fmt not in FORMATS:
        raise UserError(f"unknown format {fmt!r} (known: {', '.join(FORMATS)})")
    if dest is None or Path(dest).expanduser().is_dir():
        return fmt or "md"
    named = format_of(dest)
    suffix = one_line(Path(dest).suffix, 20)
    name = one_line(Path(dest).name, 80)
    if fmt is None:
        if named is None and suffix:
            raise UserError(
                f"cannot tell the format from the name '{name}': end it with "
                f".md, .txt, .html or .pdf, or give --format"
            )
        return named or "md"
    if named is not None and named != fmt:
        raise UserError(
            f"the name '{name}' ends in {suffix} but the format is {fmt}: "
            f"name it .{fmt}, or give --format {named}"
        )
    return fmt
