"""Pydantic records kept in a client's TinyDB file.

Every record forbids unknown fields and carries a `schema_version`, so a file written by a newer
version is refused with a clear message instead of being half-read.
"""

from __future__ import annotations

import datetime as dt
import uuid
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, field_validator

from store.text import clean_line, clean_text

SCHEMA_VERSION = 1

RecordT = TypeVar("RecordT", bound=BaseModel)

NAME_MAX = 120
NOTE_MAX = 4000


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
    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    schema_version: int = SCHEMA_VERSION

    @field_validator("schema_version")
    @classmethod
    def _known_version(cls, v: int) -> int:
        if v > SCHEMA_VERSION:
            raise ValueError(
                f"written by a newer version of Wellbeing Guide (schema {v}, this one reads {SCHEMA_VERSION})"
            )
        return v


class Gender(StrEnum):
    MALE = "male"
    FEMALE = "female"
    NON_BINARY = "non_binary"
    NOT_STATED = "not_stated"


class ProgrammeStage(StrEnum):
    PRE_GROUP = "pre_group"
    GROUP = "group"
    POST_GROUP = "post_group"


class RiskLevel(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    VERY_HIGH = "very_high"


class Needs(Record):
    """Responsivity needs that change how sessions are run."""

    interpreter: bool = False
    language: str = ""
    literacy: Literal["", "good", "some_difficulty", "cannot_read"] = ""
    learning_disability: bool | None = None
    accessibility: str = ""

    @field_validator("language", "accessibility")
    @classmethod
    def _clean(cls, v: str) -> str:
        return clean_line(v)


class RiskProfile(Record):
    """Facts the advisory eligibility check reads. Unknown is None, never a guess.

    `offence_types` holds ids from `exercises.interventions.OFFENCE_TYPES` (checked where it is
    set, in `tui.services.profile_fields`); a known list means any type not in it is absent. Learning
    disability is `Needs.learning_disability`, not repeated here.
    """

    offence_types: list[str] | None = None
    #: risk of serious harm (OASys).
    rosh: RiskLevel | None = None
    #: risk of reoffending band.
    reoffending: RiskLevel | None = None
    ogrs3: int | None = Field(default=None, ge=0, le=100)
    rsr: float | None = Field(default=None, ge=0, le=100)
    #: Spousal Assault Risk Assessment level.
    sara: Literal["low", "medium", "high"] | None = None
    #: ids of programmes completed (e.g. "new-me-strengths", "becoming-new-me-plus").
    completed_programmes: list[str] | None = None
    erg22_recommended: bool | None = None
    extremism_concern: bool | None = None
    alcohol_related_offence: bool | None = None
    alcohol_dependent: bool | None = None
    alcohol_treatment_requirement: bool | None = None
    alcohol_misuse: bool | None = None
    drug_misuse: bool | None = None
    mental_health_need: bool | None = None
    consent: bool | None = None


class Client(Record):
    id: str
    name: str = Field(min_length=1, max_length=NAME_MAX)
    date_of_birth: date | None = None
    gender: Gender | None = None
    programme_stage: ProgrammeStage | None = None
    order_type: str = ""
    rar_days: int | None = Field(default=None, ge=0, le=1000)
    order_end: date | None = None
    needs: Needs = Field(default_factory=Needs)
    risk: RiskProfile = Field(default_factory=RiskProfile)
    #: restricted records are kept read-only (data protection "restrict processing").
    restricted: bool = False
    created_at: datetime = Field(default_factory=now)

    @field_validator("name")
    @classmethod
    def _clean_name(cls, v: str) -> str:
        cleaned = clean_line(v)
        if not cleaned:
            raise ValueError("a name or initials is needed")
        return cleaned

    @field_validator("order_type")
    @classmethod
    def _clean_order(cls, v: str) -> str:
        return clean_line(v)


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
    started_at: dt.datetime | None = None
    ended_at: dt.datetime | None = None

    @field_validator("notes")
    @classmethod
    def _clean_notes(cls, v: str) -> str:
        return clean_text(v)


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
    updated_at: datetime = Field(default_factory=now)
    recorded_by: str
    on_behalf: bool = False
    disclosure: bool = False

    @field_validator("value", mode="before")
    @classmethod
    def _shallow(cls, v: Any) -> Any:
        if not _depth_ok(v, VALUE_DEPTH):
            raise ValueError(f"an answer nested more than {VALUE_DEPTH} levels deep")
        return v


class FollowUp(Record):
    id: str = Field(default_factory=new_id)
    opened_at: datetime = Field(default_factory=now)
    reason: str
    exercise_id: str = ""
    step_id: str = ""
    session_id: str = ""
    action: str = "Discuss with the treatment manager; follow the information-sharing protocol."
    closed_on: date | None = None
    closed_note: str = ""
    closed_by: str = ""

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


#: whether the client agreed a saved plan (a reason is kept for the last two).
Agreement = Literal["agreed", "not_agreed", "could_not_answer"]


class PlanVersion(Record):
    id: str = Field(default_factory=new_id)
    kind: Literal["wellbeing", "keep-safe"]
    number: int = Field(ge=1)
    saved_at: datetime = Field(default_factory=now)
    saved_by: str
    markdown: str
    agreement: Agreement
    agreement_reason: str = ""
    review_on: date | None = None


class Referral(Record):
    """A practitioner's decision on one intervention, kept beside the advisory eligibility check.

    Going against the advice (referring when the check did not say suitable, or not referring when
    it did) needs a reason: professional judgement decides, and says why.
    """

    id: str = Field(default_factory=new_id)
    intervention_id: str = Field(min_length=1, max_length=80)
    decision: Literal["refer", "not_refer"]
    #: the check's verdict when the decision was made.
    advice: Literal["suitable", "not_suitable", "needs_information"] | None = None
    against_advice: bool = False
    reason: str = Field(default="", max_length=NOTE_MAX)
    recorded_at: datetime = Field(default_factory=now)
    recorded_by: str = Field(min_length=1)

    @field_validator("reason")
    @classmethod
    def _reason(cls, v: str, info: Any) -> str:
        v = clean_text(v).strip()
        if info.data.get("against_advice") and not v:
            raise ValueError("a reason is needed when the decision goes against the advice")
        return v
