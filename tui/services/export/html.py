"""Document -> one self-contained HTML page with print styles.

Nothing is fetched from anywhere (no fonts, images, scripts or links), and every piece of text goes
through `html.escape`, so `<script>` in an answer prints as the characters `<script>`.
"""

from __future__ import annotations

from html import escape as _escape

from tui.services.export.document import Block, Document, safe

CSS = """
:root { color: #000; background: #fff; }
body { font-family: "DejaVu Sans", Verdana, Arial, sans-serif; font-size: 12pt; line-height: 1.45;
       max-width: 46em; margin: 1.5em auto; padding: 0 1em; }
h1 { font-size: 1.6em; border-bottom: 2px solid #000; padding-bottom: .2em; }
h2 { font-size: 1.25em; margin-top: 1.6em; border-bottom: 1px solid #666; }
h3 { font-size: 1.1em; }
.aside { font-weight: normal; font-size: .85em; }
.flag { font-weight: bold; border: 2px solid #000; padding: 0 .3em; margin-left: .4em;
        white-space: nowrap; }
.header p { margin: .1em 0; }
.label { font-weight: bold; margin: .9em 0 .2em; }
.label .aside { font-style: italic; }
.answer { white-space: pre-wrap; overflow-wrap: anywhere; margin: .2em 0 .2em 1em; }
li { overflow-wrap: anywhere; white-space: pre-wrap; }
.note { font-style: italic; color: #333; }
.write { border-bottom: 1px solid #000; height: 2em; margin: 0 0 .2em 1em; }
table.grid { border-collapse: collapse; width: 100%; }
table.grid th, table.grid td { border: 1px solid #000; padding: .3em; text-align: left;
                               vertical-align: top; }
table.grid td { height: 3em; }
footer { margin-top: 2em; font-size: .85em; border-top: 1px solid #666; }
.status { border: 1px solid #000; padding: .3em .6em; }
.status p { margin: .1em 0; }
.draft { font-weight: bold; text-transform: uppercase; border: 2px solid #000; padding: .2em .5em; }
.small li { font-size: .85em; }
.columns { display: grid; grid-template-columns: repeat(auto-fit, minmax(12em, 1fr));
           gap: 0 1.2em; }
.panel-head { font-weight: bold; border-bottom: 1px solid #000; margin: .9em 0 .2em; }
.panel ul { padding-left: 1.2em; }
body.large { font-size: 16pt; }
body.easy-read { font-size: 15pt; line-height: 1.7; max-width: 32em; }
@media print {
  body { margin: 0; max-width: none; font-size: 11pt; }
  h2, h3, .label { break-after: avoid; page-break-after: avoid; }
  .draft { position: running(draft); }
  li, .answer, tr { break-inside: avoid; page-break-inside: avoid; }
  a { color: #000; text-decoration: none; }
}
@page { margin: 18mm 16mm; }
"""


def esc(text: object) -> str:
    """Cleaned and escaped for HTML text and attribute values alike."""
    return _escape(safe(text), quote=True)


def _block(block: Block) -> str:
    if block.kind == "heading":
        tag = f"h{max(2, min(block.level, 4))}"
        aside = f' <span class="aside">— {esc(block.aside)}</span>' if block.aside else ""
        flag = f' <span class="flag">{esc(block.flag)}</span>' if block.flag else ""
        return f'<{tag} dir="auto">{esc(block.text)}{aside}{flag}</{tag}>'
    if block.kind == "label":
        aside = f' <span class="aside">({esc(block.aside)})</span>' if block.aside else ""
        return f'<p class="label" dir="auto">{esc(block.text)}{aside}</p>'
    if block.kind == "text":
        return f'<div class="answer" dir="auto">{esc(block.text.strip(chr(10)))}</div>'
    if block.kind == "note":
        return f'<p class="note" dir="auto">{esc(block.text)}</p>' if block.text.strip() else ""
    if block.kind == "items":
        tag = "ol" if block.numbered else "ul"
        items = "".join(f'<li dir="auto">{esc(item)}</li>' for item in block.items)
        small = ' class="small"' if block.small else ""
        return f"<{tag}{small}>{items}</{tag}>"
    if block.kind == "write":
        return "".join('<div class="write"></div>' for _ in range(block.lines))
    if block.kind == "grid":
        head = "".join(f"<th>{esc(c)}</th>" for c in block.columns)
        row = "<tr>" + "<td></td>" * len(block.columns) + "</tr>"
        return (
            f'<table class="grid"><thead><tr>{head}</tr></thead><tbody>'
            f"{row * block.lines}</tbody></table>"
        )
    if block.kind == "columns":  # side by side on a wide page, one after another on a narrow one
        panels = "".join(
            f'<div class="panel"><p class="panel-head" dir="auto">{esc(heading)}</p>'
            + "".join(_block(inner) for inner in panel)
            + "</div>"
            for heading, panel in zip(block.columns, block.panels, strict=False)
        )
        return f'<div class="columns">{panels}</div>'
    raise ValueError(f"unknown block kind {block.kind!r}")


def to_html(doc: Document) -> str:
    """A complete HTML5 page."""
    header = "".join(f"<p>{esc(line)}</p>" for line in doc.header)
    if doc.status:
        header += '<div class="status">' + "".join(f"<p>{esc(s)}</p>" for s in doc.status)
        header += "</div>"
    draft = f'<p class="draft">{esc(doc.draft)}</p>\n' if doc.draft else ""
    layout = f' class="{esc(doc.layout)}"' if doc.layout != "standard" else ""
    body = "\n".join(p for p in (_block(b) for b in doc.blocks) if p)
    footer = f"<footer><p>{esc(doc.footer)}</p></footer>" if doc.footer else ""
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="referrer" content="no-referrer">\n'
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'\">\n"
        f"<title>{esc(doc.title)}</title>\n<style>{CSS}</style>\n</head>\n<body{layout}>\n"
        f'{draft}<h1 dir="auto">{esc(doc.title)}</h1>\n<div class="header">{header}</div>\n'
        f"{body}\n{footer}\n{draft}</body>\n</html>\n"
    )
