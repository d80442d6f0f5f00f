"""What an answer means, decided once: empty or not, which is the latest, whether it opens a
follow-up, and how it reads.

The exercise screen, the dashboard, the plan compiler and the exports all ask these questions; each
has exactly one answer here, so a rule can never mean one thing on screen and another in a plan.
No Textual: the command line and the tests use it without a terminal.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from exercises.models import Column, Option, Step, StepKind
from store.latest import is_blank as is_blank
from store.latest import latest as _latest
from store.records import Answer
from store.text import clean_line, clean_text

#: a traffic-light tone's symbol, for options that name a tone but no symbol of their own.
TONE_SYMBOLS = {"green": "●", "amber": "▲", "red": "■"}

DISCLOSURE_REASON = "marked as a disclosure"
CONCERN_REASON = "a clear concern was recorded"
PROPOSED_REASON = "the practitioner opened one on this answer"


# -- empty and latest (the store's one rule: `store.latest`) -------------------------------------


def latest(answers_in_save_order: Iterable[Answer]) -> dict[tuple[str, str], Answer]:
    """The current answer to each (exercise, step): the last saved (`store.latest`;
    `ClientFile.latest_answers` is the same rule on a file)."""
    return _latest(answers_in_save_order)


# -- options -----------------------------------------------------------------------------------


def option_symbol(option: Option) -> str:
    """The option's symbol, or the traffic-light symbol of its tone."""
    return clean_line(option.symbol) or TONE_SYMBOLS.get(option.tone, "")


def option_label(option: Option) -> str:
    """An option as symbol and words ("● Green"): never colour alone."""
    symbol, label = option_symbol(option), clean_line(option.label)
    return f"{symbol} {label}" if symbol else label


def _chosen(value: object) -> list[object]:
    return value if isinstance(value, list) else [value]


def option_words(options: Sequence[Option], value: object) -> str:
    """The option(s) a value picks, as symbol and words; a value no option has, as itself."""
    words = []
    for v in _chosen(value):
        option = next((o for o in options if o.value == v), None)
        words.append(option_label(option) if option is not None else _s(v))
    return ", ".join(words)


def _picks_flagged(options: Sequence[Option], value: object, flag: str = "opens") -> bool:
    chosen = _chosen(value)
    return any(getattr(o, f"{flag}_follow_up") and o.value in chosen for o in options)


# -- follow-ups --------------------------------------------------------------------------------


def concern(step: Step, value: object) -> bool:
    """The answer picks an option that content marks as opening a follow-up (a clear concern),
    in a choice or in any row of a choice column."""
    if step.kind is StepKind.CHOICE and isinstance(value, (str, list)):
        return _picks_flagged(step.options, value)
    if step.kind is StepKind.TABLE and isinstance(value, list):
        return any(
            isinstance(row, dict) and _picks_flagged(column.options, row.get(column.id))
            for column in step.columns
            if column.options
            for row in value
        )
    return False


def proposes(step: Step, value: object) -> bool:
    """The answer picks an option that content marks as proposing a follow-up (the practitioner
    decides: Red on the Wellbeing Traffic Light)."""
    if step.kind is StepKind.CHOICE and isinstance(value, (str, list)):
        return _picks_flagged(step.options, value, "proposes")
    return False


def follow_up_reason(
    step: Step, value: object, disclosure: bool, *, proposal_accepted: bool = False
) -> str | None:
    """Why this answer opens a follow-up, or None: the one rule, for the exercise screen, the save
    and the plan compiler alike. A disclosure can be marked on any answer; an option that
    proposes one opens it when the practitioner accepts."""
    if disclosure:
        return DISCLOSURE_REASON
    if concern(step, value):
        return CONCERN_REASON
    if proposal_accepted and proposes(step, value):
        return PROPOSED_REASON
    return None


