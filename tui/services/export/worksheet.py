"""Blank worksheets: an exercise's prompts with room to write, to post to a client without internet.

The written answers are typed in later, in a "posted" session. Practitioner-led exercises (the Keep
Safe review) are never printed for a client.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from markdown_it import MarkdownIt

from exercises.models import Exercise, Option, Step, StepKind
from store.text import clean_line
from tui.services.errors import UserError
from tui.services.export.document import Block, Document

#: the most blank rows / lines printed for one answer, whatever the step allows.
MAX_ROWS = 6


def plain_paragraphs(markdown: str) -> list[tuple[str, str]]:
    """A content prompt as plain (kind, text) pieces: ("p", paragraph) or ("li", list item).

    Content is markdown; a worksheet prints its words, not its syntax (and never raw HTML).
    """
    md = MarkdownIt("commonmark", {"html": False})
    tokens = md.parse(markdown or "")
    out: list[tuple[str, str]] = []
    in_item = 0
    for tok in tokens:
        if tok.type == "list_item_open":
            in_item += 1
        elif tok.type == "list_item_close":
            in_item -= 1
        elif tok.type == "inline":
            parts = []
            for child in tok.children or []:
                if child.type in ("text", "code_inline", "html_inline"):
                    parts.append(child.content)
                elif child.type in ("softbreak", "hardbreak"):
                    parts.append(" ")
            text = clean_line("".join(parts))
            if text:
                out.append(("li" if in_item else "p", text))
        elif tok.type in ("fence", "code_block") and tok.content.strip():
            out.append(("p", clean_line(tok.content)))
    return out


def _prompt(step: Step) -> list[Block]:
    blocks: list[Block] = []
    pending: list[str] = []
    for kind, text in plain_paragraphs(step.body):
        if kind == "li":
            pending.append(text)
            continue
        if pending:
            blocks.append(Block(kind="items", items=tuple(pending)))
            pending = []
        blocks.append(Block(kind="text", text=text))
    if pending:
        blocks.append(Block(kind="items", items=tuple(pending)))
    return blocks


def _options(step_options: tuple[Option, ...], multiple: bool) -> list[Block]:
    how = "Tick any that apply:" if multiple else "Tick one:"
    items = tuple(
        "[ ] "
        + " ".join(p for p in (o.symbol, clean_line(o.label)) if p)
        + (f": {clean_line(o.description)}" if o.description else "")
        for o in step_options
    )
    return [Block(kind="note", text=how), Block(kind="items", items=items)]


def _answer_space(step: Step) -> list[Block]:
    if step.kind is StepKind.TEXT:
        return [Block(kind="write", lines=max(3, min(MAX_ROWS, step.max_length // 300)))]
    if step.kind is StepKind.LIST:
        return [Block(kind="write", lines=max(3, min(MAX_ROWS, step.max_items)), numbered=True)]
    if step.kind is StepKind.CHOICE:
        return _options(step.options, step.multiple)
    if step.kind is StepKind.SCALE:
        numbers = "  ".join(str(n) for n in range(step.scale_min, step.scale_max + 1))
        ends = []
        if step.low_label:
            ends.append(f"{step.scale_min} = {clean_line(step.low_label)}")
        if step.high_label:
            ends.append(f"{step.scale_max} = {clean_line(step.high_label)}")
        blocks = [Block(kind="note", text="Circle one number:"), Block(kind="text", text=numbers)]
        if ends:
            blocks.append(Block(kind="note", text="; ".join(ends)))
        return blocks
    if step.kind is StepKind.TABLE:
        blocks = []
        for col in step.columns:
            if col.options:
                choices = " / ".join(
                    " ".join(p for p in (o.symbol, clean_line(o.label)) if p) for o in col.options
                )
                blocks.append(
                    Block(kind="note", text=f"In '{clean_line(col.label)}' write one of: {choices}")
                )
            elif col.type == "date":
                blocks.append(
                    Block(kind="note", text=f"In '{clean_line(col.label)}' write the date.")
                )
        blocks.append(
            Block(
                kind="grid",
                columns=tuple(clean_line(c.label) for c in step.columns),
                lines=max(2, min(MAX_ROWS, step.max_rows)),
            )
        )
        return blocks
    if step.kind is StepKind.TIMED:
        return _timed(step)
    return []


def _times(n: int) -> str:
    return {1: "once", 2: "twice"}.get(n, f"{n} times")


def _timed(step: Step) -> list[Block]:
    """One guided practice prints its words (each phrase, then a pause); a choice of breathing
    patterns prints each pattern's counts."""
    if len(step.patterns) == 1 and all(p.cue for p in step.patterns[0].phases):
        lines = tuple(
            f"{clean_line(p.cue)} (pause for about {p.seconds} seconds)"
            for p in step.patterns[0].phases
        )
        blocks = [Block(kind="items", items=lines, numbered=True)]
        if step.cycles > 1:
            blocks.append(Block(kind="note", text=f"Go through it {_times(step.cycles)}."))
        return blocks
    items = tuple(
        f"{clean_line(pattern.label)}: "
        + ", ".join(f"{clean_line(p.label).lower()} for {p.seconds}" for p in pattern.phases)
        + " seconds"
        for pattern in step.patterns
    )
    return [
        Block(
            kind="note",
            text=f"Choose a pattern and go through it {_times(step.cycles)}, "
            "counting the seconds slowly in your head.",
        ),
        Block(kind="items", items=items),
        Block(kind="note", text="Which pattern did you use, and how many times?"),
        Block(kind="write", lines=2),
    ]


