"""The contact record for the case system: what a practitioner pastes into nDelius after a
supervision contact, so nothing is retyped from memory.

It holds the date, start and end time and contact type, whether the contact counts towards the
RAR, a sentence for each exercise saying what was done (never what was said), the risk
judgements and follow-ups of the session (a disclosure's words only when the practitioner
chooses), the plan versions saved, and the next appointment. Plain text, no markup, at most
`LIMIT` characters by default (nDelius notes go into a plain text box), or the same as JSON.

One implementation for the App (at the end of a session) and `wellbeing contact ID`; every
record produced is audited ("contact record produced") before anyone sees it. No Textual here.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any

from exercises.models import Exercise, StepKind
from exercises.plan_templates import plan_names
from store.records import Session, SessionMode, revise
from store.text import clean_line
from tui.services.clients import answers, disclosures
from tui.services.clients.access import OpenClient
from tui.services.clients.sessions import step_progress
from tui.services.dates import long_day, parse_day
from tui.services.errors import UserError
from tui.services.writers import writer_of

#: nDelius notes are pasted into a text box: the record keeps to this many characters by default
LIMIT = 1500
FORMATS = ("txt", "json")
#: the contact types nDelius records, by the session's mode
CONTACT_TYPES = {
    SessionMode.OFFICE: "Office visit",
    SessionMode.PHONE: "Telephone contact",
    SessionMode.REMOTE: "Video contact",
    SessionMode.POSTED: "Posted (correspondence)",
}
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_TIME = re.compile(r"(\d{1,2})[:.](\d{2})")


@dataclass(frozen=True)
class ExerciseDone:
    id: str
    title: str
    #: what was done, in the past tense (the content's `recorded_as`)
    done: str
    #: steps done of steps in all, counted as the exercise screen numbers them ("Step 7 of 12")
    steps_done: int
    steps: int


@dataclass(frozen=True)
class FollowUpChange:
    change: str  # "opened" or "closed"
    text: str
    #: the words of a disclosure, only when the practitioner chose to include them
    disclosed: str | None = None


@dataclass(frozen=True)
class ContactRecord:
    client_id: str
    session_id: str
    date: date
    start: str
    end: str
    contact_type: str
    contact_type_words: str
    rar: bool
    practitioner: str
    exercises: tuple[ExerciseDone, ...] = ()
    not_done: tuple[str, ...] = ()
    risk: tuple[str, ...] = ()
    follow_ups: tuple[FollowUpChange, ...] = ()
    plans: tuple[str, ...] = ()
    next_appointment: datetime | None = None
    #: whether the session holds a disclosure (so the App offers to include its words)
    has_disclosure: bool = False
    words_included: bool = False
    limit: int = LIMIT
    notes: tuple[str, ...] = field(default=())

    # -- as text -------------------------------------------------------------------------------

    def _lines(self, *, short: bool) -> list[str]:
        when = f"{WEEKDAYS[self.date.weekday()]} {long_day(self.date)}"
        times = f", {self.start}-{self.end}" if self.start and self.end else ""
        times = times or (f", from {self.start}" if self.start else "")
        lines = [
            f"Contact: {self.contact_type_words}, {when}{times}.",
            f"Counts towards the RAR: {'yes' if self.rar else 'no'}.",
        ]
        if self.practitioner:
            lines.append(f"Practitioner: {self.practitioner}.")
        lines += ["", "Done:"]
        if not self.exercises:
            lines.append("- No exercise was worked on.")
        for e in self.exercises:
            count = "all steps" if e.steps_done >= e.steps else f"{e.steps_done} of {e.steps} steps"
            lines.append(f"- {e.title} ({count})" + ("." if short else f": {e.done}"))
        if self.not_done:
            lines.append(f"- Planned, not started: {', '.join(self.not_done)}.")
        if self.risk:
            lines += ["", "Risk:"] + [f"- {r}" for r in self.risk]
        if self.follow_ups:
            lines += ["", "Follow-ups:"]
            for f in self.follow_ups:
                line = f"- {f.change.capitalize()}: {f.text}"
                if f.disclosed is not None:
                    line += f' Disclosed: "{f.disclosed}"'
                lines.append(line)
        lines += [""]
        lines.append("Plans: " + " ".join(self.plans) if self.plans else "Plans: no version saved.")
        if self.next_appointment is not None:
            local = self.next_appointment.astimezone()
            lines.append(
                f"Next appointment: {WEEKDAYS[local.weekday()]} {long_day(local)} at {local:%H:%M}."
            )
        else:
            lines.append("Next appointment: not entered.")
        return lines

    def text(self) -> str:
        """The record as plain text for the case system, within `limit` characters (0: none):
        the exercises shortened to their titles first, then the end cut with a note."""
        text = plain("\n".join(self._lines(short=False)))
        if not self.limit or len(text) <= self.limit:
            return text + "\n"
        text = plain("\n".join(self._lines(short=True)))
        if len(text) <= self.limit:
            return text + "\n"
        note = f"\n[Shortened to {self.limit} characters: the full record is in Wellbeing Guide.]"
        cut = text[: self.limit - len(note)]
        cut = cut[: cut.rfind("\n")] if "\n" in cut else cut
        return cut + note + "\n"

    def as_json(self) -> str:
        data: dict[str, Any] = asdict(self)
        data["date"] = self.date.isoformat()
        data["next_appointment"] = (
            self.next_appointment.astimezone().isoformat(timespec="minutes")
            if self.next_appointment is not None
            else None
        )
        data.pop("limit")
        data.pop("notes")
        data["text"] = self.text()
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"

    def render(self, fmt: str) -> str:
        if fmt == "json":
            return self.as_json()
        if fmt == "txt":
            return self.text()
        raise UserError(f"unknown format {fmt!r} (known: {', '.join(FORMATS)})")


def plain(text: str) -> str:
    """Text for a plain text box: curly quotes straight, no symbol fonts are needed for."""
    table = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "—": "-", "–": "-"})
    out = text.translate(table)
    return re.sub(r"[●▲■⚠] ?", "", out)


# -- building it -----------------------------------------------------------------------------------


def _session(oc: OpenClient, session_id: str | None) -> Session:
    sessions = oc.sessions()
    if session_id is not None:
        found = next((s for s in sessions if s.id == session_id), None)
        if found is None:
            raise UserError(f"no session {clean_line(session_id)[:40]} for client {oc.client_id}")
        return found
    if not sessions:
        raise UserError(f"client {oc.client_id} has no sessions yet")
    return sessions[-1]  # the store keeps them in order: the latest contact


def _clock(value: datetime | None) -> str:
    return value.astimezone().strftime("%H:%M") if value is not None else ""


def _exercises(
    oc: OpenClient, session: Session, library: Any
) -> tuple[tuple[ExerciseDone, ...], tuple[str, ...], list[Any]]:
    given = [a for a in oc.answers(session.id) if not answers.is_blank(a.value)]
    answered: dict[str, set[str]] = {}
    for a in given:
        answered.setdefault(a.exercise_id, set()).add(a.step_id)
    order = list(dict.fromkeys([*session.planned, *answered]))
    done, not_done = [], []
    for exercise_id in order:
        exercise: Exercise | None = library.get(exercise_id)
        if exercise is None:
            continue
        steps = [s for s in exercise.answerable_steps if not s.optional]
        taken = [s for s in exercise.answerable_steps if s.id in answered.get(exercise_id, set())]
        count = len(taken)
        if not count:
            not_done.append(clean_line(exercise.title))
            continue
        if count >= len(steps):
            sentence = (
                clean_line(exercise.recorded_as) or f"Went through {clean_line(exercise.title)}."
            )
        else:  # part of it: the steps gone through, by their names (never the answers)
            names = [re.sub(r"^\d+[.)]\s+", "", clean_line(s.title)) for s in taken]
            more = f"; and {len(names) - 4} more" if len(names) > 4 else ""
            sentence = f"Went through {'; '.join(names[:4])}{more}."
        # counted as the exercise screen and the session count them ("Step 7 of 12"): one count
        shown, total = step_progress(exercise, answered.get(exercise_id, set()))
        done.append(
            ExerciseDone(exercise.id, clean_line(exercise.title), sentence, shown, max(1, total))
        )
    return tuple(done), tuple(not_done), given


def _risk(given: list[Any], library: Any) -> tuple[str, ...]:
    """The practitioner's judgements recorded in the session (a Keep Safe concern level)."""
    out = []
    for a in given:
        exercise = library.get(a.exercise_id)
        step = exercise.step(a.step_id) if exercise is not None else None
        if step is None or step.voice != "practitioner" or step.kind is not StepKind.CHOICE:
            continue
        words = answers.option_words(step.options, a.value)
        out.append(f"{clean_line(step.title)}: {words}.")
    return tuple(dict.fromkeys(out))


