"""The advisory eligibility check: its reasons, its report, and the facts `client set` takes.

The brochure's criteria, row by row, are in `test_eligibility_brochure.py`.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from exercises.interventions import Intervention, load_directory, parse_intervention
from store.profile import Client
from tests import eligibility_fixtures as fixtures
from tests.eligibility_fixtures import TODAY
from tui.services.clients.profile_fields import (
    PROFILE_FIELDS,
    apply_profile_field,
    format_value,
    parse_assignment,
    profile_value,
)
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


@pytest.fixture(scope="module")
def directory() -> dict[str, Intervention]:
    return fixtures.directory()


def client_with(**changes: str) -> Client:
    return fixtures.client_with(**changes)


ENTRY = """---
id: test-entry
name: Test entry
section: toolkit
type: toolkit
need_areas: [relationships]
summary: A test.
criteria:
CRITERIA
delivery:
  formats: [one_to_one]
source: test
---

Body.
"""


def entry(criteria: str) -> Intervention:
    return parse_intervention(ENTRY.replace("CRITERIA", criteria), "test-entry.md")


def test_nothing_checkable_says_check_locally(directory: dict[str, Intervention]) -> None:
    """An entry that sets no condition a profile can hold is never "Likely suitable", nor one
    whose only conditions are gender, age and consent."""
    man = client_with()
    nothing = assess(man, entry("  notes: [just a note]"), TODAY)
    assert nothing.verdict == "check_locally"
    assert nothing.headline(why=True) == (
        "○ Check locally: nothing here can be checked from the profile"
    )
    who = assess(man, entry("  gender: [male]\n  age: {min: 18}\n  consent: true"), TODAY)
    assert who.verdict == "check_locally"
    assert [c.status for c in who.criteria] == ["met", "met", "met"]
    assert "only gender, age or consent" in who.headline(why=True)
    empty = Client(id="T2", name="Empty")
    for item in directory.values():
        assert assess(empty, item, TODAY).verdict != "suitable", item.id


def test_a_relation_checked_on_its_own_names_the_fact_that_settles_it(
    directory: dict[str, Intervention],
) -> None:
    result = assess(
        client_with(accredited_programme_suitable="unknown"), directory["maps-for-change"]
    )
    relation = next(c for c in result.criteria if c.name == "not_eligible_for")
    assert relation.status == "unknown" and relation.fields == ("accredited_programme_suitable",)
    assert "Horizon: not checked" in relation.reason


def test_not_eligible_for_must_name_a_programme(tmp_path: Path) -> None:
    text = ENTRY.replace("CRITERIA", "  not_eligible_for: [stepping-stones]")
    (tmp_path / "bad.md").write_text(text, encoding="utf-8")
    items, problems = load_directory([tmp_path])
    assert "test-entry" not in {i.id for i in items}
    [problem] = problems
    assert problem.line == 9 and "'stepping-stones' is not an accredited programme" in str(problem)


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
    [motivation] = directory["ihorizon"].criteria.local
    assert motivation.quote.startswith("Group members need to accept that they have problems")
    bbr = directory["building-better-relationships"].delivery.notes
    assert "24 group sessions and 5 individual sessions" in bbr
    assert "one of an hour after each module" not in bbr
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
            assert criterion.name in EVALUATORS or criterion.status == "local"
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
        assert entry["headline"].startswith(" ".join(VERDICT_TEXT[entry["verdict"]]))
        assert all({"label", "quote"} == set(local) for local in entry["local"])
        assert isinstance(entry["notes"], list)
        for criterion in entry["criteria"]:
            assert {"name", "label", "status", "reason"} <= set(criterion)
            assert criterion["status"] in ("met", "unmet", "unknown", "judgement", "local")


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
        ("sentence", "Suspended sentence order", "suspended_sentence_order"),
        ("sentence", "post-sentence supervision", "post_sentence_supervision"),
        ("sentence", "unknown", None),
        (
            "need_areas",
            "Accommodation, family,dependency-recovery",
            ["accommodation", "family", "dependency_recovery"],
        ),
        ("need_areas", "none", []),
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
        ("need_areas", "housing"),
        ("need_areas", "compliance"),
        ("sentence", "prison"),
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
        "sentence",
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
