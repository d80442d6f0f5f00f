"""Document -> PDF with fpdf2 and the bundled fonts, so a client's words print in their script.

DejaVu Sans prints Latin, Greek, Cyrillic, Hebrew, Arabic and more; WenQuanYi Micro Hei is its
fallback for Chinese, Japanese and Korean (loaded only when a document needs it). A symbol
neither has (most emoji) prints as its Unicode name in brackets ("[smiling face with horns]");
invisible joiners and variation selectors are dropped. Any other character neither font has is
refused, in one line naming its script (`MissingScript`): never a silent replacement character.
Text is set left-aligned, never justified.
"""

from __future__ import annotations

import unicodedata
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path

from fontTools.ttLib import TTFont
from fpdf import FPDF
from fpdf.bidi import BidiParagraph
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace

from tui.services.export.document import Block, Document, safe

FONTS = Path(__file__).resolve().parent / "fonts"
REGULAR = FONTS / "DejaVuSans.ttf"
BOLD = FONTS / "DejaVuSans-Bold.ttf"
FAMILY = "DejaVu"
#: the fallback for Chinese, Japanese and Korean (one weight: bold text uses it too)
CJK = FONTS / "WenQuanYiMicroHei.ttf"
CJK_FAMILY = "WenQuanYi"
#: every paragraph is set flush left (justified text spaces words unevenly)
ALIGN = "L"


class MissingScript(ValueError):
    """The document holds a character no bundled font can print (the message names its script)."""


@lru_cache(maxsize=4)
def _cmap(path: Path) -> frozenset[int]:
    """Codepoints the font has glyphs for (read once per process): its cmap table alone, not the
    whole font (a third of the time fpdf2 takes to load it, which happens once the font is used)."""
    font = TTFont(str(path), lazy=True)
    try:
        return frozenset(font.getBestCmap() or {})
    finally:
        font.close()


def script_of(ch: str) -> str:
    """The script a character belongs to, as its Unicode name starts ("Tibetan", "CJK")."""
    name = unicodedata.name(ch, "")
    if not name:
        return f"U+{ord(ch):04X} (a character with no name)"
    first = name.split()[0]
    return first if first in ("CJK", "NKO") else first.capitalize()


def fit_font(text: str, bold: bool = False) -> str:
    """`text` as it prints: a symbol no font has as its name in brackets, invisible marks no
    font has left out. Raises `MissingScript` for any other character no bundled font has."""
    have = _cmap(BOLD if bold else REGULAR)
    out: list[str] = []
    for ch in safe(text):
        code = ord(ch)
        if code in have or ch in "\n\t ":
            out.append(ch)
            continue
        if code in _cmap(CJK):
            out.append(ch)  # printed by the fallback font
            continue
        category = unicodedata.category(ch)
        if category in ("Mn", "Me", "Cf") or 0xFE00 <= code <= 0xFE0F or 0x1F3FB <= code <= 0x1F3FF:
            continue  # joiners, variation selectors, skin tones: nothing to print
        if category == "So":
            out.append(f"[{unicodedata.name(ch, f'U+{code:04X}').lower()}]")
            continue
        if category in ("Cn", "Co", "Cs"):  # no character anyone can read: its number, shown
            out.append(f"[U+{code:04X}]")
            continue
        raise MissingScript(
            f"the PDF cannot print {script_of(ch)} script (U+{code:04X}): no bundled font has it; "
            "export as html, txt or md, which keep every script"
        )
    return "".join(out)


def _needs_cjk(doc: Document) -> bool:
    """Whether any character of the document is printed by the fallback font."""
    have = _cmap(REGULAR) | _cmap(BOLD)
    text = doc.model_dump_json()
    return any(
        ord(ch) not in have and ord(ch) in _cmap(CJK) for ch in set(text) if ord(ch) > 0x2000
    )


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


#: type sizes (pt) and line height (mm) per layout: body, headings, small print.
SCALES = {
    "standard": {"body": 9.5, "h2": 12.0, "h3": 10.5, "small": 7.5, "line": 4.3},
    "large": {"body": 16.0, "h2": 20.0, "h3": 17.0, "small": 12.0, "line": 7.6},
    "easy-read": {"body": 14.0, "h2": 17.0, "h3": 15.0, "small": 10.0, "line": 7.0},
}


