"""The plan compiler: a plan template, the exercise library and a client's answers -> a `Plan`.

Nothing is typed twice: every section is filled from the latest answer to each step that feeds it
(named in the step's `feeds`, or in the template's `steps`), across all sessions. Each answer
appears once, in the first section that takes it. Answers the content declares as practice (what
was seen in 5-4-3-2-1, distress before and after breathing) are not strategies: they stay out of
the sections and are only named where the plan says where it comes from. Rewordings agreed with
the client replace an item's words while the answer still reads as it did. A section with no
answers says so. An answer whose step has gone from the content is kept, under "Answers no longer
in the content", so a content change never loses what a client said. No Textual here: the command
line and the tests compile plans without a terminal.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any, Protocol

from pydantic import BaseModel, ConfigDict

from exercises.library import sort_key
from exercises.models import Exercise, Step
from exercises.plan_templates import PlanTemplate, SectionTemplate
from store.profile import Client
from store.records import Answer, FollowUp, PlanEdit, PlanVersion, Session
from store.text import clean_line
from tui.services.clients import answers, disclosures
from tui.services.config import Config
from tui.services.dates import day as day  # re-exported: where the plans' dates were
from tui.services.plans.model import (  # re-exported: the plan's types were here
    ORPHANS_TITLE,
    Plan,
    PlanItem,
    PlanSection,
    PlanStatus,
    Source,
)

__all__ = ["ORPHANS_TITLE", "Plan", "PlanItem", "PlanSection", "PlanStatus", "Source", "day"]


# -- inputs ---------------------------------------------------------------------------------------


class PlanInputs(BaseModel):
    """What the compiler reads from a client's file (so tests can pass plain records)."""

    model_config = ConfigDict(extra="forbid")

    client: Client
    sessions: list[Session] = []
    answers: list[Answer] = []
    follow_ups: list[FollowUp] = []
    versions: list[PlanVersion] = []
    edits: list[PlanEdit] = []
    #: the answer each disclosure follow-up was opened on, by follow-up id.
    disclosed: dict[str, Answer] = {}

    @classmethod
    def from_client_file(cls, client_file: Any) -> PlanInputs:
        """Read everything the compiler needs from an open client (`tui.services.clients.access.OpenClient`).

        The compiler uses only the latest answer to each step, so only those are read when the
        file can pick them (a heavy client holds ~100 of them among 22,000 answers).
        """
        latest = getattr(client_file, "latest_answers", None)
        answers = list(latest().values()) if latest is not None else client_file.answers()
        edits = getattr(client_file, "plan_edits", None)
        follow_ups = client_file.follow_ups()
        disclosed = {
            f.id: a
            for f in follow_ups
            if (a := disclosures.disclosed_answer(client_file, f)) is not None
        }
        return cls(
            client=client_file.client(),
            sessions=client_file.sessions(),
            answers=answers,
            follow_ups=follow_ups,
            versions=client_file.plan_versions(),
            edits=edits() if edits is not None else [],
            disclosed=disclosed,
        )


class ExerciseSource(Protocol):
    """What the compiler needs of `exercises.library.Library`."""

    @property
    def exercises(self) -> Any: ...


def exercises_of(library: ExerciseSource | Iterable[Exercise]) -> list[Exercise]:
    """The library's exercises in the library's one order (`exercises.library.sort_key`)."""
    found: Any = getattr(library, "exercises", library)
    if isinstance(found, Mapping):
        found = found.values()
    return sorted((e for e in found if isinstance(e, Exercise)), key=sort_key)


# -- compiling -----------------------------------------------------------------------------------


def _given_on(answer: Answer, sessions: Mapping[str, Session]) -> date:
    session = sessions.get(answer.session_id)
    return session.date if session is not None else answer.updated_at.date()


def _section_steps(
    section: SectionTemplate, exercises: list[Exercise]
) -> list[tuple[Exercise, Step]]:
    by_id = {e.id: e for e in exercises}
    found: list[tuple[Exercise, Step]] = []
    seen: set[tuple[str, str]] = set()
    for exercise_id, step_id in section.step_refs():
        exercise = by_id.get(exercise_id)
        step = exercise.step(step_id) if exercise is not None else None
        if exercise is not None and step is not None and (exercise_id, step_id) not in seen:
            found.append((exercise, step))
            seen.add((exercise_id, step_id))
    for exercise in exercises:
        for step in exercise.steps:
            if section.id in step.feeds and (exercise.id, step.id) not in seen:
                found.append((exercise, step))
                seen.add((exercise.id, step.id))
    return found


