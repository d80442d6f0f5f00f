"""The advisory eligibility check: a client's profile against each intervention's criteria.

Advisory only - professional judgement decides. The logic is driven by the criteria data: there is
one evaluator per kind of criterion (`EVALUATORS`), and no code names a particular intervention.
Each criterion comes out `met`, `unmet` or `unknown` with a reason; an intervention is
`not_suitable` if any criterion is unmet, else `needs_information` if any is unknown, else
`suitable`. Unknown facts are listed by the `client set` field names that would settle them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from exercises.interventions import NEED_AREAS, OFFENCE_TYPES, Criteria, Intervention
from store.records import Client
from tui.services.profile_fields import PROFILE_FIELDS

ADVISORY = "Advisory - professional judgement decides"

Status = Literal["met", "unmet", "unknown"]
Verdict = Literal["suitable", "not_suitable", "needs_information"]

#: verdict -> (symbol, words); never colour alone.
VERDICT_TEXT: dict[str, tuple[str, str]] = {
    "suitable": ("✓", "Likely suitable"),
    "not_suitable": ("✗", "Not suitable"),
    "needs_information": ("?", "Needs information"),
}
#: criterion status -> (symbol, word).
STATUS_TEXT: dict[str, tuple[str, str]] = {
    "met": ("✓", "met"),
    "unmet": ("✗", "unmet"),
    "unknown": ("?", "unknown"),
}

_LEVEL_WORDS = {"low": "low", "medium": "medium", "high": "high", "very_high": "very high"}


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


@dataclass(frozen=True)
class Assessment:
    """One intervention's advisory verdict for one client."""

    intervention: Intervention
    verdict: Verdict
    criteria: tuple[CriterionResult, ...]

    @property
    def missing(self) -> tuple[str, ...]:
        return _ordered_fields(c.fields for c in self.criteria if c.status == "unknown")


def _ordered_fields(groups: Iterable[Iterable[str]]) -> tuple[str, ...]:
    wanted = {f for group in groups for f in group}
    return tuple(name for name in PROFILE_FIELDS if name in wanted)


def _levels(levels: Sequence[str]) -> str:
    words = [_LEVEL_WORDS.get(level, level) for level in levels]
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} or {words[-1]}"


def _offences(ids: Iterable[str]) -> str:
    return ", ".join(OFFENCE_TYPES.get(i, i) for i in ids) or "none"


