"""The advisory eligibility check against the brochure's criteria, table by table.

Each row is a profile (as `client set` words) and the verdict the brochure implies for one
intervention. Profiles start complete (every fact known) so a row tests one criterion at a time.
"""

from __future__ import annotations

from datetime import date

import pytest

from exercises.interventions import Intervention, load_directory
from store.records import Client
from tui.services.eligibility import (
    ADVISORY,
    EVALUATORS,
    VERDICT_TEXT,
    assess,
    eligibility_report,
    missing_facts,
    verdict_text,
)
from tui.services.errors import UserError
from tui.services.profile_fields import (
    PROFILE_FIELDS,
    apply_profile_field,
    format_value,
    parse_assignment,
    profile_value,
)

TODAY = date(2024, 6, 1)

#: a man of 30 with every fact known and nothing that rules anything out.
BASE = {
    "gender": "male",
    "date_of_birth": "1994-01-15",
    "offence_types": "violence",
    "rosh": "medium",
    "reoffending": "medium",
    "ogrs3": "60",
    "sara": "low",
    "needs_learning_disability": "no",
    "needs_intellectual_disability": "no",
    "completed_programmes": "none",
    "accredited_programme_suitable": "yes",
    "tsp_need": "yes",
    "maturity_need": "no",
    "unpaid_work_hours": "100",
    "erg22_recommended": "no",
    "extremism_concern": "no",
    "alcohol_related_offence": "no",
    "alcohol_dependent": "no",
    "alcohol_treatment_requirement": "no",
    "alcohol_misuse": "no",
    "drug_misuse": "no",
    "mental_health_need": "no",
    "consent": "yes",
}


@pytest.fixture(scope="module")
def directory() -> dict[str, Intervention]:
    items, problems = load_directory()
    assert problems == []
    return {item.id: item for item in items}


def client_with(**changes: str) -> Client:
    client = Client(id="T1", name="Test")
    for field, value in {**BASE, **changes}.items():
        client = apply_profile_field(client, field, value)
    return client


def verdict(directory: dict[str, Intervention], intervention: str, **changes: str) -> str:
    return assess(client_with(**changes), directory[intervention], TODAY).verdict


