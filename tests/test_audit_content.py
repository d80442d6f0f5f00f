"""The audit chain covers content (issue 26): each change's entry keeps a digest of the record it
wrote, and `audit --verify` recomputes them from the client's file, naming every record changed,
forged, removed or added outside the app. A countersigned version is checked byte for byte."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from store.client_writer import ClientWriter
from store.clients import Repository
from store.profile import Client
from store.records import Answer, PlanVersion, Session
from tests.cli_runner import run_cli


@pytest.fixture
def signed(repo: Repository) -> Repository:
    """A client with a session, an answer and a countersigned Keep Safe Plan version, folded
    into its file (closed)."""
    repo.add_client(Client(id="X1", name="Alex"))
    with repo.open("X1") as cf:
        assert isinstance(cf, ClientWriter)
        cf.save_session(Session(id="s1", practitioner="pat"))
        cf.save_answer(
            Answer(session_id="s1", exercise_id="e", step_id="a", value="no", recorded_by="pat")
        )
        for n in (1, 2):
            cf.add_plan_version(
                PlanVersion(
                    kind="keep-safe",
                    number=n,
                    saved_by="pat",
                    markdown=f"Version {n}: phone him on Friday.",
                    agreement="agreed",
                )
            )
        cf.countersign_plan_version("keep-safe", 1, "tm")
    assert repo.verify_audit("X1") == []
    return repo


def edit_file(repo: Repository, change: Any) -> None:
    """Change the client's file by hand (a plain data dir: JSON), as someone with a shell might."""
    path = repo.path("X1")
    doc = json.loads(path.read_text("utf-8"))
    change(doc)
    path.write_text(json.dumps(doc), "utf-8")


def plan(doc: dict[str, Any], number: int) -> dict[str, Any]:
    return next(v for v in doc["plans"].values() if v["number"] == number)


def messages(repo: Repository) -> list[str]:
    return [str(p) for p in repo.verify_audit("X1")]


def test_a_countersigned_versions_text_edited_by_hand_is_named(signed: Repository) -> None:
    edit_file(signed, lambda d: plan(d, 1).update(markdown="Version 1: nothing to do."))
    (found,) = messages(signed)
    assert "version 1 of the keep-safe plan" in found
    assert "countersigned version changed, or its countersignature forged" in found


def test_a_forged_countersignature_is_named(signed: Repository) -> None:
    edit_file(signed, lambda d: plan(d, 2).update(countersigned_by="tm"))
    (found,) = messages(signed)
    assert "version 2 of the keep-safe plan" in found and "forged" in found


def test_one_changed_byte_of_a_countersigned_version_is_named(signed: Repository) -> None:
    edit_file(signed, lambda d: plan(d, 1).update(markdown=plan(d, 1)["markdown"] + " "))
    assert ["version 1 of the keep-safe plan" in m for m in messages(signed)] == [True]


def test_an_answer_edited_removed_or_added_by_hand_is_named(signed: Repository) -> None:
    def tamper(doc: dict[str, Any]) -> None:
        (row,) = [k for k, a in doc["answers"].items() if a["step_id"] == "a"]
        doc["answers"][row]["value"] = "yes"  # edited
        doc["sessions"].clear()  # removed
        doc["referrals"] = {"1": {"id": "r9", "intervention_id": "tsp", "decision": "referred"}}

    edit_file(signed, tamper)
    found = messages(signed)
    assert any("the answer to e/a in session s1 is not what" in m for m in found), found
    assert any("sessions record" in m and "removed outside the app" in m for m in found), found
    assert any("referral r9" in m and "added outside the app" in m for m in found), found
    assert len(found) == 3


def test_the_command_line_names_it_and_fails(signed: Repository) -> None:
    edit_file(signed, lambda d: plan(d, 1).update(countersigned_by="someone else"))
    result = run_cli("--data-dir", str(signed.data_dir), "audit", "X1", "--verify")
    assert result.returncode == 1
    assert "version 1 of the keep-safe plan" in result.stdout + result.stderr


def test_a_restored_backup_and_a_kill_before_the_write_verify(signed: Repository) -> None:
    """What the app itself did is never reported: a restore from backup, and a change audited
    whose write never happened (a kill between the two)."""
    with signed.open("X1") as cf:
        assert isinstance(cf, ClientWriter)
        cf.save_session(Session(id="s2", practitioner="pat"))
    signed.paths("X1").file.write_bytes(b'{"client": ')
    signed.restore_backup("X1")
    assert messages(signed) == []
    log = signed.audit_log("X1")
    log.append("session saved", record={"table": "sessions", "key": '["s3"]', "sha": "0" * 64})
    assert messages(signed) == []  # audited, never written: the next open says so
    with signed.open("X1"):
        pass
    assert messages(signed) == []
    assert "change not saved" in [e["action"] for e in log.entries()]


def test_the_log_holds_no_plain_digest_of_a_record(signed: Repository) -> None:
    """The digests are keyed with a salt kept inside the client's file: on an encrypted data
    dir, where the log stays plain, a digest tells nothing of a short answer."""
    with signed.read("X1") as cf:
        answer = next(a for a in cf.answers() if a.step_id == "a").model_dump(mode="json")
    body = json.dumps(answer, sort_keys=True, separators=(",", ":")).encode()
    plain = hashlib.sha256(b"answers\0" + body).hexdigest()
    raw = signed.audit_log("X1").path.read_text("ascii")
    assert '"sha":' in raw and plain not in raw


def test_an_encrypted_client_verifies_and_names_a_forgery(tmp_path: Path) -> None:
    from store.client_storage import ClientStorage
    from store.crypto import create_keyinfo, encrypt_in_place

    data = tmp_path / "enc"
    repo = Repository(data)
    repo.ensure()
    repo.add_client(Client(id="X1", name="Alex"))
    with repo.open("X1") as cf:
        assert isinstance(cf, ClientWriter)
        cf.save_session(Session(id="s1", practitioner="pat"))
    codec = create_keyinfo(data, "correct horse battery", log2_n=15)
    encrypt_in_place(data, codec)
    enc = Repository(data, codec=codec)
    assert enc.verify_audit("X1") == []
    storage = ClientStorage(enc.path("X1"), codec=codec, client_id="X1")
    doc = storage.read() or {}
    next(iter(doc["sessions"].values()))["practitioner"] = "someone else"
    storage.write(doc)
    (found,) = [str(p) for p in enc.verify_audit("X1")]
    assert "session s1 is not what the change on this line wrote" in found
