"""The demo's plans as the documents a client and a treatment manager are handed (issue 14).

Goldens of both demo plans in every format (regenerate deliberately with
`UPDATE_GOLDEN=1 pytest tests/test_plan_documents.py`, then read the diff); one item once and no
practice answer as a strategy; no heading at the foot of a PDF page; the status (version,
agreement, review) in every format; rewording that keeps the answer; layouts that follow needs;
version comparison by section; worksheets written to "you".
"""

from __future__ import annotations

import io
import os
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from exercises.library import load_library
from store.records import PlanVersion
from tests.test_plan_exports import pdf_text
from tui.services.clients.access import open_client, read_client
from tui.services.clients.profile import update_profile
from tui.services.config import Config
from tui.services.context import Context
from tui.services.demo import DEMO_ID, write_demo
from tui.services.export import FORMATS, render
from tui.services.export.worksheet import worksheet_document
from tui.services.plans.changes import compare, described
from tui.services.plans.compiler import Plan, PlanStatus
from tui.services.plans.document import DRAFT, LAYOUTS, plan_document
from tui.services.plans.service import (
    as_saved,
    compile_plan,
    export_plan,
    layout_for,
    reword,
    save_version,
    saved_plan,
)

GOLDEN = Path(__file__).parent / "golden"
TODAY = date(2026, 11, 25)
REVIEW = date(2027, 2, 25)
STATUS = {
    "wellbeing": PlanStatus(
        version=2, saved_on=TODAY, saved_by="Pat Officer", agreement="agreed", review_on=REVIEW
    ),
    "keep-safe": PlanStatus(
        version=1,
        saved_on=TODAY,
        saved_by="Pat Officer",
        agreement="not_agreed",
        reason="wants to talk to his sister first",
        review_on=REVIEW,
    ),
}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Context:
    config = Config(practitioner_name="Pat Officer")  # the same on every machine
    ctx = Context(config=config, data_dir=tmp_path_factory.mktemp("demo") / "data")
    assert write_demo(ctx, today=TODAY) == DEMO_ID
    return ctx


def demo_plan(ctx: Context, kind: str, status: PlanStatus | None = None) -> Plan:
    with read_client(ctx, DEMO_ID) as oc:
        plan = compile_plan(oc, kind, TODAY).with_review(REVIEW)
    return plan.with_status(status)


def as_text(plan: Plan, fmt: str, layout: str = "standard") -> str:
    out = render(plan_document(plan, printed_on=TODAY, layout=layout), fmt)
    return pdf_text(out) if isinstance(out, bytes) else out


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("kind", ["wellbeing", "keep-safe"])
def test_demo_golden(demo: Context, kind: str, fmt: str) -> None:
    text = as_text(demo_plan(demo, kind, STATUS[kind]), fmt)
    golden = GOLDEN / f"demo-{kind}.{'pdf.txt' if fmt == 'pdf' else fmt}"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(text, "utf-8")
    assert golden.exists(), f"missing {golden}: run with UPDATE_GOLDEN=1"
    assert text == golden.read_text("utf-8")


# -- one item once, practice is not a strategy ----------------------------------------------------


@pytest.mark.parametrize("kind", ["wellbeing", "keep-safe"])
def test_no_item_twice_and_no_practice_answer_as_a_strategy(demo: Context, kind: str) -> None:
    plan = demo_plan(demo, kind)
    keys = [(i.exercise_id, i.step_id) for s in plan.sections for i in s.items]
    assert len(keys) == len(set(keys))
    for section in plan.sections:  # ("Probation officer" may help in several domains)
        said = [w for i in section.items for w in (i.text, *i.items) if w]
        assert len(said) == len(set(said)), f"the same words twice in {section.title}"
    words = [w for s in plan.sections for i in s.items for w in (i.text, *i.items) if w]
    practice = {(e.id, st.id) for e in demo.library.exercises for st in e.steps if st.practice}
    assert practice, "the content declares practice steps"
    assert not set(keys) & practice
    with read_client(demo, DEMO_ID) as oc:
        practised = [
            a for a in oc.latest_answers().values() if (a.exercise_id, a.step_id) in practice
        ]
    assert practised, "the demo practised 5-4-3-2-1 and breathing"
    txt = as_text(plan, "txt")
    for a in practised:
        for value in a.value if isinstance(a.value, list) else [a.value]:
            if isinstance(value, str) and len(value) > 3:
                assert not any(value in w for w in words), f"practice answer {value!r} listed"
    if kind == "wellbeing":
        assert "The kettle" not in txt  # what was seen in 5-4-3-2-1
        assert "practised on" in txt  # named where the plan says where it comes from


