"""The register is a cache, never a source of facts (issue 26 item 5): an entry edited by hand
(its file's key kept, so it looks current) is never shown over the client file, on the client list
or on Due, and the next checked read puts the file's facts back."""

from __future__ import annotations

import json
import os
from datetime import date, timedelta
from pathlib import Path

import pytest

from tests.cli_runner import run_cli
from tui.services.clients.due import due
from tui.services.clients.rows import ClientListing, list_clients
from tui.services.config import Config
from tui.services.context import Context
from tui.services.demo import DEMO_ID, write_demo

TODAY = date(2026, 11, 25)


@pytest.fixture
def ctx(tmp_path: Path) -> Context:
    ctx = Context(config=Config(), data_dir=tmp_path / "data")
    write_demo(ctx, today=TODAY)
    return ctx


def poison(ctx: Context) -> dict[str, object]:
    """The register as a practitioner with write access might leave it: the file's key kept,
    the facts invented. Returns the true entry."""
    list_clients(ctx)  # the register, written from the file
    path = ctx.data_dir / "register.json"
    doc = json.loads(path.read_text("utf-8"))
    entry = doc["clients"][DEMO_ID]
    true = dict(entry)
    entry["name"] = "Mallory Forged"
    entry["reviews"] = {"wellbeing": "1999-01-01", "keep-safe": "1999-02-02"}
    entry["rar"] = {**(entry.get("rar") or {}), "rar_remaining": 19}
    entry["rar"]["order_end"] = (TODAY + timedelta(days=10)).isoformat()
    entry["open_follow_ups"] = [["1999-03-03", "Invented follow-up"]]
    entry["follow_ups"] = 7
    path.write_text(json.dumps(doc), "utf-8")
    return true


def test_a_forged_register_entry_never_shows_on_the_list(ctx: Context) -> None:
    true = poison(ctx)
    first = ClientListing(ctx, check=False)  # the first frame: the register as written
    (pending,) = first.rows()  # a row to move to, with nothing of the forged entry
    assert pending.client_id == DEMO_ID and pending.pending and pending.name == ""
    assert pending.follow_ups == 0 and pending.reviews == {} and pending.rar is None
    (row,) = list_clients(ctx)
    assert row.name == true["name"] and row.follow_ups == true["follow_ups"]
    # corrected at that checked read: the register holds the file's facts again
    doc = json.loads((ctx.data_dir / "register.json").read_text("utf-8"))
    assert doc["clients"][DEMO_ID]["name"] == true["name"]
    assert doc["clients"][DEMO_ID]["reviews"] == true["reviews"]
    out = run_cli("client", "list", "--data-dir", str(ctx.data_dir))
    assert out.returncode == 0 and "Mallory" not in out.stdout


def test_a_forged_register_entry_never_puts_invented_items_on_due(ctx: Context) -> None:
    poison(ctx)
    items = due(ctx, TODAY)
    words = " ".join(f"{i.name} {i.detail}" for i in items)
    assert "1999" not in words and "Invented" not in words and "Mallory" not in words
    assert not [i for i in items if i.reason == "rar" and "19 RAR days" in i.detail]
    poison(ctx)
    env = {**os.environ, "WELLBEING_DATA_DIR": str(ctx.data_dir)}
    out = run_cli("due", "--json", env=env)
    assert out.returncode == 0, out.stderr
    assert "1999" not in out.stdout and "Invented" not in out.stdout and "Mallory" not in out.stdout


def test_another_users_entries_are_checked_against_the_file_and_kept_when_true(
    ctx: Context, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A colleague (another key) reads the file once, finds the entry true, and keeps it: the
    register is shared by the team, and each one's seal is added, not a rewrite each."""
    list_clients(ctx)
    monkeypatch.setenv("WELLBEING_STATE_DIR", str(tmp_path / "colleague"))
    (row,) = list_clients(ctx)
    doc = json.loads((ctx.data_dir / "register.json").read_text("utf-8"))
    assert row.name == doc["clients"][DEMO_ID]["name"]
    assert len(doc["clients"][DEMO_ID]["seals"]) == 2
