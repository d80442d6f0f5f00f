"""The work of a session: start and end it, keep its notes, record answers, open and close
follow-ups, and remember where an exercise was left.

Each change here is the one implementation the screens (and any command) use. Records are built
or revised through validation (`store.records.revise`), never `model_copy`, so every cleaning
rule runs on every path. These run on the autosave thread or in a command; none touches Textual.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date, datetime, timedelta

from exercises.models import Exercise, Step
from store.errors import StoreError
from store.records import (
    Answer,
    FollowUp,
    Referral,
    Session,
    SessionMode,
    SessionStatus,
    now,
    revise,
)
from store.text import clean_line
from tui.services.clients.access import OpenClient
from tui.services.clients.answers import follow_up_reason
from tui.services.writers import writer_of


def _session(oc: OpenClient, session_id: str) -> Session:
    session = oc.session(session_id)
    if session is None:
        raise StoreError(f"no session {session_id} for client {oc.client_id}")
    return session


def plan_session(
    oc: OpenClient,
    *,
    practitioner: str,
    mode: SessionMode,
    planned: Sequence[str],
    rar_activity: bool,
    on: date | None = None,
) -> Session:
    """A new session with its exercises in the order chosen, saved as planned."""
    oc.require_writable()
    session = Session.model_validate(
        {
            "practitioner": practitioner,
            "mode": mode,
            "planned": list(planned),
            "rar_activity": rar_activity,
            **({"date": on} if on is not None else {}),
        }
    )
    writer_of(oc).save_session(session)
    return session


def begin_session(oc: OpenClient, session_id: str, at: datetime | None = None) -> Session:
    """Mark a planned session as in progress (started now, or `at`); others are returned as they
    are."""
    session = _session(oc, session_id)
    if session.status is not SessionStatus.PLANNED or oc.read_only:
        return session
    session = revise(session, status=SessionStatus.IN_PROGRESS, started_at=at or now())
    writer_of(oc).save_session(session)
    return session


def save_notes(oc: OpenClient, session_id: str, notes: str) -> Session:
    """Keep the session's notes (cleaned of control characters like every other text)."""
    oc.require_writable()
    session = revise(_session(oc, session_id), notes=notes)
    writer_of(oc).save_session(session)
    return session


def end_session(oc: OpenClient, session_id: str, at: datetime | None = None) -> Session:
    oc.require_writable()
    session = revise(_session(oc, session_id), status=SessionStatus.COMPLETED, ended_at=at or now())
    writer_of(oc).save_session(session)
    return session


def unanswered(oc: OpenClient, session: Session, exercises: Sequence[Exercise]) -> int:
    """How many answerable steps of the session's exercises have no answer in it yet."""
    from tui.services.clients.answers import is_blank

    given = {(a.exercise_id, a.step_id) for a in oc.answers(session.id) if not is_blank(a.value)}
    return sum(
        (e.id, s.id) not in given for e in exercises for s in e.answerable_steps if not s.optional
    )


#: a session started longer ago than this is shown by its start, not a running time (it was
#: resumed on another day)
RUNNING_AT_MOST = timedelta(hours=12)


def _duration(span: timedelta) -> str:
    minutes = max(0, int(span.total_seconds() // 60))
    return f"{minutes // 60} h {minutes % 60:02d} min" if minutes >= 60 else f"{minutes} min"


def time_words(session: Session, planned_minutes: int, at: datetime) -> str:
    """ "Time: about 130 min planned · 12 min so far": the planned length (the exercises' own
    minutes) and the time taken, so far or in all."""
    parts = [f"about {planned_minutes} min planned" if planned_minutes else "nothing planned"]
    start, end = session.started_at, session.ended_at
    if start is not None and end is not None:
        parts.append(f"took {_duration(end - start)}")
    elif start is not None and at - start <= RUNNING_AT_MOST:
        parts.append(f"{_duration(at - start)} so far")
    elif start is not None:
        parts.append(f"started {start:%d %b %Y}")
    else:
        parts.append("not started yet")
    return "Time: " + " · ".join(parts)


def step_progress(exercise: Exercise, answered: Collection[str]) -> tuple[int, int]:
    """(steps done, steps in all) of an exercise, counted as the exercise screen numbers them
    ("Step 7 of 12"): every step, read steps included.

    An answered step is done; a step with nothing to answer (or an optional one left empty) is done
    once the practitioner has gone past it (a later step is answered) or the exercise is finished
    (every required step answered). A required step is done only when answered.
    """
    steps = exercise.steps
    finished = all(s.id in answered for s in steps if s.answerable and not s.optional)
    done = 0
    for i, s in enumerate(steps):
        if s.id in answered:
            done += 1
        elif not s.answerable or s.optional:
            done += finished or any(later.id in answered for later in steps[i + 1 :])
    return done, len(steps)


def has_open_follow_up(oc: OpenClient, exercise_id: str, step_id: str) -> bool:
    return any(
        (f.exercise_id, f.step_id) == (exercise_id, step_id) for f in oc.follow_ups(open_only=True)
    )


def save_answer(
    oc: OpenClient,
    session: Session,
    exercise: Exercise,
    step: Step,
    value: object,
    *,
    disclosure: bool,
    by: str,
    proposal_accepted: bool = False,
) -> FollowUp | None:
    """Record an answer (cleaned, validated), as the client's words or the practitioner's
    judgement (the step's `voice`), and apply the follow-up rule
    (`tui.services.clients.answers.follow_up_reason`): a clear concern, a disclosure or an accepted
    proposal opens a follow-up unless one is already open for this step. Returns the follow-up
    opened, if any."""
    oc.require_writable()
    answer = Answer.model_validate(
        {
            "session_id": session.id,
            "exercise_id": exercise.id,
            "step_id": step.id,
            "value": value,
            "recorded_by": by,
            "on_behalf": session.mode.on_behalf and step.voice == "client",
            "voice": step.voice,
            "disclosure": disclosure,
        }
    )
    writer_of(oc).save_answer(answer)
    why = follow_up_reason(step, value, disclosure, proposal_accepted=proposal_accepted)
    if why is None or has_open_follow_up(oc, exercise.id, step.id):
        return None
    follow_up = FollowUp(
        reason=f"{clean_line(exercise.title)}: {clean_line(step.title)} ({why})",
        exercise_id=exercise.id,
        step_id=step.id,
        session_id=session.id,
    )
    writer_of(oc).save_follow_up(follow_up)
    return follow_up


def close_follow_up(
    oc: OpenClient, follow_up_id: str, *, closed_on: date, note: str, by: str
) -> FollowUp:
    """Close a follow-up with the date and what was done (both required)."""
    oc.require_writable()
    follow_up = next((f for f in oc.follow_ups() if f.id == follow_up_id), None)
    if follow_up is None:
        raise StoreError(f"no follow-up {follow_up_id} for client {oc.client_id}")
    if not clean_line(note):
        raise StoreError("closing a follow-up needs a note of what was done")
    closed = revise(follow_up, closed_on=closed_on, closed_note=note, closed_by=by)
    writer_of(oc).save_follow_up(closed)
    return closed


def record_referral(oc: OpenClient, referral: Referral) -> None:
    """Keep a referral decision beside the advisory eligibility check (audited)."""
    oc.require_writable()
    writer_of(oc).save_referral(referral)


def remember_place(oc: OpenClient, session_id: str, exercise_id: str, step_id: str) -> None:
    """Where the exercise is ("" when it was left normally): resumed there after a hang-up.
    Not part of the record: no audit line, the client's file untouched."""
    if oc.read_only:
        return
    oc.positions.put(session_id, exercise_id, step_id)