def test_every_practice_step_is_declared_in_content() -> None:
    """Practice is declared by the content, never guessed by the compiler."""
    library = load_library([])
    flagged = {(e.id, s.id) for e in library.exercises for s in e.steps if s.practice}
    assert ("grounding", "see") in flagged or any(e == "grounding" for e, _ in flagged)
    assert any(e == "breathing" for e, _ in flagged)
    assert all(s.answerable for e in library.exercises for s in e.steps if s.practice)


# -- the PDF ---------------------------------------------------------------------------------------


def _page_runs(page: Any) -> list[tuple[float, float, str]]:
    """One page's text runs as (y from the top, font size, text), top to bottom."""
    runs: list[tuple[float, float, str]] = []
    height = float(page.mediabox.height)

    def visit(text: str, cm: list, tm: list, font: dict, size: float) -> None:
        if text.strip():
            y = height - (tm[5] * cm[3] + cm[5])
            runs.append((round(y, 1), round(size * abs(tm[3] or 1) * abs(cm[3] or 1), 1), text))

    page.extract_text(visitor_text=visit)
    return sorted(runs)


def _lines(data: bytes) -> list[list[tuple[float, float, str]]]:
    return [_page_runs(page) for page in PdfReader(io.BytesIO(data)).pages]


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("kind", ["wellbeing", "keep-safe"])
def test_no_heading_ends_a_pdf_page(demo: Context, kind: str, layout: str) -> None:
    data = render(
        plan_document(demo_plan(demo, kind, STATUS[kind]), printed_on=TODAY, layout=layout), "pdf"
    )
    assert isinstance(data, bytes)
    pages = _lines(data)
    headings = {
        b.text.split("\n")[0][:30]
        for b in plan_document(demo_plan(demo, kind), layout=layout).blocks
        if b.kind in ("heading", "label")
    }
    body = [[r for r in page if r[0] < 800] for page in pages]  # the page footer aside
    for number, page in enumerate(body[:-1], 1):
        last = page[-1][2].strip()
        assert not any(last.startswith(h) for h in headings if h), (
            f"page {number} ends with the heading {last!r}"
        )


def test_demo_plans_fit_two_a4_pages(demo: Context) -> None:
    for kind in ("wellbeing", "keep-safe"):
        data = render(plan_document(demo_plan(demo, kind, STATUS[kind]), printed_on=TODAY), "pdf")
        assert isinstance(data, bytes)
        reader = PdfReader(io.BytesIO(data))
        assert len(reader.pages) <= 2, f"the demo {kind} plan takes {len(reader.pages)} pages"
        assert round(float(reader.pages[0].mediabox.width)) == 595  # A4


# -- status in every format ------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_status_in_every_format(demo: Context, fmt: str) -> None:
    text = re.sub(r"\s+", " ", as_text(demo_plan(demo, "keep-safe", STATUS["keep-safe"]), fmt))
    assert "Version 1, saved 25 Nov 2026 by Pat Officer." in text
    assert "Not agreed: wants to talk to his sister first." in text
    assert "Review on 25 Feb 2027." in text
    agreed = re.sub(r"\s+", " ", as_text(demo_plan(demo, "wellbeing", STATUS["wellbeing"]), fmt))
    assert "Version 2, saved 25 Nov 2026 by Pat Officer." in agreed and "Agreed." in agreed
    draft = as_text(demo_plan(demo, "wellbeing"), fmt)
    assert DRAFT in draft or DRAFT.upper() in draft


def test_a_draft_says_so_on_every_pdf_page(demo: Context) -> None:
    data = render(plan_document(demo_plan(demo, "wellbeing"), printed_on=TODAY), "pdf")
    assert isinstance(data, bytes)
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) >= 2
    for page in reader.pages:
        assert DRAFT.upper() in (page.extract_text() or "")
    saved = render(
        plan_document(demo_plan(demo, "wellbeing", STATUS["wellbeing"]), printed_on=TODAY), "pdf"
    )
    assert isinstance(saved, bytes)
    assert DRAFT.upper() not in pdf_text(saved)


