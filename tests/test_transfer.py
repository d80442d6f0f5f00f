"""Case transfer (issue 18 item 3): a sealed bundle out of one data dir and whole into another."""

from __future__ import annotations

import json
import os
import subprocess
from datetime import date
from pathlib import Path

import pytest

from store.errors import StoreError
from store.transfer import TransferError
from tests.cli_runner import run_cli
from tui.services.config import Config
from tui.services.context import Context
from tui.services.demo import DEMO_ID, write_demo
from tui.services.errors import UserError
from tui.services.privacy.transfer import transfer_in, transfer_out
from tui.services.repository import repository

ROOT = Path(__file__).resolve().parents[1]
PASS = "correct horse battery staple"


def context(path: Path) -> Context:
    return Context(config=Config(), data_dir=path)


def answers_json(ctx: Context, cid: str) -> str:
    with repository(ctx).read(cid) as cf:
        return json.dumps([a.model_dump(mode="json") for a in cf.answers()], sort_keys=True)


@pytest.fixture
def source(tmp_path: Path) -> Context:
    ctx = context(tmp_path / "area-a")
    write_demo(ctx, today=date(2026, 11, 25))
    return ctx


def test_a_transfer_round_trips_whole(source: Context, tmp_path: Path) -> None:
    before = answers_json(source, DEMO_ID)
    with repository(source).read(DEMO_ID) as cf:
        versions, follow_ups = len(cf.plan_versions()), len(cf.follow_ups())
    entries = len(repository(source).audit_log(DEMO_ID).read_lines())
    bundle = transfer_out(source, DEMO_ID, tmp_path / "b.bundle", PASS, to="North West")
    assert oct(bundle.stat().st_mode & 0o777) == "0o600"
    assert DEMO_ID.encode() in bundle.read_bytes()[:80]  # named in the header (authenticated)
    assert b"Sam Taylor" not in bundle.read_bytes()  # and nothing else readable

    # the source keeps only a tombstone saying when and to where
    assert not repository(source).path(DEMO_ID).exists()
    (tomb,) = repository(source).audit_log(DEMO_ID).entries()
    assert tomb["action"] == "transferred out" and tomb["ids"]["to"] == "North West"
    assert tomb["ids"]["on"] == date.today().isoformat()

    target = context(tmp_path / "area-b")
    assert transfer_in(target, bundle, PASS) == DEMO_ID
    assert answers_json(target, DEMO_ID) == before  # byte-identical answers
    with repository(target).read(DEMO_ID) as cf:
        assert (len(cf.plan_versions()), len(cf.follow_ups())) == (versions, follow_ups)
        head = cf.audit_head()
    log = repository(target).audit_log(DEMO_ID)
    assert log.verify(head) == []
    actions = [e["action"] for e in log.entries()]
    # the bundle's history ends with its own export (audited before it left), then it came in
    assert actions[entries : entries + 2] == ["exported", "transferred in"]


@pytest.mark.parametrize("where", [20, 200, -5])  # the header, the record, the tag
def test_a_flipped_byte_is_refused_and_nothing_is_restored(
    source: Context, tmp_path: Path, where: int
) -> None:
    bundle = transfer_out(source, DEMO_ID, tmp_path / "b.bundle", PASS, to="elsewhere")
    data = bytearray(bundle.read_bytes())
    data[where] ^= 0x01
    bad = tmp_path / "bad.bundle"
    bad.write_bytes(bytes(data))
    bad.chmod(0o600)
    target = context(tmp_path / "area-b")
    with pytest.raises((TransferError, UserError)) as caught:
        transfer_in(target, bad, PASS)
    assert "\n" not in str(caught.value)
    assert not (target.data_dir / "clients" / f"{DEMO_ID}.json").exists()


def test_a_wrong_passphrase_is_refused(source: Context, tmp_path: Path) -> None:
    bundle = transfer_out(source, DEMO_ID, tmp_path / "b.bundle", PASS, to="elsewhere")
    with pytest.raises(TransferError, match="integrity check"):
        transfer_in(context(tmp_path / "area-b"), bundle, "not the passphrase")


def test_a_bundle_never_goes_inside_the_data_dir(source: Context) -> None:
    with pytest.raises(UserError, match="never goes inside the data dir"):
        transfer_out(source, DEMO_ID, source.data_dir / "x.bundle", PASS, to="x")
    assert repository(source).path(DEMO_ID).exists()