#: One row per rule or exception the brochure (shared/seeds/002...) states: its words, quoted,
#: then the intervention, the profile changed from BASE, and the verdict those words imply.
CASES = [
    # Thinking Skills Programme
    (
        "TSP: Score of 50 or above on OGRS3",
        "thinking-skills-programme",
        {"ogrs3": "50"},
        "suitable",
    ),
    (
        "TSP: Score of 50 or above on OGRS3",
        "thinking-skills-programme",
        {"ogrs3": "49"},
        "not_suitable",
    ),
    ("TSP: Gender: Male / Female", "thinking-skills-programme", {"gender": "female"}, "suitable"),
    (
        "TSP: Minimum score thresholds must be met",
        "thinking-skills-programme",
        {"tsp_need": "no"},
        "not_suitable",
    ),
    (
        "TSP: Minimum score thresholds must be met",
        "thinking-skills-programme",
        {"tsp_need": "unknown"},
        "needs_information",
    ),
    # iHorizon
    (
        "iHorizon: internet only sexual offending",
        "ihorizon",
        {"offence_types": "internet_sexual"},
        "suitable",
    ),
    (
        "iHorizon: no contact sexual offending",
        "ihorizon",
        {"offence_types": "internet_sexual,contact_sexual"},
        "not_suitable",
    ),
    (
        "iHorizon: Medium or above Risk of Serious Harm",
        "ihorizon",
        {"offence_types": "internet_sexual", "rosh": "low"},
        "not_suitable",
    ),
    (
        "iHorizon: Gender: Male",
        "ihorizon",
        {"offence_types": "internet_sexual", "gender": "female"},
        "not_suitable",
    ),
    (
        "iHorizon: not suitable for men who have intellectual disability",
        "ihorizon",
        {"offence_types": "internet_sexual", "needs_intellectual_disability": "yes"},
        "not_suitable",
    ),
    (
        "iHorizon: (learning challenges are not an intellectual disability)",
        "ihorizon",
        {"offence_types": "internet_sexual", "needs_learning_disability": "yes"},
        "suitable",
    ),
    (
        "iHorizon: should not normally be considered ... if they have already completed"
        " another programme bar exceptional cases",
        "ihorizon",
        {"offence_types": "internet_sexual", "completed_programmes": "horizon"},
        "needs_judgement",
    ),
    # Horizon
    (
        "Horizon: Medium or above Risk of Serious Harm",
        "horizon",
        {"offence_types": "contact_sexual", "rosh": "high"},
        "suitable",
    ),
    (
        "Horizon: Medium or above Risk of Serious Harm",
        "horizon",
        {"offence_types": "contact_sexual", "rosh": "low"},
        "not_suitable",
    ),
    (
        "Horizon: not suitable for men who have intellectual disability",
        "horizon",
        {"offence_types": "contact_sexual", "needs_intellectual_disability": "yes"},
        "not_suitable",
    ),
    (
        "Horizon: not suitable for men who have intellectual disability",
        "horizon",
        {"offence_types": "contact_sexual", "needs_intellectual_disability": "unknown"},
        "needs_information",
    ),
    (
        "Horizon: not normally ... if they have already completed another programme bar exceptional cases",
        "horizon",
        {"offence_types": "contact_sexual", "completed_programmes": "thinking-skills-programme"},
        "needs_judgement",
    ),
    # New Me Strengths
    (
        "NMS: the LDC suite equivalent",
        "new-me-strengths",
        {"needs_learning_disability": "yes"},
        "suitable",
    ),
    (
        "NMS: the LDC suite equivalent",
        "new-me-strengths",
        {"needs_learning_disability": "no"},
        "not_suitable",
    ),
    (
        "NMS: adult men",
        "new-me-strengths",
        {"needs_learning_disability": "yes", "gender": "female"},
        "not_suitable",
    ),
    # Building Better Relationships
    (
        "BBR: IPV related offence (this can be index or historical)",
        "building-better-relationships",
        {"offence_types": "ipv", "sara": "medium"},
        "suitable",
    ),
    (
        "BBR: IPV related offence",
        "building-better-relationships",
        {"offence_types": "violence", "sara": "high"},
        "not_suitable",
    ),
    (
        "BBR: Gender: Male",
        "building-better-relationships",
        {"offence_types": "ipv", "sara": "high", "gender": "female"},
        "not_suitable",
    ),
    (
        "BBR: Age: 18+",
        "building-better-relationships",
        {"offence_types": "ipv", "sara": "high", "date_of_birth": "2007-01-01"},
        "not_suitable",
    ),
    (
        "BBR: moderate or high risk (SARA)",
        "building-better-relationships",
        {"offence_types": "ipv", "sara": "low"},
        "not_suitable",
    ),
    # Alcohol Abstinence and Monitoring Requirement
    (
        "AAMR: alcohol related offence",
        "alcohol-abstinence-monitoring",
        {"alcohol_related_offence": "yes"},
        "suitable",
    ),
    (
        "AAMR: alcohol related offence",
        "alcohol-abstinence-monitoring",
        {"alcohol_related_offence": "no"},
        "not_suitable",
    ),
    (
        "AAMR: not alcohol dependent",
        "alcohol-abstinence-monitoring",
        {"alcohol_related_offence": "yes", "alcohol_dependent": "yes"},
        "not_suitable",
    ),
    (
        "AAMR: not alcohol dependent",
        "alcohol-abstinence-monitoring",
        {"alcohol_related_offence": "yes", "alcohol_dependent": "unknown"},
        "needs_information",
    ),
    (
        "AAMR: no Alcohol Treatment Requirement",
        "alcohol-abstinence-monitoring",
        {"alcohol_related_offence": "yes", "alcohol_treatment_requirement": "yes"},
        "not_suitable",
    ),
    (
        "AAMR: aged 18",
        "alcohol-abstinence-monitoring",
        {"alcohol_related_offence": "yes", "date_of_birth": "2008-01-01"},
        "not_suitable",
    ),
    # Choices and Changes
    (
        "C&C: young adult men (aged 18-25) ... a need to develop maturity",
        "choices-and-changes",
        {"date_of_birth": "2006-06-01", "maturity_need": "yes"},
        "suitable",
    ),
    (
        "C&C: aged 18-25",
        "choices-and-changes",
        {"date_of_birth": "1998-06-01", "maturity_need": "yes"},
        "not_suitable",
    ),
    (
        "C&C: aged 18-25",
        "choices-and-changes",
        {"date_of_birth": "2006-06-02", "maturity_need": "yes"},
        "not_suitable",
    ),
    (
        "C&C: who still need to develop maturity",
        "choices-and-changes",
        {"date_of_birth": "2002-01-01", "maturity_need": "no"},
        "not_suitable",
    ),
    (
        "C&C: who still need to develop maturity",
        "choices-and-changes",
        {"date_of_birth": "2002-01-01", "maturity_need": "unknown"},
        "needs_information",
    ),
    (
        "C&C: young adult men",
        "choices-and-changes",
        {"date_of_birth": "2002-01-01", "maturity_need": "yes", "gender": "female"},
        "not_suitable",
    ),
    # Living as New Me
    (
        "LNM: already completed New Me Strengths ... or Becoming New Me+",
        "living-as-new-me",
        {"completed_programmes": "new-me-strengths"},
        "suitable",
    ),
    (
        "LNM: already completed New Me Strengths ... or Becoming New Me+",
        "living-as-new-me",
        {"completed_programmes": "none"},
        "not_suitable",
    ),
    # Unpaid Work
    (
        "UPW: Sentences of between 40-300 hours",
        "unpaid-work",
        {"unpaid_work_hours": "40"},
        "suitable",
    ),
    (
        "UPW: Sentences of between 40-300 hours",
        "unpaid-work",
        {"unpaid_work_hours": "300"},
        "suitable",
    ),
    (
        "UPW: Sentences of between 40-300 hours",
        "unpaid-work",
        {"unpaid_work_hours": "unknown"},
        "needs_information",
    ),
    (
        "UPW: It does not require the defendant's consent",
        "unpaid-work",
        {"consent": "no"},
        "suitable",
    ),
    (
        "UPW: regardless of ability, their risk of harm or their risk of reoffending",
        "unpaid-work",
        {"gender": "female", "rosh": "very_high"},
        "suitable",
    ),
    # Treatment requirements
    (
        "Treatment: Expressed willingness to comply with the requirement (consent)",
        "treatment-alcohol",
        {"alcohol_misuse": "yes"},
        "suitable",
    ),
    (
        "Treatment: Expressed willingness to comply with the requirement (consent)",
        "treatment-alcohol",
        {"alcohol_misuse": "yes", "consent": "no"},
        "not_suitable",
    ),
    (
        "Treatment: Requirement of treatment related to mental health",
        "treatment-mental-health",
        {"mental_health_need": "no"},
        "not_suitable",
    ),
    # Healthy Identity Intervention
    (
        "HII: must be recommended by an Extremism Risk Guidance (ERG) 22+ report",
        "healthy-identity-intervention",
        {"offence_types": "extremism", "erg22_recommended": "yes"},
        "suitable",
    ),
    (
        "HII: must be recommended by an ... ERG 22+ report",
        "healthy-identity-intervention",
        {"offence_types": "extremism"},
        "not_suitable",
    ),
    # Skills for Relationships
    (
        "SRT: medium and high risk on the Spousal Assault Risk Assessment",
        "skills-for-relationships",
        {"offence_types": "ipv", "sara": "medium"},
        "suitable",
    ),
    (
        "SRT: medium and high risk on the ... SARA",
        "skills-for-relationships",
        {"offence_types": "ipv", "sara": "low"},
        "not_suitable",
    ),
    # Stepping Stones
    (
        "Stepping Stones: low to medium risk of serious harm",
        "stepping-stones",
        {"rosh": "low"},
        "suitable",
    ),
    (
        "Stepping Stones: high risk of serious harm in exceptional circumstances",
        "stepping-stones",
        {"rosh": "high"},
        "needs_judgement",
    ),
    (
        "Stepping Stones: (very high is not the exception's)",
        "stepping-stones",
        {"rosh": "very_high"},
        "not_suitable",
    ),
    # Resolve
    (
        "Resolve: Assessed as being of medium to high risk of reoffending",
        "resolve",
        {"reoffending": "high"},
        "suitable",
    ),
    (
        "Resolve: medium to high risk of reoffending",
        "resolve",
        {"reoffending": "low"},
        "not_suitable",
    ),
    (
        "Resolve: do not have a current conviction for violence but ... aggression ..."
        " in the last year are suitable",
        "resolve",
        {"offence_types": "acquisitive"},
        "needs_judgement",
    ),
    # Structured interventions
    (
        "Structured: low risk of recidivism and/or unsuitable for an Accredited Programme",
        "structured-attitudes-thinking-behaviour",
        {"reoffending": "low"},
        "suitable",
    ),
    (
        "Structured: ... unsuitable for an Accredited Programme",
        "structured-attitudes-thinking-behaviour",
        {"accredited_programme_suitable": "no"},
        "suitable",
    ),
    (
        "Structured: low risk ... and/or unsuitable",
        "structured-attitudes-thinking-behaviour",
        {},
        "not_suitable",
    ),
    (
        "Structured: low risk ... and/or unsuitable",
        "structured-attitudes-thinking-behaviour",
        {"accredited_programme_suitable": "unknown"},
        "needs_information",
    ),
    (
        "Structured DA: Domestic Abuse",
        "structured-domestic-abuse",
        {"offence_types": "ipv", "reoffending": "low"},
        "suitable",
    ),
    # Women's services
    (
        "Women's specific services ... women aged 18+",
        "rehabilitative-womens-services",
        {"gender": "female"},
        "suitable",
    ),
    ("Women's specific services", "rehabilitative-womens-services", {}, "not_suitable"),
    # An unmet criterion outweighs an unknown one, and a judgement.
    (
        "(an unmet criterion outweighs the rest)",
        "thinking-skills-programme",
        {"ogrs3": "unknown", "gender": "unknown", "date_of_birth": "2010-01-01"},
        "not_suitable",
    ),
    (
        "(an unmet criterion outweighs an exception)",
        "stepping-stones",
        {"rosh": "high", "gender": "female"},
        "not_suitable",
    ),
]


