"""The audit trail: every view and change logged with names, never values, in a hash chain."""

from __future__ import annotations

import json
import pwd
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from store.audit import AuditError, AuditLog
from store.audit_chain import GENESIS, line_hash
from store.clients import Repository
from store.profile import Client
from store.records import Answer, FollowUp, PlanVersion, Session
from tests.conftest import cli_env

VALUE = "UNIQUE-VALUE-5b1e the thing I told nobody"
NAME = "Ffion Ní Bhriain"


def history(repo: Repository, cid: str = "X1") -> None:
    """A real working history: created, opened, session, answers, follow-up, plan, profile edit."""
    repo.add_client(Client(id=cid, name=NAME))
    with repo.open(cid) as cf:
        session = Session(practitioner="sam", notes=VALUE)
        cf.save_session(session)
        cf.save_answer(
            Answer(
                session_id=session.id,
                exercise_id="identify",
                step_id="impact-thoughts",
                value=VALUE,
                recorded_by="sam",
            )
        )
        cf.save_answer(
            Answer(
                session_id=session.id,
                exercise_id="connection-traffic-light",
                step_id="contacts",
                value=[{"who": VALUE, "how": "phone"}],
                recorded_by="sam",
            )
        )
        follow_up = FollowUp(reason=VALUE, exercise_id="identify", step_id="impact-thoughts")
        cf.save_follow_up(follow_up)
        cf.save_follow_up(
            follow_up.model_copy(update={"closed_on": session.date, "closed_note": VALUE})
        )
        cf.add_plan_version(
            PlanVersion(
                kind="wellbeing", number=1, saved_by="sam", markdown=VALUE, agreement="agreed"
            )
        )
        cf.record("plan compiled", ["wellbeing"])
        cf.record("printed", ["wellbeing"])
    repo.update_client(cid, lambda c: c.model_copy(update={"rar_days": 20, "order_type": VALUE}))


def test_every_action_is_logged_in_order_with_names_only(repo: Repository) -> None:
    history(repo)
    entries = repo.audit_log("X1").entries()
    assert [e["action"] for e in entries] == [
        "created",
        "viewed",
        "session saved",
        "answer saved",
        "answer saved",
        "follow-up opened",
        "follow-up closed",
        "plan saved",
        "plan compiled",
        "printed",
        "viewed",
        "profile changed",
    ]
    me = pwd.getpwuid(__import__("os").getuid()).pw_name
    assert all(e["user"] == me and e["client"] == "X1" for e in entries)
    assert all(e["time"].endswith("Z") for e in entries)
    assert entries[3]["fields"] == ["impact-thoughts"]
    assert entries[3]["ids"]["exercise"] == "identify"
    assert entries[-1]["fields"] == ["order_type", "rar_days"]
    assert "ssh" not in entries[0]


def test_the_log_never_holds_a_value(repo: Repository) -> None:
    history(repo)
    raw = repo.audit_log("X1").path.read_bytes()
    for needle in (VALUE, "UNIQUE-VALUE", NAME, "Ffion", "phone"):
        assert needle.encode() not in raw
        assert json.dumps(needle)[1:-1].encode() not in raw


def test_each_entry_holds_the_hash_of_the_one_before(repo: Repository) -> None:
    history(repo)
    lines = repo.audit_log("X1").path.read_bytes().splitlines()
    prev = GENESIS
    for line in lines:
        assert json.loads(line)["prev"] == prev
        prev = line_hash(line)
    assert repo.verify_audit("X1") == []
    mode = repo.audit_log("X1").path.stat().st_mode & 0o777
    assert mode == 0o600 and repo.audit_dir.stat().st_mode & 0o777 == 0o700