def test_keep_safe_plan_speaks_in_the_practitioners_voice(demo: Context) -> None:
    text = as_text(demo_plan(demo, "keep-safe", STATUS["keep-safe"]), "txt")
    flat = re.sub(r"\s+", " ", text)
    assert text.splitlines()[0] == "KEEP SAFE PLAN FOR SAM TAYLOR (SAMPLE)"
    assert "My Keep Safe" not in text and "what keeps me safe" not in text.lower()
    assert "as we agreed" not in text and "they agreed" not in text
    assert (
        "discussed with the treatment manager, following the information-sharing protocol" in flat
    )
    assert "Case reference DEMO1; Keep Safe review by Pat Officer" in flat
    # the client's words are quoted and attributed; judgements are the practitioner's
    assert "He said: “I think about sex more when I'm bored and on my own.”" in flat
    assert "Concern level (practitioner's judgement): ▲ Some concern" in flat
    assert "what I noticed, how I felt" not in flat  # the provenance note is the practitioner's


# -- saved versions, rewording, comparison --------------------------------------------------------


@pytest.fixture
def client(tmp_path: Path) -> Context:
    ctx = Context(config=Config(), data_dir=tmp_path / "data")
    write_demo(ctx, today=TODAY)
    return ctx


def test_rewording_keeps_the_original_answer(client: Context) -> None:
    with open_client(client, DEMO_ID) as oc:
        before = {k: a.value for k, a in oc.latest_answers().items()}
        plan = compile_plan(oc, "wellbeing", TODAY)
        section = plan.section("wellbeing.kindness")
        assert section is not None
        item = next(i for i in section.items if i.step_id == "when-to-use")
        reword(oc, plan, item, -1, "Whenever I start putting myself down.", by="pat")
        v1 = save_version(oc, plan, agreement="agreed", by="pat")
        again = compile_plan(oc, "wellbeing", TODAY)
        v2 = save_version(oc, again, agreement="agreed", by="pat")
        after = {k: a.value for k, a in oc.latest_answers().items()}
        edits = oc.plan_edits()
    assert after == before  # the answer stays as it was given
    assert edits[0].original == "When I start calling myself names."
    shown = again.section("wellbeing.kindness")
    assert shown is not None
    reworded = next(i for i in shown.items if i.step_id == "when-to-use")
    assert reworded.text == "Whenever I start putting myself down." and reworded.reworded == (-1,)
    changes = compare(v1, v2)
    assert [(c.section, c.what) for c in changes] == [
        ("Being kind to myself", "reworded with the client")
    ]
    assert "When I start calling myself names." in changes[0].before
    assert "Whenever I start putting myself down." in changes[0].after


def test_comparison_names_sections_and_ignores_given_dates(client: Context) -> None:
    with open_client(client, DEMO_ID) as oc:
        plan = compile_plan(oc, "wellbeing", TODAY)
        v1 = save_version(oc, plan, agreement="agreed", by="pat")
        # the same answers given again later: only the dates change
        later = plan.model_copy(
            update={
                "sections": tuple(
                    s.model_copy(
                        update={
                            "items": tuple(
                                i.model_copy(update={"given_on": date(2026, 12, 1)})
                                for i in s.items
                            )
                        }
                    )
                    for s in plan.sections
                )
            }
        )
        v2 = save_version(oc, later, agreement="not_agreed", reason="wants a week", by="pat")
    assert [(c.section, c.what) for c in compare(v1, v2)] == [
        ("The plan itself", "agreement changed")
    ]
    assert "No differences" not in described(v1, v2)


def test_comparison_of_versions_saved_before_plans_were_kept() -> None:
    old = PlanVersion.model_validate(
        {
            "kind": "wellbeing",
            "number": 1,
            "saved_by": "pat",
            "agreement": "agreed",
            "markdown": "# Plan\n\n## Using it\n\n**Using it** _(Kindness, given 3 Jun 2020)_\n"
            "When I am down.\n",
        }
    )
    new = old.model_copy(
        update={
            "number": 2,
            "markdown": "# Plan\n\n## Using it\n\n**Using it** _(Kindness, given 9 Jun 2020)_\n"
            "When I start calling myself names.\n",
        }
    )
    changes = compare(old, new)
    assert [(c.section, c.what) for c in changes] == [
        ("Using it", "removed"),
        ("Using it", "added"),
    ]
    assert changes[0].before == "When I am down."