def _age_on(born: date, today: date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


# --- evaluators: (criterion value, client, today) -> result -----------------------------------

Evaluator = Callable[[Any, Client, date], CriterionResult]


def _gender(allowed: tuple[str, ...], client: Client, today: date) -> CriterionResult:
    label = "Gender"
    wanted = " or ".join("men" if g == "male" else "women" for g in allowed)
    gender = client.gender.value if client.gender is not None else None
    if gender in (None, "not_stated"):
        return CriterionResult(
            "gender", label, "unknown", f"for {wanted}; gender not recorded", ("gender",)
        )
    if gender in allowed or set(allowed) >= {"male", "female"}:
        return CriterionResult("gender", label, "met", f"for {wanted}; recorded as {gender}")
    shown = gender.replace("_", "-")
    return CriterionResult("gender", label, "unmet", f"for {wanted}; recorded as {shown}")


def _age(span: Any, client: Client, today: date) -> CriterionResult:
    label = "Age"
    wanted = f"for ages {span.describe()}"
    if client.date_of_birth is None:
        return CriterionResult(
            "age", label, "unknown", f"{wanted}; date of birth not recorded", ("date_of_birth",)
        )
    age = _age_on(client.date_of_birth, today)
    status: Status = "met" if span.contains(age) else "unmet"
    return CriterionResult("age", label, status, f"{wanted}; aged {age}")


def _offence_any(wanted: tuple[str, ...], client: Client, today: date) -> CriterionResult:
    label = "Offence type"
    need = f"needs one of: {_offences(wanted)}"
    have = client.risk.offence_types
    if have is None:
        return CriterionResult(
            "offence_types",
            label,
            "unknown",
            f"{need}; offence types not recorded",
            ("offence_types",),
        )
    hits = [o for o in wanted if o in have]
    if hits:
        return CriterionResult("offence_types", label, "met", f"recorded: {_offences(hits)}")
    return CriterionResult("offence_types", label, "unmet", f"{need}; recorded: {_offences(have)}")


def _offence_none(excluded: tuple[str, ...], client: Client, today: date) -> CriterionResult:
    label = "Excluded offence type"
    have = client.risk.offence_types
    if have is None:
        return CriterionResult(
            "excluded_offence_types",
            label,
            "unknown",
            f"not for: {_offences(excluded)}; offence types not recorded",
            ("offence_types",),
        )
    hits = [o for o in excluded if o in have]
    if hits:
        return CriterionResult(
            "excluded_offence_types",
            label,
            "unmet",
            f"not for: {_offences(hits)}, which is recorded",
        )
    return CriterionResult(
        "excluded_offence_types", label, "met", f"none of: {_offences(excluded)}"
    )


def _level(name: str, label: str, attr: str) -> Evaluator:
    def evaluate(allowed: tuple[str, ...], client: Client, today: date) -> CriterionResult:
        value = getattr(client.risk, attr)
        need = f"needs {_levels(allowed)}"
        if value is None:
            return CriterionResult(name, label, "unknown", f"{need}; not recorded", (attr,))
        value = getattr(value, "value", value)
        status: Status = "met" if value in allowed else "unmet"
        return CriterionResult(name, label, status, f"{need}; recorded {_levels([value])}")

    return evaluate


def _ogrs3(minimum: int, client: Client, today: date) -> CriterionResult:
    label = "OGRS3 score"
    score = client.risk.ogrs3
    need = f"needs {minimum} or more"
    if score is None:
        return CriterionResult("ogrs3_min", label, "unknown", f"{need}; not recorded", ("ogrs3",))
    status: Status = "met" if score >= minimum else "unmet"
    return CriterionResult("ogrs3_min", label, status, f"{need}; recorded {score}")


def _learning_disability(wanted: bool, client: Client, today: date) -> CriterionResult:
    label = "Learning disability or challenges"
    value = client.needs.learning_disability
    need = "made for people with" if wanted else "not for people with"
    need += " a learning disability or learning challenges"
    if value is None:
        return CriterionResult(
            "learning_disability",
            label,
            "unknown",
            f"{need}; not recorded",
            ("needs_learning_disability",),
        )
    status: Status = "met" if value == wanted else "unmet"
    have = "has one" if value else "has none recorded"
    return CriterionResult("learning_disability", label, status, f"{need}; {have}")


def _completed_any(wanted: tuple[str, ...], client: Client, today: date) -> CriterionResult:
    label = "Programme completed"
    need = f"needs one of: {', '.join(wanted)}"
    done = client.risk.completed_programmes
    if done is None:
        return CriterionResult(
            "completed_any",
            label,
            "unknown",
            f"{need}; programmes completed not recorded",
            ("completed_programmes",),
        )
    hits = [p for p in wanted if p in done]
    if hits:
        return CriterionResult("completed_any", label, "met", f"completed {', '.join(hits)}")
    return CriterionResult(
        "completed_any", label, "unmet", f"{need}; completed: {', '.join(done) or 'none'}"
    )


#: yes/no facts: key -> (label, the fact in words).
FLAGS: dict[str, tuple[str, str]] = {
    "erg22_recommended": ("ERG 22+ recommendation", "an ERG 22+ report recommends it"),
    "extremism_concern": ("Extremism concern", "a credible concern about extremism"),
    "alcohol_related_offence": ("Alcohol-related offence", "the offence is alcohol related"),
    "alcohol_dependent": ("Alcohol dependence", "alcohol dependent"),
    "alcohol_treatment_requirement": (
        "Alcohol treatment requirement",
        "an alcohol treatment requirement in place or recommended",
    ),
    "alcohol_misuse": ("Alcohol misuse", "needs treatment for alcohol misuse"),
    "drug_misuse": ("Drug misuse", "needs treatment for drug misuse"),
    "mental_health_need": ("Mental health", "needs mental health treatment"),
}


def _flag(name: str) -> Evaluator:
    label, fact = FLAGS[name]

    def evaluate(wanted: bool, client: Client, today: date) -> CriterionResult:
        value = getattr(client.risk, name)
        need = f"needs: {fact}" if wanted else f"not when: {fact}"
        if value is None:
            return CriterionResult(name, label, "unknown", f"{need}; not recorded", (name,))
        status: Status = "met" if value == wanted else "unmet"
        return CriterionResult(name, label, status, f"{need}; recorded {'yes' if value else 'no'}")

    return evaluate


def _consent(required: bool, client: Client, today: date) -> CriterionResult:
    label = "Consent"
    if not required:
        return CriterionResult("consent", label, "met", "no consent is needed")
    value = client.risk.consent
    if value is None:
        return CriterionResult(
            "consent", label, "unknown", "needs the person's agreement; not recorded", ("consent",)
        )
    if value:
        return CriterionResult("consent", label, "met", "the person agrees to take part")
    return CriterionResult(
        "consent", label, "unmet", "needs the person's agreement; they do not agree"
    )


#: criterion key -> its evaluator. Keys are the fields of `Criteria` (except `notes`).
EVALUATORS: dict[str, Evaluator] = {
    "gender": _gender,
    "age": _age,
    "offence_types": _offence_any,
    "excluded_offence_types": _offence_none,
    "rosh": _level("rosh", "Risk of serious harm", "rosh"),
    "reoffending": _level("reoffending", "Risk of reoffending", "reoffending"),
    "ogrs3_min": _ogrs3,
    "sara": _level("sara", "SARA level", "sara"),
    "learning_disability": _learning_disability,
    "completed_any": _completed_any,
    **{name: _flag(name) for name in FLAGS},
    "consent": _consent,
}

_UNCHECKED = {"notes"}
assert set(Criteria.model_fields) - _UNCHECKED == set(EVALUATORS), "an evaluator per criterion"


def assess(client: Client, intervention: Intervention, today: date | None = None) -> Assessment:
    """Check one intervention's criteria against the client's profile."""
    today = today or date.today()
    results = []
    for key in Criteria.model_fields:
        if key in _UNCHECKED:
            continue
        value = getattr(intervention.criteria, key)
        if value is None or value == ():
            continue
        results.append(EVALUATORS[key](value, client, today))
    statuses = {r.status for r in results}
    verdict: Verdict = (
        "not_suitable"
        if "unmet" in statuses
        else "needs_information"
        if "unknown" in statuses
        else "suitable"
    )
    return Assessment(intervention, verdict, tuple(results))


def assess_all(
    client: Client, interventions: Iterable[Intervention], today: date | None = None
) -> list[Assessment]:
    """Check every intervention, in the order given."""
    return [assess(client, item, today) for item in interventions]


def missing_facts(assessments: Iterable[Assessment]) -> tuple[str, ...]:
    """Profile fields some check needs and the profile does not hold, in `PROFILE_FIELDS` order."""
    return _ordered_fields(a.missing for a in assessments)


def verdict_text(verdict: str) -> str:
    """'✓ Likely suitable' - a symbol and words, never colour alone."""
    symbol, words = VERDICT_TEXT[verdict]
    return f"{symbol} {words}"


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
                "criteria": [
                    {"name": c.name, "label": c.label, "status": c.status, "reason": c.reason}
                    for c in a.criteria
                ],
                "missing": list(a.missing),
                "notes": list(a.intervention.criteria.notes),
            }
            for a in assessments
        ],
    }
