"""Yes/no facts are declared once, on the profile field's `Fact`: the directory's criteria and the
eligibility check take them, and their words, from there (`store.profile.FLAGS`)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import pytest
from pydantic import Field, ValidationError, create_model

from exercises.frontmatter import split_front_matter
from exercises.interventions import (
    Criteria,
    CriteriaBase,
    Intervention,
    criteria_model,
    criterion_order,
)
from store.facts import Criterion, Fact, flags_of
from store.profile import FLAGS, Client, RiskProfile
from tests.eligibility_fixtures import TODAY, client_with, directory, profile
from tui.services.clients.profile_fields import PROFILE_FIELDS
from tui.services.eligibility import EVALUATORS, assess, assess_all, evaluators

GOLDEN = Path(__file__).parent / "golden" / "eligibility-flags.json"

GAMBLING = Criterion(
    "Gambling",
    "for people who need help to stop gambling",
    "not for people who need help to stop gambling",
    after="maturity_need",
)


class GamblingRisk(RiskProfile):
    """The shipped risk facts and one more, declared only here."""

    gambling_need: Annotated[
        bool | None,
        Fact(
            "Needs help to stop gambling",
            "risk",
            yes="gambles",
            no="no gambling need",
            criterion=GAMBLING,
        ),
    ] = None


class GamblingClient(Client):
    risk: GamblingRisk = Field(default_factory=GamblingRisk)


GAMBLING_FLAGS = flags_of(GamblingClient)
GamblingCriteria = criteria_model(GAMBLING_FLAGS)


def _intervention_model() -> type[Intervention]:
    """An `Intervention` whose criteria are the test profile's."""
    return create_model(
        "GamblingIntervention",
        __base__=Intervention,
        criteria=(GamblingCriteria, Field(default_factory=GamblingCriteria)),
    )


GamblingIntervention = _intervention_model()


ENTRY = """---
id: gambling-help
name: Gambling help
section: rehabilitative
type: service
need_areas: [finance_benefits_debt]
summary: A test.
criteria:
  maturity_need: true
  gambling_need: true
  consent: true
  exceptions:
    - criterion: gambling_need
      quote: or where the person asks for help
      values: []
delivery:
  formats: [one_to_one]
source: test
---

Body.
"""


def gambling_entry(text: str = ENTRY) -> Intervention:
    """Read as the directory's loader reads a file, with the test profile's criteria."""
    meta, body, _start = split_front_matter(text, "gambling.md")
    return GamblingIntervention.model_validate({**meta, "body": body.strip(), "path": "x"})


def gambler(**risk: bool | None) -> GamblingClient:
    return GamblingClient(id="G1", name="G", risk=GamblingRisk(**risk))


def test_a_new_yes_no_fact_declared_on_the_profile_is_a_criterion() -> None:
    assert list(GAMBLING_FLAGS) == [*FLAGS, "gambling_need"]
    flag = GAMBLING_FLAGS["gambling_need"]
    assert flag.path == ("risk", "gambling_need") and flag.name == "gambling_need"
    # its field, where its declaration puts it: after maturity_need, before the hours ordered
    order = GamblingCriteria.ORDER
    assert order.index("gambling_need") == order.index("maturity_need") + 1
    assert order[order.index("gambling_need") + 1] == "unpaid_work_hours"
    assert "gambling_need" in GamblingCriteria.model_fields
    assert "gambling_need" not in Criteria.model_fields  # the shipped model is left alone
    item = gambling_entry()
    assert item.criteria.describe() == [
        "For people who need to develop maturity",
        "For people who need help to stop gambling",
        "Needs the person's consent",
        "Exception: “or where the person asks for help”",
    ]
    # a bad value, an unknown criterion and an exception naming it unset are still errors
    with pytest.raises(ValidationError, match="gambling_need"):
        gambling_entry(ENTRY.replace("gambling_need: true", "gambling_need: maybe"))
    with pytest.raises(ValidationError, match="shoe_size"):
        gambling_entry(ENTRY.replace("consent: true", "shoe_size: 9"))
    with pytest.raises(ValidationError, match="'gambling_need', which is not set here"):
        gambling_entry(ENTRY.replace("  gambling_need: true\n", ""))
    with pytest.raises(ValidationError, match="unknown criterion 'gambling_need'"):
        Criteria.model_validate(
            {"maturity_need": True, "exceptions": [{"criterion": "gambling_need", "quote": "q"}]}
        )


def test_a_new_yes_no_fact_is_checked_in_its_own_words() -> None:
    item = gambling_entry()
    table = evaluators(GamblingCriteria)
    assert list(table) == list(GamblingCriteria.ORDER)

    def line(client: GamblingClient) -> tuple[str, str, str, tuple[str, ...]]:
        result = next(c for c in assess(client, item, TODAY).criteria if c.name == "gambling_need")
        return result.label, result.status, result.reason, result.fields

    need = "for people who need help to stop gambling"
    assert line(gambler(gambling_need=True)) == (
        "Gambling",
        "met",
        f"{need}; recorded: gambles",
        (),
    )
    assert line(gambler()) == ("Gambling", "unknown", f"{need}; not recorded", ("gambling_need",))
    label, status, reason, _fields = line(gambler(gambling_need=False))
    assert (label, status) == ("Gambling", "judgement")  # unmet, but the exception leaves it open
    assert reason.startswith(f"{need}; recorded: no gambling need; the brochure allows: “or")
    unknown = assess(gambler(maturity_need=True, consent=True), item, TODAY)
    # (`missing` lists `client set` names, of the shipped profile's fields: the line asks above)
    assert unknown.verdict == "needs_information"
    met = assess(gambler(maturity_need=True, consent=True, gambling_need=True), item, TODAY)
    assert met.verdict == "suitable"
    assert [c.name for c in met.criteria] == ["maturity_need", "gambling_need", "consent"]


