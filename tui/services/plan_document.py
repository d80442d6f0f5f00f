"""A compiled plan as a document to hand over, in one of three layouts of the same content.

- standard: each section, each item under its label, in the client's words;
- large: the same, printed large (PDF) for a recorded accessibility need or on request;
- easy-read: plain and short for a literacy need or a learning or intellectual disability:
  headings as questions, one idea per line.

Every layout carries the plan's status at the top (version, saved date and by whom, agreement,
review date), and a draft that is not a saved version says so on every page. Where each item came
from (which exercise, when) is kept at the end, out of the reading line.
"""

from __future__ import annotations

import re
from datetime import date

from store.text import clean_line
from tui.services.export.document import Block, Document
from tui.services.plan_compiler import ORPHANS_TITLE, Plan, PlanItem, PlanSection, day

LAYOUTS = ("standard", "large", "easy-read")
CONCERN_FLAG = "⚠ CLEAR CONCERN"
DRAFT = "DRAFT: not a saved version"
SOURCES_TITLE = "Where this plan comes from"


def status_lines(plan: Plan) -> tuple[str, ...]:
    """What every export says about the plan itself."""
    review = f"Review on {day(plan.review_on)}." if plan.review_on else "No review date agreed yet."
    status = plan.status
    if status is None:
        return (f"{DRAFT} (compiled {day(plan.compiled_on)}).", review)
    agreement = {
        "agreed": "Agreed.",
        "not_agreed": f"Not agreed: {clean_line(status.reason)}",
        "could_not_answer": f"Could not answer: {clean_line(status.reason)}",
    }[status.agreement]
    saved = (
        f"Version {status.version}, saved {day(status.saved_on)} by {clean_line(status.saved_by)}."
    )
    lines = [saved, agreement.rstrip(".") + ".", review]
    if status.countersigned_by:
        lines.append(
            f"Countersigned by {clean_line(status.countersigned_by)} "
            f"on {day(status.countersigned_on)}."
        )
    return tuple(lines)


def default_layout(literacy: str, learning_disability: bool | None, accessibility: str) -> str:
    """The layout a client's recorded needs call for (either can also be asked for)."""
    if literacy in ("some_difficulty", "cannot_read") or learning_disability:
        return "easy-read"
    if accessibility.strip():
        return "large"
    return "standard"


# -- easy read -----------------------------------------------------------------------------------

_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9“\"'(])")


def ideas(text: str) -> list[str]:
    """One idea per line: a paragraph cut at its sentences, a row cut at its '; ' parts."""
    out = []
    for part in re.split(r";\s+|\n+", text):
        out += [s.strip() for s in _SENTENCE.split(part) if s.strip()]
    return out


def _item_blocks(item: PlanItem, *, easy: bool, ids: bool = False) -> list[Block]:
    title = f"{item.exercise_id}/{item.step_id}: {item.title}" if ids else item.title
    blocks = [Block(kind="label", text=title)]
    if easy:
        lines = [line for part in (item.text, *item.items) for line in ideas(part)]
        blocks.append(Block(kind="items", items=tuple(lines) or ("(no answer)",)))
        return blocks
    if item.items:
        blocks.append(Block(kind="items", items=item.items))
    if item.text or not item.items:
        blocks.append(Block(kind="text", text=item.text))
    return blocks


def _section_blocks(plan: Plan, section: PlanSection, *, easy: bool) -> list[Block]:
    if easy:
        heading = Block(kind="heading", text=section.question or section.title)
    else:
        heading = Block(
            kind="heading",
            text=section.domain or section.title,
            aside=section.title if section.domain else "",
            flag=CONCERN_FLAG if section.concern else "",
        )
    blocks = [heading]
    if easy and section.concern:
        blocks.append(Block(kind="text", text=CONCERN_FLAG))
    if section.intro:
        for line in ideas(section.intro) if easy else [section.intro]:
            blocks.append(Block(kind="note", text=line))
    if section.fixed == "review":
        if plan.review_on is not None:
            said = (
                f"We will look at this plan again on {day(plan.review_on)}."
                if plan.kind == "wellbeing"
                else f"To be reviewed on {day(plan.review_on)}."
            )
            blocks.append(Block(kind="text", text=said))
        else:
            blocks.append(Block(kind="note", text=section.empty))
        return blocks
    if section.is_empty:
        blocks.append(Block(kind="note", text=section.empty or "Nothing written here yet."))
        return blocks
    if section.lines:
        lines = [i for line in section.lines for i in ideas(line)] if easy else section.lines
        blocks.append(Block(kind="items", items=tuple(lines)))
    for item in section.items:
        blocks.extend(_item_blocks(item, easy=easy))
    return blocks


def _sources_blocks(plan: Plan, *, easy: bool) -> list[Block]:
    if not plan.sources:
        return []
    lines = []
    for source in plan.sources:
        when = ", ".join(day(d) for d in source.dates)
        line = source.exercise_title + (f": {when}" if when else "")
        if source.practised:
            line += f"; practised on {', '.join(source.practised)}"
        lines.append(line)
    note = (
        "Each exercise, and the days its answers were given. What was only practised "
        "(what I noticed, how I felt before and after) stays in the record, not in this plan."
    )
    return [
        Block(kind="heading", text=SOURCES_TITLE, level=3),
        *(Block(kind="note", text=line) for line in (ideas(note) if easy else [note])),
        Block(kind="items", items=tuple(lines), small=True),
    ]


def plan_document(
    plan: Plan, *, printed_on: date | None = None, layout: str = "standard"
) -> Document:
    """`plan` in `layout`; the same content in every layout."""
    if layout not in LAYOUTS:
        raise ValueError(f"unknown layout {layout!r} (known: {', '.join(LAYOUTS)})")
    easy = layout == "easy-read"
    if plan.kind == "keep-safe":
        header = [f"Case reference {plan.client_id}"]
        header.append(
            f"Last reformulated: {day(plan.last_reformulated)}"
            if plan.last_reformulated
            else "Not reformulated yet: no Keep Safe answers recorded."
        )
    else:
        header = [f"For {plan.client_name} ({plan.client_id})"]
    blocks: list[Block] = []
    if plan.intro:
        for line in ideas(plan.intro) if easy else [plan.intro]:
            blocks.append(Block(kind="note", text=line))
    for section in plan.sections:
        blocks.extend(_section_blocks(plan, section, easy=easy))
    if plan.orphans:
        blocks.append(Block(kind="heading", text=ORPHANS_TITLE))
        blocks.append(
            Block(
                kind="note",
                text="These answers were given to steps that have since been changed or "
                "removed from the exercises. They are kept here so nothing is lost.",
            )
        )
        for item in plan.orphans:
            blocks.extend(_item_blocks(item, easy=easy, ids=True))
    blocks.extend(_sources_blocks(plan, easy=easy))
    footer = f"Printed on {day(printed_on)}." if printed_on else ""
    return Document(
        title=plan.title,
        header=tuple(header),
        status=status_lines(plan),
        draft=DRAFT if plan.status is None else "",
        blocks=tuple(blocks),
        footer=footer,
        layout=layout,
    )
