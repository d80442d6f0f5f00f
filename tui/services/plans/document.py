"""A compiled plan as a document to hand over, in one of three layouts of the same content.

- standard: each section, each item under its label, in the client's words;
- large: the same, printed large (PDF) for a recorded accessibility need or on request;
- easy-read: plain and short for a literacy need or a learning or intellectual disability:
  headings as questions, one idea per line.

Every layout carries the plan's status at the top (version, saved date and by whom, agreement,
review date), and a draft that is not a saved version says so on every page. Where each item came
from (which exercise, when) is kept at the end, out of the reading line.

The Wellbeing Plan is the client's, written in their voice; a traffic light's levels stand side
by side in the standard layout, always Green, Amber, Red. The Keep Safe Plan is the
practitioner's: every heading and note is theirs, the client's words are quotations attributed to
the client ("He said: “…”"), and a judgement is marked as the practitioner's.
"""

from __future__ import annotations

import re
from datetime import date

from store.text import clean_line
from tui.services.clients.answers import TONE_SYMBOLS
from tui.services.clients.disclosures import quoted, said
from tui.services.dates import day
from tui.services.export.document import Block, Document
from tui.services.export.markdown import to_markdown
from tui.services.plans.model import ORPHANS_TITLE, Plan, PlanItem, PlanSection

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

#: a sentence ends at "." or "!"; a question keeps its answer with it ("Does it help? Yes").
_SENTENCE = re.compile(r"(?<=[.!])\s+(?=[A-Z0-9“\"'(])")


def ideas(text: str) -> list[str]:
    """One idea per line: a paragraph cut at its sentences, a row cut at its '; ' parts."""
    out = []
    for part in re.split(r";\s+|\n+", text):
        out += [s.strip() for s in _SENTENCE.split(part) if s.strip()]
    return out


JUDGEMENT = "practitioner's judgement"
TONES = ("green", "amber", "red")


def _attributed(item: PlanItem, who: str) -> list[Block]:
    """A client's answer in the practitioner's document: quoted, and said by whom."""
    if item.text and not item.items:
        return [Block(kind="text", text=f"{who} said: {said(item.text)}")]
    parts = [w for w in (*item.items, item.text) if w]
    words = ", ".join([*(quoted(w) for w in parts[:-1]), said(parts[-1])])
    return [Block(kind="text", text=f"{who} named: {words}")]


def _item_blocks(
    item: PlanItem, *, easy: bool, ids: bool = False, who: str = "", title: str = ""
) -> list[Block]:
    """One item under its label. `who` (the Keep Safe Plan) quotes the client's words and says
    whose they are, and marks a practitioner's answer as their judgement."""
    title = title or item.title
    title = f"{item.exercise_id}/{item.step_id}: {title}" if ids else title
    if who:
        if item.voice == "client":
            return [Block(kind="label", text=title), *_attributed(item, who)]
        if "practitioner" not in title.lower():
            title = f"{title} ({JUDGEMENT})"
        blocks = [Block(kind="label", text=title)]
        if len(item.items) == 1 and not item.text:
            return [*blocks, Block(kind="text", text=item.items[0])]
    else:
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


def _tone_title(item: PlanItem) -> str:
    """An item's label inside its level's column ("Green: my signs" -> "My signs")."""
    title = item.title
    if title.lower().startswith(item.tone + ":"):
        rest = title[len(item.tone) + 1 :].strip()
        title = rest[:1].upper() + rest[1:] if rest else title
    return title


def _tone_heading(tone: str) -> str:
    return f"{TONE_SYMBOLS[tone]} {tone.capitalize()}"


def _items_blocks(
    plan: Plan, items: tuple[PlanItem, ...], *, easy: bool, side: bool
) -> list[Block]:
    """A section's items in order; a run of items about traffic-light levels is put in the
    order Green, Amber, Red, side by side when `side` (else one level after the other)."""
    who = plan.subject if plan.traits.names_subject else ""
    out: list[Block] = []
    n = 0
    while n < len(items):
        if not items[n].tone:
            out.extend(_item_blocks(items[n], easy=easy, who=who))
            n += 1
            continue
        run = []
        while n < len(items) and items[n].tone:
            run.append(items[n])
            n += 1
        levels = [t for t in TONES if any(i.tone == t for i in run)]
        if side:
            panels = tuple(
                tuple(
                    b
                    for i in run
                    if i.tone == t
                    for b in _item_blocks(i, easy=False, who=who, title=_tone_title(i))
                )
                for t in levels
            )
            headings = tuple(_tone_heading(t) for t in levels)
            out.append(Block(kind="columns", columns=headings, panels=panels))
            continue
        for t in levels:
            for i in run:
                if i.tone == t:
                    title = f"{_tone_heading(t)}: {_tone_title(i)[:1].lower()}{_tone_title(i)[1:]}"
                    out.extend(_item_blocks(i, easy=easy, who=who, title=title))
    return out


def _section_blocks(plan: Plan, section: PlanSection, *, easy: bool, side: bool) -> list[Block]:
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
                if not plan.traits.practitioner_led
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
    blocks.extend(_items_blocks(plan, section.items, easy=easy, side=side))
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
    if plan.traits.practitioner_led:
        who = plan.subject.lower() if plan.subject != "They" else "they"
        note = (
            "Each exercise, and the days its answers were given. Quotations are the client's "
            f"words as {who} gave them in the sessions; the concern levels and actions are the "
            "practitioner's judgement."
        )
    else:
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
    side = layout == "standard"
    if plan.traits.practitioner_led:
        work = plan.traits.work_name
        led = f"; {work} review by {clean_line(plan.practitioner)}" if plan.practitioner else ""
        header = [f"Case reference {plan.client_id}{led}"]
        header.append(
            f"Last reformulated: {day(plan.last_reformulated)}"
            if plan.last_reformulated
            else f"Not reformulated yet: no {work} answers recorded."
        )
    else:
        header = [f"For {plan.client_name} ({plan.client_id})"]
    blocks: list[Block] = []
    if plan.intro:
        for line in ideas(plan.intro) if easy else [plan.intro]:
            blocks.append(Block(kind="note", text=line))
    for section in plan.sections:
        blocks.extend(_section_blocks(plan, section, easy=easy, side=side))
    if plan.orphans:
        blocks.append(Block(kind="heading", text=ORPHANS_TITLE))
        blocks.append(
            Block(
                kind="note",
                text="These answers were given to steps that have since been changed or "
                "removed from the exercises. They are kept here so nothing is lost.",
            )
        )
        who = plan.subject if plan.traits.names_subject else ""
        for item in plan.orphans:
            blocks.extend(_item_blocks(item, easy=easy, ids=True, who=who))
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


def plan_markdown(plan: Plan) -> str:
    """The plan as Markdown (what a saved version keeps, and what the review screen shows)."""
    return to_markdown(plan_document(plan))