def worksheet_title(step: Step) -> str:
    """A step's title without a number of its own (the worksheet numbers the questions)."""
    return re.sub(r"^\d+[.)]\s+", "", clean_line(step.title))


PRACTITIONER_NOTES = "For the practitioner"


def practitioner_notes(related: Sequence[str]) -> list[Block]:
    """The worksheet's closing notes for the practitioner: how its answers come back, and the
    programme materials the guide cross-references for the exercise (`related`, each naming the
    directory entry it points to where one matches)."""
    blocks = [
        Block(kind="heading", text=PRACTITIONER_NOTES, level=3),
        Block(
            kind="note",
            text="When this comes back, type its answers in a posted session "
            "(each answer is kept as written).",
        ),
    ]
    if related:
        blocks.append(Block(kind="note", text="Related programmes:"))
        blocks.append(Block(kind="items", items=tuple(related), small=True))
    return blocks


def worksheet_document(
    exercise: Exercise, *, printed_on: str = "", related: Sequence[str] | None = None
) -> Document:
    """A blank worksheet for `exercise`; UserError when the exercise is practitioner-led.
    `related`: its programme cross-references as the practitioner's notes list them (by default
    the references as the content gives them)."""
    if exercise.practitioner_only:
        raise UserError(
            f"exercise {exercise.id} is practitioner-led and is not printed as a worksheet"
        )
    # the summary is written for practitioners ("the client's ..."): a worksheet speaks to you
    header = ["Your name: ______________________    Date: ______________"]
    blocks: list[Block] = []
    number = 0
    for step in exercise.steps:
        if step.answerable:
            number += 1
            title = f"{number}. {worksheet_title(step)}"
        else:
            title = worksheet_title(step)
        blocks.append(Block(kind="heading", text=title, level=2))
        blocks.extend(_prompt(step))
        blocks.extend(_answer_space(step))
        if step.optional and step.answerable:
            blocks.append(Block(kind="note", text="(You can leave this one out.)"))
    if related is None:
        related = [clean_line(r.text) for r in exercise.references]
    blocks.extend(practitioner_notes(related))
    source = clean_line(exercise.source).rstrip(".")
    if source and not source.lower().startswith(("adapted", "based", "from")):
        source = f"Source: {source}"
    footer = f"{source}." if source else ""
    if printed_on:
        footer = f"{footer} Printed on {printed_on}.".strip()
    return Document(
        title=clean_line(exercise.title), header=tuple(header), blocks=tuple(blocks), footer=footer
    )
