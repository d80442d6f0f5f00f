"""A follow-up as a treatment manager reads it: where it came from, what was disclosed (the words
in full, attributed to the client), when, and where its follow-up stands.

One wording for the Keep Safe Plan and the team review screen, so the two never differ. No Textual.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from exercises.models import Exercise
from store.records import Answer, FollowUp
from store.text import clean_line
from tui.services.clients import answers
from tui.services.dates import day


def subject(gender: object) -> str:
    """How the practitioner's documents refer to the client: He, She, or They."""
    value = getattr(gender, "value", gender)
    return {"male": "He", "female": "She"}.get(str(value), "They")


def quoted(words: str) -> str:
    """Someone's words in quotation marks (curly, so a straight quote inside reads as theirs)."""
    return f"“{clean_line(words).strip()}”"


def said(words: str) -> str:
    """A quotation ending a sentence: a full stop after it unless the words end their own."""
    text = clean_line(words).strip()
    return f"“{text}”" + ("" if text[-1:] in ".?!…" else ".")


def is_disclosure(follow_up: FollowUp) -> bool:
    return answers.DISCLOSURE_REASON in follow_up.reason


def disclosed_answer(client_file: Any, follow_up: FollowUp) -> Answer | None:
    """The answer a disclosure follow-up was opened on: the one marked as a disclosure in its
    session (else the latest answer to its step that is marked so); None when it is not a
    disclosure or the answer is gone."""
    if not is_disclosure(follow_up) or not follow_up.exercise_id:
        return None
    found: Iterable[Answer] = client_file.answers(
        follow_up.session_id or None, follow_up.exercise_id
    )
    marked = [a for a in found if a.step_id == follow_up.step_id and a.disclosure]
    return marked[-1] if marked else None


def words_of(answer: Answer, exercise: Exercise | None, year: int | None = None) -> str:
    """An answer's words in full, on one line."""
    step = exercise.step(answer.step_id) if exercise is not None else None
    shown = answers.render(step, answer.value, plan_year=year)
    return clean_line("; ".join(p for p in (shown.text, *shown.items) if p))


def state(follow_up: FollowUp) -> str:
    """Where a follow-up stands: closed (when, by whom, what was done), or open and whether
    the treatment manager has discussed it."""
    if not follow_up.is_open and follow_up.closed_on is not None:
        by = f" by {clean_line(follow_up.closed_by)}" if follow_up.closed_by else ""
        note = clean_line(follow_up.closed_note).rstrip(".")
        return f"Closed on {day(follow_up.closed_on)}{by}: {note}."
    if follow_up.reviews:
        review = follow_up.reviews[-1]
        decision = clean_line(review.decision).rstrip(".")
        shared = (
            f" Shared with {clean_line(review.shared_with)}." if review.shared else " Not shared."
        )
        return (
            f"Open; discussed with the treatment manager ({clean_line(review.by)}) on "
            f"{day(review.discussed_on)}: {decision}.{shared}"
        )
    return "Open; not yet discussed with the treatment manager."


def note(
    follow_up: FollowUp,
    exercise: Exercise | None,
    answer: Answer | None,
    who: str,
    year: int | None = None,
    *,
    quote_words: bool = True,
) -> str:
    """One follow-up in the practitioner's voice; a disclosure quotes the client's words in full.

    Step titles are quoted: they are the content's words (often in the client's voice, "Effect on
    my thoughts"), not the practitioner's. Without `quote_words` (a contact record, unless the
    practitioner chooses) the words are left out."""
    opened = day(follow_up.opened_at.date())
    step = exercise.step(follow_up.step_id) if exercise is not None else None
    if exercise is not None:
        where = clean_line(exercise.title)
        if step is not None:
            where += f", step {quoted(step.title)}"
    else:
        where = ""
    if is_disclosure(follow_up):
        what = f"marked as a disclosure on {opened}"
    elif answers.CONCERN_REASON in follow_up.reason:
        what = f"a clear concern recorded on {opened}"
    elif answers.PROPOSED_REASON in follow_up.reason:
        what = f"a follow-up opened by the practitioner on {opened}"
    else:  # a reason written some other way: as it is
        where, what = "", f"{clean_line(follow_up.reason).rstrip('.')}, opened {opened}"
    line = f"{where}: {what}." if where else f"{what[0].upper()}{what[1:]}."
    if not quote_words:
        pass
    elif answer is not None:
        line += f" {who} said: {said(words_of(answer, exercise, year))}"
    elif is_disclosure(follow_up):
        line += " (The answer marked as a disclosure is no longer in the record.)"
    return f"{line} {state(follow_up)}"
