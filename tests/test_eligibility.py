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
    "completed_programmes": "none",
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


CASES = [
    # Thinking Skills Programme: OGRS3 of 50 or more.
    ("thinking-skills-programme", {"ogrs3": "50"}, "suitable"),
    ("thinking-skills-programme", {"ogrs3": "75"}, "suitable"),
    ("thinking-skills-programme", {"ogrs3": "49"}, "not_suitable"),
    ("thinking-skills-programme", {"ogrs3": "10"}, "not_suitable"),
    ("thinking-skills-programme", {"gender": "female", "ogrs3": "55"}, "suitable"),
    # iHorizon: internet-only sexual offending, never contact offences.
    ("ihorizon", {"offence_types": "internet_sexual"}, "suitable"),
    ("ihorizon", {"offence_types": "internet_sexual,contact_sexual"}, "not_suitable"),
    ("ihorizon", {"offence_types": "contact_sexual"}, "not_suitable"),
    ("ihorizon", {"offence_types": "violence"}, "not_suitable"),
    ("ihorizon", {"offence_types": "internet_sexual", "rosh": "low"}, "not_suitable"),
    ("ihorizon", {"offence_types": "internet_sexual", "gender": "female"}, "not_suitable"),
    # Horizon: contact sexual offending, medium or higher RoSH.
    ("horizon", {"offence_types": "contact_sexual", "rosh": "high"}, "suitable"),
    ("horizon", {"offence_types": "contact_sexual", "rosh": "low"}, "not_suitable"),
    # Horizon and iHorizon are not for men with an intellectual disability ...
    (
        "horizon",
        {"offence_types": "contact_sexual", "needs_learning_disability": "yes"},
        "not_suitable",
    ),
    (
        "ihorizon",
        {"offence_types": "internet_sexual", "needs_learning_disability": "yes"},
        "not_suitable",
    ),
    # ... who go to New Me Strengths (any offence), which is not for men without one.
    (
        "new-me-strengths",
        {"offence_types": "contact_sexual", "needs_learning_disability": "yes"},
        "suitable",
    ),
    ("new-me-strengths", {"needs_learning_disability": "yes"}, "suitable"),
    ("new-me-strengths", {"needs_learning_disability": "no"}, "not_suitable"),
    ("new-me-strengths", {"needs_learning_disability": "yes", "gender": "female"}, "not_suitable"),
    # Building Better Relationships: men, IPV offence, moderate or high risk (SARA).
    ("building-better-relationships", {"offence_types": "ipv", "sara": "medium"}, "suitable"),
    ("building-better-relationships", {"offence_types": "ipv", "sara": "high"}, "suitable"),
    ("building-better-relationships", {"offence_types": "ipv", "sara": "low"}, "not_suitable"),
    (
        "building-better-relationships",
        {"offence_types": "violence", "sara": "high"},
        "not_suitable",
    ),
    (
        "building-better-relationships",
        {"offence_types": "ipv", "sara": "high", "gender": "female"},
        "not_suitable",
    ),
    (
        "building-better-relationships",
        {"offence_types": "ipv", "sara": "high", "date_of_birth": "2007-01-01"},
        "not_suitable",
    ),
    # The alcohol abstinence requirement: alcohol-related offence, not dependent, no ATR.
    ("alcohol-abstinence-monitoring", {"alcohol_related_offence": "yes"}, "suitable"),
    ("alcohol-abstinence-monitoring", {"alcohol_related_offence": "no"}, "not_suitable"),
    (
        "alcohol-abstinence-monitoring",
        {"alcohol_related_offence": "yes", "alcohol_dependent": "yes"},
        "not_suitable",
    ),
    (
        "alcohol-abstinence-monitoring",
        {"alcohol_related_offence": "yes", "alcohol_treatment_requirement": "yes"},
        "not_suitable",
    ),
    (
        "alcohol-abstinence-monitoring",
        {"alcohol_related_offence": "yes", "date_of_birth": "2008-01-01"},
        "not_suitable",
    ),
    # Choices and Changes: men aged 18-25.
    ("choices-and-changes", {"date_of_birth": "2006-06-01"}, "suitable"),  # 18 today
    ("choices-and-changes", {"date_of_birth": "1998-06-02"}, "suitable"),  # 25, 26 tomorrow
    ("choices-and-changes", {"date_of_birth": "1998-06-01"}, "not_suitable"),  # 26 today
    ("choices-and-changes", {"date_of_birth": "2006-06-02"}, "not_suitable"),  # 17
    ("choices-and-changes", {"date_of_birth": "2002-01-01", "gender": "female"}, "not_suitable"),
    # Living as New Me: after New Me Strengths or Becoming New Me+.
    ("living-as-new-me", {"completed_programmes": "new-me-strengths"}, "suitable"),
    ("living-as-new-me", {"completed_programmes": "becoming-new-me-plus"}, "suitable"),
    ("living-as-new-me", {"completed_programmes": "thinking-skills-programme"}, "not_suitable"),
    ("living-as-new-me", {"completed_programmes": "none"}, "not_suitable"),
    (
        "living-as-new-me",
        {"completed_programmes": "new-me-strengths", "reoffending": "low"},
        "not_suitable",
    ),
    # Unpaid work needs no consent and sets no other condition.
    ("unpaid-work", {"consent": "no"}, "suitable"),
    ("unpaid-work", {"consent": "unknown"}, "suitable"),
    ("unpaid-work", {"gender": "female", "rosh": "very_high"}, "suitable"),
    # Treatment requirements need consent.
    ("treatment-alcohol", {"alcohol_misuse": "yes"}, "suitable"),
    ("treatment-alcohol", {"alcohol_misuse": "yes", "consent": "no"}, "not_suitable"),
    ("treatment-drug-rehabilitation", {"drug_misuse": "yes"}, "suitable"),
    ("treatment-mental-health", {"mental_health_need": "no"}, "not_suitable"),
    # Healthy Identity Intervention only on an ERG 22+ recommendation.
    (
        "healthy-identity-intervention",
        {"offence_types": "extremism", "erg22_recommended": "yes"},
        "suitable",
    ),
    ("healthy-identity-intervention", {"offence_types": "extremism"}, "not_suitable"),
    # Skills for Relationships: IPV and medium/high SARA; Stepping Stones: low/medium RoSH.
    ("skills-for-relationships", {"offence_types": "ipv", "sara": "medium"}, "suitable"),
    ("skills-for-relationships", {"offence_types": "ipv", "sara": "low"}, "not_suitable"),
    ("stepping-stones", {"rosh": "low"}, "suitable"),
    ("stepping-stones", {"rosh": "high"}, "not_suitable"),
    # Resolve: violence, medium to high risk of reoffending.
    ("resolve", {"reoffending": "high"}, "suitable"),
    ("resolve", {"reoffending": "low"}, "not_suitable"),
    # Women's services are for women.
    ("rehabilitative-womens-services", {"gender": "female"}, "suitable"),
    ("rehabilitative-womens-services", {}, "not_suitable"),
    # Missing facts give needs_information.
    ("thinking-skills-programme", {"ogrs3": "unknown"}, "needs_information"),
    ("ihorizon", {"offence_types": "unknown"}, "needs_information"),
    (
        "horizon",
        {"offence_types": "contact_sexual", "needs_learning_disability": "unknown"},
        "needs_information",
    ),
    (
        "building-better-relationships",
        {"offence_types": "ipv", "sara": "unknown"},
        "needs_information",
    ),
    (
        "alcohol-abstinence-monitoring",
        {"alcohol_related_offence": "yes", "alcohol_dependent": "unknown"},
        "needs_information",
    ),
    ("choices-and-changes", {"date_of_birth": "unknown"}, "needs_information"),
    (
        "choices-and-changes",
        {"gender": "unknown", "date_of_birth": "2002-01-01"},
        "needs_information",
    ),
    ("living-as-new-me", {"completed_programmes": "unknown"}, "needs_information"),
    ("treatment-alcohol", {"alcohol_misuse": "yes", "consent": "unknown"}, "needs_information"),
    # An unmet criterion outweighs an unknown one.
    (
        "thinking-skills-programme",
        {"ogrs3": "unknown", "gender": "unknown", "date_of_birth": "2010-01-01"},
        "not_suitable",
    ),
]


@pytest.mark.parametrize(("intervention", "changes", "expected"), CASES)
def test_brochure_criteria(
    directory: dict[str, Intervention], intervention: str, changes: dict[str, str], expected: str
) -> None:
    assert verdict(directory, intervention, **changes) == expected


def test_unpaid_work_runs_40_to_300_hours_without_consent(
    directory: dict[str, Intervention],
) -> None:
    upw = directory["unpaid-work"]
    assert upw.delivery.hours is not None
    assert (upw.delivery.hours.min, upw.delivery.hours.max) == (40, 300)
    assert upw.criteria.consent is False
    result = assess(Client(id="T2", name="Empty"), upw, TODAY)
    assert result.verdict == "suitable"
    assert [(c.name, c.status) for c in result.criteria] == [("consent", "met")]
    assert "no consent" in result.criteria[0].reason


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
        assert entry["verdict"] in ("suitable", "not_suitable", "needs_information")
        for criterion in entry["criteria"]:
            assert set(criterion) == {"name", "label", "status", "reason"}
            assert criterion["status"] in ("met", "unmet", "unknown")


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
        ("date_of_birth", "03/02/1990"),
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
