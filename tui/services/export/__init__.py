"""Exporters: a `Document` (a compiled plan or a blank worksheet) as md, txt, html or pdf.

No Textual here: the command line and tests export without a terminal.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from tui.services.errors import UserError
from tui.services.export.document import Block, Document
from tui.services.safe_text import one_line

__all__ = [
    "EXPORTERS",
    "FORMATS",
    "TEXT_FORMATS",
    "Block",
    "Document",
    "Exporter",
    "can_print",
    "exporter",
    "format_for",
    "format_of",
    "render",
    "render_bytes",
]

Renderer = Callable[[Document], "str | bytes"]


@dataclass(frozen=True)
class Exporter:
    """One export format, declared once: the formats, the command line's choices, the export
    dialog, the file name rule and whether it can go to a terminal all derive from these.

    A new format is one entry here and its renderer (a module with a `Document -> str | bytes`
    function, imported when first used)."""

    id: str
    #: what the export dialog calls it
    words: str
    #: file name endings that ask for it (the first is the one written)
    suffixes: tuple[str, ...]
    #: "module:function" rendering a `Document`
    renderer: str
    #: bytes that cannot go to a terminal (a PDF)
    binary: bool = False

    def render(self, doc: Document) -> str | bytes:
        module, _, name = self.renderer.partition(":")
        render: Renderer = getattr(importlib.import_module(module), name)
        return render(doc)


EXPORTERS: Final[tuple[Exporter, ...]] = (
    # in a child process: fpdf2 and its fonts never weigh on the app
    Exporter("pdf", "PDF", ("pdf",), "tui.services.export.pdf_child:pdf_in_child", binary=True),
    Exporter("txt", "Plain text", ("txt", "text"), "tui.services.export.text:to_text"),
    Exporter("md", "Markdown", ("md", "markdown"), "tui.services.export.markdown:to_markdown"),
    Exporter("html", "Web page", ("html", "htm"), "tui.services.export.html:to_html"),
)
BY_ID: Final[dict[str, Exporter]] = {e.id: e for e in EXPORTERS}
FORMATS: Final[tuple[str, ...]] = tuple(e.id for e in EXPORTERS)
TEXT_FORMATS: Final[tuple[str, ...]] = tuple(e.id for e in EXPORTERS if not e.binary)


def exporter(fmt: str) -> Exporter:
    """The exporter of `fmt`; UserError (one line) for an unknown one."""
    found = BY_ID.get(fmt)
    if found is None:
        raise UserError(f"unknown format {one_line(fmt, 20)!r} (known: {', '.join(FORMATS)})")
    return found


def render(doc: Document, fmt: str) -> str | bytes:
    """`doc` in `fmt`: str for the text formats; bytes for a binary one."""
    return exporter(fmt).render(doc)


def render_bytes(doc: Document, fmt: str) -> bytes:
    """`doc` in `fmt` as bytes ready to write to a file (text formats as UTF-8)."""
    out = render(doc, fmt)
    return out.encode("utf-8") if isinstance(out, str) else out


def format_of(path: str | os.PathLike[str]) -> str | None:
    """The export format a file name asks for (".markdown" is md, ".htm" html), or None."""
    ext = Path(path).suffix.lower().lstrip(".")
    return next((e.id for e in EXPORTERS if ext in e.suffixes), None)


def can_print(fmt: str) -> bool:
    """Whether `fmt` may go to a terminal (a binary format may not)."""
    return not exporter(fmt).binary


def format_for(fmt: str | None, dest: str | os.PathLike[str] | None) -> str:
    """The format to write: the one asked for, else the one the file name asks for, else md.

    A file name that asks for another format than the one asked for is refused (a `.pdf` file
    never holds Markdown), and so is a name whose ending is no format when none was asked for.
    UserError (one line) for either, and for an unknown format."""
    if fmt is not None:
        exporter(fmt)
    if dest is None or Path(dest).expanduser().is_dir():
        return fmt or "md"
    named = format_of(dest)
    suffix = one_line(Path(dest).suffix, 20)
    name = one_line(Path(dest).name, 80)
    if fmt is None:
        if named is None and suffix:
            raise UserError(
                f"cannot tell the format from the name '{name}': end it with "
                f"{', '.join('.' + e.suffixes[0] for e in EXPORTERS)}, or give --format"
            )
        return named or "md"
    if named is not None and named != fmt:
        raise UserError(
            f"the name '{name}' ends in {suffix} but the format is {fmt}: "
            f"name it .{fmt}, or give --format {named}"
        )
    return fmt
