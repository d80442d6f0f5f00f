"""The advisory eligibility check: a client's profile against each intervention's criteria.

Advisory only: professional judgement decides. The logic is driven by the criteria data (one
evaluator per kind of criterion, `EVALUATORS`; no code names a particular intervention), and a
verdict is only as strong as what was checked:

- a criterion comes out `met`, `unmet` or `unknown`, with a reason in plain words; where the
  brochure allows an exception to an unmet criterion, it is `judgement`, quoting the brochure;
- an intervention is `not_suitable` if any criterion is unmet, else `needs_judgement` if an
  exception applies, else `needs_information` if a fact is unknown, else `suitable`; but when
  nothing about it can be checked from a profile at all, `check_locally`, never "suitable".

Unknown facts are listed by the `client set` names that would settle them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from exercises.interventions import NEED_AREAS, OFFENCE_TYPES, Criteria, Intervention, Range
from store.facts import Fact, plain
from store.records import Client
from tui.services.profile_fields import PROFILE_FIELDS

ADVISORY = "Advisory - professional judgement decides"

Status = Literal["met", "unmet", "unknown", "judgement"]
Verdict = Literal[
    "suitable", "not_suitable", "needs_information", "needs_judgement", "check_locally"
]

#: verdict -> (symbol, words); never colour alone. The same words in every list and pane.
VERDICT_TEXT: dict[str, tuple[str, str]] = {
    "suitable": ("✓", "Likely suitable"),
    "not_suitable": ("✗", "Not suitable"),
    "needs_information": ("?", "Needs information"),
    "needs_judgement": ("◆", "Needs judgement"),
    "check_locally": ("○", "Check locally"),
}
#: what a verdict's words leave to say, where there is room (detail pane, command line).
VERDICT_WHY: dict[str, str] = {
    "needs_judgement": "the brochure allows an exception; professional judgement decides",
    "check_locally": "nothing here can be checked from the profile",
}
#: criterion status -> (symbol, word).
STATUS_TEXT: dict[str, tuple[str, str]] = {
    "met": ("✓", "met"),
    "unmet": ("✗", "unmet"),
    "unknown": ("?", "unknown"),
    "judgement": ("◆", "judgement"),
}


@dataclass(frozen=True)
class CriterionResult:
    """One criterion checked against the profile."""

    #: the criterion's key in the front matter (stable, for JSON).
    name: str
    label: str
    status: Status
    reason: str
    #: profile fields (`client set` names) that would settle an unknown criterion.
    fields: tuple[str, ...] = ()
    #: False for a line that states no condition ("no consent is needed"): it checks nothing.
    checks: bool = True
    #: the brochure's words, when an exception turned an unmet criterion into a judgement.
    exception: str = ""


@dataclass(frozen=True)
class Assessment:
    """One intervention's advisory verdict for one client."""

    intervention: Intervention
    verdict: Verdict
    criteria: tuple[CriterionResult, ...]

    @property
    def missing(self) -> tuple[str, ...]:
        return _ordered_fields(c.fields for c in self.criteria if c.status == "unknown")

    @property
    def notes(self) -> tuple[str, ...]:
        """What the brochure adds that no fact can check: shown beside every verdict."""
        return self.intervention.criteria.notes


def _ordered_fields(groups: Iterable[Iterable[str]]) -> tuple[str, ...]:
    wanted = {f for group in groups for f in group}
    return tuple(name for name in PROFILE_FIELDS if name in wanted)


def _either(words: Sequence[str]) -> str:
    """ "a", "a or b", "a, b or c"; items that hold "or" themselves are listed with ";"."""
    if len(words) == 1:
        return words[0]
    if any(" or " in w for w in words):
        return "one of: " + "; ".join(words)
    return f"{', '.join(words[:-1])} or {words[-1]}"


def _offences(ids: Iterable[str]) -> str:
    return ", ".join(OFFENCE_TYPES.get(i, plain(i)) for i in ids) or "none"