class _PDF(FPDF):
    doc_title = ""
    draft = ""
    #: a short closing line ("Printed on 3 Dec 2026.") goes in every page's footer instead
    printed = ""
    scale: dict[str, float] = SCALES["standard"]
    layout = "standard"

    def header(self) -> None:
        if not self.draft:
            return
        self.set_y(6)
        self.set_font(FAMILY, "B", 9)
        self.cell(0, 5, fit_font(f"{self.draft.upper()}"), align="C")
        self.set_y(self.t_margin)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FAMILY, "", 8)
        mark = f" · {self.draft.upper()}" if self.draft else ""
        printed = f" · {self.printed}" if self.printed else ""
        text = f"{self.doc_title}{printed} · page {self.page_no()} of {{nb}}{mark}"
        self.cell(0, 5, fit_font(text), align="C")


def blank_pdf() -> _PDF:
    """An A4 page-less PDF with the two DejaVu faces loaded (fpdf2 parses each whole: most of
    the time a PDF takes before its first line): what `to_pdf` starts from, made ahead of the
    document when it is known a PDF is coming (`pdf_child`)."""
    pdf = _PDF(format="A4")
    pdf.add_font(FAMILY, "", str(REGULAR))
    pdf.add_font(FAMILY, "B", str(BOLD))
    return pdf


def _new_pdf(doc: Document, pdf: _PDF | None = None) -> _PDF:
    title = safe(doc.title)
    pdf = pdf or blank_pdf()
    pdf.set_creation_date(datetime.now(UTC))  # now, not when the blank was made ahead of it
    pdf.doc_title = title[:80]
    pdf.draft = safe(doc.draft)
    if len(doc.footer) <= 40:
        pdf.printed = safe(doc.footer).rstrip(".")
    pdf.scale = SCALES.get(doc.layout, SCALES["standard"])
    pdf.layout = doc.layout
    if _needs_cjk(doc):
        pdf.add_font(CJK_FAMILY, "", str(CJK))
        pdf.set_fallback_fonts([CJK_FAMILY], exact_match=False)
    pdf.set_margins(15, 12, 15)
    pdf.set_auto_page_break(True, margin=14)
    pdf.alias_nb_pages()
    pdf.set_title(fit_font(title))
    pdf.set_creator("Wellbeing Guide")
    pdf.add_page()
    return pdf


def _para(
    pdf: _PDF,
    text: str,
    *,
    size: float | None = None,
    bold: bool = False,
    indent: float = 0,
    height: float | None = None,
) -> None:
    pdf.set_font(FAMILY, "B" if bold else "", size or pdf.scale["body"])
    pdf.set_x(pdf.l_margin + indent)
    pdf.multi_cell(
        pdf.epw - indent,
        height or pdf.scale["line"],
        printable(text, bold),
        markdown=False,
        align=ALIGN,
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )


def _height(pdf: _PDF, text: str, size: float, width: float, bold: bool = False) -> float:
    """How tall `text` prints at `size` in `width` (to keep a heading with what follows)."""
    pdf.set_font(FAMILY, "B" if bold else "", size)
    lines = pdf.multi_cell(
        width, pdf.scale["line"], printable(text or " ", bold), dry_run=True, output="LINES"
    )
    assert isinstance(lines, list)
    return len(lines) * pdf.scale["line"]


def _first_lines(pdf: _PDF, after: list[Block]) -> float:
    """The height of what must not be parted from a heading or a label: the next label, and the
    first line of what it introduces."""
    need = 0.0
    for block in after[:2]:
        if block.kind == "label":
            need += _height(pdf, block.text, pdf.scale["body"], pdf.epw, bold=True) + 1.5
            continue
        if block.kind in ("text", "note"):
            need += pdf.scale["line"] * 2
        elif block.kind == "items" and block.items:
            need += _height(pdf, block.items[0], pdf.scale["body"], pdf.epw - 9)
        break
    return need


def _columns(pdf: _PDF, block: Block) -> int:
    """How many short entries fit side by side (1 when any entry is long, or numbered, and in
    large print and Easy Read, which keep to one column)."""
    if pdf.layout != "standard" or block.numbered or block.small or len(block.items) < 2:
        return 1
    widest = max(pdf.get_string_width(printable(item)) for item in block.items) + 9
    for columns in (3, 2):
        if widest <= (pdf.epw - 3) / columns and len(block.items) > columns - 1:
            return columns
    return 1