def test_a_criterion_needs_a_yes_no_fact_and_a_place() -> None:
    class Odd(RiskProfile):
        score: Annotated[int | None, Fact("Score", "risk", criterion=GAMBLING)] = None

    with pytest.raises(TypeError, match="bool | None"):
        flags_of(Odd)

    class Lost(RiskProfile):
        lost: Annotated[
            bool | None, Fact("Lost", "risk", criterion=Criterion("L", "a", "b", after="weather"))
        ] = None

    with pytest.raises(ValueError, match="'lost' is to follow 'weather'"):
        criterion_order(flags_of(Lost))

    class Clash(RiskProfile):
        gender: Annotated[bool | None, Fact("Clash", "risk", criterion=GAMBLING)] = None

    with pytest.raises(ValueError, match="'gender' has the name of a criterion"):
        criterion_order(flags_of(Clash))


def test_the_shipped_flags_are_the_profile_s_and_the_criteria_s() -> None:
    """Every yes/no fact with a criterion is a criterion, evaluated, and set by its `client set`
    name (what an unknown one asks for); the directory's own criteria are the rest."""
    assert Criteria.FLAGS == FLAGS
    fixed = [k for k in CriteriaBase.model_fields if k not in ("exceptions", "local", "notes")]
    assert set(Criteria.ORDER) == set(fixed) | set(FLAGS)
    assert list(EVALUATORS) == list(Criteria.ORDER)
    for key, flag in FLAGS.items():
        assert Criteria.model_fields[key].annotation == bool | None
        spec = PROFILE_FIELDS[flag.name]
        assert spec.target == ".".join(flag.path) and spec.fact is flag.fact
    assert {"mental_health_need", "consent", "learning_disability"} <= set(FLAGS)
    # checked and listed in the order the directory always had
    assert Criteria.ORDER == (
        "gender", "age", "route", "need_any", "offence_types", "excluded_offence_types",
        "rosh", "reoffending", "ogrs3_min", "sara", "learning_disability",
        "intellectual_disability", "not_after_programme", "low_risk_or_unsuited_to_programme",
        "accredited_programme_suitable", "not_eligible_for", "tsp_need", "maturity_need",
        "unpaid_work_hours", "completed_any", "erg22_recommended", "extremism_concern",
        "alcohol_related_offence", "alcohol_dependent", "alcohol_treatment_requirement",
        "alcohol_misuse", "drug_misuse", "mental_health_need", "consent",
    )  # fmt: skip


#: the profiles the golden file holds each entry's check for (made before the flags moved).
CASES: dict[str, dict[str, str]] = {
    "alcohol-abstinence-monitoring": {"alcohol_related_offence": "yes", "alcohol_dependent": "yes"},
    "horizon": {
        "offence_types": "contact_sexual",
        "needs_intellectual_disability": "unknown",
        "needs_learning_disability": "yes",
        "completed_programmes": "unknown",
    },
    "thinking-skills-programme": {"tsp_need": "unknown", "accredited_programme_suitable": "no"},
    "new-me-strengths": {
        "needs_learning_disability": "unknown",
        "needs_intellectual_disability": "yes",
    },
    "unpaid-work": {},
    "treatment-mental-health": {"mental_health_need": "yes", "consent": "unknown"},
    "healthy-identity-intervention": {"offence_types": "extremism", "erg22_recommended": "unknown"},
}


def _checked(client: Client, entry: str) -> list[object]:
    found = {a.intervention.id: a for a in assess_all(client, list(directory().values()), TODAY)}
    a = found[entry]
    return [a.verdict, [[c.name, c.label, c.status, c.reason, list(c.fields)] for c in a.criteria]]


def test_the_shipped_checks_read_as_they_did() -> None:
    """Labels, reasons, order and verdicts of entries with yes/no criteria, as before the move."""
    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))
    seen = {entry: _checked(client_with(**changes), entry) for entry, changes in CASES.items()}
    seen["living-as-new-me"] = _checked(profile(gender="male"), "living-as-new-me")
    assert seen == golden


def test_the_directory_lists_the_shipped_flags_as_it_did() -> None:
    """The detail view's lines, in each flag's declared words (`Criterion.listed`)."""
    entries = directory()

    def lines(entry: str) -> list[str]:
        return entries[entry].criteria.describe({i: item.name for i, item in entries.items()})

    assert lines("alcohol-abstinence-monitoring") == [
        "Age 18+",
        "On a community or suspended sentence order",
        "Needs alcohol-related offence",
        "Not with alcohol dependence",
        "Not with alcohol treatment requirement",
    ]
    assert lines("thinking-skills-programme") == [
        "For men and women",
        "Age 18+",
        "OGRS3 score 50 or more",
        "Not when recorded unsuitable for an accredited programme",
        "The treatment-need threshold must be met",
        "Needs the person's consent",
    ]
    assert lines("unpaid-work") == [
        "On a community or suspended sentence order",
        "An order of 40-300 hours",
        "No consent needed",
    ]
    assert lines("new-me-strengths")[2] == "For people with learning disabilities or challenges"
