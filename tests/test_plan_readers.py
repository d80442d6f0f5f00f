"""Each plan as its reader gets it (issue 23): the Keep Safe Plan a treatment manager can act on,
the Wellbeing Plan a client keeps.

The Keep Safe Plan: an action for every domain, no first-person words but the client's (quoted,
attributed) and the practitioner's own action; disclosures quoted in full with their date and
follow-up state, the same words on the team review screen; the programme materials; the
practitioner's layout whatever the client's needs. The Wellbeing Plan: two A4 pages, no one-day
reading, no placeholder option, table rows as sentences, dates in words, Green, Amber, Red in
that order, every script printed or refused by name.
"""

from __future__ import annotations

import io
import re
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from store.clients import os_user
from store.records import SessionMode
from tests.test_plan_documents import REVIEW, STATUS, TODAY, as_text, demo_plan
from tests.test_plan_documents import demo as demo  # noqa: F401  (the module's fixture)
from tui.services.clients import sessions
from tui.services.clients.access import open_client, read_client
from tui.services.clients.oversight import team_follow_ups
from tui.services.clients.profile import update_profile
from tui.services.config import Config
from tui.services.context import Context
from tui.services.demo import DEMO_ID, write_demo
from tui.services.errors import UserError
from tui.services.export import Block, Document, render
from tui.services.plans.document import plan_document
from tui.services.plans.service import compile_plan, layout_for

DOMAINS = (
    "Victim Access",
    "Hostility",
    "Sexual Preoccupation",
    "Rejection of Supervision",
    "Emotional Collapse",
    "Collapse of Social Supports",
    "Substance Abuse",
)
FIRST_PERSON = re.compile(r"\b(I|I'm|I've|I'll|I'd|me|my|mine|myself)\b", re.IGNORECASE)
#: the practitioner's own action: their words, marked as theirs by its label and lead
ACTION_LEADS = ("I will:", "Practitioner's action")


def pdf_lines(data: bytes) -> list[str]:
    reader = PdfReader(io.BytesIO(data))
    return [line for page in reader.pages for line in (page.extract_text() or "").splitlines()]


def pdf_of(plan: object, layout: str = "standard") -> bytes:
    out = render(plan_document(plan, printed_on=TODAY, layout=layout), "pdf")  # type: ignore[attr-defined]
    assert isinstance(out, bytes)
    return out


# -- the Keep Safe Plan ---------------------------------------------------------------------------


def test_keep_safe_plan_has_an_action_for_every_domain(demo: Context) -> None:
    text = "\n".join(pdf_lines(pdf_of(demo_plan(demo, "keep-safe", STATUS["keep-safe"]))))
    starts = [text.index(f"{d} — ") for d in DOMAINS]
    ends = [*starts[1:], text.index("Follow-ups and disclosures")]
    for domain, start, end in zip(DOMAINS, starts, ends, strict=True):
        part = text[start:end]
        assert "Practitioner's action" in part, f"{domain} has no practitioner's action"
        assert re.search(r"I will:|Discuss with the treatment manager:|Nothing now", part), domain
        assert "Concern level (practitioner's judgement)" in part, domain


def test_keep_safe_plan_has_no_unattributed_first_person_line(demo: Context) -> None:
    lines = pdf_lines(pdf_of(demo_plan(demo, "keep-safe", STATUS["keep-safe"])))
    flat = " ".join(lines)
    # every quotation holding first-person words is attributed: "He said:" / "He named:" before
    # it in the same sentence, or it is the name of a step ("step “...”")
    for match in re.finditer(r"“([^”]*)”", flat):
        if not FIRST_PERSON.search(match.group(1)):
            continue
        before = flat[: match.start()]
        sentence = re.split(r"[.!?]” |[.!?] ", before)[-1]
        assert re.search(r"\b(said|named):", sentence) or sentence.endswith("step "), (
            f"unattributed quotation: {match.group(0)!r}"
        )
    # outside quotations, the only first person is the practitioner's own action
    inside = False
    quoted_lines = 0
    for line in lines:
        outside = []
        for ch in line:
            if ch == "“":
                inside = True
            elif ch == "”":
                inside = False
            elif not inside:
                outside.append(ch)
        rest = "".join(outside)
        quoted_lines += "“" in line
        if any(lead in rest for lead in ACTION_LEADS):
            rest = rest.split("I will:", 1)[0]  # "I will: ..." is the practitioner's action
        assert not FIRST_PERSON.search(rest), f"unattributed first-person line: {line!r}"
    assert quoted_lines >= 20  # the client's words are there, quoted


