"""The interventions directory: typed, frozen models of one intervention, and the loader.

Each intervention is one markdown file in `exercises/directory/` (or a service's own folder): the
front matter holds who it is for (`criteria`) and how it is run (`delivery`) as data, the body a
plain-language description. The eligibility check in `tui.services.eligibility` reads `Criteria`; nothing
here knows about clients or Textual.

An absent criterion means the brochure sets no condition of that kind. Booleans in `criteria` say
what a yes/no fact of the profile must be: `alcohol_dependent: false` means "not for people who
are alcohol dependent", `erg22_recommended: true` means "only when an ERG 22+ report recommends
it". `consent: true` means the person must agree to take part; `consent: false` means the
requirement needs no consent. Those keys are not listed here: every yes/no fact whose `Fact`
declares a `Criterion` (`store.profile.FLAGS`) is one, with its words (`criteria_model`).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Literal, TypeAlias

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    create_model,
    field_validator,
    model_validator,
)

from exercises.errors import ContentError
from exercises.frontmatter import split_front_matter
from exercises.source import read_source
from store.facts import Flag
from store.profile import FLAGS

#: brochure sections, in the brochure's order: id -> label.
SECTIONS: dict[str, str] = {
    "programme": "Accredited programmes",
    "structured": "Structured interventions",
    "rehabilitative": "Rehabilitative services",
    "toolkit": "Practitioner toolkits",
    "treatment": "Treatment requirements",
    "monitoring": "Electronic monitoring",
    "unpaid_work": "Unpaid work",
}

#: kinds of intervention: id -> label.
TYPES: dict[str, str] = {
    "programme": "Accredited programme",
    "structured_intervention": "Structured intervention",
    "service": "Commissioned service",
    "toolkit": "Practitioner toolkit",
    "requirement": "Court requirement",
}

#: need areas an intervention can meet: id -> label.
NEED_AREAS: dict[str, str] = {
    "thinking_behaviour": "Thinking, attitudes and behaviour",
    "relationships": "Relationships",
    "intimate_partner_violence": "Intimate partner violence",
    "violence": "Violence and aggression",
    "sexual_offending": "Sexual offending",
    "extremism": "Extremism",
    "emotional_management": "Managing emotions",
    "maturity": "Maturity (young adults)",
    "accommodation": "Accommodation",
    "dependency_recovery": "Dependency and recovery",
    "education_training_employment": "Education, training and employment",
    "emotional_wellbeing": "Emotional wellbeing",
    "peer_support": "Peers, associates and lifestyle",
    "family": "Family and significant others",
    "social_inclusion": "Social inclusion",
    "finance_benefits_debt": "Finance, benefits and debt",
    "mental_health": "Mental health",
    "drugs": "Drug misuse",
    "alcohol": "Alcohol misuse",
    "compliance": "Compliance and monitoring",
    "reparation": "Reparation to the community",
}

#: offence types used by criteria and by the client's risk profile: id -> short label.
#: contact_sexual is any sexual or sexually motivated offence other than internet-only images;
#: internet_sexual is possessing, downloading or sharing indecent images with no contact.
OFFENCE_TYPES: dict[str, str] = {
    "ipv": "intimate partner violence",
    "violence": "general violence or aggression",
    "contact_sexual": "contact sexual offence",
    "internet_sexual": "internet-only sexual offence",
    "extremism": "terrorism or extremism",
    "acquisitive": "acquisitive offence",
    "drugs": "drug offence",
    "drink_driving": "drink driving",
    "dangerous_driving": "dangerous driving",
    "other": "other offence",
}

#: need areas a client's assessment can record (`need_areas` on the profile): the directory's need
#: areas that are needs of a person, not offences (those are `OFFENCE_TYPES`) or sentence aims.
CLIENT_NEEDS: tuple[str, ...] = (
    "accommodation",
    "education_training_employment",
    "finance_benefits_debt",
    "relationships",
    "family",
    "peer_support",
    "social_inclusion",
    "emotional_wellbeing",
    "mental_health",
    "emotional_management",
    "thinking_behaviour",
    "dependency_recovery",
    "drugs",
    "alcohol",
)

#: the routes into an intervention the brochure names: id -> words.
ROUTES: dict[str, str] = {
    "rar": "a community or suspended sentence order with a RAR",
    "licence": "a licence or post-sentence supervision",
    "court_order": "a community or suspended sentence order",
}

RiskLevel = Literal["low", "medium", "high", "very_high"]
SaraLevel = Literal["low", "medium", "high"]
Gender = Literal["male", "female"]
Format = Literal["group", "one_to_one"]

_SLUG = re.compile(r"[a-z0-9]+(?:[-_][a-z0-9]+)*")


class Frozen(BaseModel):
    """Base for directory models: immutable, unknown fields are an error."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class Range(Frozen):
    """An inclusive range; either end may be open."""

    min: int | None = Field(default=None, ge=0)
    max: int | None = Field(default=None, ge=0)

    @model_validator(mode="after")
    def _ordered(self) -> Range:
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"min ({self.min}) is more than max ({self.max})")
        return self

    def describe(self, unit: str = "") -> str:
        """'18-25', '18+', 'up to 120' (with `unit` appended)."""
        tail = f" {unit}" if unit else ""
        if self.min is not None and self.max is not None:
            text = str(self.min) if self.min == self.max else f"{self.min}-{self.max}"
        elif self.min is not None:
            text = f"{self.min}+"
        elif self.max is not None:
            text = f"up to {self.max}"
        else:
            return "any"
        return text + tail

    def contains(self, value: int) -> bool:
        return (self.min is None or value >= self.min) and (self.max is None or value <= self.max)


