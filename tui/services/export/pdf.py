"""Document -> PDF with fpdf2 and the bundled DejaVu Sans, so names in any script it covers print.

A character the font has no glyph for (most emoji, CJK) is replaced, never allowed to crash the
export or vanish silently: a symbol by its Unicode name in brackets ("[smiling face with horns]"),
anything else by U+FFFD; invisible joiners and variation selectors are dropped.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from pathlib import Path

from fpdf import FPDF
from fpdf.bidi import BidiParagraph
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace

from tui.services.export.document import Block, Document, safe

FONTS = Path(__file__).resolve().parent / "fonts"
REGULAR = FONTS / "DejaVuSans.ttf"
BOLD = FONTS / "DejaVuSans-Bold.ttf"
FAMILY = "DejaVu"
LINE = 5.5  # mm per line at 11 pt


@lru_cache(maxsize=2)
def _cmap(path: Path) -> frozenset[int]:
    """Codepoints the font has glyphs for (read once per process)."""
    probe = FPDF()
    probe.add_font("probe", "", str(path))
    font = probe.fonts["probe"]
    return frozenset(getattr(font, "cmap", {}))  # a TTF font (a core font has no cmap)


def fit_font(text: str, bold: bool = False) -> str:
    """`text` with every character the font lacks replaced by something printable."""
    have = _cmap(BOLD if bold else REGULAR)
    out: list[str] = []
    for ch in safe(text):
        code = ord(ch)
        if code in have or ch in "\n\t ":
            out.append(ch)
            continue
        category = unicodedata.category(ch)
        if category in ("Mn", "Me", "Cf") or 0xFE00 <= code <= 0xFE0F or 0x1F3FB <= code <= 0x1F3FF:
            continue  # joiners, variation selectors, skin tones: nothing to print
        if category == "So":
            out.append(f"[{unicodedata.name(ch, f'U+{code:04X}').lower()}]")
        else:
            out.append("\ufffd")
    return "".join(out)


def visual_order(text: str) -> str:
    """Right-to-left runs (Hebrew, Arabic) put in the order they are drawn, line by line.

    fpdf2 draws characters left to right; without this, "שלום" would print backwards. (Shaping of
    joined Arabic letters needs HarfBuzz, which is not a dependency: letters print in their
    isolated forms. A long right-to-left line that wraps keeps its words, not its line order.)
    """
    out = []
    for line in text.split("\n"):
        if any(unicodedata.bidirectional(ch) in ("R", "AL") for ch in line):
            line = BidiParagraph(line).get_reordered_string()
        out.append(line)
    return "\n".join(out)


def printable(text: str, bold: bool = False) -> str:
    """`fit_font` then `visual_order`: what is handed to fpdf2."""
    return visual_order(fit_font(text, bold))


class _PDF(FPDF):
    doc_title = ""

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FAMILY, "", 8)
        self.cell(0, 5, fit_font(f"{self.doc_title} · page {self.page_no()} of {{nb}}"), align="C")


def _new_pdf(title: str) -> _PDF:
    pdf = _PDF(format="A4")
    pdf.doc_title = title[:80]
    pdf.add_font(FAMILY, "", str(REGULAR))
    pdf.add_font(FAMILY, "B", str(BOLD))
    pdf.set_margins(18, 16, 18)
    pdf.set_auto_page_break(True, margin=18)
    pdf.alias_nb_pages()
    pdf.set_title(fit_font(title))
    pdf.set_creator("Wellbeing Guide")
    pdf.add_page()
    return pdf


def _para(
    pdf: FPDF,
    text: str,
    *,
    size: float = 11,
    bold: bool = False,
    indent: float = 0,
    height: float = LINE,
) -> None:
    pdf.set_font(FAMILY, "B" if bold else "", size)
    pdf.set_x(pdf.l_margin + indent)
    pdf.multi_cell(
        pdf.epw - indent,
        height,
        printable(text, bold),
        markdown=False,
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )


def _block(pdf: FPDF, block: Block) -> None:
    if block.kind == "heading":
        pdf.ln(3 if block.level > 2 else 5)
        if pdf.will_page_break(30):
            pdf.add_page()
        text = safe(block.text).replace("\n", " ")
        if block.aside:
            text += f" — {safe(block.aside)}"
        if block.flag:
            text += f"  {safe(block.flag)}"
        _para(pdf, text, size=14 if block.level <= 2 else 12, bold=True, height=7)
        if block.level <= 2:
            y = pdf.get_y()
            pdf.line(pdf.l_margin, y, pdf.l_margin + pdf.epw, y)
            pdf.ln(1.5)
    elif block.kind == "label":
        pdf.ln(1.5)
        text = safe(block.text) + (f" ({safe(block.aside)})" if block.aside else "")
        _para(pdf, text, bold=True)
    elif block.kind == "text":
        _para(pdf, block.text.strip("\n"), indent=4)
    elif block.kind == "note":
        if block.text.strip():
            _para(pdf, block.text, size=10)
    elif block.kind == "items":
        for n, item in enumerate(block.items, 1):
            marker = f"{n}." if block.numbered else "•"
            pdf.set_font(FAMILY, "", 11)
            pdf.set_x(pdf.l_margin + 3)
            pdf.cell(6, LINE, marker)
            pdf.multi_cell(
                pdf.epw - 9,
                LINE,
                printable(item or " "),
                markdown=False,
                new_x=XPos.LMARGIN,
                new_y=YPos.NEXT,
            )
    elif block.kind == "write":
        pdf.set_font(FAMILY, "", 11)
        for n in range(1, block.lines + 1):
            if pdf.will_page_break(9):
                pdf.add_page()
            pdf.ln(8)
            y = pdf.get_y()
            left = pdf.l_margin + 4
            if block.numbered:
                pdf.set_xy(left, y - LINE)
                pdf.cell(6, LINE, f"{n}.")
                left += 7
            pdf.line(left, y, pdf.l_margin + pdf.epw, y)
            pdf.set_xy(pdf.l_margin, y)
        pdf.ln(2)
    elif block.kind == "grid":
        pdf.set_font(FAMILY, "", 10)
        pdf.ln(1)
        with pdf.table(
            line_height=LINE,
            text_align="LEFT",
            first_row_as_headings=True,
            headings_style=FontFace(emphasis="BOLD"),
        ) as table:
            head = table.row()
            for col in block.columns:
                head.cell(printable(col, bold=True))
            for _ in range(block.lines):
                row = table.row()
                for _col in block.columns:
                    row.cell("\n\n")
        pdf.ln(2)
    else:
        raise ValueError(f"unknown block kind {block.kind!r}")


def to_pdf(doc: Document) -> bytes:
    """The whole document as PDF bytes."""
    pdf = _new_pdf(safe(doc.title))
    _para(pdf, doc.title, size=18, bold=True, height=9)
    pdf.ln(1)
    for line in doc.header:
        _para(pdf, line, size=10)
    for block in doc.blocks:
        _block(pdf, block)
    if doc.footer:
        pdf.ln(6)
        _para(pdf, doc.footer, size=9)
    return bytes(pdf.output())
