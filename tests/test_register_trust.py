"""The register is a cache, never a source of facts (issue 26 item 5): an entry edited by hand
(its file's key kept, so it looks current) is never shown over the client file, on the client list
or on Due, and the next checked read puts the file's facts back."""

from __future__ import annotations

import json
import os
from datetime import date, timedelta
from pathlib import Path

import pytest

from store.records import Session
from tests.cli_runner import run_cli
from tui.services.clients.due import due
from tui.services.clients.rows import ClientListing, list_clients
from tui.services.config import Config
from tui.services.context import Context
from tui.services.demo import DEMO_ID, write_demo
from tui.services.repository import repository

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
    # ... and its head, the first rows a list's first frame reads, forged the same way
    head = ctx.data_dir / "register.json.head"
    forged = json.loads(head.read_text("utf-8"))
    forged["clients"][DEMO_ID] = entry
    head.write_text(json.dumps(forged), "utf-8")
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


def test_the_seal_key_is_this_users_alone_and_written_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Made on first use (0600, whole), the same key after; one others can read, one replaced by
    a symlink or one cut short is never used (a key of this process only: the register is read
    from the files)."""
    import os

    from tui.services.clients import rows
    from tui.services.locations import state_dir

    monkeypatch.setenv("WELLBEING_STATE_DIR", str(tmp_path / "state"))
    key = rows.seal_key()
    path = state_dir() / rows.SEAL_KEY_FILE
    assert path.read_bytes() == key and len(key) == 32
    assert os.stat(path).st_mode & 0o777 == 0o600
    assert rows.seal_key() == key
    writes: list[object] = []  # at every later start it is read only: no write, no fsync
    with monkeypatch.context() as patch:
        patch.setattr(rows, "atomic_write", lambda *args, **kwargs: writes.append(args))
        assert rows.seal_key() == key and writes == []
    path.chmod(0o644)
    assert rows.seal_key() != key
    path.chmod(0o600)
    path.write_bytes(key[:10])
    assert rows.seal_key() != key[:10]
    path.unlink()
    (tmp_path / "theirs").write_bytes(key)
    path.symlink_to(tmp_path / "theirs")
    assert rows.seal_key() != key


def test_a_save_that_only_appends_to_the_journal_makes_the_entry_stale(ctx: Context) -> None:
    """A save appends to the client's journal and leaves the client file as it was: the
    register must see the journal (its first one, and a longer one) or it lists the old facts."""
    repo = repository(ctx)
    clients = ctx.data_dir / "clients"
    journal = clients / f"{DEMO_ID}.json.journal"
    journal.unlink(missing_ok=True)
    before = next(r for r in list_clients(ctx) if r.client_id == DEMO_ID).sessions
    file_key = os.stat(clients / f"{DEMO_ID}.json").st_mtime_ns
    for n in (1, 2):
        cf = repo.open(DEMO_ID)
        cf.save_session(Session(id=f"later-{n}", practitioner="sam"))
        cf.close(fold=False)  # as a close that could not fold: the change in the journal alone
        assert journal.exists()
        assert os.stat(clients / f"{DEMO_ID}.json").st_mtime_ns == file_key  # the file untouched
        row = next(r for r in list_clients(ctx) if r.client_id == DEMO_ID)
        assert row.sessions == before + n
