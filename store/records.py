"""Pydantic records kept in a client's TinyDB file.

Every record forbids unknown fields and carries a `schema_version`, so a file written by a newer
version is refused with a clear message instead of being half-read.
"""

from __future__ import annotations

import datetime as dt
import uuid
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Annotated, Any, Literal, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator

from store.text import clean_line, clean_text, clean_value

SCHEMA_VERSION = 1

RecordT = TypeVar("RecordT", bound=BaseModel)

NAME_MAX = 120
NOTE_MAX = 4000


def as_utc(value: datetime) -> datetime:
    """A time as UTC: one written without a zone (by hand, or by an older tool) is taken as UTC,
    so that every two times in a record compare (naive and aware ones never do)."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


#: every time a record holds: aware, in UTC
Stamp = Annotated[datetime, AfterValidator(as_utc)]


def now() -> datetime:
    """The current time, UTC, to the second (records are compared and shown to the second)."""
    return datetime.now(UTC).replace(microsecond=0)


def new_id() -> str:
    return uuid.uuid4().hex[:12]


def revise(record: RecordT, **changes: Any) -> RecordT:
    """`record` with `changes`, validated like a new one: every cleaning validator runs again.

    (`model_copy(update=...)` skips validators, so a note set that way would be stored uncleaned.)
    """
    return type(record).model_validate({**record.model_dump(), **changes})


class Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    schema_version: int = SCHEMA_VERSION

    @field_validator("schema_version")
    @classmethod
    def _known_version(cls, v: int) -> int:
        if v > SCHEMA_VERSION:
            raise ValueError(
                f"written by a newer version of Wellbeing Guide (schema {v}, this one reads {SCHEMA_VERSION})"
            )
        return v


class SessionMode(StrEnum):
    OFFICE = "office"
    PHONE = "phone"
    REMOTE = "remote"
    POSTED = "posted"

    @property
    def on_behalf(self) -> bool:
        """Answers in these modes are typed by the practitioner on the client's behalf."""
        return self in (SessionMode.PHONE, SessionMode.POSTED)


class SessionStatus(StrEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"


class Session(Record):
    id: str = Field(default_factory=new_id)
    date: dt.date = Field(default_factory=lambda: now().date())
    mode: SessionMode = SessionMode.OFFICE
    practitioner: str
    planned: list[str] = Field(default_factory=list)
    status: SessionStatus = SessionStatus.PLANNED
    notes: str = ""
    rar_activity: bool = False
    started_at: Stamp | None = None
    ended_at: Stamp | None = None
    #: the next appointment, when one was made in this session (for the contact record)
    next_appointment: Stamp | None = None

    @field_validator("notes")
    @classmethod
    def _clean_notes(cls, v: str) -> str:
        return clean_text(v)

    @property
    def order(self) -> dt.date:
        """Sessions stand in order of their day; sort on this, stably, from the file's order, and
        sessions on one day stand in the order they were made (never by a clock: see
        `store.latest`)."""
        return self.date


#: how deep an answer may nest (a table is a list of rows of cells: 3); deeper is not ours
VALUE_DEPTH = 6


def _depth_ok(value: Any, limit: int) -> bool:
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, (list, dict)):
            if depth > limit:
                return False
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
    return True


class Answer(Record):
    session_id: str
    exercise_id: str
    step_id: str
    value: Any
    updated_at: Stamp = Field(default_factory=now)
    recorded_by: str
    #: typed by the practitioner for the client (a phone or posted session): the client's words
    on_behalf: bool = False
    #: whose words these are: the client's, or the practitioner's judgement
    voice: Literal["client", "practitioner"] = "client"
    disclosure: bool = False

    @field_validator("value", mode="before")
    @classmethod
    def _shallow(cls, v: Any) -> Any:
        if not _depth_ok(v, VALUE_DEPTH):
            raise ValueError(f"an answer nested more than {VALUE_DEPTH} levels deep")
        return clean_value(v)


