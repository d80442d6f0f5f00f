"""Hostile client IDs are refused before any path is built."""

from __future__ import annotations

from pathlib import Path

import pytest

from store.clients import Repository
from store.errors import StoreError
from store.ids import validate_client_id
from store.profile import Client

HOSTILE = [
    "../x",
    "/etc/passwd",
    "a/b",
    "",
    ".",
    "..",
    "x" * 300,
    "X123\n",
    "X 1",
    "X1\x00",
    "Ｘ１２",
    "X1.json",
    "~root",
    "-rf",
    "X1;rm",
]


@pytest.mark.parametrize("raw", HOSTILE)
def test_hostile_ids_are_refused(raw: str, repo: Repository, tmp_path: Path) -> None:
    before = sorted(p for p in tmp_path.rglob("*"))
    with pytest.raises(StoreError) as info:
        validate_client_id(raw)
    assert "\n" not in str(info.value)
    with pytest.raises(StoreError):
        repo.add_client(Client(id=raw or "placeholder", name="x")) if raw else validate_client_id(
            raw
        )
    assert sorted(p for p in tmp_path.rglob("*")) == before


def test_ids_are_case_references() -> None:
    assert validate_client_id("x123") == "X123"
    assert validate_client_id("A" * 32) == "A" * 32
