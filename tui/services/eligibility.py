"""The advisory eligibility check: a client's profile against each intervention's criteria.

Advisory only: professional judgement decides. The logic is driven by the criteria data (one
evaluator per kind of criterion, `EVALUATORS`; no code names a particular intervention), and a
verdict is only as strong as what was checked. A yes/no fact of the profile is checked in the
words its `Criterion` declares (`store.profile.FLAGS`): a new one needs no code here.

- a criterion comes out `met` or `unmet` on a recorded fact, `unknown` (naming the fact) when the
  fact is not recorded, `judgement` where the brochure's words leave it open (an exception it
  allows, a value it is silent on, a programme it prefers: quoted), or `local` where the brochure
  sets a condition no profile fact can show (quoted);
- an intervention is `not_suitable` if any criterion is unmet, else `needs_judgement`, else
  `needs_information`, else `check_locally` if a local condition remains, else `suitable`:
  "likely suitable" only when every criterion was met by a recorded fact, and never on gender,
  age and consent alone;
- relations between entries are criteria too: `not_eligible_for` reads the other entries'
  verdicts (`assess_all` works them out first), `completed_any` and `not_after_programme` the
  programmes completed.

Unknown facts are listed by the `client set` names that would settle them, and every headline
counts them ("◆ Needs judgement · 2 facts unknown").
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from exercises.interventions import (
    NEED_AREAS,
    OFFENCE_TYPES,
    ROUTES,
    Criteria,
    CriteriaBase,
    Exception_,
    Intervention,
    Range,
)
from store.facts import Criterion, Fact, Flag, plain
from store.profile import FLAGS, Client, Sentence
from tui.services.clients.profile_fields import PROFILE_FIELDS

ADVISORY = "Advisory - professional judgement decides"

Status = Literal["met", "unmet", "unknown", "judgement", "local"]
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
    "needs_judgement": "the brochure's words leave it to professional judgement",
    "check_locally": "every recorded fact fits; the rest is judged locally",
}
#: why an entry is "check locally" when it has no local condition of its own.
NOTHING_CHECKABLE = "nothing here can be checked from the profile"
WHO_ALONE = "only gender, age or consent can be checked here; the rest is judged locally"
#: criterion status -> (symbol, word). "✓" is kept for the verdict "Likely suitable" alone, so a
#: tick on the screen always means the whole entry, never one line of it.
STATUS_TEXT: dict[str, tuple[str, str]] = {
    "met": ("+", "met"),
    "unmet": ("✗", "unmet"),
    "unknown": ("?", "unknown"),
    "judgement": ("◆", "judgement"),
    "local": ("○", "local"),
}
#: criteria that never make an entry "likely suitable" on their own.
_NOT_ENOUGH_ALONE = frozenset({"gender", "age", "consent"})


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
    #: the brochure's words, for a condition left to judge locally.
    quote: str = ""


@dataclass(frozen=True)
class Assessment:
    """One intervention's advisory verdict for one client."""

    intervention: Intervention
    verdict: Verdict
    criteria: tuple[CriterionResult, ...]
    #: what the verdict's words leave to say ("" when they say it all).
    why: str = ""

    @property
    def missing(self) -> tuple[str, ...]:
        return _ordered_fields(c.fields for c in self.criteria if c.status == "unknown")

    @property
    def local(self) -> tuple[CriterionResult, ...]:
        """The conditions left to judge locally."""
        return tuple(c for c in self.criteria if c.status == "local")

    def headline(self, *, why: bool = False) -> str:
        """'◆ Needs judgement · 2 facts unknown': the verdict never hides an unknown fact.
        With `why`, what the words leave to say."""
        text = verdict_text(self.verdict)
        count = len(self.missing)
        if count:
            text += f" · {count} fact{'' if count == 1 else 's'} unknown"
        return f"{text}: {self.why}" if why and self.why else text

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
    return f"recorded: {_fact(name).recorded(value)}"