# -- reading -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rendered:
    """An answer readably: prose `text`, or `items` (a list, the options of a multiple choice, or
    a table's rows with column labels), and whether it is a clear concern."""

    text: str = ""
    items: tuple[str, ...] = ()
    concern: bool = False

    def one_line(self, separator: str = "; ") -> str:
        return separator.join(p for p in (self.text, *self.items) if p)


def _s(value: object) -> str:
    return clean_text(str(value)).strip()


def _generic(value: object) -> Rendered:
    """Any value, readably, when the step that would explain it is unknown or does not match."""
    if isinstance(value, list):
        items = []
        for v in value:
            if isinstance(v, dict):
                items.append(
                    "; ".join(f"{_s(k)}: {_s(x)}" for k, x in v.items() if not is_blank(x))
                )
            elif not is_blank(v):
                items.append(_s(v))
        return Rendered(items=tuple(items))
    if isinstance(value, dict):
        return Rendered(
            text="; ".join(f"{_s(k)}: {_s(v)}" for k, v in value.items() if not is_blank(v))
        )
    return Rendered(text="" if value is None else _s(value))


def _timed(step: Step, value: dict[str, Any]) -> str:
    pattern = next((p for p in step.patterns if p.id == value.get("pattern")), None)
    phases = value.get("phases") if pattern is None else None
    if pattern is not None:
        name = clean_line(pattern.label)
        steps = ", ".join(f"{clean_line(p.label)} {p.seconds}s" for p in pattern.phases)
    else:
        name = "My own pattern" if phases else _s(value.get("pattern", "a pattern"))
        steps = ", ".join(
            f"{_s(p.get('label', ''))} {_s(p.get('seconds', ''))}s"
            for p in (phases or [])
            if isinstance(p, dict)
        )
    text = f"{name} ({steps})" if steps else name
    cycles, completed = value.get("cycles"), value.get("completed")
    if isinstance(cycles, int):
        text += f", {cycles} cycle{'s' if cycles != 1 else ''}"
        if isinstance(completed, int) and completed != cycles:
            text += f" ({completed} completed)"
    elif isinstance(completed, int):
        text += f", {completed} cycles completed"
    earlier = value.get("earlier")
    if isinstance(earlier, list) and earlier:
        runs = len(earlier) + 1
        text += f"; practised {runs} times in the session"
    return text


def date_words(text: str, year: int | None = None) -> str:
    """A typed date in words ("3 December"; with its year when not `year`); as typed when it
    names no date."""
    from tui.services.dates import long_day, parse_day_or_none

    day = parse_day_or_none(text)
    return _s(text) if day is None else long_day(day, year)


def _lower_first(label: str) -> str:
    """An option's label inside a sentence ("Avoidance-focused" -> "avoidance-focused"); a name
    or an abbreviation ("GP", "Jo") keeps its capital."""
    return label[0].lower() + label[1:] if label[1:2].islower() and label[:1].isupper() else label


def _cell(column: Column, value: object, year: int | None) -> str:
    if column.options:
        if year is None or not column.phrase or column.phrase.startswith("{}"):
            return option_words(column.options, value)
        return ", ".join(
            " ".join(p for p in (option_symbol(o), _lower_first(clean_line(o.label))) if p)
            if (o := next((o for o in column.options if o.value == v), None)) is not None
            else _s(v)
            for v in _chosen(value)
        )
    if column.type == "date" and year is not None:
        return date_words(str(value), year)
    return _s(value)


def _sentence(parts: list[str]) -> str:
    """Phrases run together as one sentence: a dangling ',', ';' or ':' dropped, a stop added."""
    text = " ".join(p.strip() for p in parts if p.strip()).rstrip(" ,;:")
    if text and text[-1] not in ".?!":
        text += "."
    return text


