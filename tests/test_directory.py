"""The interventions directory: every brochure entry is there and loads; bad files are problems."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from pydantic import ValidationError

from exercises.errors import ContentError
from exercises.interventions import (
    NEED_AREAS,
    SECTIONS,
    Intervention,
    load_directory,
    parse_intervention,
    shipped_dir,
)
from tests.cli_runner import run_cli

ROOT = Path(__file__).resolve().parent.parent

#: every intervention the issue names: id -> (section, type).
EXPECTED = {
    "building-better-relationships": ("programme", "programme"),
    "healthy-identity-intervention": ("programme", "programme"),
    "resolve": ("programme", "programme"),
    "thinking-skills-programme": ("programme", "programme"),
    "horizon": ("programme", "programme"),
    "ihorizon": ("programme", "programme"),
    "new-me-strengths": ("programme", "programme"),
    "living-as-new-me": ("programme", "programme"),
    "structured-attitudes-thinking-behaviour": ("structured", "structured_intervention"),
    "structured-domestic-abuse": ("structured", "structured_intervention"),
    "structured-emotional-management": ("structured", "structured_intervention"),
    "rehabilitative-accommodation": ("rehabilitative", "service"),
    "rehabilitative-dependency-recovery": ("rehabilitative", "service"),
    "rehabilitative-education-training-employment": ("rehabilitative", "service"),
    "rehabilitative-emotional-wellbeing": ("rehabilitative", "service"),
    "rehabilitative-peer-support": ("rehabilitative", "service"),
    "rehabilitative-family-support": ("rehabilitative", "service"),
    "rehabilitative-social-inclusion": ("rehabilitative", "service"),
    "rehabilitative-womens-services": ("rehabilitative", "service"),
    "rehabilitative-womens-finance-benefits-debt": ("rehabilitative", "service"),
    "choices-and-changes": ("toolkit", "toolkit"),
    "developing-dialogues": ("toolkit", "toolkit"),
    "maps-for-change": ("toolkit", "toolkit"),
    "new-me-mot": ("toolkit", "toolkit"),
    "skills-for-relationships": ("toolkit", "toolkit"),
    "stepping-stones": ("toolkit", "toolkit"),
    "treatment-mental-health": ("treatment", "requirement"),
    "treatment-drug-rehabilitation": ("treatment", "requirement"),
    "treatment-alcohol": ("treatment", "requirement"),
    "electronic-monitoring": ("monitoring", "requirement"),
    "alcohol-abstinence-monitoring": ("monitoring", "requirement"),
    "unpaid-work": ("unpaid_work", "requirement"),
}

GOOD = """---
id: test-thing
name: Test thing
section: toolkit
type: toolkit
need_areas: [relationships]
summary: A test.
criteria:
  gender: [male]
delivery:
  formats: [one_to_one]
source: test
---