def _age_on(born: date, today: date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


@dataclass(frozen=True)
class Check:
    """What one evaluation needs: the client, the day, and the directory's programme names."""

    client: Client
    today: date
    names: Mapping[str, str] = field(default_factory=dict)
    #: directory id -> type ("programme", "toolkit"...), to tell programmes from the rest.
    kinds: Mapping[str, str] = field(default_factory=dict)
    #: another entry's assessment for this client (None when it is not in the directory given).
    lookup: Callable[[str], Assessment | None] = lambda _id: None

    def is_programme(self, programme_id: str) -> bool:
        """An accredited programme: the directory's, or one it does not carry (Kaizen...)."""
        return self.kinds.get(programme_id, "programme") == "programme"

    def programme(self, programme_id: str) -> str:
        """A programme's name: the directory's, else its id in words ("Becoming New Me Plus")."""
        return self.names.get(programme_id) or programme_id.replace("-", " ").title()

    def programmes(self, ids: Iterable[str]) -> str:
        return ", ".join(self.programme(i) for i in ids) or "none"


# --- evaluators: (criterion value, check) -> result ---------------------------------------------

#: None when the criterion has nothing to say for this client (see `accredited_programme_suitable`).
Evaluator = Callable[[Any, Check], CriterionResult | None]


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


def _disabilities(c: Check) -> dict[str, tuple[bool | None, str]]:
    """The two disability facts, each completed from the other where the brochure's words let
    it: an intellectual disability is a learning disability (Horizon sends men with one to the
    adapted suite, made for learning disabilities and challenges), and no learning disability or
    challenges means no intellectual disability. -> attr: (value, how it was recorded)."""
    ld, intellectual = c.client.needs.learning_disability, c.client.needs.intellectual_disability
    out: dict[str, tuple[bool | None, str]] = {}
    for attr, own, other, implied in (
        ("learning_disability", ld, ("intellectual_disability", intellectual), True),
        ("intellectual_disability", intellectual, ("learning_disability", ld), False),
    ):
        if own is not None:
            out[attr] = (own, _recorded(FLAGS[attr].name, own))
        elif other[1] is implied:
            out[attr] = (implied, _recorded(FLAGS[other[0]].name, implied))
        else:
            out[attr] = (None, "")
    return out


def _needs_flag(name: str) -> Evaluator:
    """A yes/no disability fact, in its declared words; either fact may settle the other (see
    `_disabilities`)."""
    flag = FLAGS[name]
    words = flag.criterion

    def evaluate(wanted: bool, c: Check) -> CriterionResult:
        value, recorded = _disabilities(c)[name]
        need = words.condition(wanted)
        if value is None:
            return _unknown(name, words.label, need, flag.name)
        status: Status = "met" if value == wanted else "unmet"
        return CriterionResult(name, words.label, status, f"{need}; {recorded}")

    return evaluate


def _not_after_programme(wanted: bool, c: Check) -> CriterionResult:
    label = "Programmes completed"
    need = "not normally after another programme"
    done = c.client.risk.completed_programmes
    if done is None:
        return _unknown("not_after_programme", label, need, "completed_programmes")
    programmes = [p for p in done if c.is_programme(p)]
    status: Status = "unmet" if programmes else "met"
    return CriterionResult(
        "not_after_programme", label, status, f"{need}; recorded: {c.programmes(programmes)}"
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


def _flag(flag: Flag) -> Evaluator:
    """A yes/no fact of the profile against a criterion of true or false, in its declared words."""
    name, words = flag.key, flag.criterion

    def evaluate(wanted: bool, c: Check) -> CriterionResult:
        value = flag.value(c.client)
        need = words.condition(wanted)
        if value is None:
            return _unknown(name, words.label, need, flag.name)
        status: Status = "met" if value == wanted else "unmet"
        recorded = flag.fact.recorded(value)
        return CriterionResult(name, words.label, status, f"{need}; recorded: {recorded}")

    return evaluate


def _words(name: str) -> Criterion:
    return FLAGS[name].criterion


def _consent(required: bool, c: Check) -> CriterionResult:
    """Consent: none needed says nothing about the person (a line that checks nothing)."""
    words = _words("consent")
    label = words.label
    if not required:
        return CriterionResult("consent", label, "met", words.if_false, checks=False)
    value = c.client.risk.consent
    need = words.if_true
    if value is None:
        return _unknown("consent", label, need, "consent")
    status: Status = "met" if value else "unmet"
    return CriterionResult("consent", label, status, f"{need}; {_recorded('consent', value)}")


def _on_order(c: Check) -> bool | None:
    """On a community or suspended sentence order: the sentence says so, or a RAR or unpaid
    work (requirements only such an order holds) is recorded; None when nothing says."""
    sentence = c.client.sentence
    if sentence in (Sentence.COMMUNITY_ORDER, Sentence.SUSPENDED_SENTENCE_ORDER):
        return True
    if (c.client.rar_days or 0) > 0 or c.client.unpaid_work_hours is not None:
        return True
    if sentence is not None:
        return False
    return None


def _route_status(route: str, c: Check) -> tuple[Status, tuple[str, ...]]:
    """One route: met, unmet or unknown, with the facts that would settle it."""
    sentence = c.client.sentence
    rar = c.client.rar_days
    if route == "licence":
        if sentence is None:
            return "unknown", ("sentence",)
        on_licence = sentence in (Sentence.LICENCE, Sentence.POST_SENTENCE_SUPERVISION)
        return ("met" if on_licence else "unmet"), ()
    on_order = _on_order(c)
    if route == "court_order":
        if on_order is None:
            return "unknown", ("sentence",)
        return ("met" if on_order else "unmet"), ()
    # "rar": a RAR is only ever a requirement of a community or suspended sentence order
    if rar is not None and rar > 0:
        return "met", ()
    if rar == 0 or on_order is False:
        return "unmet", ()
    return "unknown", (("rar_days",) if on_order else ("sentence", "rar_days"))


def _route(routes: tuple[str, ...], c: Check) -> CriterionResult:
    label = "Route"
    need = "on " + _either([ROUTES[r] for r in routes])
    sentence = c.client.sentence
    rar = c.client.rar_days
    facts = [
        plain(sentence) if sentence is not None else "sentence not recorded",
        f"RAR days: {rar}" if rar is not None else "RAR days not recorded",
    ]
    if c.client.unpaid_work_hours is not None:
        facts.append(f"unpaid work: {c.client.unpaid_work_hours} hours")
    reason = f"{need}; recorded: " + ", ".join(facts)
    results = [_route_status(r, c) for r in routes]
    statuses = {status for status, _fields in results}
    if "met" in statuses:
        return CriterionResult("route", label, "met", reason)
    if statuses == {"unmet"}:
        return CriterionResult("route", label, "unmet", reason)
    wanted = _ordered_fields(f for status, f in results if status == "unknown")
    return CriterionResult("route", label, "unknown", reason, wanted)


def _need_any(wanted: tuple[str, ...], c: Check) -> CriterionResult:
    label = "Need"
    need = f"for an assessed need in {_either([NEED_AREAS[n].lower() for n in wanted])}"
    have = c.client.risk.need_areas
    if have is None:
        return _unknown("need_any", label, need, "need_areas")
    hits = [n for n in wanted if n in have]
    recorded = ", ".join(NEED_AREAS.get(n, plain(n)).lower() for n in hits or have) or "none"
    status: Status = "met" if hits else "unmet"
    return CriterionResult("need_any", label, status, f"{need}; recorded: {recorded}")


def _programme_suitable(wanted: bool, c: Check) -> CriterionResult | None:
    """An accredited programme is not for someone recorded as unsuitable for one. Until that
    answer is recorded the programme's own criteria speak, so nothing is shown."""
    value = c.client.risk.accredited_programme_suitable
    if value is None:
        return None
    words = _words("accredited_programme_suitable")
    need = words.condition(wanted)
    status: Status = "met" if value == wanted else "unmet"
    return CriterionResult(
        "accredited_programme_suitable",
        words.label,
        status,
        f"{need}; {_recorded('accredited_programme_suitable', value)}",
    )


#: another entry's verdict -> what it makes of "not eligible for it", in order of weight.
_RELATED: tuple[tuple[str, Status], ...] = (
    ("suitable", "unmet"),
    ("needs_information", "unknown"),
    ("needs_judgement", "judgement"),
    ("check_locally", "local"),
)


def _not_eligible_for(ids: tuple[str, ...], c: Check) -> CriterionResult:
    """Not eligible for the listed programmes: the recorded answer to "suitable for an
    accredited programme" settles it; else the programmes' own verdicts for this client."""
    label = "Not eligible for a programme"
    need = f"for people not eligible for {_either([c.programme(i) for i in ids])}"
    name = "not_eligible_for"
    recorded = c.client.risk.accredited_programme_suitable
    if recorded is not None:
        reason = f"{need}; {_recorded('accredited_programme_suitable', recorded)}"
        return CriterionResult(name, label, "unmet" if recorded else "met", reason)
    others = {i: c.lookup(i) for i in ids}
    shown = "; ".join(
        f"{c.programme(i)}: {verdict_text(a.verdict) if a else 'not checked'}"
        for i, a in others.items()
    )
    reason = f"{need}; suitability for an accredited programme not recorded; {shown}"
    verdicts = {a.verdict if a else "needs_information" for a in others.values()}
    for verdict, status in _RELATED:
        if verdict in verdicts:
            fields = ("accredited_programme_suitable",) if status == "unknown" else ()
            return CriterionResult(name, label, status, reason, fields)
    return CriterionResult(name, label, "met", reason)


#: criterion key -> its evaluator, for the criteria that are not a profile's yes/no facts and the
#: yes/no facts that need more than their words (consent, the two disabilities that settle each
#: other, programme suitability that says nothing until recorded).
_OWN: dict[str, Evaluator] = {
    "gender": _gender,
    "age": _age,
    "route": _route,
    "need_any": _need_any,
    "offence_types": _offence_any,
    "excluded_offence_types": _offence_none,
    "rosh": _level("rosh", "Risk of serious harm", "rosh", "risk of serious harm"),
    "reoffending": _level(
        "reoffending", "Risk of reoffending", "reoffending", "risk of reoffending"
    ),
    "ogrs3_min": _ogrs3,
    "sara": _level("sara", "SARA level", "sara", "risk on the SARA"),
    "learning_disability": _needs_flag("learning_disability"),
    "intellectual_disability": _needs_flag("intellectual_disability"),
    "not_after_programme": _not_after_programme,
    "completed_any": _completed_any,
    "low_risk_or_unsuited_to_programme": _low_risk_or_unsuited,
    "accredited_programme_suitable": _programme_suitable,
    "not_eligible_for": _not_eligible_for,
    "unpaid_work_hours": _hours,
    "consent": _consent,
}


@functools.cache
def evaluators(model: type[CriteriaBase]) -> dict[str, Evaluator]:
    """Criterion key -> its evaluator for a `Criteria` model, in the order criteria are checked
    (`model.ORDER`): its own, else the yes/no fact's declared words (`_flag`)."""
    table = {
        key: _OWN[key] if key in _OWN else _flag(model.FLAGS[key])
        for key in model.ORDER
        if key in _OWN or key in model.FLAGS
    }
    assert set(table) == set(model.ORDER), "an evaluator per criterion"
    assert set(_OWN) <= set(table), "an evaluator for no criterion"
    return table


#: criterion key -> its evaluator. Keys are the fields of `Criteria` (but exceptions, notes, local).
EVALUATORS: dict[str, Evaluator] = evaluators(Criteria)

_UNCHECKED = {"notes", "exceptions", "local"}
assert set(Criteria.model_fields) - _UNCHECKED == set(EVALUATORS), "an evaluator per criterion"


#: how a quote is introduced, by the kind of exception.
_LEADS = {
    "allows": "the brochure allows",
    "silent": "the brochure does not say; its words",
    "weigh": "the brochure's words, to weigh",
}


def _with_exception(result: CriterionResult, criteria: Criteria, c: Check) -> CriterionResult:
    """An unmet criterion the brochure's words leave open becomes a judgement, quoted."""
    if result.status != "unmet":
        return result
    for item in criteria.exceptions:
        if item.criterion != result.name or not _applies(item, c.client):
            continue
        return CriterionResult(
            result.name,
            result.label,
            "judgement",
            f"{result.reason}; {_LEADS[item.kind]}: “{item.quote}”",
            result.fields,
            exception=item.quote,
        )
    return result


def _applies(item: Exception_, client: Client) -> bool:
    """An exception narrowed to `values` applies only when the recorded value is one of them
    (for a list fact such as offence types: when the list holds one of them)."""
    if not item.values:
        return True
    value = getattr(client.risk, item.criterion, None)
    if isinstance(value, list):
        return any(v in item.values for v in value)
    return value is not None and str(getattr(value, "value", value)) in item.values


def _local(criteria: Criteria) -> list[CriterionResult]:
    return [
        CriterionResult(
            "local", item.label, "local", f"judged locally: “{item.quote}”", quote=item.quote
        )
        for item in criteria.local
    ]


def _evaluate(intervention: Intervention, check: Check) -> Assessment:
    criteria = intervention.criteria
    results: list[CriterionResult] = []
    for key, evaluate in evaluators(type(criteria)).items():
        value = getattr(criteria, key)
        if value is None or value == ():
            continue
        result = evaluate(value, check)
        if result is not None:
            results.append(_with_exception(result, criteria, check))
    results += _local(criteria)
    checking = [r for r in results if r.checks]
    statuses = {r.status for r in checking}
    why = ""
    if not statuses:
        verdict: Verdict = "check_locally"
        why = NOTHING_CHECKABLE
    elif "unmet" in statuses:
        verdict = "not_suitable"
    elif "judgement" in statuses:
        verdict = "needs_judgement"
        why = VERDICT_WHY[verdict]
    elif "unknown" in statuses:
        verdict = "needs_information"
    elif "local" in statuses:
        verdict = "check_locally"
        why = VERDICT_WHY[verdict]
    elif all(r.name in _NOT_ENOUGH_ALONE for r in checking):
        verdict = "check_locally"
        why = WHO_ALONE
    else:
        verdict = "suitable"
    return Assessment(intervention, verdict, tuple(results), why)


def assess(
    client: Client,
    intervention: Intervention,
    today: date | None = None,
    names: Mapping[str, str] | None = None,
) -> Assessment:
    """Check one intervention's criteria against the client's profile, on its own: a relation to
    another entry is settled only by a recorded fact (see `assess_all`). `names` maps programme
    ids to their names (the directory's), for reasons a practitioner reads at a glance."""
    return _evaluate(intervention, Check(client, today or date.today(), names or {}))


def programme_names(interventions: Iterable[Intervention]) -> dict[str, str]:
    return {i.id: i.name for i in interventions}


def assess_all(
    client: Client, interventions: Sequence[Intervention], today: date | None = None
) -> list[Assessment]:
    """Check every intervention, in the order given; an entry's relations to others (Maps for
    Change and the programmes it follows) read those entries' verdicts, worked out first."""
    by_id = {item.id: item for item in interventions}
    done: dict[str, Assessment] = {}
    busy: set[str] = set()

    def lookup(entry_id: str) -> Assessment | None:
        if entry_id in done:
            return done[entry_id]
        if entry_id not in by_id or entry_id in busy:  # a loop of relations settles nothing
            return None
        busy.add(entry_id)
        done[entry_id] = _evaluate(by_id[entry_id], check)
        busy.discard(entry_id)
        return done[entry_id]

    check = Check(
        client,
        today or date.today(),
        programme_names(interventions),
        {item.id: item.type for item in interventions},
        lookup,
    )
    return [lookup(item.id) or _evaluate(item, check) for item in interventions]


def missing_facts(assessments: Iterable[Assessment]) -> tuple[str, ...]:
    """Profile fields some check needs and the profile does not hold, in `PROFILE_FIELDS` order."""
    return _ordered_fields(a.missing for a in assessments)


def verdict_text(verdict: str) -> str:
    """'✓ Likely suitable': a symbol and words, never colour alone; the same everywhere.
    `Assessment.headline` adds the count of unknown facts and what the words leave to say."""
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
                "verdict_text": a.headline(why=True)[2:],
                "headline": a.headline(),
                "criteria": [
                    {
                        "name": c.name,
                        "label": c.label,
                        "status": c.status,
                        "reason": c.reason,
                        **({"exception": c.exception} if c.exception else {}),
                        **({"quote": c.quote} if c.quote else {}),
                    }
                    for c in a.criteria
                ],
                "missing": list(a.missing),
                "local": [{"label": c.label, "quote": c.quote} for c in a.local],
                "notes": list(a.notes),
            }
            for a in assessments
        ],
    }
