"""Case transfer (issue 18 item 3): a sealed bundle out of one data dir and whole into another."""

from __future__ import annotations

import json
import os
import subprocess
from datetime import date
from pathlib import Path

import pytest

from store.transfer import TransferError
from tests.cli_runner import run_cli
from tui.services.config import Config
from tui.services.context import Context
from tui.services.demo import DEMO_ID, write_demo
from tui.services.errors import UserError
from tui.services.transfer import transfer_in, transfer_out

ROOT = Path(__file__).resolve().parents[1]
PASS = "correct horse battery staple"


def context(path: Path) -> Context:
    return Context(config=Config(), data_dir=path)


def answers_json(ctx: Context, cid: str) -> str:
    with ctx.repo.read(cid) as cf:
        return json.dumps([a.model_dump(mode="json") for a in cf.answers()], sort_keys=True)


@pytest.fixture
def source(tmp_path: Path) -> Context:
    ctx = context(tmp_path / "area-a")
    write_demo(ctx, today=date(2026, 11, 25))
    return ctx


def test_a_transfer_round_trips_whole(source: Context, tmp_path: Path) -> None:
    before = answers_json(source, DEMO_ID)
    with source.repo.read(DEMO_ID) as cf:
        versions, follow_ups = len(cf.plan_versions()), len(cf.follow_ups())
    entries = len(source.repo.audit_log(DEMO_ID).read_lines())
    bundle = transfer_out(source, DEMO_ID, tmp_path / "b.bundle", PASS, to="North West")
    assert oct(bundle.stat().st_mode & 0o777) == "0o600"
    assert DEMO_ID.encode() in bundle.read_bytes()[:80]  # named in the header (authenticated)
    assert b"Sam Taylor" not in bundle.read_bytes()  # and nothing else readable

    # the source keeps only a tombstone saying when and to where
    assert not source.repo.path(DEMO_ID).exists()
    (tomb,) = source.repo.audit_log(DEMO_ID).entries()
    assert tomb["action"] == "transferred out" and tomb["ids"]["to"] == "North West"
    assert tomb["ids"]["on"] == date.today().isoformat()

    target = context(tmp_path / "area-b")
    assert transfer_in(target, bundle, PASS) == DEMO_ID
    assert answers_json(target, DEMO_ID) == before  # byte-identical answers
    with target.repo.read(DEMO_ID) as cf:
        assert (len(cf.plan_versions()), len(cf.follow_ups())) == (versions, follow_ups)
        head = cf._storage.snapshot()[1]["audit_head"]["1"]["head"]
    log = target.repo.audit_log(DEMO_ID)
    assert log.verify(head) == []
    assert [e["action"] for e in log.entries()][-2:] == ["viewed", "transferred in"] or (
        log.entries()[entries]["action"] == "transferred in"
    )


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
    assert source.repo.path(DEMO_ID).exists()


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