def test_saved_versions_export_as_saved(client: Context, tmp_path: Path) -> None:
    with open_client(client, DEMO_ID) as oc:
        plan = compile_plan(oc, "keep-safe", TODAY)
        assert as_saved(oc, plan).status is None
        save_version(oc, plan, agreement="could_not_answer", reason="call dropped", by="pat")
        assert as_saved(oc, compile_plan(oc, "keep-safe", TODAY)).status is not None
        saved = saved_plan(oc, "keep-safe")
        assert saved is not None and saved.status is not None
        out = export_plan(oc, saved, "txt", tmp_path / "ks.txt", printed_on=TODAY)
    assert isinstance(out, Path)
    text = out.read_text("utf-8")
    assert "Version 1, saved" in text and "Could not answer: call dropped." in text
    assert DRAFT not in text


# -- layouts follow recorded needs ---------------------------------------------------------------


def _body_size(data: bytes) -> float:
    """The size most of the text is printed in."""
    sizes = [size for page in _lines(data) for _, size, _ in page]
    return max(set(sizes), key=sizes.count)


@pytest.mark.parametrize(
    ("fact", "value", "layout"),
    [
        ("needs_accessibility", "uses a magnifier", "large"),
        ("needs_literacy", "some difficulty", "easy-read"),
        ("needs_learning_disability", "yes", "easy-read"),
        ("needs_literacy", "good", "standard"),
    ],
)
def test_layout_follows_recorded_needs(client: Context, fact: str, value: str, layout: str) -> None:
    update_profile(client, DEMO_ID, {fact: value})
    with open_client(client, DEMO_ID) as oc:
        assert layout_for(oc) == layout
        plan = compile_plan(oc, "wellbeing", TODAY)
        by_need = export_plan(
            oc, plan, "pdf", client.data_dir / "exports" / f"{DEMO_ID}-a.pdf", printed_on=TODAY
        )
        standard = export_plan(
            oc,
            plan,
            "pdf",
            client.data_dir / "exports" / f"{DEMO_ID}-b.pdf",
            printed_on=TODAY,
            layout="standard",
        )
        easy = export_plan(oc, plan, "txt", None, printed_on=TODAY)
    assert isinstance(by_need, Path) and isinstance(standard, Path)
    body = _body_size(standard.read_bytes())
    if layout == "standard":
        assert _body_size(by_need.read_bytes()) == body
    else:  # printed larger than the standard layout
        assert _body_size(by_need.read_bytes()) >= body + 4
    assert isinstance(easy, bytes)
    text = easy.decode()
    if layout == "easy-read":
        assert "WHAT IS WORRYING ME?" in text  # headings as questions
        # one idea per line: no line of the text holds two sentences
        assert not any(re.search(r"[a-z]\. [A-Z]", line) for line in text.splitlines()[8:])
    else:
        assert "MY CONCERNS RIGHT NOW" in text


def test_layouts_hold_the_same_content(demo: Context) -> None:
    plan = demo_plan(demo, "wellbeing", STATUS["wellbeing"])
    texts = {layout: re.sub(r"\W+", "", as_text(plan, "txt", layout)).lower() for layout in LAYOUTS}
    for item in (i for s in plan.sections for i in s.items):
        for words in (item.text, *item.items):
            key = re.sub(r"\W+", "", words).lower()
            assert all(key in text for text in texts.values()), words


# -- worksheets -----------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["txt", "md"])
def test_worksheets_speak_to_you(fmt: str) -> None:
    library = load_library([])
    for exercise in library.exercises:
        if exercise.practitioner_only:
            continue
        out = render(worksheet_document(exercise, printed_on="25 Nov 2026"), fmt)
        assert isinstance(out, str)
        # the closing notes are the practitioner's (the programmes the guide cross-references)
        body, notes = out.split("For the practitioner", 1)
        assert "the client" not in body.lower(), exercise.id
        assert "Related programmes" in notes and exercise.references[0].text[:20] in notes
        assert not re.search(r"\b1\. 1\.|\b\d+\. \d+\. ", out), exercise.id
        assert not re.search(r"\b1 times\b", out), exercise.id


def test_self_compassion_worksheet_carries_the_phrases() -> None:
    exercise = load_library([]).get("self-compassion-break")
    assert exercise is not None
    out = render(worksheet_document(exercise), "txt")
    assert isinstance(out, str)
    flat = re.sub(r"\s+", " ", out)
    assert "'This hurts'" in flat and "'May I be kind to myself'" in flat
    assert "This is hard for 15 seconds" not in flat
