"""A client's profile: who they are, their order, their needs and the facts the eligibility check
reads. Every fact is declared once, with its label and help (`store.facts.Fact`); the profile
form, `client set` and the eligibility check all derive from these declarations. A yes/no fact
that declares a `Criterion` is one an intervention's criteria can ask about (`FLAGS`): the
directory's `Criteria` and the eligibility check take it, and its words, from here. The choices
some facts take are in `store.choices` (and named here too, for the screens and the CLI)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import Field, field_validator

from store.choices import Gender, ProgrammeStage, RiskLevel, Sentence
from store.facts import Criterion, Fact, Flag, flags_of
from store.records import NAME_MAX, Record, Stamp, now
from store.text import clean_line


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
            criterion=Criterion(
                "Learning disability or challenges",
                "made for people with a learning disability or learning challenges",
                "not for people with a learning disability or learning challenges",
                listed=(
                    "For people with learning disabilities or challenges",
                    "Not for people with learning disabilities or challenges",
                ),
                after="sara",
            ),
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
            criterion=Criterion(
                "Intellectual disability",
                "for people with an intellectual disability",
                "not for people with an intellectual disability",
                after="sara",
            ),
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


def _flag(label: str, yes: str, no: str, criterion: Criterion, help: str = "") -> Fact:
    """A yes/no risk fact an intervention's criteria can ask about."""
    return Fact(label, "risk", yes=yes, no=no, help=help, criterion=criterion)


class RiskProfile(Record):
    """Facts the advisory eligibility check reads. Unknown is None, never a guess.

    `offence_types` holds ids from `exercises.interventions.OFFENCE_TYPES`, `need_areas` ids
    from `exercises.interventions.CLIENT_NEEDS` and `completed_programmes` ids of the
    directory's programmes (checked where they are set, in
    `tui.services.clients.profile_fields`); a known list means anything not in it is absent.
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
            Criterion(
                "Accredited programme suitability",
                "not for people recorded as unsuitable for an accredited programme",
                "only for people recorded as unsuitable for an accredited programme",
                listed=(
                    "Not when recorded unsuitable for an accredited programme",
                    "Only when recorded unsuitable for an accredited programme",
                ),
                after="low_risk_or_unsuited_to_programme",
            ),
        ),
    ] = None
    tsp_need: Annotated[
        bool | None,
        _flag(
            "Meets the TSP treatment-need threshold",
            "meets the TSP need threshold",
            "below the TSP need threshold",
            Criterion(
                "Treatment-need threshold",
                "for people who meet the programme's treatment-need threshold",
                "not for people who meet the treatment-need threshold",
                listed=(
                    "The treatment-need threshold must be met",
                    "Not when the treatment-need threshold is met",
                ),
                after="not_eligible_for",
            ),
            help="scored through OASys or the TSP needs assessment tool",
        ),
    ] = None
    maturity_need: Annotated[
        bool | None,
        _flag(
            "Needs to develop maturity",
            "needs to develop maturity",
            "no maturity need",
            Criterion(
                "Maturity",
                "for people who need to develop maturity",
                "not for people who need to develop maturity",
                after="not_eligible_for",
            ),
        ),
    ] = None
    erg22_recommended: Annotated[
        bool | None,
        _flag(
            "An ERG 22+ report recommends HII",
            "an ERG 22+ report recommends it",
            "no ERG 22+ recommendation",
            Criterion(
                "ERG 22+ recommendation",
                "only when an ERG 22+ report recommends it",
                "not when an ERG 22+ report recommends it",
                listed=("Needs ERG 22+ recommendation", "Not with ERG 22+ recommendation"),
            ),
        ),
    ] = None
    extremism_concern: Annotated[
        bool | None,
        _flag(
            "Credible concern about extremism",
            "a credible concern about extremism",
            "no concern about extremism",
            Criterion(
                "Extremism concern",
                "for people about whom there is a credible concern about extremism",
                "not for people about whom there is a credible concern about extremism",
                listed=(
                    "Needs credible concern about extremism",
                    "Not with credible concern about extremism",
                ),
            ),
        ),
    ] = None
    alcohol_related_offence: Annotated[
        bool | None,
        _flag(
            "Offence is alcohol related",
            "alcohol related",
            "not alcohol related",
            Criterion(
                "Alcohol-related offence",
                "for an offence that is alcohol related",
                "not for an offence that is alcohol related",
                listed=("Needs alcohol-related offence", "Not with alcohol-related offence"),
            ),
        ),
    ] = None
    alcohol_dependent: Annotated[
        bool | None,
        _flag(
            "Alcohol dependent",
            "dependent",
            "not dependent",
            Criterion(
                "Alcohol dependence",
                "for people who are alcohol dependent",
                "not for people who are alcohol dependent",
                listed=("Needs alcohol dependence", "Not with alcohol dependence"),
            ),
        ),
    ] = None
    alcohol_treatment_requirement: Annotated[
        bool | None,
        _flag(
            "Alcohol treatment requirement in place or recommended",
            "in place or recommended",
            "none",
            Criterion(
                "Alcohol treatment requirement",
                "when an alcohol treatment requirement is in place or recommended",
                "not when an alcohol treatment requirement is in place or recommended",
                listed=(
                    "Needs alcohol treatment requirement",
                    "Not with alcohol treatment requirement",
                ),
            ),
        ),
    ] = None
    alcohol_misuse: Annotated[
        bool | None,
        _flag(
            "Needs treatment for alcohol misuse",
            "needs treatment",
            "no treatment need",
            Criterion(
                "Alcohol misuse",
                "for people who need treatment for alcohol misuse",
                "not for people who need treatment for alcohol misuse",
                listed=(
                    "Needs alcohol misuse needing treatment",
                    "Not with alcohol misuse needing treatment",
                ),
            ),
        ),
    ] = None
    drug_misuse: Annotated[
        bool | None,
        _flag(
            "Needs treatment for drug misuse",
            "needs treatment",
            "no treatment need",
            Criterion(
                "Drug misuse",
                "for people who need treatment for drug misuse",
                "not for people who need treatment for drug misuse",
                listed=(
                    "Needs drug misuse needing treatment",
                    "Not with drug misuse needing treatment",
                ),
            ),
        ),
    ] = None
    mental_health_need: Annotated[
        bool | None,
        _flag(
            "Needs mental health treatment",
            "needs treatment",
            "no treatment need",
            Criterion(
                "Mental health",
                "for people who need mental health treatment",
                "not for people who need mental health treatment",
                listed=(
                    "Needs mental health treatment need",
                    "Not with mental health treatment need",
                ),
            ),
        ),
    ] = None
    consent: Annotated[
        bool | None,
        _flag(
            "Agrees to take part",
            "agrees",
            "does not agree",
            Criterion(
                "Consent",
                "needs the person's agreement",
                "no consent is needed",
                listed=("Needs the person's consent", "No consent needed"),
            ),
        ),
    ] = None


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


#: the yes/no facts an intervention's criteria can ask about, in the client's order: key -> flag.
FLAGS: dict[str, Flag] = flags_of(Client)


__all__ = [
    "FLAGS",
    "Client",
    "Gender",
    "Needs",
    "ProgrammeStage",
    "RiskLevel",
    "RiskProfile",
    "Sentence",
]