def test_keep_safe_plan_is_two_pages_in_the_practitioners_layout(demo: Context) -> None:
    reader = PdfReader(io.BytesIO(pdf_of(demo_plan(demo, "keep-safe", STATUS["keep-safe"]))))
    assert len(reader.pages) == 2


def test_keep_safe_layout_follows_the_practitioner_not_the_client(tmp_path: Path) -> None:
    ctx = Context(config=Config(), data_dir=tmp_path / "data")
    write_demo(ctx, today=TODAY)
    update_profile(ctx, DEMO_ID, {"needs_literacy": "cannot_read"})
    with read_client(ctx, DEMO_ID) as oc:
        assert layout_for(oc, "wellbeing") == "easy-read"
        assert layout_for(oc, "keep-safe") == "standard"
    large = Context(config=Config(practitioner_layout="large"), data_dir=tmp_path / "data")
    with read_client(large, DEMO_ID) as oc:
        assert layout_for(oc, "keep-safe") == "large"


def test_programme_materials_are_listed(demo: Context) -> None:
    flat = re.sub(r"\s+", " ", as_text(demo_plan(demo, "keep-safe"), "txt"))
    assert "PROGRAMME MATERIALS" in flat
    assert "Case Manager Pack: Session 6 (Keep Safe Plan)" in flat
    assert "MFMC Programme: Moving to the Future, pp. 95-109" in flat


DISCLOSED = "I've been looking at porn more, and I'm not telling you the truth about it."


@pytest.fixture
def disclosed(tmp_path: Path) -> Context:
    """The demo client with a disclosure marked in a phone session today."""
    ctx = Context(
        config=Config(practitioner_name="Pat Officer", managers=(os_user(),)),
        data_dir=tmp_path / "data",
    )
    write_demo(ctx, today=date.today())
    with open_client(ctx, DEMO_ID) as oc:
        session = sessions.plan_session(
            oc,
            practitioner="Pat Officer",
            mode=SessionMode.PHONE,
            planned=["identify"],
            rar_activity=True,
        )
        exercise = ctx.library.get("identify")
        assert exercise is not None
        step = exercise.step("impact-thoughts")
        assert step is not None
        opened = sessions.save_answer(
            oc, session, exercise, step, DISCLOSED, disclosure=True, by="Pat Officer"
        )
        assert opened is not None
    return ctx


def test_a_disclosure_is_quoted_in_full_with_date_and_follow_up_state(disclosed: Context) -> None:
    with read_client(disclosed, DEMO_ID) as oc:
        plan = compile_plan(oc, "keep-safe", date.today())
    section = plan.section("keep-safe.follow-ups")
    assert section is not None
    line = next(line for line in section.lines if "disclosure" in line)
    assert f"He said: “{DISCLOSED}”" in line  # the words in full, attributed
    assert "Identify: concerns and coping, step “Effect on my thoughts”" in line
    from tui.services.plans.compiler import day

    assert f"marked as a disclosure on {day(date.today())}" in line
    assert line.endswith("Open; not yet discussed with the treatment manager.")
    # the treatment manager's team review reads the same words
    notes = [t.note for t in team_follow_ups(disclosed) if "disclosure" in t.note]
    assert notes == [line]


# -- the Wellbeing Plan ---------------------------------------------------------------------------


def test_standard_wellbeing_plan_is_two_pages(demo: Context) -> None:
    reader = PdfReader(io.BytesIO(pdf_of(demo_plan(demo, "wellbeing", STATUS["wellbeing"]))))
    assert len(reader.pages) == 2
    assert round(float(reader.pages[0].mediabox.width)) == 595  # A4


@pytest.mark.parametrize("layout", ["large", "easy-read"])
def test_large_print_and_easy_read_take_the_pages_they_need(demo: Context, layout: str) -> None:
    plan = demo_plan(demo, "wellbeing", STATUS["wellbeing"])
    reader = PdfReader(io.BytesIO(pdf_of(plan, layout)))
    assert len(reader.pages) > 2
    text = " ".join(pdf_lines(pdf_of(plan, layout)))
    assert "Call Samaritans on 116 123" in text  # nothing dropped to save pages