GAP = 4.0


def _panel_parts(block: Block, n: int) -> list[tuple[str, str, bool]]:
    """What one panel of a columns block prints, as (kind, text, bold) lines: its heading, then
    labels in bold, answers, and list entries with a bullet."""
    parts = [("head", safe(block.columns[n]), True)]
    for inner in block.panels[n]:
        if inner.kind == "label":
            parts.append(("label", safe(inner.text), True))
        elif inner.kind in ("text", "note"):
            parts.append(("text", safe(inner.text).strip("\n"), False))
        elif inner.kind == "items":
            parts += [("item", safe(item), False) for item in inner.items]
    return parts


def _panel_height(pdf: _PDF, parts: list[tuple[str, str, bool]], width: float) -> float:
    line = pdf.scale["line"]
    height = 0.0
    for kind, text, bold in parts:
        indent = 4.0 if kind == "item" else 0.0
        height += _height(pdf, text, pdf.scale["body"], width - indent, bold)
        height += 1.2 if kind in ("head", "label") else 0
    return height + line


def _columns_block(pdf: _PDF, block: Block) -> None:
    """Panels side by side (a traffic light's Green, Amber and Red), each under its heading."""
    count = len(block.panels)
    width = (pdf.epw - GAP * (count - 1)) / count
    parts = [_panel_parts(block, n) for n in range(count)]
    need = max(_panel_height(pdf, p, width) for p in parts)
    pdf.ln(2.0)
    if pdf.will_page_break(need):
        pdf.add_page()
    top = pdf.get_y()
    bottom = top
    line = pdf.scale["line"]
    for n, panel in enumerate(parts):
        x = pdf.l_margin + n * (width + GAP)
        pdf.set_xy(x, top)
        for kind, text, bold in panel:
            indent = 4.0 if kind == "item" else 0.0
            pdf.set_font(FAMILY, "B" if bold else "", pdf.scale["body"])
            if kind == "label":
                pdf.set_y(pdf.get_y() + 0.6)
            pdf.set_x(x)
            if kind == "item":
                pdf.cell(indent, line, "•")
            pdf.multi_cell(
                width - indent,
                line,
                printable(text or " ", bold),
                markdown=False,
                align=ALIGN,
                new_x=XPos.LEFT,
                new_y=YPos.NEXT,
            )
            if kind == "head":
                y = pdf.get_y()
                pdf.line(x, y, x + width, y)
                pdf.set_y(y + 0.6)
        bottom = max(bottom, pdf.get_y())
    pdf.set_xy(pdf.l_margin, bottom)