class Exception_(Frozen):
    """Where the brochure lets someone in although a criterion is not met: the check then says
    "needs professional judgement" and quotes the brochure, never "not suitable".

    `values` narrows it to some recorded values (Stepping Stones: high risk of serious harm,
    not very high); empty means any way the criterion is unmet.
    """

    criterion: str
    values: tuple[str, ...] = ()
    #: the brochure's own words, quoted.
    quote: str = Field(min_length=1, max_length=400)
    #: how the quote bears on it: the brochure `allows` an exception in so many words; it is
    #: `silent` on the recorded value (Resolve at very high risk); or its words are to `weigh`
    #: (a programme it prefers, a group it prioritises).
    kind: Literal["allows", "silent", "weigh"] = "allows"


class LocalCheck(Frozen):
    """A condition the brochure sets that no profile fact can show (motivation, a provider's
    willingness): the check names it, quoted, and never says "likely suitable" past it."""

    label: str = Field(min_length=1, max_length=60)
    #: the brochure's own words, quoted.
    quote: str = Field(min_length=1, max_length=400)


#: fields of `Criteria` that are not checks.
_NOT_CRITERIA = ("exceptions", "notes", "local")


class CriteriaBase(Frozen):
    """Who an intervention is for, as the brochure states it. Each field is one kind of check:
    these, and a yes/no field for each flag of the profile (`criteria_model` adds them; a flag's
    `Criterion` says where it is checked and listed, `ORDER`)."""

    #: the yes/no facts this model has a field for: key -> flag (set by `criteria_model`).
    FLAGS: ClassVar[Mapping[str, Flag]] = {}
    #: every criterion key, in the order they are checked and listed (set by `criteria_model`).
    ORDER: ClassVar[tuple[str, ...]] = ()

    gender: tuple[Gender, ...] = ()
    age: Range | None = None
    #: the routes in (any one will do): ids of `ROUTES`.
    route: tuple[str, ...] = ()
    #: at least one of these needs must be recorded: ids of `CLIENT_NEEDS`.
    need_any: tuple[str, ...] = ()
    #: at least one of these offence types is needed.
    offence_types: tuple[str, ...] = ()
    #: none of these offence types may be present.
    excluded_offence_types: tuple[str, ...] = ()
    rosh: tuple[RiskLevel, ...] = ()
    reoffending: tuple[RiskLevel, ...] = ()
    ogrs3_min: int | None = Field(default=None, ge=0, le=100)
    sara: tuple[SaraLevel, ...] = ()
    #: True: not for someone who has completed another programme.
    not_after_programme: bool | None = None
    #: True: for people at low risk of reoffending, or unsuitable for an accredited programme.
    low_risk_or_unsuited_to_programme: bool | None = None
    #: ids of directory programmes the person must not be eligible for (Maps for Change: "not
    #: eligible for an Accredited Programme"); a recorded answer to `accredited_programme_suitable`
    #: settles it first, else those entries' own verdicts.
    not_eligible_for: tuple[str, ...] = ()
    #: the hours a court may order (Unpaid Work: 40-300).
    unpaid_work_hours: Range | None = None
    #: at least one of these programmes must have been completed.
    completed_any: tuple[str, ...] = ()
    #: where the brochure allows someone in although a criterion is unmet.
    exceptions: tuple[Exception_, ...] = ()
    #: conditions the brochure sets that only a local assessment can settle.
    local: tuple[LocalCheck, ...] = ()
    #: what the brochure adds that no fact can check (shown, never evaluated).
    notes: tuple[str, ...] = ()

    @field_validator("exceptions")
    @classmethod
    def _exceptions_name_criteria(
        cls, v: tuple[Exception_, ...], info: ValidationInfo
    ) -> tuple[Exception_, ...]:
        for item in v:
            if item.criterion in _NOT_CRITERIA or item.criterion not in cls.model_fields:
                raise ValueError(f"an exception names unknown criterion {item.criterion!r}")
            if info.data.get(item.criterion) in (None, ()):
                raise ValueError(
                    f"an exception names criterion {item.criterion!r}, which is not set here"
                )
        return v

    @field_validator("offence_types", "excluded_offence_types")
    @classmethod
    def _known_offences(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        unknown = [o for o in v if o not in OFFENCE_TYPES]
        if unknown:
            raise ValueError(
                f"unknown offence type {unknown[0]!r} (known: {', '.join(OFFENCE_TYPES)})"
            )
        return v

    @field_validator("route")
    @classmethod
    def _known_routes(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        unknown = [r for r in v if r not in ROUTES]
        if unknown:
            raise ValueError(f"unknown route {unknown[0]!r} (known: {', '.join(ROUTES)})")
        return v

    @field_validator("need_any")
    @classmethod
    def _known_needs(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        unknown = [n for n in v if n not in CLIENT_NEEDS]
        if unknown:
            raise ValueError(f"unknown need {unknown[0]!r} (known: {', '.join(CLIENT_NEEDS)})")
        return v

    @field_validator("completed_any", "not_eligible_for")
    @classmethod
    def _slugs(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        for item in v:
            if not _SLUG.fullmatch(item):
                raise ValueError(f"programme id {item!r} must be lower-case words joined by '-'")
        return v

    def describe(self, names: Mapping[str, str] | None = None) -> list[str]:
        """The criteria in plain words, one line each (for the directory's detail view), in
        `ORDER`; a yes/no fact's line is the one its `Criterion` lists. `names` maps programme
        ids to their names, where the directory is at hand."""
        fixed = self._fixed_lines(names or {})
        lines = []
        for key in self.ORDER:
            flag = self.FLAGS.get(key)
            value = getattr(self, key)
            if flag is not None and value is not None:
                lines.append(flag.criterion.line(value))
            elif key in fixed:
                lines.append(fixed[key])
        heads = {"allows": "Exception", "silent": "Brochure silent", "weigh": "To weigh"}
        lines += [f"{heads[e.kind]}: “{e.quote}”" for e in self.exceptions]
        lines += [f"Judged locally ({c.label}): “{c.quote}”" for c in self.local]
        return lines

    def _fixed_lines(self, names: Mapping[str, str]) -> dict[str, str]:
        """The lines of the criteria set here that are not yes/no facts: key -> line."""

        def programmes(ids: Iterable[str]) -> str:
            return ", ".join(names.get(i) or i.replace("-", " ").title() for i in ids)

        levels = {"low": "low", "medium": "medium", "high": "high", "very_high": "very high"}

        def words(values: Iterable[str], table: dict[str, str]) -> str:
            return ", ".join(table.get(v, v) for v in values)

        lines: dict[str, str] = {}
        if self.gender:
            people = ["men" if g == "male" else "women" for g in self.gender]
            lines["gender"] = "For " + " and ".join(people)
        if self.age is not None:
            lines["age"] = f"Age {self.age.describe()}"
        if self.route:
            lines["route"] = "On " + ", or on ".join(ROUTES[r] for r in self.route)
        if self.need_any:
            lines["need_any"] = f"A need in: {words(self.need_any, NEED_AREAS).lower()}"
        if self.offence_types:
            lines["offence_types"] = f"Offence: one of {words(self.offence_types, OFFENCE_TYPES)}"
        if self.excluded_offence_types:
            excluded = words(self.excluded_offence_types, OFFENCE_TYPES)
            lines["excluded_offence_types"] = f"Not for: {excluded}"
        if self.rosh:
            lines["rosh"] = f"Risk of serious harm: {words(self.rosh, levels)}"
        if self.reoffending:
            lines["reoffending"] = f"Risk of reoffending: {words(self.reoffending, levels)}"
        if self.ogrs3_min is not None:
            lines["ogrs3_min"] = f"OGRS3 score {self.ogrs3_min} or more"
        if self.sara:
            lines["sara"] = f"SARA: {words(self.sara, levels)}"
        if self.not_after_programme:
            lines["not_after_programme"] = "Not normally after another programme"
        if self.low_risk_or_unsuited_to_programme:
            lines["low_risk_or_unsuited_to_programme"] = (
                "For people at low risk of reoffending, or unsuitable for a programme"
            )
        if self.not_eligible_for:
            lines["not_eligible_for"] = f"Not eligible for: {programmes(self.not_eligible_for)}"
        if self.unpaid_work_hours is not None:
            lines["unpaid_work_hours"] = f"An order of {self.unpaid_work_hours.describe('hours')}"
        if self.completed_any:
            lines["completed_any"] = f"Completed one of: {programmes(self.completed_any)}"
        return lines


def criterion_order(flags: Mapping[str, Flag]) -> tuple[str, ...]:
    """Every criterion key in the order they are checked and listed: the fixed ones as
    `CriteriaBase` declares them, each flag after the one its `Criterion.after` names (flags
    naming the same one in the profile's order), the rest at the end."""
    fixed = [key for key in CriteriaBase.model_fields if key not in _NOT_CRITERIA]
    clash = [key for key in flags if key in CriteriaBase.model_fields]
    if clash:
        raise ValueError(f"yes/no fact {clash[0]!r} has the name of a criterion of its own")
    following: dict[str, list[str]] = {}
    for key, flag in flags.items():
        following.setdefault(flag.criterion.after, []).append(key)
    order: list[str] = []

    def place(key: str) -> None:
        order.append(key)
        for later in following.get(key, ()):
            place(later)

    for key in fixed:
        place(key)
    for key in following.get("", ()):
        place(key)
    lost = [key for key in flags if key not in order]
    if lost:
        after = flags[lost[0]].criterion.after
        raise ValueError(
            f"yes/no fact {lost[0]!r} is to follow {after!r}, which is no criterion placed before it"
        )
    return tuple(order)


def criteria_model(flags: Mapping[str, Flag]) -> type[CriteriaBase]:
    """The `Criteria` model for a profile's flags: `CriteriaBase` and a yes/no field (`bool |
    None`, absent: no condition) per flag. The flags' fields come first, so that the exceptions'
    check sees them (pydantic validates fields in order)."""
    order = criterion_order(flags)
    fields: dict[str, Any] = {key: (bool | None, None) for key in flags}
    yes_no = create_model("CriteriaFlags", __base__=Frozen, __module__=__name__, **fields)
    made = _criteria(
        create_model(
            "Criteria",
            __base__=(CriteriaBase, yes_no),
            __module__=__name__,
            __doc__=CriteriaBase.__doc__,
        )
    )
    made.FLAGS = dict(flags)
    made.ORDER = order
    return made


def _criteria(made: type[BaseModel]) -> type[CriteriaBase]:
    assert issubclass(made, CriteriaBase)
    return made


if TYPE_CHECKING:
    # The type checker knows the fixed fields; a yes/no field is read by its key (`getattr`,
    # `FLAGS`), as the profile declares it, never by a name written in code.
    Criteria: TypeAlias = CriteriaBase
else:
    #: who an intervention is for: the fixed criteria and one yes/no field per profile flag.
    Criteria = criteria_model(FLAGS)


class Delivery(Frozen):
    """How an intervention is run."""

    formats: tuple[Format, ...] = Field(min_length=1)
    #: formats offered only in exceptional cases (e.g. a group programme one-to-one).
    exceptional: tuple[Format, ...] = ()
    sessions: Range | None = None
    hours: Range | None = None
    days: Range | None = None
    group_size: int | None = Field(default=None, ge=1, le=100)
    duration: str = ""
    notes: str = ""

    @model_validator(mode="after")
    def _exceptional_is_offered(self) -> Delivery:
        if not set(self.exceptional) <= set(self.formats):
            raise ValueError("exceptional formats must also be listed in formats")
        return self

    def summary(self) -> str:
        """One line: 'group or one-to-one; 19 sessions; groups of up to 12'."""
        words = {"group": "group", "one_to_one": "one-to-one"}
        usual = [f for f in self.formats if f not in self.exceptional]
        parts = [" or ".join(words[f] for f in usual or self.formats)]
        if self.exceptional and usual:
            parts[0] += " (" + " or ".join(words[f] for f in self.exceptional)
            parts[0] += " only in exceptional cases)"
        if self.sessions is not None:
            parts.append(self.sessions.describe("sessions"))
        if self.hours is not None:
            parts.append(self.hours.describe("hours"))
        if self.days is not None:
            parts.append(self.days.describe("days"))
        if self.group_size is not None:
            parts.append(f"groups of up to {self.group_size}")
        if self.duration:
            parts.append(self.duration)
        return "; ".join(parts)


class Intervention(Frozen):
    """One entry of the directory."""

    id: str
    name: str = Field(min_length=1, max_length=120)
    short_name: str = ""
    section: str
    type: str
    need_areas: tuple[str, ...] = Field(min_length=1)
    summary: str = Field(min_length=1, max_length=300)
    criteria: Criteria = Field(default_factory=Criteria)
    delivery: Delivery
    source: str = Field(min_length=1)
    #: the description (markdown), in the project's own words.
    body: str = ""
    path: str = ""

    @field_validator("id")
    @classmethod
    def _id(cls, v: str) -> str:
        if not _SLUG.fullmatch(v):
            raise ValueError(f"id {v!r} must be lower-case letters and digits joined by '-'")
        return v

    @field_validator("section")
    @classmethod
    def _section(cls, v: str) -> str:
        if v not in SECTIONS:
            raise ValueError(f"unknown section {v!r} (known: {', '.join(SECTIONS)})")
        return v

    @field_validator("type")
    @classmethod
    def _type(cls, v: str) -> str:
        if v not in TYPES:
            raise ValueError(f"unknown type {v!r} (known: {', '.join(TYPES)})")
        return v

    @field_validator("need_areas")
    @classmethod
    def _needs(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        unknown = [n for n in v if n not in NEED_AREAS]
        if unknown:
            raise ValueError(f"unknown need area {unknown[0]!r} (known: {', '.join(NEED_AREAS)})")
        return v

    @property
    def section_label(self) -> str:
        return SECTIONS[self.section]

    @property
    def type_label(self) -> str:
        return TYPES[self.type]

    @property
    def need_labels(self) -> tuple[str, ...]:
        return tuple(NEED_AREAS[n] for n in self.need_areas)

    @property
    def genders(self) -> tuple[str, ...]:
        """Genders it is open to: the criterion, or both when the brochure sets none."""
        return self.criteria.gender or ("male", "female")


def shipped_dir() -> Path:
    """The directory folder shipped inside this package (works from a wheel too)."""
    return Path(__file__).resolve().parent / "directory"


def _key_line(front: list[str], loc: Sequence[Any], default: int) -> int:
    """Best file line for a validation error at `loc` (front-matter lines start at file line 2)."""
    keys = [k for k in loc if isinstance(k, str)]
    line = default
    start = 0
    for key in keys:
        pattern = re.compile(rf"^\s*(?:-\s*)?{re.escape(key)}\s*:")
        for i in range(start, len(front)):
            if pattern.match(front[i]):
                line, start = i + 2, i + 1
                break
    return line


def parse_intervention(text: str, path: str) -> Intervention:
    """Build one intervention from a file's text; raises `ContentError` at the offending line."""
    meta, body, _start = split_front_matter(text, path)
    front = text.replace("\r\n", "\n").lstrip("\ufeff").split("\n")[1:]
    try:
        return Intervention.model_validate({**meta, "body": body.strip(), "path": path})
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"])
        line = _key_line(front, err["loc"], 2)
        message = err["msg"].removeprefix("Value error, ")
        raise ContentError(path, line, f"{where}: {message}") from None


@functools.lru_cache(maxsize=256)
def _parsed(text: str, path: str) -> Intervention:
    """`parse_intervention`, once per text: each file is read every time (a pack may change),
    the same text parsed once (every plan and eligibility check reads the directory)."""
    return parse_intervention(text, path)


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("*.md") if p.is_file())


def load_directory(
    extra_dirs: Iterable[str | Path] = (),
) -> tuple[list[Intervention], list[ContentError]]:
    """Read the shipped directory and any extra folders; a broken file is a problem, not a crash.

    A later folder's intervention with the same id as an earlier one is reported, not loaded.
    """
    found: list[Intervention] = []
    problems: list[ContentError] = []
    seen: dict[str, str] = {}
    for folder in (shipped_dir(), *(Path(d) for d in extra_dirs)):
        if not folder.is_dir():
            problems.append(ContentError(str(folder), 0, "not a folder"))
            continue
        for file in _files(folder):
            try:
                item = _parsed(read_source(file), str(file))
            except ContentError as exc:
                problems.append(exc)
                continue
            except (OSError, UnicodeDecodeError) as exc:
                problems.append(ContentError(str(file), 1, f"cannot read: {exc}"))
                continue
            if item.id in seen:
                problems.append(
                    ContentError(str(file), 2, f"id {item.id!r} is already used by {seen[item.id]}")
                )
                continue
            seen[item.id] = str(file)
            found.append(item)
    found, broken = _check_relations(found)
    problems += broken
    order = list(SECTIONS)
    found.sort(key=lambda i: (order.index(i.section), i.name.lower()))
    return found, problems


def _check_relations(
    found: list[Intervention],
) -> tuple[list[Intervention], list[ContentError]]:
    """`not_eligible_for` must name accredited programmes of the directory: an entry naming
    anything else is a problem at that key's line, and is left out."""
    kinds = {item.id: item.type for item in found}
    kept: list[Intervention] = []
    problems: list[ContentError] = []
    for item in found:
        wrong = [i for i in item.criteria.not_eligible_for if kinds.get(i) != "programme"]
        if not wrong:
            kept.append(item)
            continue
        try:
            lines = read_source(Path(item.path)).replace("\r\n", "\n").split("\n")
        except (OSError, UnicodeDecodeError):
            lines = []
        line = next(
            (n for n, text in enumerate(lines, 1) if text.strip().startswith("not_eligible_for")), 2
        )
        problems.append(
            ContentError(
                item.path,
                line,
                f"criteria.not_eligible_for: {wrong[0]!r} is not an accredited programme"
                " of the directory",
            )
        )
    return kept, problems