@pytest.mark.parametrize(("brochure", "intervention", "changes", "expected"), CASES)
def test_brochure_criteria(
    directory: dict[str, Intervention],
    brochure: str,
    intervention: str,
    changes: dict[str, str],
    expected: str,
) -> None:
    assert verdict(directory, intervention, **changes) == expected, brochure


def test_nothing_checkable_says_check_locally(directory: dict[str, Intervention]) -> None:
    """Electronic Monitoring sets no condition a profile can hold: never "Likely suitable", for
    an empty profile or a 17-year-old."""
    empty = Client(id="T2", name="Empty")
    young = client_with(date_of_birth="2007-09-01")
    for client in (empty, young):
        result = assess(client, directory["electronic-monitoring"], TODAY)
        assert result.verdict == "check_locally"
        assert verdict_text(result.verdict, why=True) == (
            "○ Check locally: nothing here can be checked from the profile"
        )
    for item in directory.values():
        assert assess(empty, item, TODAY).verdict != "suitable", item.id


def test_an_exception_is_quoted_in_the_reason(directory: dict[str, Intervention]) -> None:
    result = assess(client_with(rosh="high"), directory["stepping-stones"], TODAY)
    rosh = next(c for c in result.criteria if c.name == "rosh")
    assert rosh.status == "judgement"
    assert "exceptional circumstances" in rosh.exception and rosh.exception in rosh.reason


