"""A takeover is the holder's to grant (issue 26): its app hands a client over only for a request
that is in the audit log, once its own wait has passed since it took the lock, as its own memory
says; a wait of 0 means never. Forged or unaudited requests are refused, and the refusal is
audited once."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from store.client_writer import ClientWriter
from store.clients import Repository
from tests.test_lock_takeover import actions, age_holder


def colleague(data_dir: Path) -> Repository:
    return Repository(data_dir, user="prac2")


def refusals(data_dir: Path) -> list[dict[str, object]]:
    log = colleague(data_dir).audit_log("X1").entries()
    return [e for e in log if e.get("action") == "lock takeover refused"]


def test_a_hand_written_request_is_refused_and_logged_once(
    data_dir: Path, held: ClientWriter
) -> None:
    """No "takeover requested" entry: a `.takeover` file alone never makes the holder let go."""
    age_holder(Repository(data_dir, user="prac1"), "X1", 45)
    path = colleague(data_dir).clients_dir / "X1.takeover"
    path.write_text(json.dumps({"user": "prac2", "at": datetime.now(UTC).isoformat()}))
    assert held.takeover_requested(30) is None
    assert held.takeover_requested(30) is None  # looked at again: still no, said once
    assert not held.read_only
    assert [e["ids"]["reason"] for e in refusals(data_dir)] == [  # type: ignore[index]
        "the request is not in the audit log"
    ]
    assert "lock handed over" not in actions(colleague(data_dir), "X1")


def test_a_request_naming_an_entry_of_another_kind_is_refused(
    data_dir: Path, held: ClientWriter
) -> None:
    age_holder(Repository(data_dir, user="prac1"), "X1", 45)
    log = colleague(data_dir).audit_log("X1")
    other = log.read_lines()[-1]  # a real entry, but not a request
    from store.audit_chain import line_hash

    path = colleague(data_dir).clients_dir / "X1.takeover"
    path.write_text(json.dumps({"user": "prac2", "at": "x", "entry": line_hash(other)}))
    assert held.takeover_requested(30) is None
    assert len(refusals(data_dir)) == 1


def test_a_holder_whose_wait_is_zero_never_hands_over(data_dir: Path, held: ClientWriter) -> None:
    """The requester's config allows 30 minutes; the holder's says never: the holder's rules."""
    age_holder(Repository(data_dir, user="prac1"), "X1", 600)
    colleague(data_dir).request_takeover("X1", after_minutes=30)
    assert held.takeover_requested(0) is None
    assert not held.read_only
    (refused,) = refusals(data_dir)
    assert "never" in str(refused["ids"])


def test_a_forged_since_in_the_holder_note_does_not_skip_the_wait(
    data_dir: Path, held: ClientWriter
) -> None:
    """The colleague rewrites the holder's note to say it was opened an hour ago: their own
    check passes, but the holder counts from when it took the lock, as it remembers."""
    path = colleague(data_dir).clients_dir / "X1.holder"
    note = json.loads(path.read_text())
    note["since"] = (datetime.now(UTC) - timedelta(minutes=60)).isoformat(timespec="seconds")
    path.write_text(json.dumps(note))
    colleague(data_dir).request_takeover("X1", after_minutes=30)  # the requester is fooled
    assert held.takeover_requested(30) is None
    assert not held.read_only
    (refused,) = refusals(data_dir)
    assert "asked after 0 minutes held; the wait here is 30" in str(refused["ids"])


def test_the_holders_own_wait_counts_not_the_requesters(data_dir: Path, held: ClientWriter) -> None:
    age_holder(Repository(data_dir, user="prac1"), "X1", 45)
    colleague(data_dir).request_takeover("X1", after_minutes=30)
    assert held.takeover_requested(60) is None  # the holder's config says an hour
    assert held.takeover_requested(30) is None  # refused once: it stays refused
    assert len(refusals(data_dir)) == 1
    colleague(data_dir).request_takeover("X1", after_minutes=30)  # a new request, audited
    request = held.takeover_requested(30)
    assert request is not None and request["user"] == "prac2"


def test_an_audited_request_after_the_wait_is_honoured(data_dir: Path, held: ClientWriter) -> None:
    age_holder(Repository(data_dir, user="prac1"), "X1", 31)
    colleague(data_dir).request_takeover("X1", after_minutes=30)
    request = held.takeover_requested(30)
    assert request is not None and request["user"] == "prac2"
    assert refusals(data_dir) == []
    entries = colleague(data_dir).audit_log("X1").entries()
    asked = [e for e in entries if e["action"] == "lock takeover requested"]
    assert asked[-1]["ids"] == {"from": "prac1", "by": "prac2"}
