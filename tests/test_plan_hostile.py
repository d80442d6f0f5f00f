"""Hostile answers in every export format: escaped in html and md, no control bytes, PDF intact."""

from __future__ import annotations

import html
import io
import re
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from pypdf import PdfReader

from exercises.plan_templates import load_plan_template
from tests.plan_fixtures import S1, FakeLibrary, answer, at, history, inputs
from tui.services.config import Config
from tui.services.errors import UserError
from tui.services.export import FORMATS, render
from tui.services.export.document import Block, Document
from tui.services.plans.compiler import compile_plan
from tui.services.plans.document import plan_document

TODAY = date(2020, 6, 12)
SCRIPT = "<script>alert(1)</script>"
HOSTILE = {
    "markup": "[bold red]loud[/] [@click=app.quit]quit[/] **strong** [link](http://x.test) `code`",
    "script": SCRIPT,
    "entities": "&amp; &lt;b&gt; &#x41; &nbsp;",
    "controls": "bell\x07 esc\x1b[31mred\x1b[0m nul\x00 title\x1b]0;pwned\x07 c1\x9b2J del\x7f",
    "rtl": "\u202eevil\u202c \u2067isolate\u2069 \u200fmark\u200f שלום مرحبا",
    "emoji": "I feel 😀 👍🏽 👨‍👩‍👧 ❤️ 🧠",
    "long": "word " * 2000,
    "md-structure": "# not a heading\n- not a list\n1. not numbered\n---\n| a | b |\n> quote",
}
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def hostile_plan_doc(text: str) -> Document:
    answers = history() + [
        answer(S1, "treat-a-friend", "friend", text, at(12)),
        answer(S1, "identify", "concerns", [text, "second"], at(12)),
    ]
    plan = compile_plan(
        "wellbeing",
        load_plan_template("wellbeing"),
        FakeLibrary(),
        inputs(answers),
        Config(),
        TODAY,
    )
    return plan_document(plan, printed_on=TODAY)


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def pdf_text(data: bytes) -> str:
    """The PDF's text without the page headers and footers (a long answer runs across pages)."""
    lines = [
        line
        for page in PdfReader(io.BytesIO(data)).pages
        for line in (page.extract_text() or "").splitlines()
    ]
    return "\n".join(
        line
        for line in lines
        if not re.search(r"· page \d+ of \d+", line) and line != "DRAFT: NOT A SAVED VERSION"
    )


def md_text(md: str) -> str:
    """What a Markdown reader shows: the plain text of the rendered document."""
    tokens = MarkdownIt("gfm-like").parse(md)
    out = []
    for tok in tokens:
        for child in tok.children or []:
            if child.type in ("text", "code_inline"):
                out.append(child.content)
            if child.type in ("link_open", "html_inline"):
                raise AssertionError(f"client text became {child.type}")
        if tok.type in ("html_block", "table_open", "blockquote_open", "fence", "hr"):
            raise AssertionError(f"client text became {tok.type}")
    return "".join(out)


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_text_in_every_format(name: str) -> None:
    text = HOSTILE[name]
    doc = hostile_plan_doc(text)
    visible = CONTROL.sub("", re.sub(r"\x1b\[[0-9;]*m|\x1b\]0;pwned\x07|\x9b2J", "", text))
    for fmt in FORMATS:
        out = render(doc, fmt)
        if isinstance(out, str):
            assert not CONTROL.search(out), (fmt, CONTROL.search(out))
        if fmt == "html":
            assert isinstance(out, str)
            assert (
                "<script>" not in out
                and "&lt;script&gt;alert(1)&lt;/script&gt;" in out
                or name != "script"
            )
            assert html.escape(visible.split("\n")[0].strip()[:40]) in out
            assert "pwned" not in out
        if fmt == "md":
            assert isinstance(out, str)
            shown = md_text(out) if name != "md-structure" else md_text(out)
            assert squash(visible.split("\n")[0])[:40] in squash(shown)
        if fmt == "txt":
            assert isinstance(out, str)
            assert all(len(line) <= 80 for line in out.splitlines())
            assert squash(visible)[:200] in squash(out)
        if fmt == "pdf":
            assert isinstance(out, bytes)
            extracted = squash(pdf_text(out))
            if name == "emoji":
                assert "Ifeel😀" in extracted  # DejaVu has this one
                assert "[brain]" in extracted  # and not this one: named, not lost
            else:
                assert squash(visible)[:300] in extracted


def test_script_is_escaped_in_html() -> None:
    page = render(hostile_plan_doc(SCRIPT), "html")
    assert isinstance(page, str)
    assert SCRIPT not in page
    assert html.escape(SCRIPT) in page


def test_ten_thousand_characters_survive_every_format() -> None:
    long = "".join(f"{n:05d}" for n in range(2000))  # one 10,000-character word
    doc = hostile_plan_doc(long)
    for fmt in ("md", "txt", "html"):
        assert long in squash(render(doc, fmt))  # type: ignore[arg-type]
    assert long in squash(pdf_text(render(doc, "pdf")))  # type: ignore[arg-type]


def test_markdown_keeps_structure_characters_literal() -> None:
    md = render(hostile_plan_doc(HOSTILE["md-structure"]), "md")
    assert isinstance(md, str)
    shown = md_text(md)
    assert "# not a heading" in shown and "- not a list" in shown and "1. not numbered" in shown
    markup = md_text(render(hostile_plan_doc(HOSTILE["markup"]), "md"))  # type: ignore[arg-type]
    assert "[link](http://x.test)" in markup and "**strong**" in markup


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=200))
def test_any_text_renders_in_text_formats_without_control_bytes(text: str) -> None:
    doc = Document(
        title=text,
        header=(text,),
        blocks=(
            Block(kind="heading", text=text, aside=text),
            Block(kind="label", text=text, aside=text),
            Block(kind="text", text=text),
            Block(kind="items", items=(text, text)),
            Block(kind="note", text=text),
        ),
    )
    for fmt in ("md", "txt", "html"):
        out = render(doc, fmt)
        assert isinstance(out, str) and not CONTROL.search(out)
        if fmt == "md":
            md_text(out)  # never a link, html or a table


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=80))
def test_any_text_renders_as_pdf(text: str) -> None:
    """Any text prints, or is refused in one line naming the script no bundled font has (never a
    crash, never a silent replacement character)."""
    try:
        out = render(Document(title="T", blocks=(Block(kind="text", text=text),)), "pdf")
    except UserError as exc:
        assert "script" in str(exc) and "\n" not in str(exc)
        return
    assert isinstance(out, bytes) and out.startswith(b"%PDF")