def test_unpaid_work_hours_are_checked_on_entry_and_in_the_check(
    directory: dict[str, Intervention],
) -> None:
    upw = directory["unpaid-work"]
    assert upw.delivery.hours is not None
    assert (upw.delivery.hours.min, upw.delivery.hours.max) == (40, 300)
    assert upw.criteria.consent is False
    for hours in ("39", "301"):
        with pytest.raises(UserError, match="40 to 300"):
            apply_profile_field(Client(id="T2", name="U"), "unpaid_work_hours", hours)
    # a file holding hours outside the range (e.g. edited by hand) is not suitable
    odd = client_with().model_copy(update={"unpaid_work_hours": 20})
    assert assess(odd, upw, TODAY).verdict == "not_suitable"
    consent = next(c for c in assess(client_with(), upw, TODAY).criteria if c.name == "consent")
    assert "no consent" in consent.reason and not consent.checks


def test_reasons_read_at_a_glance(directory: dict[str, Intervention]) -> None:
    """Names not ids, plain words, positive phrasing, "recorded: no"."""

    def reason(intervention: str, criterion: str, **changes: str) -> str:
        result = assess(client_with(**changes), directory[intervention], TODAY)
        return next(c.reason for c in result.criteria if c.name == criterion)

    assert "New Me Strengths" in reason("living-as-new-me", "completed_any")
    assert "new-me-strengths" not in reason("living-as-new-me", "completed_any")
    assert "Horizon" in reason("ihorizon", "not_after_programme", completed_programmes="horizon")
    assert reason("horizon", "gender", gender="non_binary").endswith("recorded: non-binary")
    assert reason(
        "alcohol-abstinence-monitoring", "alcohol_dependent", alcohol_dependent="yes"
    ) == ("not for people who are alcohol dependent; recorded: dependent")
    assert reason("new-me-strengths", "learning_disability").endswith(
        "recorded: no learning disability or learning challenges"
    )
    assert "intellectual disability" in reason("horizon", "intellectual_disability")
    assert "has none recorded" not in str(
        [reason("new-me-strengths", "learning_disability"), reason("resolve", "consent")]
    )