def test_transfer_through_the_command_line(source: Context, tmp_path: Path) -> None:
    secret = tmp_path / "pass"
    secret.write_text(PASS + "\n", encoding="utf-8")
    secret.chmod(0o600)
    env = {**os.environ, "WELLBEING_TRANSFER_PASSPHRASE_FILE": str(secret)}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return run_cli(*args, env=env)

    bundle = tmp_path / "demo.bundle"
    out = run(
        "transfer",
        "out",
        DEMO_ID,
        "-o",
        str(bundle),
        "--to",
        "Wales",
        "--data-dir",
        str(source.data_dir),
    )
    assert out.returncode == 0, out.stderr
    into = run("transfer", "in", str(bundle), "--data-dir", str(tmp_path / "area-b"))
    assert into.returncode == 0, into.stderr
    verify = run("audit", DEMO_ID, "--verify", "--data-dir", str(tmp_path / "area-b"))
    assert verify.returncode == 0 and "intact" in verify.stdout
    again = run("transfer", "in", str(bundle), "--data-dir", str(tmp_path / "area-b"))
    assert again.returncode == 1 and again.stderr.count("\n") == 1


# -- overwriting, coming back, and kill -9 ----------------------------------------------------------


def _passfile(tmp_path: Path) -> dict[str, str]:
    secret = tmp_path / "transfer-pass"
    secret.write_text(PASS + "\n", encoding="utf-8")
    secret.chmod(0o600)
    return {"WELLBEING_TRANSFER_PASSPHRASE_FILE": str(secret)}


def test_transfer_out_never_replaces_an_existing_bundle(source: Context, tmp_path: Path) -> None:
    """The second client's bundle must not destroy the first's: after the first client was
    erased here, that bundle is its only copy."""
    from tui.services.clients.access import add_client

    add_client(source, "Q77", name="Second Client")
    env = {**os.environ, **_passfile(tmp_path)}
    bundle = tmp_path / "out.bundle"
    data = ["--data-dir", str(source.data_dir)]
    first = run_cli("transfer", "out", DEMO_ID, "-o", str(bundle), "--to", "Wales", *data, env=env)
    assert first.returncode == 0, first.stderr
    kept = bundle.read_bytes()
    second = run_cli("transfer", "out", "Q77", "-o", str(bundle), "--to", "Kent", *data, env=env)
    assert second.returncode == 1 and second.stderr.count("\n") == 1, second.stderr
    assert "exists" in second.stderr and "--force" in second.stderr
    assert bundle.read_bytes() == kept  # the first client's only copy is whole
    assert repository(source).path("Q77").exists()  # and the second client was not erased
    forced = run_cli(
        "transfer", "out", "Q77", "-o", str(bundle), "--to", "Kent", "--force", *data, env=env
    )
    assert forced.returncode == 0, forced.stderr
    assert not repository(source).path("Q77").exists()


def test_transfer_out_into_a_folder_uses_the_default_name(source: Context, tmp_path: Path) -> None:
    folder = tmp_path / "outgoing"
    folder.mkdir()
    written = transfer_out(source, DEMO_ID, folder, PASS, to="Wales")
    assert written == folder / f"{DEMO_ID}-transfer-{date.today().isoformat()}.bundle"
    assert transfer_in(context(tmp_path / "area-b"), written, PASS) == DEMO_ID


def test_transfer_out_into_a_folder_not_made_yet(source: Context, tmp_path: Path) -> None:
    """`-o bundles/` (issue 26): the folder is made, private, and the bundle written in it under
    its default name; it was written as a file named `bundles`. A missing parent is refused."""
    from tui.services.clients.access import add_client

    add_client(source, "Q77", name="Second Client")
    env = {**os.environ, **_passfile(tmp_path)}
    data = ["--data-dir", str(source.data_dir)]
    folder = tmp_path / "bundles"
    done = run_cli("transfer", "out", DEMO_ID, "-o", f"{folder}/", "--to", "Wales", *data, env=env)
    assert done.returncode == 0, done.stderr
    assert folder.is_dir() and oct(folder.stat().st_mode & 0o777) == "0o700"
    written = folder / f"{DEMO_ID}-transfer-{date.today().isoformat()}.bundle"
    assert transfer_in(context(tmp_path / "area-b"), written, PASS) == DEMO_ID
    deep = f"{tmp_path}/no/such/"
    done = run_cli("transfer", "out", "Q77", "-o", deep, "--to", "Kent", *data, env=env)
    assert done.returncode == 1 and "no folder" in done.stderr, done.stderr
    assert not (tmp_path / "no").exists() and repository(source).path("Q77").exists()
    inside = f"{source.data_dir}/bundles/"  # the data dir's rule holds, and nothing is made there
    with pytest.raises(UserError, match="never goes inside the data dir"):
        transfer_out(source, "Q77", inside, PASS, to="Kent")
    assert not (source.data_dir / "bundles").exists()


