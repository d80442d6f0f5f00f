"""Document -> Markdown. Every piece of text is escaped, so a person's words never become markup."""

from __future__ import annotations

import re

from tui.services.export.document import Block, Document, safe

_INLINE = re.compile(r"([\\`*_\[\]<>|~&!])")
_LINE_START = re.compile(r"^(\s*)([#+\-=>:]|\d+(?=[.)]))")
_LINKISH = re.compile(r"(\.(?=\w)|:(?=/)|@)")
_RULE = "─" * 40


def escape(text: str) -> str:
    """Escape one line of plain text for CommonMark/GFM (and Textual's Markdown widget)."""
    text = _INLINE.sub(r"\\\1", safe(text).replace("\n", " "))
    # break what a linkifying reader (GFM, Textual's Markdown) would turn into a link:
    # "http://", "example.com", "a@b.org" stay text when their punctuation is escaped
    text = _LINKISH.sub(r"\\\1", text)
    text = text.strip()
    match = _LINE_START.match(text)
    if match:
        lead = match.group(2)
        if lead.isdigit():
            # "1." at the start of a line would be a list: escape the punctuation after the digits
            text = text[: len(lead)] + "\\" + text[len(lead) :]
        else:
            text = "\\" + text
    return text


def escape_lines(text: str, indent: str = "") -> str:
    """Escape multi-line text, keeping its line breaks as hard breaks (a trailing backslash)."""
    lines = [escape(line) for line in safe(text).split("\n")]
    while lines and not lines[-1]:
        lines.pop()
    out = []
    for n, line in enumerate(lines):
        last = n == len(lines) - 1
        out.append(line + ("" if last or not line else "\\"))
    return ("\n" + indent).join(out)


def _block(block: Block) -> str:
    if block.kind == "heading":
        hashes = "#" * max(2, min(block.level, 4))
        text = escape(block.text)
        if block.aside:
            text += f" — {escape(block.aside)}"
        if block.flag:
            text += f" **{escape(block.flag)}**"
        return f"{hashes} {text}"
    if block.kind == "label":
        text = f"**{escape(block.text)}**" if escape(block.text) else ""
        aside = escape(block.aside)
        return " ".join(p for p in (text, f"_({aside})_" if aside else "") if p)
    if block.kind == "text":
        return escape_lines(block.text)
    if block.kind == "note":
        note = escape(block.text)
        return f"_{note}_" if note else ""
    if block.kind == "items":
        out = []
        for n, item in enumerate(block.items, 1):
            marker = f"{n}." if block.numbered else "-"
            out.append(f"{marker} {escape_lines(item, ' ' * (len(marker) + 1)) or ' '}")
        return "\n".join(out)
    if block.kind == "write":
        if block.numbered:
            return "\n".join(f"{n}. {_RULE}" for n in range(1, block.lines + 1))
        return "\n\n".join(_RULE for _ in range(block.lines))
    if block.kind == "grid":
        head = "| " + " | ".join(escape(c) for c in block.columns) + " |"
        sep = "|" + "|".join("---" for _ in block.columns) + "|"
        blank = "|" + "|".join("      " for _ in block.columns) + "|"
        return "\n".join([head, sep, *([blank] * block.lines)])
    if block.kind == "columns":  # one panel after the other, each under its heading
        parts = []
        for heading, panel in zip(block.columns, block.panels, strict=False):
            parts.append(f"**{escape(heading)}**")
            parts.extend(p for p in (_block(inner) for inner in panel) if p)
        return "\n\n".join(parts)
    raise ValueError(f"unknown block kind {block.kind!r}")


def to_markdown(doc: Document) -> str:
    """The whole document as Markdown text, ending in one newline."""
    parts = [f"**{escape(doc.draft).upper()}**"] if doc.draft else []
    parts.append(f"# {escape(doc.title)}")
    if doc.header:
        parts.append("\\\n".join(escape(line) for line in doc.header))
    if doc.status:
        parts.append("\\\n".join(f"_{escape(line)}_" for line in doc.status))
    parts.extend(p for p in (_block(b) for b in doc.blocks) if p)
    if escape(doc.footer):
        parts.append(f"_{escape(doc.footer)}_")
    return "\n\n".join(parts) + "\n"