def contact_record(
    oc: OpenClient,
    session_id: str | None = None,
    *,
    include_disclosures: bool = False,
    limit: int = LIMIT,
) -> ContactRecord:
    """The contact record of one session (the latest when `session_id` is None). Not audited:
    `produce` is what callers use."""
    library = oc.ctx.library
    session = _session(oc, session_id)
    done, not_done, given = _exercises(oc, session, library)
    who = disclosures.subject(oc.client().gender)
    changes = []
    has_disclosure = any(a.disclosure for a in given)
    for f in oc.follow_ups():
        opened = f.session_id == session.id
        closed = f.closed_on is not None and f.closed_on == session.date
        if not (opened or closed):
            continue
        exercise = library.get(f.exercise_id)
        answer = disclosures.disclosed_answer(oc, f)
        words = None
        if answer is not None:
            has_disclosure = True
            if include_disclosures:
                words = disclosures.words_of(answer, exercise)
        text = disclosures.note(f, exercise, None, who, quote_words=False)
        changes.append(FollowUpChange("closed" if closed and not opened else "opened", text, words))
    plans = []
    names = plan_names(oc.ctx.content_dirs)
    for version in oc.plan_versions():
        if version.saved_at.astimezone().date() != session.date:
            continue
        title = names.get(version.kind, version.kind)
        agreement = {
            "agreed": "agreed by the client",
            "not_agreed": f"not agreed ({clean_line(version.agreement_reason)})",
            "could_not_answer": f"client could not answer ({clean_line(version.agreement_reason)})",
        }[version.agreement]
        plans.append(f"{title} version {version.number} saved, {agreement}.")
    return ContactRecord(
        client_id=oc.client_id,
        session_id=session.id,
        date=session.date,
        start=_clock(session.started_at),
        end=_clock(session.ended_at),
        contact_type=session.mode.value if session.mode is not SessionMode.REMOTE else "video",
        contact_type_words=CONTACT_TYPES[session.mode],
        rar=session.rar_activity,
        practitioner=clean_line(session.practitioner),
        exercises=done,
        not_done=not_done,
        risk=_risk(given, library),
        follow_ups=tuple(changes),
        plans=tuple(plans),
        next_appointment=session.next_appointment,
        has_disclosure=has_disclosure,
        words_included=include_disclosures,
        limit=limit,
    )