def test_a_client_transferred_out_can_come_back_with_its_history_joined(
    source: Context, tmp_path: Path
) -> None:
    before = answers_json(source, DEMO_ID)
    history = repository(source).audit_log(DEMO_ID).read_lines()
    bundle = transfer_out(source, DEMO_ID, tmp_path / "b.bundle", PASS, to="North West")
    # it went, and it came back (the receiving area sent it home again)
    assert transfer_in(source, bundle, PASS) == DEMO_ID
    assert answers_json(source, DEMO_ID) == before
    log = repository(source).audit_log(DEMO_ID)
    lines = log.read_lines()
    assert lines[: len(history)] == history  # the history before it left, byte for byte
    actions = [e["action"] for e in log.entries()]
    went = len(history) + 1  # after the export of the bundle
    assert actions[len(history) : went + 2] == ["exported", "transferred out", "transferred in"]
    entries = log.entries()
    assert entries[went]["ids"]["to"] == "North West"  # when and where it went is kept
    verify = run_cli("--data-dir", str(source.data_dir), "audit", DEMO_ID, "--verify")
    assert verify.returncode == 0 and "intact" in verify.stdout, verify.stderr
    # and it can go, and come back, again
    again = transfer_out(source, DEMO_ID, tmp_path / "c.bundle", PASS, to="Wales")
    assert transfer_in(source, again, PASS) == DEMO_ID
    assert run_cli("--data-dir", str(source.data_dir), "audit", DEMO_ID, "--verify").returncode == 0


def test_a_bundle_from_a_client_deleted_here_is_refused(source: Context, tmp_path: Path) -> None:
    """Erased here is erased: an old bundle does not bring the record back without a word."""
    from tui.services.privacy.erasure import delete_client

    bundle = transfer_out(source, DEMO_ID, tmp_path / "b.bundle", PASS, to="North West")
    assert transfer_in(source, bundle, PASS) == DEMO_ID
    delete_client(source, DEMO_ID)
    with pytest.raises((UserError, StoreError), match="was deleted here") as caught:
        transfer_in(source, bundle, PASS)
    assert "\n" not in str(caught.value)
    assert not repository(source).path(DEMO_ID).exists()
    # nothing of the client stays beside the tombstone, not even its lock file
    assert sorted(p.name for p in repository(source).clients_dir.glob(f"{DEMO_ID}.*")) == []