def _block(pdf: _PDF, block: Block, after: list[Block]) -> bool:
    """Print `block`; True when it also printed the block after it."""
    scale = pdf.scale
    if block.kind == "heading":
        big = block.level <= 2
        pdf.ln(2.2 if big else 1.6)
        text = safe(block.text).replace("\n", " ")
        if block.aside:
            text += f" — {safe(block.aside)}"
        if block.flag:
            text += f"  {safe(block.flag)}"
        size = scale["h2"] if big else scale["h3"]
        need = _height(pdf, text, size, pdf.epw, bold=True) + _first_lines(pdf, after) + 3
        if pdf.will_page_break(need):
            pdf.add_page()  # a heading never ends a page: it moves with what it introduces
        _para(pdf, text, size=size, bold=True, height=scale["line"] * 1.15)
        if big:
            y = pdf.get_y()
            pdf.line(pdf.l_margin, y, pdf.l_margin + pdf.epw, y)
            pdf.ln(0.6)
    elif block.kind == "label":
        pdf.ln(0.8)
        text = safe(block.text) + (f" ({safe(block.aside)})" if block.aside else "")
        nxt = after[0] if after else None
        if nxt is not None and nxt.kind == "text" and nxt.text.strip() and "\n" not in nxt.text:
            # a label and a short answer read as one line: "Using it: when I start ..."
            need = _height(pdf, f"{text}: {nxt.text}", scale["body"], pdf.epw) + scale["line"]
            if pdf.will_page_break(need):
                pdf.add_page()
            pdf.set_x(pdf.l_margin)
            pdf.set_font(FAMILY, "B", scale["body"])
            pdf.write(scale["line"], printable(f"{text}: ", bold=True))
            pdf.set_font(FAMILY, "", scale["body"])
            pdf.write(scale["line"], printable(nxt.text.strip()))
            pdf.ln(scale["line"])
            return True
        need = _height(pdf, text, scale["body"], pdf.epw, bold=True) + _first_lines(pdf, after)
        if pdf.will_page_break(need):
            pdf.add_page()  # nor does a label
        _para(pdf, text, bold=True)
    elif block.kind == "text":
        _para(pdf, block.text.strip("\n"), indent=4)
    elif block.kind == "note":
        if block.text.strip():
            _para(pdf, block.text, size=scale["body"] - 1, height=scale["line"] * 0.9)
    elif block.kind == "items":
        size = scale["small"] if block.small else scale["body"]
        line = scale["line"] * (0.8 if block.small else 1)
        pdf.set_font(FAMILY, "", size)
        if block.small:  # small print (where a plan comes from) runs on as one paragraph
            _para(pdf, " · ".join(block.items), size=size, height=line)
            return False
        columns = _columns(pdf, block)
        if columns > 1:  # short entries side by side, read down each column, then across
            width = (pdf.epw - 3) / columns
            rows = -(-len(block.items) // columns)
            if pdf.will_page_break(line * rows):
                pdf.add_page()
            y = pdf.get_y()
            for n, item in enumerate(block.items):
                pdf.set_xy(pdf.l_margin + 3 + (n // rows) * width, y + (n % rows) * line)
                pdf.cell(6, line, "•")
                pdf.cell(width - 6, line, printable(item))
            pdf.set_xy(pdf.l_margin, y + rows * line)
            return False
        for n, item in enumerate(block.items, 1):
            marker = f"{n}." if block.numbered else "•"
            pdf.set_font(FAMILY, "", size)
            pdf.set_x(pdf.l_margin + 3)
            pdf.cell(6, line, marker)
            pdf.multi_cell(
                pdf.epw - 9,
                line,
                printable(item or " "),
                markdown=False,
                align=ALIGN,
                new_x=XPos.LMARGIN,
                new_y=YPos.NEXT,
            )
    elif block.kind == "write":
        pdf.set_font(FAMILY, "", scale["body"])
        for n in range(1, block.lines + 1):
            if pdf.will_page_break(9):
                pdf.add_page()
            pdf.ln(8)
            y = pdf.get_y()
            left = pdf.l_margin + 4
            if block.numbered:
                pdf.set_xy(left, y - scale["line"])
                pdf.cell(6, scale["line"], f"{n}.")
                left += 7
            pdf.line(left, y, pdf.l_margin + pdf.epw, y)
            pdf.set_xy(pdf.l_margin, y)
        pdf.ln(2)
    elif block.kind == "grid":
        pdf.set_font(FAMILY, "", scale["body"] - 0.5)
        pdf.ln(1)
        with pdf.table(
            line_height=scale["line"],
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
    elif block.kind == "columns":
        _columns_block(pdf, block)
    else:
        raise ValueError(f"unknown block kind {block.kind!r}")
    return False


def to_pdf(doc: Document, blank: _PDF | None = None) -> bytes:
    """The whole document as PDF bytes (on `blank`, from `blank_pdf`, when one was made
    ahead; each is used once)."""
    pdf = _new_pdf(doc, blank)
    _para(pdf, doc.title, size=pdf.scale["h2"] + 4, bold=True, height=pdf.scale["line"] * 1.6)
    pdf.ln(1)
    for line in doc.header:
        _para(pdf, line, size=pdf.scale["body"] - 1)
    if doc.status:
        pdf.ln(1)
        _para(pdf, "  ".join(doc.status), size=pdf.scale["body"] - 1, bold=True)
    blocks = list(doc.blocks)
    skip = False
    for n, block in enumerate(blocks):
        if skip:
            skip = False
            continue
        skip = _block(pdf, block, blocks[n + 1 :])
    if doc.footer and not pdf.printed:
        pdf.ln(4)
        _para(pdf, doc.footer, size=pdf.scale["small"] + 1)
    return bytes(pdf.output())