def test_ssh_connection_is_recorded(repo: Repository, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SSH_CONNECTION", "10.0.0.5 51234 10.0.0.1 22")
    repo.add_client(Client(id="X1", name="A"))
    assert repo.audit_log("X1").entries()[0]["ssh"] == "10.0.0.5 51234 10.0.0.1 22"


def test_two_writers_keep_one_chain(repo: Repository) -> None:
    """Two open handles (as two processes would) interleave without breaking the chain."""
    repo.add_client(Client(id="X1", name="A"))
    editor = repo.open("X1")
    reader = repo.read("X1")
    other = AuditLog(repo.audit_dir, "X1")
    for _ in range(5):
        editor.record("printed")
        reader.record("viewed")
        other.append("exported")
    editor.close()
    assert repo.verify_audit("X1") == []
    assert len(repo.audit_log("X1").read_lines()) == 1 + 2 + 15


def test_a_torn_last_line_is_reported_then_cut_by_the_next_entry(repo: Repository) -> None:
    """A kill during an append leaves an unfinished entry; its change was never made (a change
    is written only after its entry is whole and synced). Until the next entry it is reported;
    the next entry, under the log's lock, cuts it off and follows the last whole one."""
    repo.add_client(Client(id="X1", name="A"))
    log = repo.audit_log("X1")
    whole = log.read_lines()
    with open(log.path, "ab") as handle:
        handle.write(b'{"time":"2026-')  # a write cut short by a crash
    problems = repo.verify_audit("X1")
    assert {p.line for p in problems} == {2} and any("cut short" in str(p) for p in problems)
    repo.read("X1")  # audited: one more entry
    lines = log.read_lines()
    assert lines[: len(whole)] == whole and len(lines) == len(whole) + 1
    assert all(json.loads(raw)["client"] == "X1" for raw in lines)
    assert repo.verify_audit("X1") == []


def test_a_log_that_is_only_a_torn_line_starts_again(repo: Repository) -> None:
    repo.add_client(Client(id="X1", name="A"))
    log = repo.audit_log("X1")
    log.path.write_bytes(b'{"time":"2026-')
    log2 = repo.audit_log("X1")  # a fresh handle: it knows no head
    log2.append("viewed")
    assert len(log2.read_lines()) == 1
    assert json.loads(log2.read_lines()[0])["prev"] == "0" * 64


def test_audit_failure_blocks_showing_data(repo: Repository, cli) -> None:
    repo.add_client(Client(id="X1", name=NAME))
    log = repo.audit_log("X1").path
    log.unlink()
    log.mkdir()  # the log cannot be appended to (even by root)
    with pytest.raises(AuditError, match="the audit log"):
        repo.open("X1")
    with pytest.raises(AuditError):
        repo.read("X1")
    with pytest.raises(AuditError):
        repo.read_client("X1")
    assert not repo.clients_dir.joinpath("X1.holder").exists()
    # (the client list shows names from the register and opens no record: nothing to audit)
    shown = cli("plan", "X1", "--kind", "wellbeing")
    assert shown.returncode == 1 and NAME not in shown.stdout
    assert "cannot write the audit log" in shown.stderr
    exported = cli("export", "X1", "-o", str(repo.data_dir.parent / "out.json"))
    assert exported.returncode == 1 and exported.stderr.count("\n") == 1
    assert NAME not in exported.stdout + exported.stderr
    assert not (repo.data_dir.parent / "out.json").exists()


def test_cli_verify_passes_on_a_real_history(repo: Repository, cli) -> None:
    history(repo)
    assert cli("client", "list").returncode == 0
    result = cli("audit", "X1", "--verify")
    assert result.returncode == 0, result.stderr
    assert "intact" in result.stdout
    shown = cli("audit", "X1")
    assert shown.returncode == 0 and "answer saved" in shown.stdout and VALUE not in shown.stdout


@pytest.mark.parametrize("how", ["edit", "remove", "reorder"])
def test_cli_verify_fails_naming_the_entry(repo: Repository, cli, how: str) -> None:
    history(repo)
    path = repo.audit_log("X1").path
    lines = path.read_bytes().splitlines(keepends=True)
    if how == "edit":  # hide that the client's answers were looked at by someone else
        lines[4] = lines[4].replace(b'"answer saved"', b'"viewed"')
        expect = "line 6: does not follow line 5"
    elif how == "remove":
        del lines[4]
        expect = "line 5: does not follow line 4"
    else:
        lines[3], lines[4] = lines[4], lines[3]
        expect = "line 4"
    path.write_bytes(b"".join(lines))
    result = cli("audit", "X1", "--verify")
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and expect in result.stderr, result.stderr


def test_cli_audit_errors_are_one_line(repo: Repository, cli) -> None:
    for args in (["audit", "NOPE1"], ["audit", "../etc"], ["audit", "X1", "--verify"]):
        result = cli(*args)
        assert result.returncode != 0 and result.stderr.count("\n") == 1, result.stderr
        assert "Traceback" not in result.stderr


def test_audit_does_not_need_the_passphrase(repo: Repository, cli, tmp_path: Path) -> None:
    from store import crypto

    codec = crypto.create_keyinfo(repo.data_dir, "correct horse battery staple")
    Repository(repo.data_dir, codec=codec).add_client(Client(id="X1", name="A"))
    result = cli("audit", "X1", "--verify", env=cli_env())
    assert result.returncode == 0, result.stderr


@given(
    lines=st.lists(
        st.binary(min_size=1, max_size=40).map(lambda b: b.replace(b"\n", b"")), max_size=8
    ),
    torn=st.binary(max_size=30).map(lambda b: b.replace(b"\n", b"")),
    chunk=st.integers(1, 16),
)
def test_the_tail_is_found_whatever_the_chunk(lines: list[bytes], torn: bytes, chunk: int) -> None:
    """The last whole line's hash and where it ends, read backwards in chunks of any size."""
    import os
    import tempfile
    from unittest import mock

    from store import audit

    data = b"".join(line + b"\n" for line in lines) + torn
    with tempfile.TemporaryFile() as handle:
        handle.write(data)
        handle.flush()
        with mock.patch.object(audit, "_TAIL_CHUNK", chunk):
            found = audit._tail_hash(handle.fileno(), os.fstat(handle.fileno()).st_size)
    whole = len(data) - len(torn)
    expected = line_hash(lines[-1]) if lines else GENESIS
    assert found == (expected, whole)