Body.
"""


@pytest.fixture(scope="module")
def loaded() -> tuple[list[Intervention], list[ContentError]]:
    return load_directory()


def test_everything_in_the_brochure_is_there_and_loads(loaded) -> None:
    items, problems = loaded
    assert problems == []
    by_id = {item.id: item for item in items}
    assert set(EXPECTED) <= set(by_id)
    for iid, (section, kind) in EXPECTED.items():
        assert (by_id[iid].section, by_id[iid].type) == (section, kind), iid
    assert {item.section for item in items} == set(SECTIONS)


def test_each_file_credits_the_source_and_has_a_description(loaded) -> None:
    for item in loaded[0]:
        assert "HM Prison & Probation Service" in item.source
        assert "Greater Manchester" in item.source and "2021" in item.source
        assert "Source: HM Prison & Probation Service" in item.body
        assert len(item.body) > 150, item.id
        assert Path(item.path).parent == shipped_dir()


def test_need_areas_are_all_used(loaded) -> None:
    used = {need for item in loaded[0] for need in item.need_areas}
    assert used == set(NEED_AREAS)


def test_personal_wellbeing_and_womens_strands(loaded) -> None:
    by_id = {item.id: item for item in loaded[0]}
    women = by_id["rehabilitative-womens-services"]
    assert women.genders == ("female",)
    assert "finance_benefits_debt" in women.need_areas
    assert by_id["rehabilitative-womens-finance-benefits-debt"].genders == ("female",)
    for strand in ("emotional-wellbeing", "peer-support", "family-support", "social-inclusion"):
        assert by_id[f"rehabilitative-{strand}"].genders == ("male",)


def test_a_broken_file_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    (tmp_path / "good.md").write_text(GOOD, encoding="utf-8")
    (tmp_path / "bad-section.md").write_text(
        GOOD.replace("id: test-thing", "id: other").replace("section: toolkit", "section: nope"),
        encoding="utf-8",
    )
    (tmp_path / "dup.md").write_text(GOOD.replace("id: test-thing", "id: horizon"), "utf-8")
    (tmp_path / "no-front.md").write_text("# nothing\n", encoding="utf-8")
    (tmp_path / "bad-offence.md").write_text(
        GOOD.replace("id: test-thing", "id: third").replace(
            "  gender: [male]", "  gender: [male]\n  offence_types: [arson]"
        ),
        encoding="utf-8",
    )
    items, problems = load_directory([tmp_path])
    ids = {item.id for item in items}
    assert "test-thing" in ids and "other" not in ids and "third" not in ids
    text = sorted(str(p) for p in problems)
    assert len(text) == 4
    by_file = {Path(p.path).name: p for p in problems}
    assert by_file["bad-section.md"].line == 4
    assert "unknown section 'nope'" in by_file["bad-section.md"].message
    assert by_file["bad-offence.md"].line == 10
    assert "arson" in by_file["bad-offence.md"].message
    assert "already used" in by_file["dup.md"].message
    assert by_file["no-front.md"].line == 1


def test_parse_errors_carry_file_and_line() -> None:
    with pytest.raises(ContentError) as info:
        parse_intervention(GOOD.replace("  formats: [one_to_one]", "  formats: [bus]"), "x.md")
    assert str(info.value).startswith("x.md:11: delivery.formats")
    with pytest.raises(ContentError) as info:
        parse_intervention(
            GOOD.replace("summary: A test.\n", "summary: A test.\nsummary: B\n"), "y.md"
        )
    assert info.value.line == 8 and "duplicate" in info.value.message


@pytest.mark.parametrize(
    ("change", "line", "words"),
    [
        ("  maturity_need: maybe\n", 10, "criteria.maturity_need"),
        ("  unpaid_work_hours: {min: 300, max: 40}\n", 10, "is more than max"),
        (
            "  exceptions:\n    - criterion: rosh\n      quote: q\n",
            10,
            "not set here",
        ),
        (
            "  exceptions:\n    - criterion: weather\n      quote: q\n",
            10,
            "unknown criterion 'weather'",
        ),
        ("  shoe_size: 9\n", 10, "criteria.shoe_size"),
    ],
)
def test_new_facts_and_exceptions_are_checked_with_file_and_line(
    change: str, line: int, words: str
) -> None:
    text = GOOD.replace("  gender: [male]\n", "  gender: [male]\n" + change)
    with pytest.raises(ContentError) as info:
        parse_intervention(text, "z.md")
    assert str(info.value).startswith(f"z.md:{line}:"), str(info.value)
    assert words in str(info.value)


def test_models_are_frozen(loaded) -> None:
    item = loaded[0][0]
    with pytest.raises(ValidationError):
        item.name = "changed"  # type: ignore[misc]


def _run(*args: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "WELLBEING_DATA_DIR": str(data_dir), "PYTHONIOENCODING": "utf-8"}
    return run_cli(*args, env=env)


def test_directory_json_command(tmp_path: Path) -> None:
    result = _run("directory", "--json", data_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert {row["id"] for row in rows} >= set(EXPECTED)
    for row in rows:
        assert {"id", "name", "section", "type"} <= set(row)
    text = _run("directory", data_dir=tmp_path)
    assert text.returncode == 0 and "Thinking Skills Programme" in text.stdout


def test_eligibility_command(tmp_path: Path) -> None:
    assert _run("client", "add", "X1", "--name", "Test", data_dir=tmp_path).returncode == 0
    done = _run(
        "client",
        "set",
        "X1",
        "gender=male",
        "date_of_birth=1990-01-01",
        "ogrs3=62",
        "tsp_need=yes",
        "consent=yes",
        data_dir=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    result = _run("eligibility", "X1", "--json", data_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    tsp = next(i for i in report["interventions"] if i["id"] == "thinking-skills-programme")
    assert tsp["verdict"] == "suitable"
    assert {c["status"] for c in tsp["criteria"]} == {"met"}
    assert "offence_types" in report["missing"]
    text = _run("eligibility", "X1", data_dir=tmp_path)
    assert "Advisory - professional judgement decides" in text.stdout
    assert "Thinking Skills Programme: ✓ Likely suitable" in text.stdout
    # the plain output shows every caveat the JSON and the app show
    for note in tsp["notes"]:
        assert note in text.stdout
    missing = _run("eligibility", "NOPE1", data_dir=tmp_path)
    assert missing.returncode == 1 and missing.stderr.count("\n") == 1


def test_eligibility_for_a_man_of_30_with_nothing_else_recorded(tmp_path: Path) -> None:
    """No tick anywhere, and every entry says which facts it needs."""
    assert _run("client", "add", "M30", "--name", "Test", data_dir=tmp_path).returncode == 0
    done = _run(
        "client", "set", "M30", "gender=male", "date_of_birth=1994-01-15", data_dir=tmp_path
    )
    assert done.returncode == 0, done.stderr
    result = _run("eligibility", "M30", data_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "✓" not in result.stdout
    blocks = result.stdout.split("\n\n")[1:]
    assert len(blocks) == len(EXPECTED)
    for block in blocks:
        heading = block.splitlines()[0]
        assert " facts unknown" in heading or " fact unknown" in heading, heading
        assert "\n    Needs: " in block, heading
    report = json.loads(_run("eligibility", "M30", "--json", data_dir=tmp_path).stdout)
    assert {i["verdict"] for i in report["interventions"]} <= {"not_suitable", "needs_information"}
    assert all(i["missing"] for i in report["interventions"])