def _table(step: Step, value: list[Any], year: int | None = None) -> Rendered:
    """Each row on one line: "Label: value; ..." on screen; in a plan (`year` given) a sentence
    of the columns' phrases, in the answer's voice, with dates in words."""
    rows = []
    known = {c.id for c in step.columns}
    for row in value:
        if not isinstance(row, dict) or is_blank(row):
            continue
        cells = [
            (col, _cell(col, row[col.id], year))
            for col in step.columns
            if not is_blank(row.get(col.id))
        ]
        extra = [f"{_s(k)}: {_s(v)}" for k, v in row.items() if k not in known and not is_blank(v)]
        if year is None:
            parts = [f"{clean_line(col.label)}: {words}" for col, words in cells]
            rows.append("; ".join(parts + extra))
        else:
            parts = [col.reads(words) for col, words in cells]
            rows.append(_sentence(parts + [f"{e}." for e in extra]))
    return Rendered(items=tuple(rows), concern=concern(step, value))


def _plan_options(options: Sequence[Option], value: object) -> object:
    """The picked values whose labels may be printed as the answer (`Option.in_plan`)."""
    hidden = {o.value for o in options if not o.in_plan}
    if isinstance(value, list):
        return [v for v in value if v not in hidden]
    return "" if value in hidden else value


def render(step: Step | None, value: object, *, plan_year: int | None = None) -> Rendered:
    """An answer to `step`, readably; a value of the wrong shape (or of a step gone from the
    content) is shown as it is, never dropped. `plan_year` reads it as a plan prints it: a
    table's rows as sentences (dates in words, the year left out when it is `plan_year`), and
    no option that is not words anyone said."""
    if plan_year is not None and step is not None and step.kind is StepKind.CHOICE:
        value = _plan_options(step.options, value)
    kind = step.kind if step is not None else None
    if step is None or is_blank(value):
        return _generic(value)
    if kind is StepKind.TEXT and isinstance(value, str):
        return Rendered(text=_s(value))
    if kind is StepKind.LIST and isinstance(value, list):
        return Rendered(items=tuple(_s(v) for v in value if not is_blank(v)))
    if kind is StepKind.CHOICE and isinstance(value, (str, list)):
        flagged = concern(step, value)
        if isinstance(value, list):
            return Rendered(
                items=tuple(option_words(step.options, v) for v in value), concern=flagged
            )
        return Rendered(text=option_words(step.options, value), concern=flagged)
    if kind is StepKind.SCALE and isinstance(value, (int, float)) and not isinstance(value, bool):
        text = f"{value:g}/{step.scale_max}"
        if step.low_label or step.high_label:
            text += (
                f" ({clean_line(step.low_label) or step.scale_min} ... "
                f"{clean_line(step.high_label) or step.scale_max})"
            )
        return Rendered(text=text)
    if kind is StepKind.TIMED and isinstance(value, dict):
        return Rendered(text=_timed(step, value))
    if kind is StepKind.TABLE and isinstance(value, list):
        return _table(step, value, plan_year)
    return _generic(value)


def summary(step: Step | None, value: object) -> str:
    """An answer on one line (hints, read-only views); "" for no answer."""
    if is_blank(value):
        return ""
    if step is not None and step.kind is StepKind.TABLE and isinstance(value, list):
        rows = render(step, value).items
        count = f"{len(rows)} row{'s' if len(rows) != 1 else ''}"
        return f"{count}: {rows[0]}" if rows else count
    return clean_line(render(step, value).one_line())


def earlier_items(
    step: Step, this_session: Mapping[str, object], before: Mapping[str, object]
) -> list[str]:
    """The items of the earlier step `step` takes its rows or options from (the content's
    rows_from / options_from): as answered in this session, else as last answered before it;
    cleaned, with blanks and repeats left out. [] for a step that takes from none."""
    source = step.takes_from
    if not source:
        return []
    value = this_session.get(source)
    if is_blank(value):
        value = before.get(source)
    if not isinstance(value, list):
        return []
    return list(dict.fromkeys(clean_line(str(v)) for v in value if clean_line(str(v))))