def test_brochure_words_and_delivery(directory: dict[str, Intervention]) -> None:
    ihorizon = " ".join(directory["ihorizon"].criteria.notes)
    assert "adapted interventions (where available)" in ihorizon
    assert "New Me Strengths" not in ihorizon
    assert any("maintain their innocence" in n for n in directory["ihorizon"].criteria.notes)
    assert any("accept they have problems" in n for n in directory["ihorizon"].criteria.notes)
    assert "5 individual sessions" in directory["building-better-relationships"].delivery.notes
    for programme in ("resolve", "thinking-skills-programme"):
        summary = directory[programme].delivery.summary()
        assert "one-to-one only in exceptional cases" in summary, summary


def test_delivery_facts_from_the_brochure(directory: dict[str, Intervention]) -> None:
    aamr = directory["alcohol-abstinence-monitoring"].delivery
    assert aamr.days is not None and aamr.days.max == 120
    assert directory["horizon"].delivery.group_size == 10
    assert directory["living-as-new-me"].delivery.group_size == 8
    tsp = directory["thinking-skills-programme"].delivery
    assert tsp.sessions is not None and tsp.sessions.min == 19


def test_every_criterion_has_a_reason_and_unknowns_name_a_field(
    directory: dict[str, Intervention],
) -> None:
    empty = Client(id="T3", name="Empty")
    for item in directory.values():
        for criterion in assess(empty, item, TODAY).criteria:
            assert criterion.reason
            assert criterion.name in EVALUATORS
            if criterion.status == "unknown":
                assert criterion.fields and set(criterion.fields) <= set(PROFILE_FIELDS)


def test_missing_facts_are_listed_in_profile_order(directory: dict[str, Intervention]) -> None:
    empty = Client(id="T4", name="Empty")
    missing = missing_facts(assess(empty, item, TODAY) for item in directory.values())
    assert missing[:2] == ("date_of_birth", "gender")
    assert {"ogrs3", "offence_types", "sara", "consent", "alcohol_dependent"} <= set(missing)
    assert missing_facts(assess(client_with(), item, TODAY) for item in directory.values()) == ()


def test_reasons_say_why(directory: dict[str, Intervention]) -> None:
    result = assess(client_with(ogrs3="42"), directory["thinking-skills-programme"], TODAY)
    ogrs = next(c for c in result.criteria if c.name == "ogrs3_min")
    assert ogrs.status == "unmet"
    assert "50" in ogrs.reason and "42" in ogrs.reason