def _title(step: Step, section: SectionTemplate) -> str:
    """The step's title as a plan label: without the domain's name where the section already
    shows it ("Victim Access: warning signs" under Victim Access reads "Warning signs"), and
    without an exercise's question number ("1. A friend who is struggling")."""
    title = clean_line(step.title)
    if section.domain and title.lower().startswith(section.domain.lower() + ":"):
        rest = title[len(section.domain) + 1 :].strip()
        if rest:
            title = rest[0].upper() + rest[1:]
    return re.sub(r"^\d+[.)]\s+", "", title)


def _follow_up_lines(
    data: PlanInputs, exercises: Mapping[str, Exercise], since: date | None, year: int
) -> tuple[str, ...]:
    """Every open follow-up, and the disclosures closed since the plan was last reformulated,
    oldest first: where, when, the words disclosed in full, and where each follow-up stands."""
    who = disclosures.subject(data.client.gender)
    shown = [
        f
        for f in data.follow_ups
        if f.is_open
        or (
            disclosures.is_disclosure(f)
            and f.closed_on is not None
            and (since is None or f.closed_on >= since)
        )
    ]
    return tuple(
        disclosures.note(f, exercises.get(f.exercise_id), data.disclosed.get(f.id), who, year)
        for f in sorted(shown, key=lambda f: f.opened_at)
    )


def _reword(
    item: PlanItem, kind: str, edits: Mapping[tuple[str, str, str, int], PlanEdit]
) -> tuple[PlanItem, int]:
    """`item` with the rewordings that still apply, and how many no longer do."""
    stale = 0
    text, items, reworded = item.text, list(item.items), []
    for index, current in [(-1, item.text), *enumerate(item.items)]:
        edit = edits.get((kind, item.exercise_id, item.step_id, index))
        if edit is None:
            continue
        if edit.original != current:
            stale += 1  # the answer changed since: the client's words now lead again
            continue
        if index == -1:
            text = edit.wording
        else:
            items[index] = edit.wording
        reworded.append(index)
    if not reworded:
        return item, stale
    changed = item.model_copy(
        update={"text": text, "items": tuple(items), "reworded": tuple(reworded)}
    )
    return changed, stale


def _practised(steps: Mapping[str, date]) -> tuple[str, ...]:
    """The days something was practised (what was practised stays in the record)."""
    return tuple(day(when) for when in sorted(set(steps.values())))


