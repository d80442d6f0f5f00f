"""A compiled plan as data: what the review screen shows, a saved version keeps and every
exporter prints (`tui.services.plans.document` makes it a document; the compiler makes it)."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from exercises.plan_templates import PlanTraits
from store.records import Agreement

ORPHANS_TITLE = "Answers no longer in the content"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class PlanItem(_Frozen):
    """One answer in a plan, rendered readably, with where and when it was given."""

    exercise_id: str
    step_id: str
    #: the step's title (e.g. "Warning signs"), or the ids when the step is gone.
    title: str
    exercise_title: str = ""
    given_on: date | None = None
    #: a prose answer (text, a single choice, a scale, a timed pattern).
    text: str = ""
    #: a list answer, the options of a multiple choice, or a table's rows with column labels.
    items: tuple[str, ...] = ()
    #: the answer picked an option marked as a clear concern (`Option.opens_follow_up`).
    concern: bool = False
    #: which parts carry the client's rewording (-1: the text; else an index into `items`).
    reworded: tuple[int, ...] = ()
    #: whose words: the client's, or the practitioner's judgement (as the step declares).
    voice: Literal["client", "practitioner"] = "client"
    #: the traffic-light level the step is about (plans show levels side by side).
    tone: Literal["", "green", "amber", "red"] = ""


class Source(_Frozen):
    """Where a plan's items came from: one exercise, the days its answers were given, and what
    was practised in it (left out of the plan's sections)."""

    exercise_title: str
    dates: tuple[date, ...] = ()
    practised: tuple[str, ...] = ()


class PlanStatus(_Frozen):
    """What a saved version says about itself on every export."""

    version: int
    saved_on: date
    saved_by: str
    agreement: Agreement
    reason: str = ""
    review_on: date | None = None
    #: a treatment manager's countersignature (a plan whose template asks for one)
    countersigned_by: str = ""
    countersigned_on: date | None = None


class PlanSection(_Frozen):
    id: str
    title: str
    #: a formal name (the Keep Safe Plan's acute domain), beside the client's words.
    domain: str = ""
    question: str = ""
    intro: str = ""
    empty: str = ""
    fixed: str = ""
    items: tuple[PlanItem, ...] = ()
    #: what a fixed section holds (crisis lines, open follow-ups).
    lines: tuple[str, ...] = ()

    @property
    def concern(self) -> bool:
        return any(item.concern for item in self.items)

    @property
    def is_empty(self) -> bool:
        return not self.items and not self.lines


class Plan(_Frozen):
    """A compiled plan: what the review screen shows and every exporter prints."""

    kind: str
    #: what its template declares about this kind of plan (not kept with a saved version: it
    #: is the content's, given again when one is read, see `from_content`).
    traits: PlanTraits = Field(exclude=True)
    title: str
    intro: str = ""
    client_id: str
    client_name: str
    compiled_on: date
    sections: tuple[PlanSection, ...]
    #: answers whose step is no longer in the content (or feeds a section the template lacks).
    orphans: tuple[PlanItem, ...] = ()
    #: a practitioner-led plan: the date of its latest answer.
    last_reformulated: date | None = None
    #: the agreed review date (from the latest saved version, or set on the review screen).
    review_on: date | None = None
    #: where the items came from (shown at the end, out of the reading line).
    sources: tuple[Source, ...] = ()
    #: the saved version this is; None for a draft (every export then says so).
    status: PlanStatus | None = None
    #: rewordings that no longer apply because the answer has changed since.
    stale_edits: int = 0
    #: how the practitioner's document refers to the client ("He", "She", "They").
    subject: str = "They"
    #: who led the work the plan comes from (the practitioner of its latest answers).
    practitioner: str = ""

    def section(self, section_id: str) -> PlanSection | None:
        return next((s for s in self.sections if s.id == section_id), None)

    def with_review(self, review_on: date | None) -> Plan:
        if review_on == self.review_on:
            return self
        return self.model_copy(update={"review_on": review_on, "status": None})

    def with_status(self, status: PlanStatus | None) -> Plan:
        """The plan as saved version `status` (None: a draft)."""
        return self.model_copy(update={"status": status})

    def content(self) -> dict[str, Any]:
        """The plan as data, kept with a saved version (status aside: the version is the status)."""
        return self.model_dump(mode="json", exclude={"status"})

    @classmethod
    def from_content(
        cls, content: dict[str, Any], status: PlanStatus | None, traits: PlanTraits
    ) -> Plan:
        """A saved plan again, with the traits its kind has now (`traits`)."""
        return cls.model_validate({**content, "status": status, "traits": traits})