def test_report_shape(directory: dict[str, Intervention]) -> None:
    report = eligibility_report(client_with(), list(directory.values()), TODAY)
    assert report["advisory"] == ADVISORY
    assert report["client"] == "T1"
    assert len(report["interventions"]) == len(directory)
    for entry in report["interventions"]:
        assert {"id", "name", "verdict", "criteria"} <= set(entry)
        assert entry["verdict"] in VERDICT_TEXT
        assert entry["verdict_text"].startswith(VERDICT_TEXT[entry["verdict"]][1])
        assert isinstance(entry["notes"], list)
        for criterion in entry["criteria"]:
            assert {"name", "label", "status", "reason"} <= set(criterion)
            assert criterion["status"] in ("met", "unmet", "unknown", "judgement")


def test_verdict_text_carries_symbol_and_words() -> None:
    assert verdict_text("suitable") == "✓ Likely suitable"
    assert verdict_text("not_suitable") == "✗ Not suitable"
    assert verdict_text("needs_information") == "? Needs information"


# --- client set FIELD=VALUE ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "stored"),
    [
        ("name", "  A  B ", "A B"),
        ("date_of_birth", "1990-02-03", date(1990, 2, 3)),
        ("gender", "Female", "female"),
        ("gender", "unknown", None),
        ("programme_stage", "post-group", "post_group"),
        ("order_type", "community_order", "community_order"),
        ("rar_days", "20", 20),
        ("order_end", "2025-03-01", date(2025, 3, 1)),
        ("needs_interpreter", "yes", True),
        ("needs_language", "Polish", "Polish"),
        ("needs_literacy", "some_difficulty", "some_difficulty"),
        ("learning_disability", "yes", True),
        ("needs_accessibility", "wheelchair user", "wheelchair user"),
        ("offence_types", "ipv, violence,ipv", ["ipv", "violence"]),
        ("rosh", "very_high", "very_high"),
        ("reoffending", "low", "low"),
        ("ogrs3", "62", 62),
        ("rsr", "3.5", 3.5),
        ("sara", "medium", "medium"),
        ("completed_programmes", "New-Me-Strengths", ["new-me-strengths"]),
        ("completed_programmes", "none", []),
        ("alcohol_dependent", "yes", True),
        ("consent", "no", False),
        ("consent", "", None),
    ],
)
def test_profile_fields_accept(field: str, value: str, stored: object) -> None:
    client = apply_profile_field(Client(id="P1", name="P"), field, value)
    current = profile_value(client, field)
    assert getattr(current, "value", current) == stored


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("ogrs3", "101"),
        ("ogrs3", "sixty"),
        ("ogrs3", "-1"),
        ("rsr", "nan"),
        ("gender", "man"),
        ("date_of_birth", "31/2/1990"),
        ("date_of_birth", "2990-01-01"),
        ("date_of_birth", "2021-02-30"),
        ("offence_types", "ipv,arson"),
        ("alcohol_dependent", "maybe"),
        ("rar_days", "2000"),
        ("name", "   "),
        ("name", "x" * 200),
        ("nonsense", "1"),
    ],
)
def test_profile_fields_refuse_with_one_line(field: str, value: str) -> None:
    with pytest.raises(UserError) as info:
        apply_profile_field(Client(id="P1", name="P"), field, value)
    assert "\n" not in str(info.value) and str(info.value)


def test_every_client_profile_fact_has_a_field() -> None:
    targets = {spec.target for spec in PROFILE_FIELDS.values()}
    profile = {f"risk.{name}" for name in Client.model_fields["risk"].annotation.model_fields}
    needs = {f"needs.{name}" for name in Client.model_fields["needs"].annotation.model_fields}
    expected = (profile | needs) - {"risk.schema_version", "needs.schema_version"}
    expected |= {
        "name",
        "date_of_birth",
        "gender",
        "programme_stage",
        "order_type",
        "rar_days",
        "order_end",
    }
    assert expected <= targets


def test_parse_assignment_and_format() -> None:
    assert parse_assignment("offence_types=ipv,violence") == ("offence_types", "ipv,violence")
    assert parse_assignment("needs_accessibility=a=b") == ("needs_accessibility", "a=b")
    with pytest.raises(UserError):
        parse_assignment("ogrs3")
    assert format_value(None) == "unknown"
    assert format_value(True) == "yes"
    assert format_value([]) == "none"
