"""Document -> plain text wrapped to 80 columns, for reading a plan aloud over the phone."""

from __future__ import annotations

import textwrap

from tui.services.export.document import Block, Document, safe

WIDTH = 80
#: Easy Read keeps lines short.
EASY_WIDTH = 56


def _wrap(text: str, indent: str = "", first: str | None = None, width: int = WIDTH) -> list[str]:
    """Wrap each line of `text`; `first` prefixes the first line, `indent` the rest."""
    first = indent if first is None else first
    out: list[str] = []
    for n, line in enumerate(safe(text).split("\n")):
        lead = first if n == 0 else indent
        if not line.strip():
            out.append("")
            continue
        out.extend(
            textwrap.wrap(
                line,
                width=width,
                initial_indent=lead,
                subsequent_indent=indent,
                break_long_words=True,
                break_on_hyphens=False,
                drop_whitespace=True,
            )
            or [lead.rstrip()]
        )
    while out and not out[-1]:
        out.pop()
    return out


def _block(block: Block, width: int = WIDTH) -> list[str]:
    if block.kind == "heading":
        text = safe(block.text).replace("\n", " ")
        if block.level <= 2:
            text = text.upper()
        if block.aside:
            text += f" - {safe(block.aside)}"
        lines = _wrap(text, width=width) or [""]
        if block.flag:  # on its own line, so the words of a warning are never split
            lines.append(safe(block.flag))
        rule = "-" if block.level <= 2 else "."
        return lines + [rule * min(width, max(3, *(len(line) for line in lines)))]
    if block.kind == "label":
        text = safe(block.text) + (f" ({safe(block.aside)})" if block.aside else "")
        return _wrap(text.replace("\n", " ") + ":", width=width)
    if block.kind == "text":
        return _wrap(block.text, indent="  ", width=width)
    if block.kind == "note":
        return _wrap(block.text, width=width)
    if block.kind == "items":
        out: list[str] = []
        for n, item in enumerate(block.items, 1):
            marker = f"  {n}. " if block.numbered else "  - "
            out.extend(_wrap(item or " ", indent=" " * len(marker), first=marker, width=width))
        return out
    if block.kind == "write":
        if block.numbered:
            return [f"  {n}. " + "_" * (WIDTH - 6) for n in range(1, block.lines + 1)]
        return ["", *["  " + "_" * (WIDTH - 2) for _ in range(block.lines)]]
    if block.kind == "grid":
        out = []
        for row in range(1, block.lines + 1):
            out.append(f"  Row {row}")
            for col in block.columns:
                label = safe(col).replace("\n", " ")[:30]
                out.append(f"    {label}: " + "_" * max(10, WIDTH - 6 - len(label)))
        return out
    if block.kind == "columns":  # one panel after the other, each under its heading
        out = []
        for heading, panel in zip(block.columns, block.panels, strict=False):
            if out:
                out.append("")
            out.extend(_wrap(safe(heading).replace("\n", " "), width=width))
            for inner in panel:
                out.extend("  " + line if line else "" for line in _block(inner, width - 2))
        return out
    raise ValueError(f"unknown block kind {block.kind!r}")


def to_text(doc: Document) -> str:
    """The whole document as text; no line is longer than 80 columns (56 in Easy Read)."""
    width = EASY_WIDTH if doc.layout == "easy-read" else WIDTH
    lines: list[str] = []
    if doc.draft:
        lines += [f"*** {safe(doc.draft).upper()} ***", ""]
    title = _wrap(doc.title.upper(), width=width) or [""]
    lines += [*title, "=" * min(width, max(3, *(len(t) for t in title)))]
    for line in doc.header:
        lines.extend(_wrap(line, width=width))
    if doc.status:
        lines.append("")
        for line in doc.status:
            lines.extend(_wrap(line, width=width))
    for block in doc.blocks:
        rendered = _block(block, width)
        if rendered:
            lines.append("")
            lines.extend(rendered)
    if doc.footer:
        lines.extend(["", *_wrap(doc.footer, width=width)])
    return "\n".join(line.rstrip() for line in lines) + "\n"
