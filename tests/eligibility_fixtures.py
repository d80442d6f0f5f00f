"""Shared by the eligibility tests: a complete profile to vary, the directory, the brochure text."""

from __future__ import annotations

import re
from datetime import date
from functools import cache
from pathlib import Path

from exercises.interventions import Intervention, load_directory
from store.profile import Client
from tui.services.clients.profile_fields import apply_profile_field
from tui.services.eligibility import Assessment, assess_all

TODAY = date(2024, 6, 1)

#: a man of 30 with every fact known and nothing that rules anything out: on a community order
#: with a RAR and unpaid work, a need in relationships and in thinking and behaviour.
BASE = {
    "gender": "male",
    "date_of_birth": "1994-01-15",
    "sentence": "community_order",
    "rar_days": "20",
    "unpaid_work_hours": "100",
    "offence_types": "violence",
    "rosh": "medium",
    "reoffending": "medium",
    "ogrs3": "60",
    "sara": "low",
    "need_areas": "relationships, thinking_behaviour",
    "needs_learning_disability": "no",
    "needs_intellectual_disability": "no",
    "completed_programmes": "none",
    "accredited_programme_suitable": "yes",
    "tsp_need": "yes",
    "maturity_need": "no",
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

#: where the brochure is kept beside the project (not shipped with it).
BROCHURE = "shared/seeds/002_13a1d13c402272e2.txt"


@cache
def directory() -> dict[str, Intervention]:
    items, problems = load_directory()
    assert problems == []
    return {item.id: item for item in items}


def client_with(**changes: str) -> Client:
    """BASE changed by `changes`, every value set the way `client set` sets it."""
    client = Client(id="T1", name="Test")
    for field, value in {**BASE, **changes}.items():
        client = apply_profile_field(client, field, value)
    return client


def profile(**facts: str) -> Client:
    """Only these facts, nothing else recorded."""
    client = Client(id="T2", name="Test")
    for field, value in facts.items():
        client = apply_profile_field(client, field, value)
    return client


def assessments(client: Client) -> dict[str, Assessment]:
    """The whole directory checked, as the app and the command line check it."""
    return {a.intervention.id: a for a in assess_all(client, list(directory().values()), TODAY)}


def check(intervention: str, **changes: str) -> Assessment:
    return assessments(client_with(**changes))[intervention]


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("**", "")).strip()


@cache
def brochure_text() -> str | None:
    """The brochure's words with runs of space made one, or None where it is not beside us."""
    here = Path(__file__).resolve()
    for folder in here.parents:
        found = folder / BROCHURE
        if found.is_file():
            return _flat(found.read_text(encoding="utf-8"))
    return None


def quote_fragments(quote: str) -> list[str]:
    """A quote's verbatim pieces: "..." marks words left out."""
    return [_flat(part) for part in quote.split("...") if part.strip()]