def compile_plan(
    kind: str,
    template: PlanTemplate,
    library: ExerciseSource | Iterable[Exercise],
    client: Any,
    config: Config,
    today: date,
    review_on: date | None = None,
    references: tuple[str, ...] = (),
) -> Plan:
    """Compile the `kind` plan for one client (a draft: saving it makes it a version).

    `client` is a `ClientFile` (anything with `client()`, `answers()` ...) or `PlanInputs`.
    `review_on` overrides the review date of the latest saved version. `references` are the
    programme materials (matched to the directory) a `fixed: references` section lists.
    """
    if template.kind != kind:
        raise ValueError(
            f"template {template.path or template.title} is for {template.kind}, not {kind}"
        )
    data = client if isinstance(client, PlanInputs) else PlanInputs.from_client_file(client)
    exercises = exercises_of(library)
    by_id = {e.id: e for e in exercises}
    sessions = {s.id: s for s in data.sessions}
    latest = {
        k: a for k, a in answers.latest(data.answers).items() if not answers.is_blank(a.value)
    }
    edits: dict[tuple[str, str, str, int], PlanEdit] = {
        (e.kind, e.exercise_id, e.step_id, e.index): e for e in data.edits
    }
    used: set[tuple[str, str]] = set()
    dates: dict[str, set[date]] = {}
    practised: dict[str, dict[str, date]] = {}
    practitioners: list[tuple[date, Any, str]] = []
    stale = 0

    sections: list[PlanSection] = []
    for st in template.sections:
        items: list[PlanItem] = []
        lines: tuple[str, ...] = ()
        if st.fixed == "crisis-lines":
            lines = tuple(
                f"{clean_line(c.name)}: {clean_line(c.number)}"
                + (f" ({clean_line(c.note)})" if c.note else "")
                for c in config.crisis_lines
            )
        elif st.fixed == "references":
            lines = tuple(references)
        elif st.fixed == "follow-ups":
            pass  # filled below, once the date of the last reformulation is known
        elif not st.fixed:
            for exercise, step in _section_steps(st, exercises):
                answer = latest.get((exercise.id, step.id))
                key = (exercise.id, step.id)
                if answer is None or not step.answerable or key in used:
                    continue  # an answer appears once, in the first section that takes it
                used.add(key)
                given = _given_on(answer, sessions)
                title = clean_line(exercise.title)
                if step.practice:
                    practised.setdefault(title, {})[_title(step, st)] = given
                    continue
                if step.trend:
                    continue  # a reading of one day (today's level): the dashboard's, not a plan's
                shown = answers.render(step, answer.value, plan_year=today.year)
                if not shown.text and not shown.items:
                    continue  # only an option that is not anyone's words
                dates.setdefault(title, set()).add(given)
                practitioners.append((given, answer.updated_at, answer.recorded_by))
                item, lost = _reword(
                    PlanItem(
                        exercise_id=exercise.id,
                        step_id=step.id,
                        title=_title(step, st),
                        exercise_title=title,
                        given_on=given,
                        text=shown.text,
                        items=shown.items,
                        concern=shown.concern,
                        voice=step.voice,
                        tone=step.tone,
                    ),
                    kind,
                    edits,
                )
                stale += lost
                items.append(item)
        sections.append(
            PlanSection(
                id=st.id,
                title=st.title,
                domain=st.domain,
                question=st.question,
                intro=st.intro,
                empty=st.empty,
                fixed=st.fixed,
                items=tuple(items),
                lines=lines,
            )
        )

    template_ids = {s.id for s in template.sections}
    orphans: list[PlanItem] = []
    for (exercise_id, step_id), answer in sorted(latest.items()):
        if (exercise_id, step_id) in used:
            continue
        known = by_id.get(exercise_id)
        gone_step = known.step(step_id) if known is not None else None
        if gone_step is not None and gone_step.answerable:
            # still in the content: an orphan only if it feeds this plan at a section we lack
            missing = [
                f for f in gone_step.feeds if f.startswith(kind + ".") and f not in template_ids
            ]
            if not missing:
                continue
        elif known is not None and known.guide_step not in template.guide_steps:
            continue
        shown = answers.render(None, answer.value)
        orphans.append(
            PlanItem(
                exercise_id=exercise_id,
                step_id=step_id,
                title=clean_line(gone_step.title)
                if gone_step is not None
                else "A step no longer in use",
                exercise_title=clean_line(known.title) if known is not None else "",
                given_on=_given_on(answer, sessions),
                text=shown.text,
                items=shown.items,
            )
        )

    reformulated = None
    if template.practitioner_led:  # reviewed by the practitioner: when did they last?
        days = [i.given_on for s in sections for i in s.items if i.given_on is not None]
        reformulated = max(days) if days else None
    sections = [
        s.model_copy(update={"lines": _follow_up_lines(data, by_id, reformulated, today.year)})
        if s.fixed == "follow-ups"
        else s
        for s in sections
    ]
    if review_on is None:
        versions = [v for v in data.versions if v.kind == kind]
        if versions:
            review_on = max(versions, key=lambda v: v.number).review_on
    sources = tuple(
        Source(
            exercise_title=title,
            dates=tuple(sorted(dates.get(title, ()))),
            practised=_practised(practised.get(title, {})),
        )
        for title in dict.fromkeys([*dates, *practised])
    )
    title = template.title
    if template.names_subject:
        title = f"{template.title} for {clean_line(data.client.name)}"
    return Plan(
        kind=kind,
        traits=template.traits(),
        title=title,
        intro=template.intro,
        client_id=data.client.id,
        client_name=data.client.name,
        compiled_on=today,
        sections=tuple(sections),
        orphans=tuple(orphans),
        last_reformulated=reformulated,
        review_on=review_on,
        sources=sources,
        stale_edits=stale,
        subject=disclosures.subject(data.client.gender),
        practitioner=clean_line(max(practitioners)[2]) if practitioners else "",
    )
