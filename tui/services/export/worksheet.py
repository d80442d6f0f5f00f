"""Blank worksheets: an exercise's prompts with room to write, to post to a client without internet.

The written answers are typed in later, in a "posted" session. Practitioner-led exercises (the Keep
Safe review) are never printed for a client.
"""

from __future__ import annotations

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
        items = []
        for pattern in step.patterns:
            phases = ", ".join(
                f"{clean_line(p.label)} for {p.seconds} seconds" for p in pattern.phases
            )
            items.append(f"{clean_line(pattern.label)}: {phases}")
        blocks = [
            Block(
                kind="note",
                text=f"Choose a pattern and repeat it {step.cycles} times, "
                "counting the seconds slowly in your head.",
            )
        ]
        if items:
            blocks.append(Block(kind="items", items=tuple(items)))
        blocks.append(Block(kind="note", text="Which pattern did you use, and how many times?"))
        blocks.append(Block(kind="write", lines=2))
        return blocks
    return []


def worksheet_document(exercise: Exercise, *, printed_on: str = "") -> Document:
    """A blank worksheet for `exercise`; UserError when the exercise is practitioner-led."""
    if exercise.practitioner_only:
        raise UserError(
            f"exercise {exercise.id} is practitioner-led and is not printed as a worksheet"
        )
    header = []
    if exercise.summary:
        header.append(clean_line(exercise.summary))
    header.append("Name: ______________________    Date: ______________")
    blocks: list[Block] = []
    number = 0
    for step in exercise.steps:
        if step.answerable:
            number += 1
            title = f"{number}. {clean_line(step.title)}"
        else:
            title = clean_line(step.title)
        blocks.append(Block(kind="heading", text=title, level=2))
        blocks.extend(_prompt(step))
        blocks.extend(_answer_space(step))
        if step.optional and step.answerable:
            blocks.append(Block(kind="note", text="(You can leave this one out.)"))
    source = clean_line(exercise.source).rstrip(".")
    if source and not source.lower().startswith(("adapted", "based", "from")):
        source = f"Source: {source}"
    footer = f"{source}." if source else ""
    if printed_on:
        footer = f"{footer} Printed on {printed_on}.".strip()
    return Document(
        title=clean_line(exercise.title), header=tuple(header), blocks=tuple(blocks), footer=footer
    )
