"""Subject access export, erasure, restriction and retention, through the command line."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from store import crypto
from store.clients import Repository
from store.errors import StoreError
from store.profile import Client
from store.records import Answer, FollowUp, PlanVersion, Session
from tests.conftest import cli_env

ANSWER = "ERASE-ME-4c9d my sister Gwen"
CONTACT = "CONTACT-NAME-88aa Uncle Bryn"
OTHER = "KEEP-ME-0e21"
PASSPHRASE = "correct horse battery staple"


def populate(repo: Repository, cid: str, text: str) -> None:
    repo.add_client(Client(id=cid, name=f"Name {cid}"))
    with repo.open(cid) as cf:
        session = Session(practitioner="sam", notes=f"talked about {text}")
        cf.save_session(session)
        for i in range(3):
            cf.save_answer(
                Answer(
                    session_id=session.id,
                    exercise_id="identify",
                    step_id="impact-thoughts",
                    value=f"{text} v{i}",
                    recorded_by="sam",
                )
            )
        cf.save_answer(
            Answer(
                session_id=session.id,
                exercise_id="connection-traffic-light",
                step_id="contacts",
                recorded_by="sam",
                value=[
                    {
                        "level": "crisis-contact",
                        "who": f"{CONTACT} {cid}",
                        "how": "phone",
                        "professional": "no",
                    }
                ],
            )
        )
        cf.save_follow_up(FollowUp(reason=f"disclosed {text}"))
        cf.add_plan_version(
            PlanVersion(
                kind="wellbeing",
                number=1,
                saved_by="sam",
                markdown=f"# Plan\n{text}\n{CONTACT} {cid}",
                agreement="agreed",
            )
        )


def every_file_bytes(root: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_export_holds_everything_with_audit_and_a_redaction_list(
    repo: Repository, cli, tmp_path: Path
) -> None:
    populate(repo, "X1", ANSWER)
    populate(repo, "Y2", OTHER)
    out = tmp_path / "sar" / "x1.json"
    out.parent.mkdir()
    with repo.read("X1") as cf:
        held = {n: list(t.values()) for n, t in cf.document().items()}
    result = cli("export", "X1", "-o", str(out))
    assert result.returncode == 0, result.stderr
    data = json.loads(out.read_text("utf-8"))
    text = out.with_name("x1.json.txt").read_text("utf-8")
    assert data["client_id"] == "X1"
    assert data["records"] == held  # every table, every record, as stored
    # the backup (the file before its last fold) is held on the client too, and given whole
    assert any(c["file"] == "X1.json.bak" and c["records"]["client"] for c in data["copies"])
    actions = [e["action"] for e in data["audit"]]
    assert actions[0] == "created" and "answer saved" in actions and data["audit_intact"]
    flagged = {(i["table"], i.get("step")) for i in data["redaction_review"]}
    assert ("answers", "contacts") in flagged
    assert ("answers", "impact-thoughts") not in flagged
    assert {"sessions", "follow_ups", "plans"} <= {t for t, _ in flagged}
    contacts = next(i for i in data["redaction_review"] if i.get("step") == "contacts")
    assert "who" in contacts["columns"]
    for needle in (
        ANSWER,
        CONTACT,
        "Name X1",
        "talked about",
        "disclosed",
        "answer saved",
        "REDACTION REVIEW",
        "AUDIT TRAIL",
        "Connection traffic light",
    ):
        assert needle in text, needle
    assert OTHER not in text and OTHER not in out.read_text("utf-8")
    assert out.stat().st_mode & 0o777 == 0o600
    assert repo.audit_log("X1").entries()[-1]["action"] == "exported"
    again = cli("export", "X1", "-o", str(out))
    assert again.returncode == 1 and "exists" in again.stderr and again.stderr.count("\n") == 1
    assert cli("export", "X1", "-o", str(out), "--force").returncode == 0


def test_export_to_a_missing_folder_is_one_line(repo: Repository, cli, tmp_path: Path) -> None:
    populate(repo, "X1", ANSWER)
    result = cli("export", "X1", "-o", str(tmp_path / "nowhere" / "x.json"))
    assert result.returncode == 1 and result.stderr.count("\n") == 1


@pytest.mark.parametrize("encrypted", [False, True])
def test_delete_leaves_nothing_of_the_client(
    repo: Repository, cli, tmp_path: Path, encrypted: bool
) -> None:
    env = cli_env()
    if encrypted:
        codec = crypto.create_keyinfo(repo.data_dir, PASSPHRASE)
        repo = Repository(repo.data_dir, codec=codec)
        passfile = tmp_path / "pass"
        passfile.write_text(PASSPHRASE)
        passfile.chmod(0o600)
        env = cli_env(WELLBEING_PASSPHRASE_FILE=str(passfile))
    populate(repo, "X1", ANSWER)
    populate(repo, "Y2", OTHER)
    clients = repo.clients_dir
    # what a crash or a repair leaves behind: a temp file, a corrupt copy, a stale holder
    (clients / ".X1.json.0badf00d.tmp").write_bytes(ANSWER.encode())
    (clients / "X1.json.corrupt-20260101T000000Z").write_bytes(f'{{"x": "{ANSWER}'.encode())
    (clients / "X1.holder").write_text('{"user": "sam"}')
    assert (clients / "X1.json.bak").exists()
    y2_before = {p: b for p, b in every_file_bytes(repo.data_dir).items() if "Y2" in p.name}

    result = cli("delete", "X1", "--yes", env=env)
    assert result.returncode == 0, result.stderr

    for path, blob in every_file_bytes(repo.data_dir).items():
        for needle in (ANSWER, "ERASE-ME", f"{CONTACT} X1", "Name X1"):
            assert needle.encode() not in blob, path
    assert not [p for p in clients.iterdir() if p.name.lstrip(".").startswith("X1.")]
    lines = repo.audit_log("X1").read_lines()
    assert len(lines) == 1
    tomb = json.loads(lines[0])
    assert tomb["action"] == "deleted" and tomb["tombstone"] is True and tomb["fields"] == []
    assert cli("audit", "X1", "--verify", env=env).returncode == 0
    for path, blob in y2_before.items():
        if path.suffix != ".jsonl":  # Y2's own log is untouched but may have grown
            assert path.read_bytes() == blob
    with repo.read("Y2") as cf:
        assert cf.latest_answers()[("identify", "impact-thoughts")].value == f"{OTHER} v2"
    gone = cli("delete", "X1", "--yes", env=env)
    assert gone.returncode == 1 and "no client X1" in gone.stderr
    assert cli("export", "X1", "-o", str(tmp_path / "x.json"), env=env).returncode == 1


def test_delete_asks_for_confirmation(repo: Repository, cli) -> None:
    populate(repo, "X1", ANSWER)
    result = cli("delete", "X1", input="X1\n")  # stdin is not a terminal: --yes is needed
    assert result.returncode == 1 and "--yes" in result.stderr
    assert repo.exists("X1")


def test_delete_is_refused_while_the_client_is_open(repo: Repository, cli) -> None:
    populate(repo, "X1", ANSWER)
    with repo.open("X1"):
        result = cli("delete", "X1", "--yes")
    assert result.returncode == 1 and result.stderr.count("\n") == 1
    assert "open for editing" in result.stderr
    assert repo.exists("X1")


def test_restricted_record_is_read_only_and_kept_from_deletion(repo: Repository, cli) -> None:
    populate(repo, "X1", ANSWER)
    repo.update_client("X1", lambda c: c.model_copy(update={"restricted": True}))
    with repo.open("X1") as cf:
        assert cf.read_only
        session = cf.sessions()[0]
        with pytest.raises(StoreError, match="restricted"):
            cf.save_answer(
                Answer(
                    session_id=session.id,
                    exercise_id="identify",
                    step_id="impact-thoughts",
                    value="new",
                    recorded_by="sam",
                )
            )
    with pytest.raises(StoreError, match="restricted"):
        repo.update_client("X1", lambda c: c.model_copy(update={"name": "Changed"}))
    result = cli("delete", "X1", "--yes")
    assert result.returncode == 1 and "restricted" in result.stderr
    assert repo.exists("X1")
    # lifting the restriction is the one change allowed
    repo.update_client("X1", lambda c: c.model_copy(update={"restricted": False}))
    assert not repo.read_client("X1").restricted
    entries = repo.audit_log("X1").entries()
    fields = [e["fields"] for e in entries if e["action"] == "profile changed"]
    assert fields == [["restricted"], ["restricted"]]


def test_retention_lists_clients_past_the_period(repo: Repository, cli, tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text("retention_years = 5\n")
    env = cli_env(WELLBEING_CONFIG=str(config))
    long_ago = datetime.now(UTC) - timedelta(days=365 * 8)
    repo.add_client(Client(id="OLD1", name="A", created_at=long_ago))
    with repo.open("OLD1") as cf:
        cf.save_session(Session(practitioner="sam", date=date.today() - timedelta(days=365 * 6)))
    repo.add_client(Client(id="RECENT1", name="B", created_at=long_ago))
    with repo.open("RECENT1") as cf:
        cf.save_session(Session(practitioner="sam", date=date.today() - timedelta(days=30)))
    repo.add_client(Client(id="NEW1", name="C"))
    repo.add_client(
        Client(
            id="ORDER1", name="D", created_at=long_ago, order_end=date.today() - timedelta(days=365)
        )
    )

    result = cli("retention", env=env)
    assert result.returncode == 0, result.stderr
    assert "OLD1" in result.stdout
    for cid in ("RECENT1", "NEW1", "ORDER1"):
        assert cid not in result.stdout
    listed = json.loads(cli("retention", "--json", env=env).stdout)
    assert listed["retention_years"] == 5
    assert [c["id"] for c in listed["clients"]] == ["OLD1"]
    assert repo.audit_log("OLD1").entries()[-1]["action"] == "retention checked"


# -- delete under kill -9 ---------------------------------------------------------------------------


def _register_text(repo: Repository) -> str:
    try:
        return repo.register_path.read_text("utf-8")
    except FileNotFoundError:
        return ""


def test_a_kill_9_at_any_step_of_delete_never_leaves_the_name_in_the_register(
    tmp_path: Path,
) -> None:
    """A kill -9 before each change `delete` makes: the register never names a client whose file
    is gone, and running delete again finishes the erasure (nothing of the client is left, the
    tombstone verifies, the other client is untouched)."""
    import shutil

    from tests import kill_points
    from tests.cli_runner import run_cli

    template = Repository(tmp_path / "template")
    template.ensure()
    populate(template, "X1", ANSWER)
    populate(template, "Y2", OTHER)
    exports = template.data_dir / "exports"
    listed = run_cli("--data-dir", str(template.data_dir), "client", "list")
    assert "Name X1" in listed.stdout
    assert "Name X1" in _register_text(template)  # the list wrote it
    made = run_cli(
        "--data-dir", str(template.data_dir), "plan", "X1", "--kind", "wellbeing",
        "-o", str(exports / "X1-plan.md"),
    )  # fmt: skip
    assert made.returncode == 0, made.stderr

    def fresh(n: int) -> Repository:
        target = tmp_path / f"run-{n}"
        shutil.copytree(template.data_dir, target, symlinks=True)
        return Repository(target)

    probe = fresh(0)
    args = ["--data-dir", str(probe.data_dir), "delete", "X1", "--yes"]
    steps = kill_points.count(args, roots=[probe.data_dir])
    assert steps >= 5
    for n in range(1, steps + 1):
        repo = fresh(n)
        args = ["--data-dir", str(repo.data_dir), "delete", "X1", "--yes"]
        killed = kill_points.run(args, roots=[repo.data_dir], kill_at=n)
        assert killed.killed, (n, killed.stderr)
        if not repo.path("X1").exists():  # gone from the lists: gone from the register too
            assert "Name X1" not in _register_text(repo), f"killed before step {n} of {steps}"
        again = run_cli(*args)
        assert again.returncode == 0 or "no client X1" in again.stderr, (n, again.stderr)
        assert files_holding_any(repo.data_dir, "Name X1", ANSWER, f"{CONTACT} X1") == [], n
        assert run_cli("--data-dir", str(repo.data_dir), "audit", "X1", "--verify").returncode == 0
        (tomb,) = repo.audit_log("X1").entries()
        assert tomb["action"] == "deleted" and tomb.get("tombstone"), n
        after = run_cli("--data-dir", str(repo.data_dir), "client", "list")
        assert "Name Y2" in after.stdout and "X1" not in after.stdout, n
        assert "Name X1" not in _register_text(repo), n


def files_holding_any(root: Path, *needles: str) -> list[Path]:
    return [
        p
        for p in root.rglob("*")
        if p.is_file() and not p.is_symlink() and any(n.encode() in p.read_bytes() for n in needles)
    ]


def test_a_list_read_before_a_delete_never_writes_the_name_back(repo: Repository) -> None:
    """The app's list may have read the register before a colleague's delete and save it after:
    the erased client's name is not written back."""
    from tui.services.clients.rows import ClientListing
    from tui.services.config import Config
    from tui.services.context import Context
    from tui.services.privacy.erasure import delete_client

    populate(repo, "X1", ANSWER)
    populate(repo, "Y2", OTHER)
    ctx = Context(config=Config(), data_dir=repo.data_dir)
    listing = ClientListing(ctx)  # read before the delete, with nothing yet summarised
    delete_client(ctx, "X1")
    for _ in listing.register.fill(lambda cid: {"name": f"Name {cid}"}, ["X1", "Y2"]):
        pass
    listing.register.save()
    assert "Name X1" not in _register_text(repo) and "Name Y2" in _register_text(repo)
