"""Golden files for every export format of a fixed plan and a fixed worksheet.

Regenerate after a deliberate change with `UPDATE_GOLDEN=1 pytest tests/test_plan_exports.py`, then
read the diff. PDFs are compared by their extracted text (pypdf), never by bytes.
"""

from __future__ import annotations

import io
import os
import re
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from exercises.plan_templates import load_plan_template
from tests.plan_fixtures import BREATHING, KEEP_SAFE, TRAFFIC, FakeLibrary, inputs
from tui.services.config import Config
from tui.services.errors import UserError
from tui.services.export import FORMATS, Document, format_of, render
from tui.services.export.worksheet import worksheet_document
from tui.services.plans.compiler import compile_plan
from tui.services.plans.document import plan_document, plan_markdown

GOLDEN = Path(__file__).parent / "golden"
TODAY = date(2020, 6, 12)


def compiled_document(kind: str) -> Document:
    plan = compile_plan(
        kind,
        load_plan_template(kind),
        FakeLibrary(),
        inputs(),
        Config(),
        TODAY,
        review_on=date(2020, 9, 12),
    )
    return plan_document(plan, printed_on=TODAY)


DOCUMENTS = {
    "plan-wellbeing": lambda: compiled_document("wellbeing"),
    "plan-keep-safe": lambda: compiled_document("keep-safe"),
    "worksheet-traffic-light": lambda: worksheet_document(TRAFFIC, printed_on="12 Jun 2020"),
    "worksheet-breathing": lambda: worksheet_document(BREATHING, printed_on="12 Jun 2020"),
}


def pdf_text(data: bytes) -> str:
    """The PDF's text, page by page, with runs of spaces collapsed (layout is not the contract)."""
    reader = PdfReader(io.BytesIO(data))
    pages = [page.extract_text() or "" for page in reader.pages]
    return (
        "\n".join(
            re.sub(r"[ \t]+", " ", line).strip() for page in pages for line in page.splitlines()
        )
        + "\n"
    )


def as_text(doc: Document, fmt: str) -> str:
    out = render(doc, fmt)
    return pdf_text(out) if isinstance(out, bytes) else out


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_golden(name: str, fmt: str) -> None:
    text = as_text(DOCUMENTS[name](), fmt)
    golden = GOLDEN / f"{name}.{'pdf.txt' if fmt == 'pdf' else fmt}"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(text, "utf-8")
    assert golden.exists(), f"missing {golden}: run with UPDATE_GOLDEN=1"
    assert text == golden.read_text("utf-8")


def test_text_is_wrapped_to_80_columns() -> None:
    for make in DOCUMENTS.values():
        for line in render(make(), "txt").splitlines():  # type: ignore[union-attr]
            assert len(line) <= 80, line


def test_html_is_self_contained_with_print_styles() -> None:
    page = render(compiled_document("wellbeing"), "html")
    assert isinstance(page, str)
    assert "@media print" in page and "@page" in page
    for outside in ("http://", "https://", "<link", "<script", "<img", "url(", "@import"):
        assert outside not in page
    assert "Level: ● Green. Signs: Sleeping well." in page


def test_pdf_is_a_pdf_with_the_answers() -> None:
    data = render(compiled_document("keep-safe"), "pdf")
    assert isinstance(data, bytes) and data.startswith(b"%PDF")
    text = pdf_text(data)
    assert "Spending hours online at night" in text
    assert "CLEAR CONCERN" in text


def test_markdown_matches_what_a_version_keeps() -> None:
    plan = compile_plan(
        "wellbeing", load_plan_template("wellbeing"), FakeLibrary(), inputs(), Config(), TODAY
    )
    assert plan_markdown(plan) == render(plan_document(plan), "md")
    assert "Printed on" not in plan_markdown(plan)  # a version's text does not change by the day


def test_practitioner_led_exercises_are_not_worksheets() -> None:
    with pytest.raises(UserError, match="practitioner-led"):
        worksheet_document(KEEP_SAFE)


def test_every_shipped_exercise_prints_as_a_worksheet_in_every_format() -> None:
    from exercises.library import load_library

    library = load_library([])
    printable = [e for e in library.exercises if not e.practitioner_only]
    assert printable
    for exercise in printable:
        doc = worksheet_document(exercise)
        for fmt in FORMATS:
            assert render(doc, fmt)
        text = render(doc, "txt")
        assert exercise.title.upper()[:20] in text  # type: ignore[operator]


def test_format_of_picks_the_format_from_the_name() -> None:
    assert format_of("a/plan.PDF") == "pdf" and format_of("plan.htm") == "html"
    assert format_of("plan.markdown") == "md" and format_of("plan.text") == "txt"
    assert format_of("plan.docx") is None


@pytest.mark.parametrize("font", ["REGULAR", "BOLD", "CJK"])
def test_the_characters_a_font_prints_are_the_ones_fpdf2_maps(font: str) -> None:
    """What the exporter reads from a font's cmap table (to decide what prints, and when the
    fallback font is needed) is the map fpdf2 builds when it loads the whole font."""
    from fpdf import FPDF

    from tui.services.export import pdf

    path = getattr(pdf, font)
    loaded = FPDF()
    loaded.add_font("loaded", "", str(path))
    assert pdf._cmap(path) == frozenset(loaded.fonts["loaded"].cmap)  # noqa: SLF001
    assert len(pdf._cmap(path)) > 5000  # noqa: SLF001 - thousands of characters, not none


def test_a_pdf_made_on_a_blank_made_ahead_is_dated_when_made_and_prints_the_same() -> None:
    """The PDF maker loads the fonts into a blank before its document comes (`pdf_child`): the
    PDF is dated when it is made, not when the blank was, and reads as one made in one go."""
    from datetime import UTC, datetime

    from tui.services.export import pdf

    doc = compiled_document("keep-safe")
    blank = pdf.blank_pdf()
    blank.creation_date = datetime(2001, 2, 3, tzinfo=UTC)  # as if made long before its document
    before = datetime.now(UTC)
    ahead = pdf.to_pdf(doc, blank)
    days = {f"D:{when:%Y%m%d}".encode() for when in (before, datetime.now(UTC))}
    assert b"D:2001" not in ahead
    assert any(day in ahead for day in days)
    assert pdf_text(ahead) == pdf_text(pdf.to_pdf(doc))