def _fact(name: str) -> Fact:
    spec = PROFILE_FIELDS[name]
    assert spec.fact is not None
    return spec.fact


def _recorded(name: str, value: bool) -> str:
    """A recorded yes or no in the fact's own words: "recorded: dependent"."""
    fact = _fact(name)
    words = (fact.yes or "yes") if value else (fact.no or "no")
    return f"recorded: {words}"


def _age_on(born: date, today: date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


@dataclass(frozen=True)
class Check:
    """What one evaluation needs: the client, the day, and the directory's programme names."""

    client: Client
    today: date
    names: Mapping[str, str] = field(default_factory=dict)

    def programme(self, programme_id: str) -> str:
        """A programme's name: the directory's, else its id in words ("Becoming New Me Plus")."""
        return self.names.get(programme_id) or programme_id.replace("-", " ").title()

    def programmes(self, ids: Iterable[str]) -> str:
        return ", ".join(self.programme(i) for i in ids) or "none"


# --- evaluators: (criterion value, check) -> result ---------------------------------------------

Evaluator = Callable[[Any, Check], CriterionResult]


def _unknown(name: str, label: str, need: str, field_name: str) -> CriterionResult:
    return CriterionResult(name, label, "unknown", f"{need}; not recorded", (field_name,))


def _gender(allowed: tuple[str, ...], c: Check) -> CriterionResult:
    label = "Gender"
    need = "for " + " or ".join("men" if g == "male" else "women" for g in allowed)
    gender = c.client.gender.value if c.client.gender is not None else None
    if gender in (None, "not_stated"):
        return CriterionResult("gender", label, "unknown", f"{need}; not recorded", ("gender",))
    either = set(allowed) >= {"male", "female"}  # open to all: a non-binary person too
    status: Status = "met" if either or gender in allowed else "unmet"
    return CriterionResult("gender", label, status, f"{need}; recorded: {plain(gender)}")


def _age(span: Range, c: Check) -> CriterionResult:
    need = f"for ages {span.describe()}"
    if c.client.date_of_birth is None:
        return _unknown("age", "Age", need, "date_of_birth")
    age = _age_on(c.client.date_of_birth, c.today)
    return CriterionResult(
        "age", "Age", "met" if span.contains(age) else "unmet", f"{need}; aged {age}"
    )


def _offence_any(wanted: tuple[str, ...], c: Check) -> CriterionResult:
    label = "Offence"
    need = f"for an offence of {_either([OFFENCE_TYPES[o] for o in wanted])}"
    have = c.client.risk.offence_types
    if have is None:
        return _unknown("offence_types", label, need, "offence_types")
    hits = [o for o in wanted if o in have]
    status: Status = "met" if hits else "unmet"
    return CriterionResult(
        "offence_types", label, status, f"{need}; recorded: {_offences(hits or have)}"
    )


def _offence_none(excluded: tuple[str, ...], c: Check) -> CriterionResult:
    label = "Offence not covered"
    need = f"not for an offence of {_either([OFFENCE_TYPES[o] for o in excluded])}"
    have = c.client.risk.offence_types
    if have is None:
        return _unknown("excluded_offence_types", label, need, "offence_types")
    hits = [o for o in excluded if o in have]
    status: Status = "unmet" if hits else "met"
    return CriterionResult(
        "excluded_offence_types", label, status, f"{need}; recorded: {_offences(hits or have)}"
    )


def _level(name: str, label: str, attr: str, noun: str) -> Evaluator:
    def evaluate(allowed: tuple[str, ...], c: Check) -> CriterionResult:
        value = getattr(c.client.risk, attr)
        need = f"for {_either([plain(a) for a in allowed])} {noun}"
        if value is None:
            return _unknown(name, label, need, attr)
        value = getattr(value, "value", value)
        status: Status = "met" if value in allowed else "unmet"
        return CriterionResult(name, label, status, f"{need}; recorded: {plain(value)}")

    return evaluate


def _ogrs3(minimum: int, c: Check) -> CriterionResult:
    label = "OGRS3 score"
    need = f"for a score of {minimum} or more"
    score = c.client.risk.ogrs3
    if score is None:
        return _unknown("ogrs3_min", label, need, "ogrs3")
    status: Status = "met" if score >= minimum else "unmet"
    return CriterionResult("ogrs3_min", label, status, f"{need}; recorded: {score}")


def _needs_flag(name: str, label: str, attr: str, wanted_words: str, unwanted: str) -> Evaluator:
    """A yes/no need fact: `wanted_words` when the criterion is True, `unwanted` when False."""

    def evaluate(wanted: bool, c: Check) -> CriterionResult:
        value = getattr(c.client.needs, attr)
        need = wanted_words if wanted else unwanted
        field_name = f"needs_{attr}"
        if value is None:
            return _unknown(name, label, need, field_name)
        status: Status = "met" if value == wanted else "unmet"
        return CriterionResult(name, label, status, f"{need}; {_recorded(field_name, value)}")

    return evaluate


def _not_after_programme(wanted: bool, c: Check) -> CriterionResult:
    label = "Programmes completed"
    need = "not normally after another programme"
    done = c.client.risk.completed_programmes
    if done is None:
        return _unknown("not_after_programme", label, need, "completed_programmes")
    status: Status = "unmet" if done else "met"
    return CriterionResult(
        "not_after_programme", label, status, f"{need}; recorded: {c.programmes(done)}"
    )


def _completed_any(wanted: tuple[str, ...], c: Check) -> CriterionResult:
    label = "Programme completed"
    need = f"after completing {_either([c.programme(w) for w in wanted])}"
    done = c.client.risk.completed_programmes
    if done is None:
        return _unknown("completed_any", label, need, "completed_programmes")
    hits = [p for p in wanted if p in done]
    status: Status = "met" if hits else "unmet"
    return CriterionResult(
        "completed_any", label, status, f"{need}; recorded: {c.programmes(hits or done)}"
    )


def _low_risk_or_unsuited(wanted: bool, c: Check) -> CriterionResult:
    """The brochure's either-or for structured interventions: low risk of reoffending, or not
    suitable for an accredited programme."""
    name, label = "low_risk_or_unsuited_to_programme", "Risk or programme suitability"
    need = "for people at low risk of reoffending, or unsuitable for an accredited programme"
    risk = c.client.risk.reoffending
    suitable = c.client.risk.accredited_programme_suitable
    fact = _fact("accredited_programme_suitable")
    have = "recorded: " + "; ".join(
        (
            f"{plain(risk)} risk of reoffending" if risk is not None else "risk not recorded",
            (fact.yes if suitable else fact.no)
            if suitable is not None
            else "programme suitability not recorded",
        )
    )
    if (risk is not None and risk.value == "low") or suitable is False:
        return CriterionResult(name, label, "met", f"{need}; {have}")
    if risk is not None and suitable is True:
        return CriterionResult(name, label, "unmet", f"{need}; {have}")
    facts = (("reoffending", risk), ("accredited_programme_suitable", suitable))
    missing = tuple(name for name, value in facts if value is None)
    return CriterionResult(name, label, "unknown", f"{need}; {have}", missing)


def _hours(span: Range, c: Check) -> CriterionResult:
    label = "Hours ordered"
    need = f"for an order of {span.describe('hours')}"
    hours = c.client.unpaid_work_hours
    if hours is None:
        return _unknown("unpaid_work_hours", label, need, "unpaid_work_hours")
    status: Status = "met" if span.contains(hours) else "unmet"
    return CriterionResult("unpaid_work_hours", label, status, f"{need}; recorded: {hours} hours")


#: yes/no risk facts a criterion can ask for: key -> (label, condition if True, if False).
FLAGS: dict[str, tuple[str, str, str]] = {
    "tsp_need": (
        "Treatment-need threshold",
        "for people who meet the programme's treatment-need threshold",
        "not for people who meet the treatment-need threshold",
    ),
    "maturity_need": (
        "Maturity",
        "for people who need to develop maturity",
        "not for people who need to develop maturity",
    ),
    "erg22_recommended": (
        "ERG 22+ recommendation",
        "only when an ERG 22+ report recommends it",
        "not when an ERG 22+ report recommends it",
    ),
    "extremism_concern": (
        "Extremism concern",
        "for people about whom there is a credible concern about extremism",
        "not for people about whom there is a credible concern about extremism",
    ),
    "alcohol_related_offence": (
        "Alcohol-related offence",
        "for an offence that is alcohol related",
        "not for an offence that is alcohol related",
    ),
    "alcohol_dependent": (
        "Alcohol dependence",
        "for people who are alcohol dependent",
        "not for people who are alcohol dependent",
    ),
    "alcohol_treatment_requirement": (
        "Alcohol treatment requirement",
        "when an alcohol treatment requirement is in place or recommended",
        "not when an alcohol treatment requirement is in place or recommended",
    ),
    "alcohol_misuse": (
        "Alcohol misuse",
        "for people who need treatment for alcohol misuse",
        "not for people who need treatment for alcohol misuse",
    ),
    "drug_misuse": (
        "Drug misuse",
        "for people who need treatment for drug misuse",
        "not for people who need treatment for drug misuse",
    ),
    "mental_health_need": (
        "Mental health",
        "for people who need mental health treatment",
        "not for people who need mental health treatment",
    ),
}


def _flag(name: str) -> Evaluator:
    label, if_true, if_false = FLAGS[name]

    def evaluate(wanted: bool, c: Check) -> CriterionResult:
        value = getattr(c.client.risk, name)
        need = if_true if wanted else if_false
        if value is None:
            return _unknown(name, label, need, name)
        status: Status = "met" if value == wanted else "unmet"
        return CriterionResult(name, label, status, f"{need}; {_recorded(name, value)}")

    return evaluate


def _consent(required: bool, c: Check) -> CriterionResult:
    label = "Consent"
    if not required:
        return CriterionResult("consent", label, "met", "no consent is needed", checks=False)
    value = c.client.risk.consent
    need = "needs the person's agreement"
    if value is None:
        return _unknown("consent", label, need, "consent")
    status: Status = "met" if value else "unmet"
    return CriterionResult("consent", label, status, f"{need}; {_recorded('consent', value)}")


#: criterion key -> its evaluator. Keys are the fields of `Criteria` (but exceptions and notes).
EVALUATORS: dict[str, Evaluator] = {
    "gender": _gender,
    "age": _age,
    "offence_types": _offence_any,
    "excluded_offence_types": _offence_none,
    "rosh": _level("rosh", "Risk of serious harm", "rosh", "risk of serious harm"),
    "reoffending": _level(
        "reoffending", "Risk of reoffending", "reoffending", "risk of reoffending"
    ),
    "ogrs3_min": _ogrs3,
    "sara": _level("sara", "SARA level", "sara", "risk on the SARA"),
    "learning_disability": _needs_flag(
        "learning_disability",
        "Learning disability or challenges",
        "learning_disability",
        "made for people with a learning disability or learning challenges",
        "not for people with a learning disability or learning challenges",
    ),
    "intellectual_disability": _needs_flag(
        "intellectual_disability",
        "Intellectual disability",
        "intellectual_disability",
        "for people with an intellectual disability",
        "not for people with an intellectual disability",
    ),
    "not_after_programme": _not_after_programme,
    "completed_any": _completed_any,
    "low_risk_or_unsuited_to_programme": _low_risk_or_unsuited,
    "unpaid_work_hours": _hours,
    **{name: _flag(name) for name in FLAGS},
    "consent": _consent,
}

_UNCHECKED = {"notes", "exceptions"}
assert set(Criteria.model_fields) - _UNCHECKED == set(EVALUATORS), "an evaluator per criterion"


def _with_exception(result: CriterionResult, criteria: Criteria, c: Check) -> CriterionResult:
    """An unmet criterion the brochure makes an exception for becomes a judgement."""
    if result.status != "unmet":
        return result
    for item in criteria.exceptions:
        if item.criterion != result.name:
            continue
        recorded = _recorded_value(item.criterion, c.client)
        if item.values and recorded not in item.values:
            continue
        return CriterionResult(
            result.name,
            result.label,
            "judgement",
            f"{result.reason}; the brochure allows: “{item.quote}”",
            result.fields,
            exception=item.quote,
        )
    return result


def _recorded_value(criterion: str, client: Client) -> str | None:
    """The client's recorded value behind a level criterion (for exceptions narrowed to values)."""
    value = getattr(client.risk, criterion, None)
    return None if value is None else str(getattr(value, "value", value))


def assess(
    client: Client,
    intervention: Intervention,
    today: date | None = None,
    names: Mapping[str, str] | None = None,
) -> Assessment:
    """Check one intervention's criteria against the client's profile. `names` maps programme
    ids to their names (the directory's), for reasons a practitioner reads at a glance."""
    check = Check(client, today or date.today(), names or {})
    criteria = intervention.criteria
    results = []
    for key in Criteria.model_fields:
        if key in _UNCHECKED:
            continue
        value = getattr(criteria, key)
        if value is None or value == ():
            continue
        results.append(_with_exception(EVALUATORS[key](value, check), criteria, check))
    statuses = {r.status for r in results if r.checks}
    verdict: Verdict = (
        "check_locally"
        if not statuses
        else "not_suitable"
        if "unmet" in statuses
        else "needs_judgement"
        if "judgement" in statuses
        else "needs_information"
        if "unknown" in statuses
        else "suitable"
    )
    return Assessment(intervention, verdict, tuple(results))


def programme_names(interventions: Iterable[Intervention]) -> dict[str, str]:
    return {i.id: i.name for i in interventions}


def assess_all(
    client: Client, interventions: Sequence[Intervention], today: date | None = None
) -> list[Assessment]:
    """Check every intervention, in the order given."""
    names = programme_names(interventions)
    return [assess(client, item, today, names) for item in interventions]


def missing_facts(assessments: Iterable[Assessment]) -> tuple[str, ...]:
    """Profile fields some check needs and the profile does not hold, in `PROFILE_FIELDS` order."""
    return _ordered_fields(a.missing for a in assessments)


def verdict_text(verdict: str, *, why: bool = False) -> str:
    """'✓ Likely suitable': a symbol and words, never colour alone; the same everywhere.
    With `why`, what the words leave to say ("○ Check locally: nothing here can be checked")."""
    symbol, words = VERDICT_TEXT[verdict]
    reason = VERDICT_WHY.get(verdict) if why else None
    return f"{symbol} {words}: {reason}" if reason else f"{symbol} {words}"


def eligibility_report(
    client: Client,
    interventions: Sequence[Intervention] | None = None,
    today: date | None = None,
) -> dict[str, Any]:
    """The check for one client as plain data (the JSON of `wellbeing eligibility ID --json`)."""
    if interventions is None:
        from exercises.interventions import load_directory

        interventions, _problems = load_directory()
    assessments = assess_all(client, interventions, today)
    return {
        "client": client.id,
        "advisory": ADVISORY,
        "assessed_on": (today or date.today()).isoformat(),
        "missing": list(missing_facts(assessments)),
        "interventions": [
            {
                "id": a.intervention.id,
                "name": a.intervention.name,
                "section": a.intervention.section,
                "type": a.intervention.type,
                "need_areas": [NEED_AREAS[n] for n in a.intervention.need_areas],
                "verdict": a.verdict,
                "verdict_text": verdict_text(a.verdict, why=True)[2:],
                "criteria": [
                    {
                        "name": c.name,
                        "label": c.label,
                        "status": c.status,
                        "reason": c.reason,
                        **({"exception": c.exception} if c.exception else {}),
                    }
                    for c in a.criteria
                ],
                "missing": list(a.missing),
                "notes": list(a.notes),
            }
            for a in assessments
        ],
    }
