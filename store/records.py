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

from store.facts import Fact
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


class Gender(StrEnum):
    MALE = "male"
    FEMALE = "female"
    NON_BINARY = "non_binary"
    NOT_STATED = "not_stated"


class ProgrammeStage(StrEnum):
    PRE_GROUP = "pre_group"
    GROUP = "group"
    POST_GROUP = "post_group"


class Sentence(StrEnum):
    """What the client is serving: the routes the brochure's interventions name."""

    COMMUNITY_ORDER = "community_order"
    SUSPENDED_SENTENCE_ORDER = "suspended_sentence_order"
    LICENCE = "licence"
    POST_SENTENCE_SUPERVISION = "post_sentence_supervision"


class RiskLevel(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    VERY_HIGH = "very_high"


class Needs(Record):
    """Responsivity needs that change how sessions are run."""

    interpreter: Annotated[
        bool, Fact("Needs an interpreter", "needs", name="needs_interpreter")
    ] = False
    language: Annotated[
        str, Fact("Language spoken", "needs", name="needs_language", help="e.g. Polish")
    ] = ""
    literacy: Annotated[
        Literal["", "good", "some_difficulty", "cannot_read"],
        Fact(
            "Reading",
            "needs",
            name="needs_literacy",
            help="some difficulty or cannot read: plans are given as Easy Read",
        ),
    ] = ""
    learning_disability: Annotated[
        bool | None,
        Fact(
            "Learning disability or learning challenges (LDC)",
            "needs",
            name="needs_learning_disability",
            aliases=("learning_disability",),
            yes="has a learning disability or learning challenges",
            no="no learning disability or learning challenges",
        ),
    ] = None
    intellectual_disability: Annotated[
        bool | None,
        Fact(
            "Intellectual disability",
            "needs",
            name="needs_intellectual_disability",
            aliases=("intellectual_disability",),
            help="as the brochure uses it: narrower than learning challenges",
            yes="has an intellectual disability",
            no="no intellectual disability",
        ),
    ] = None
    accessibility: Annotated[
        str,
        Fact(
            "Accessibility needs",
            "needs",
            name="needs_accessibility",
            help="e.g. large print; plans are then printed large",
        ),
    ] = ""

    @field_validator("language", "accessibility")
    @classmethod
    def _clean(cls, v: str) -> str:
        return clean_line(v)


def _flag(label: str, yes: str, no: str, help: str = "") -> Fact:
    return Fact(label, "risk", yes=yes, no=no, help=help)


class RiskProfile(Record):
    """Facts the advisory eligibility check reads. Unknown is None, never a guess.

    `offence_types` holds ids from `exercises.interventions.OFFENCE_TYPES`, `need_areas` ids
    from `exercises.interventions.CLIENT_NEEDS` and `completed_programmes` ids of the
    directory's programmes (checked where they are set, in
    `tui.services.profile_fields`); a known list means anything not in it is absent.
    """

    offence_types: Annotated[
        list[str] | None,
        Fact("Offence types", "risk", vocabulary="offence_types", help="current or past"),
    ] = None
    rosh: Annotated[RiskLevel | None, Fact("Risk of serious harm (RoSH)", "risk")] = None
    reoffending: Annotated[RiskLevel | None, Fact("Risk of reoffending", "risk")] = None
    ogrs3: Annotated[int | None, Fact("OGRS3 score", "risk"), Field(ge=0, le=100)] = None
    rsr: Annotated[float | None, Fact("RSR score", "risk"), Field(ge=0, le=100)] = None
    sara: Annotated[
        Literal["low", "medium", "high"] | None,
        Fact("SARA level (partner violence)", "risk"),
    ] = None
    need_areas: Annotated[
        list[str] | None,
        Fact(
            "Offending-related needs",
            "risk",
            vocabulary="need_areas",
            help="as assessed, e.g. accommodation, family; a known list means the rest are not needs",
        ),
    ] = None
    completed_programmes: Annotated[
        list[str] | None, Fact("Programmes completed", "risk", vocabulary="programmes")
    ] = None
    accredited_programme_suitable: Annotated[
        bool | None,
        _flag(
            "Suitable for an accredited programme",
            "suitable for an accredited programme",
            "not suitable for an accredited programme",
        ),
    ] = None
    tsp_need: Annotated[
        bool | None,
        _flag(
            "Meets the TSP treatment-need threshold",
            "meets the TSP need threshold",
            "below the TSP need threshold",
            help="scored through OASys or the TSP needs assessment tool",
        ),
    ] = None
    maturity_need: Annotated[
        bool | None,
        _flag("Needs to develop maturity", "needs to develop maturity", "no maturity need"),
    ] = None
    erg22_recommended: Annotated[
        bool | None,
        _flag(
            "An ERG 22+ report recommends HII",
            "an ERG 22+ report recommends it",
            "no ERG 22+ recommendation",
        ),
    ] = None
    extremism_concern: Annotated[
        bool | None,
        _flag(
            "Credible concern about extremism",
            "a credible concern about extremism",
            "no concern about extremism",
        ),
    ] = None
    alcohol_related_offence: Annotated[
        bool | None,
        _flag("Offence is alcohol related", "alcohol related", "not alcohol related"),
    ] = None
    alcohol_dependent: Annotated[
        bool | None, _flag("Alcohol dependent", "dependent", "not dependent")
    ] = None
    alcohol_treatment_requirement: Annotated[
        bool | None,
        _flag(
            "Alcohol treatment requirement in place or recommended",
            "in place or recommended",
            "none",
        ),
    ] = None
    alcohol_misuse: Annotated[
        bool | None,
        _flag("Needs treatment for alcohol misuse", "needs treatment", "no treatment need"),
    ] = None
    drug_misuse: Annotated[
        bool | None,
        _flag("Needs treatment for drug misuse", "needs treatment", "no treatment need"),
    ] = None
    mental_health_need: Annotated[
        bool | None,
        _flag("Needs mental health treatment", "needs treatment", "no treatment need"),
    ] = None
    consent: Annotated[bool | None, _flag("Agrees to take part", "agrees", "does not agree")] = None


class Client(Record):
    id: str
    name: Annotated[
        str,
        Fact("Name or initials", "identity"),
        Field(min_length=1, max_length=NAME_MAX),
    ]
    date_of_birth: Annotated[date | None, Fact("Date of birth", "identity", past=True)] = None
    gender: Annotated[Gender | None, Fact("Gender", "identity")] = None
    programme_stage: Annotated[ProgrammeStage | None, Fact("Programme stage", "order")] = None
    sentence: Annotated[
        Sentence | None,
        Fact(
            "Sentence or supervision",
            "order",
            help="community order, suspended sentence order, licence or post-sentence supervision",
        ),
    ] = None
    order_type: Annotated[
        str,
        Fact(
            "Order details", "order", help="in your own words, e.g. the requirements the court set"
        ),
    ] = ""
    rar_days: Annotated[
        int | None, Fact("RAR days on the order", "order"), Field(ge=0, le=1000)
    ] = None
    order_end: Annotated[date | None, Fact("Order end date", "order")] = None
    unpaid_work_hours: Annotated[
        int | None,
        Fact(
            "Unpaid work hours ordered",
            "order",
            help="a court orders 40 to 300 hours",
        ),
        Field(ge=40, le=300),
    ] = None
    needs: Needs = Field(default_factory=Needs)
    risk: RiskProfile = Field(default_factory=RiskProfile)
    #: restricted records are kept read-only (data protection "restrict processing").
    restricted: Annotated[
        bool,
        Fact(
            "Restricted (read-only)",
            "record",
            help="a restricted record is read-only and kept from deletion",
        ),
    ] = False
    created_at: Stamp = Field(default_factory=now)

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


#: whether the client agreed a saved plan (a reason is kept for the last two).
Agreement = Literal["agreed", "not_agreed", "could_not_answer"]


class PlanVersion(Record):
    id: str = Field(default_factory=new_id)
    kind: Literal["wellbeing", "keep-safe"]
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
    kind: Literal["wellbeing", "keep-safe"]
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