class ManagerReview(Record):
    """A treatment manager's review of a follow-up: when it was discussed, what was decided and
    done, and whether information was shared, with whom."""

    discussed_on: date
    decision: str = Field(min_length=1, max_length=NOTE_MAX)
    action: str = Field(default="", max_length=NOTE_MAX)
    shared: bool = False
    shared_with: str = Field(default="", max_length=500)
    by: str
    at: Stamp = Field(default_factory=now)

    @field_validator("decision", "action", "shared_with", "by")
    @classmethod
    def _clean(cls, v: str) -> str:
        return clean_text(v).strip()


class FollowUp(Record):
    id: str = Field(default_factory=new_id)
    opened_at: Stamp = Field(default_factory=now)
    reason: str
    exercise_id: str = ""
    step_id: str = ""
    session_id: str = ""
    action: str = "Discuss with the treatment manager; follow the information-sharing protocol."
    closed_on: date | None = None
    closed_note: str = ""
    closed_by: str = ""
    #: the treatment manager's reviews, oldest first
    reviews: list[ManagerReview] = Field(default_factory=list)

    @field_validator("reason", "action", "closed_by")
    @classmethod
    def _clean_line(cls, v: str) -> str:
        return clean_line(v)

    @field_validator("closed_note")
    @classmethod
    def _clean_note(cls, v: str) -> str:
        return clean_text(v).strip()

    @property
    def is_open(self) -> bool:
        return self.closed_on is None


#: which plan a record is of: a slug, the kind its template declares ("wellbeing",
#: "keep-safe"). The plans are content (`exercises.plan_templates`): the services check a kind
#: against it where a plan record is written; the store keeps any well-formed one.
PlanKind = Annotated[str, Field(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=64)]

#: whether the client agreed a saved plan (a reason is kept for the last two).
Agreement = Literal["agreed", "not_agreed", "could_not_answer"]


class PlanVersion(Record):
    id: str = Field(default_factory=new_id)
    kind: PlanKind
    number: int = Field(ge=1)
    saved_at: Stamp = Field(default_factory=now)
    saved_by: str
    markdown: str
    agreement: Agreement
    agreement_reason: str = ""
    review_on: date | None = None
    #: a treatment manager's countersignature: the version can then only be superseded
    countersigned_by: str = ""
    countersigned_at: Stamp | None = None
    #: the compiled plan itself (as data), so a saved version exports in every format exactly
    #: as it was saved; None in versions saved before it was kept.
    content: dict[str, Any] | None = None

    @field_validator("agreement_reason", "saved_by")
    @classmethod
    def _clean_reason(cls, v: str) -> str:
        return clean_line(v)


class PlanEdit(Record):
    """A rewording of one item of a plan, agreed with the client before it is saved.

    The answer it rewords stays in the record as given; the plan shows `wording` in its place
    while the answer still reads `original` (a changed answer makes the rewording stale).
    `index` is the item's place in a list answer, or -1 for a prose answer.
    """

    id: str = Field(default_factory=new_id)
    kind: PlanKind
    exercise_id: str
    step_id: str
    index: int = Field(ge=-1, le=500)
    original: str = Field(max_length=NOTE_MAX)
    wording: str = Field(min_length=1, max_length=NOTE_MAX)
    by: str
    at: Stamp = Field(default_factory=now)

    @field_validator("wording", "original")
    @classmethod
    def _clean(cls, v: str) -> str:
        return clean_text(v).strip()


class Referral(Record):
    """A practitioner's decision on one intervention, kept beside the advisory eligibility check.

    Going against the advice (referring when the check did not say suitable, or not referring when
    it did) needs a reason: professional judgement decides, and says why.
    """

    id: str = Field(default_factory=new_id)
    intervention_id: str = Field(min_length=1, max_length=80)
    decision: Literal["refer", "not_refer"]
    #: the check's verdict when the decision was made.
    advice: str | None = Field(default=None, max_length=40)
    against_advice: bool = False
    reason: str = Field(default="", max_length=NOTE_MAX)
    recorded_at: Stamp = Field(default_factory=now)
    recorded_by: str = Field(min_length=1)

    @field_validator("reason")
    @classmethod
    def _reason(cls, v: str, info: Any) -> str:
        v = clean_text(v).strip()
        if info.data.get("against_advice") and not v:
            raise ValueError("a reason is needed when the decision goes against the advice")
        return v