@pytest.mark.parametrize("home", [False, True], ids=["new-area", "back-home"])
def test_a_kill_9_at_any_step_of_transfer_in_leaves_the_client_absent_or_whole(
    source: Context, tmp_path: Path, home: bool
) -> None:
    """Killed before each change `transfer in` makes: the client is either whole (opens, its
    audit trail verifies, every answer there) or absent from every list and command, and then
    running `transfer in` again restores it whole."""
    import shutil

    from store import relocation
    from store.transfer import seal
    from tests import kill_points

    before = answers_json(source, DEMO_ID)
    payload = relocation.transfer_payload(repository(source), DEMO_ID, source="test")
    bundle = tmp_path / "b.bundle"
    bundle.write_bytes(seal(payload, PASS))
    bundle.chmod(0o600)
    template = tmp_path / "template"
    if home:  # it left from here: only its tombstone is left
        transfer_out(source, DEMO_ID, tmp_path / "gone.bundle", PASS, to="North West")
        shutil.copytree(source.data_dir, template, symlinks=True)
    else:
        repository(context(template)).ensure()
    env = _passfile(tmp_path)

    def fresh(n: int) -> Context:
        target = tmp_path / f"run-{n}"
        shutil.copytree(template, target, symlinks=True)
        return context(target)

    probe = fresh(0)
    steps = kill_points.count(
        ["--data-dir", str(probe.data_dir), "transfer", "in", str(bundle)],
        roots=[probe.data_dir],
        env=env,
    )
    assert steps >= 3
    full_env = {**os.environ, **env}
    for n in range(1, steps + 1):
        ctx = fresh(n)
        args = ["--data-dir", str(ctx.data_dir), "transfer", "in", str(bundle)]
        killed = kill_points.run(args, roots=[ctx.data_dir], kill_at=n, env=env)
        assert killed.killed, (n, killed.stderr)
        data = ["--data-dir", str(ctx.data_dir)]
        listed = run_cli(*data, "client", "list", "--json")
        shown = [row["id"] for row in json.loads(listed.stdout or "[]")]
        if DEMO_ID in shown:  # whole
            assert answers_json(ctx, DEMO_ID) == before, n
            verify = run_cli(*data, "audit", DEMO_ID, "--verify")
            assert verify.returncode == 0, (n, verify.stderr)
            continue
        # absent: no command finds it, and a second run restores it whole
        plan = run_cli(*data, "plan", DEMO_ID, "--kind", "wellbeing")
        assert plan.returncode == 1 and f"no client {DEMO_ID}" in plan.stderr, (n, plan.stderr)
        again = run_cli(*args, env=full_env)
        assert again.returncode == 0, (f"killed before step {n} of {steps}", again.stderr)
        assert answers_json(ctx, DEMO_ID) == before, n
        verify = run_cli(*data, "audit", DEMO_ID, "--verify")
        assert verify.returncode == 0, (n, verify.stderr)
        listed = run_cli(*data, "client", "list", "--json")
        assert DEMO_ID in [row["id"] for row in json.loads(listed.stdout)], n


# -- issue 26: the bundle's KDF cost and passphrase follow fixed rules -----------------------------


@pytest.mark.parametrize(("log2_n", "r", "p"), [(15, 32, 16), (20, 8, 1), (15, 9, 1), (16, 8, 2)])
def test_a_header_asking_for_another_kdf_cost_is_refused_before_any_kdf_runs(
    source: Context, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, log2_n: int, r: int, p: int
) -> None:
    bundle = transfer_out(source, DEMO_ID, tmp_path / "b.bundle", PASS, to="elsewhere")
    data = bytearray(bundle.read_bytes())
    data[9:12] = bytes([log2_n, r, p])  # after "WBGTRANS" and the version byte
    bad = tmp_path / "costly.bundle"
    bad.write_bytes(bytes(data))
    bad.chmod(0o600)
    ran: list[object] = []

    def no_kdf(*args: object, **kwargs: object) -> None:
        ran.append(args)
        raise AssertionError("the KDF ran on an out-of-range header")

    monkeypatch.setattr("store.keyinfo.hashlib.scrypt", no_kdf)
    target = context(tmp_path / "area-b")
    with pytest.raises(TransferError, match="scrypt parameters") as caught:
        transfer_in(target, bad, PASS)
    assert "\n" not in str(caught.value) and ran == []
    assert not repository(target).path(DEMO_ID).exists()

    out = run_cli(
        "transfer",
        "in",
        str(bad),
        "--data-dir",
        str(target.data_dir),
        env={**os.environ, **_passfile(tmp_path)},
    )
    assert out.returncode == 1 and out.stderr.count("\n") == 1 and ran == []
    assert "scrypt parameters" in out.stderr and "Traceback" not in out.stderr


@pytest.mark.parametrize("weak", ["x", "short12", ""])
def test_a_transfer_passphrase_follows_the_stores_rule(
    source: Context, tmp_path: Path, weak: str
) -> None:
    from store.keyinfo import CryptoError, check_passphrase

    with pytest.raises(CryptoError) as rule:
        check_passphrase(weak)
    with pytest.raises((CryptoError, UserError)) as caught:
        transfer_out(source, DEMO_ID, tmp_path / "b.bundle", weak, to="elsewhere")
    assert str(caught.value) == str(rule.value)  # the same rule, the same words
    assert repository(source).path(DEMO_ID).exists() and not (tmp_path / "b.bundle").exists()