def produce(
    oc: OpenClient,
    session_id: str | None = None,
    *,
    fmt: str = "txt",
    include_disclosures: bool = False,
    limit: int = LIMIT,
) -> tuple[ContactRecord, str]:
    """The record and its text in `fmt`, audited as produced before it is returned (if the log
    cannot be written, nothing is shown)."""
    if fmt not in FORMATS:
        raise UserError(f"unknown format {fmt!r} (known: {', '.join(FORMATS)})")
    if limit < 0:
        raise UserError("the limit is a number of characters, 0 for none")
    record = contact_record(oc, session_id, include_disclosures=include_disclosures, limit=limit)
    text = record.render(fmt)
    oc.record(
        "contact record produced",
        ["session"],
        {"session": record.session_id, "format": fmt, "disclosures": str(include_disclosures)},
    )
    return record, text


# -- the next appointment ------------------------------------------------------------------------

APPOINTMENT_HINT = "D/M/YYYY HH:MM, e.g. 3/12/2026 10:30"


def parse_appointment(text: str) -> datetime:
    """A typed appointment (the date rule, then an optional HH:MM, local time) as UTC;
    ValueError saying what is accepted."""
    raw = text.strip()
    parts = raw.split()
    if not parts or len(parts) > 2:
        raise ValueError(f"expected {APPOINTMENT_HINT}")
    day = parse_day(parts[0])
    at = time(9, 0)
    if len(parts) == 2:
        match = _TIME.fullmatch(parts[1])
        if match is None or int(match.group(1)) > 23 or int(match.group(2)) > 59:
            raise ValueError(f"{parts[1]} is not a time (use HH:MM, e.g. 10:30)")
        at = time(int(match.group(1)), int(match.group(2)))
    return datetime.combine(day, at).astimezone().astimezone(UTC)


def set_next_appointment(oc: OpenClient, session_id: str, when: datetime | None) -> Session:
    """Keep the next appointment on the session, through the store's one save path."""
    oc.require_writable()
    session = _session(oc, session_id)
    session = revise(session, next_appointment=when)
    writer_of(oc).save_session(session)
    return session