def test_wellbeing_plan_reads_as_the_clients_words(demo: Context) -> None:
    txt = as_text(demo_plan(demo, "wellbeing", STATUS["wellbeing"]), "txt")
    flat = re.sub(r"\s+", " ", txt)
    assert "Today's level" not in flat and "today" not in flat.lower().replace("today's", "")
    assert "Something in my own words" not in flat
    assert "Concern: Losing my job;" not in flat and "Thoughts:" not in flat
    assert (
        "Losing my job: I think “I'm useless”, I feel scared, I stay in bed, my way of coping is "
        "avoidance-focused." in flat
    )
    assert "20 October: Bank app." in flat and "2026-10-20" not in flat
    # the traffic light in the order Green, Amber, Red
    green, amber, red = (
        txt.index(f"{s} {w}\n") for s, w in (("●", "Green"), ("▲", "Amber"), ("■", "Red"))
    )
    assert green < amber < red
    assert REVIEW.year == 2027


def test_traffic_light_stands_side_by_side_in_order(demo: Context) -> None:
    reader = PdfReader(io.BytesIO(pdf_of(demo_plan(demo, "wellbeing", STATUS["wellbeing"]))))
    found: dict[str, tuple[float, float]] = {}

    def visit(text: str, cm: list, tm: list, font: dict, size: float) -> None:
        for word in ("Green", "Amber", "Red"):
            if text.strip() in (f"● {word}", f"▲ {word}", f"■ {word}"):
                found[word] = (tm[4], tm[5])

    reader.pages[0].extract_text(visitor_text=visit)
    assert set(found) == {"Green", "Amber", "Red"}
    (gx, gy), (ax, ay), (rx, ry) = found["Green"], found["Amber"], found["Red"]
    assert gy == ay == ry and gx < ax < rx


def test_every_script_prints_or_is_refused_by_name() -> None:
    words = "我很担心 心配です 걱정돼요 שלום مرحبا"
    doc = Document(title="T", blocks=(Block(kind="text", text=words),))
    data = render(doc, "pdf")
    assert isinstance(data, bytes)
    text = "".join(pdf_lines(data))
    for piece in ("我很担心", "心配です", "걱정돼요"):
        assert piece in text, piece
    assert "\ufffd" not in text
    with pytest.raises(UserError, match=r"^the PDF cannot print Tibetan script \(U\+0F40\)"):
        render(Document(title="T", blocks=(Block(kind="text", text="ཀ"),)), "pdf")
    # the text formats keep every script as it is
    for fmt in ("txt", "md", "html"):
        out = render(Document(title="T", blocks=(Block(kind="text", text="ཀ " + words),)), fmt)
        assert isinstance(out, str) and "ཀ" in out and "걱정돼요" in out


async def test_team_review_screen_shows_the_disclosure_in_full(disclosed: Context) -> None:
    from screens.team_review import TeamReviewScreen
    from tests.shell_fixtures import wait_for
    from tui.shell.app import WellbeingApp

    app = WellbeingApp(disclosed, today=date.today)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.screen.query("#clients"))
        await pilot.press("m")
        await wait_for(pilot, lambda: isinstance(app.screen, TeamReviewScreen))
        screen = app.screen

        def detail() -> str:
            return str(screen.query_one("#team-detail").render())

        await wait_for(pilot, lambda: "Open;" in detail())
        if "disclosure" not in detail():  # the disclosure is the newer of the two follow-ups
            await pilot.press("down")
        await wait_for(pilot, lambda: "disclosure" in detail())
        flat = " ".join(detail().split())
        assert f"He said: “{DISCLOSED}”" in flat
        assert "Not reviewed yet: Enter to record." in flat


def test_a_reference_that_names_a_directory_entry_points_to_it(tmp_path: Path) -> None:
    from exercises.models import Reference
    from tui.services.plans.service import related_lines

    ctx = Context(config=Config(), data_dir=tmp_path / "data")
    lines = related_lines(
        ctx,
        [
            Reference(text="Horizon: session 4"),
            Reference(text="Case Manager Pack, pp. 65-69"),
            Reference(text="Horizon: session 4"),
        ],
    )
    assert lines == (
        "Horizon: session 4 (in the directory: Horizon)",
        "Case Manager Pack, pp. 65-69",
    )
