"""`wellbeing plan` and `wellbeing worksheet` as a user runs them, against a real data dir."""

from __future__ import annotations

import io
import os
import subprocess
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from store.clients import Repository
from store.profile import Client
from store.records import Answer, Session
from tests.cli_runner import run_cli

ROOT = Path(__file__).resolve().parent.parent
CID = "AB123"


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    repo = Repository(data, user="pat")
    repo.ensure()
    repo.add_client(Client(id=CID, name="Zoë Ångström"))
    with repo.open(CID) as cf:
        session = Session(date=date(2020, 6, 3), practitioner="pat")
        cf.save_session(session)

        def say(exercise: str, step: str, value: object) -> None:
            cf.save_answer(
                Answer(
                    session_id=session.id,
                    exercise_id=exercise,
                    step_id=step,
                    value=value,
                    recorded_by="pat",
                )
            )

        say("treat-a-friend", "friend", "It is not your fault <script>alert(1)</script>")
        say("wellbeing-traffic-light", "today", "amber")
        say("keep-safe-review", "victim-access-warning-signs", ["Up late online"])
        say("keep-safe-review", "victim-access-concern", "clear")
    return data


def run(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "WELLBEING_DATA_DIR": str(data_dir),
        "WELLBEING_CONFIG": str(data_dir.parent / "no-config.toml"),
        "WELLBEING_STATE_DIR": str(data_dir.parent / "state"),
    }
    return run_cli(*args, env=env)


def test_plan_to_stdout_in_each_text_format(data_dir: Path) -> None:
    md = run(data_dir, "plan", CID, "--kind", "wellbeing")
    assert md.returncode == 0, md.stderr
    assert md.stdout.startswith("**DRAFT: NOT A SAVED VERSION**\n\n# My Wellbeing Plan")
    assert "For Zoë Ångström (AB123)" in md.stdout
    assert "It is not your fault \\<script\\>alert(1)\\</script\\>" in md.stdout
    assert "● " not in md.stdout or "▲ Amber" in md.stdout

    txt = run(data_dir, "plan", CID, "--kind", "keep-safe", "--format", "txt")
    assert txt.returncode == 0, txt.stderr
    assert "VICTIM ACCESS" in txt.stdout and "CLEAR CONCERN" in txt.stdout
    assert "Up late online" in txt.stdout
    assert max(len(line) for line in txt.stdout.splitlines()) <= 80

    page = run(data_dir, "plan", CID, "--kind", "wellbeing", "--format", "html")
    assert page.returncode == 0, page.stderr
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.stdout
    assert "<script>" not in page.stdout


def test_saved_versions_drafts_and_layouts(data_dir: Path) -> None:
    """By default the latest saved version, as saved; --draft the plan as it stands now;
    --saved N an older one; --layout a layout the needs do not call for."""
    assert "DRAFT: not a saved version" in run(data_dir, "plan", CID, "--kind", "wellbeing").stdout
    repo = Repository(data_dir, user="pat")
    from tui.services.clients.access import OpenClient
    from tui.services.config import Config
    from tui.services.context import Context
    from tui.services.plans.service import compile_plan, save_version

    ctx = Context(config=Config(), data_dir=data_dir)
    with repo.open(CID) as cf:
        oc = OpenClient(ctx, cf)
        plan = compile_plan(oc, "wellbeing", date(2020, 6, 12))
        save_version(oc, plan, agreement="not_agreed", reason="wants time", by="pat")
        save_version(oc, plan, agreement="agreed", review_on=date(2020, 9, 1), by="pat")
    latest = run(data_dir, "plan", CID, "--kind", "wellbeing", "--format", "txt")
    assert latest.returncode == 0, latest.stderr
    assert "Version 2, saved" in latest.stdout and "Agreed." in latest.stdout
    assert "Review on 1 Sep 2020." in latest.stdout and "DRAFT" not in latest.stdout
    first = run(data_dir, "plan", CID, "--kind", "wellbeing", "--format", "txt", "--saved", "1")
    assert "Version 1, saved" in first.stdout and "Not agreed: wants time." in first.stdout
    draft = run(data_dir, "plan", CID, "--kind", "wellbeing", "--format", "txt", "--draft")
    assert "DRAFT: not a saved version" in draft.stdout
    easy = run(
        data_dir, "plan", CID, "--kind", "wellbeing", "--format", "txt", "--layout", "easy-read"
    )
    assert "WHAT IS WORRYING ME?" in easy.stdout
    missing = run(data_dir, "plan", CID, "--kind", "wellbeing", "--saved", "9")
    assert missing.returncode == 1 and missing.stderr.count("\n") == 1
    assert "no saved version 9" in missing.stderr


def test_plan_pdf_to_a_file(data_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "plan.pdf"
    result = run(data_dir, "plan", CID, "--kind", "wellbeing", "--format", "pdf", "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(out.read_bytes())).pages)
    assert "Zoë Ångström" in text
    assert "It is not your fault <script>alert(1)</script>" in " ".join(text.split())
    assert out.stat().st_mode & 0o077 == 0


def test_pdf_without_a_file_is_a_one_line_error(data_dir: Path) -> None:
    result = run(data_dir, "plan", CID, "--kind", "wellbeing", "--format", "pdf")
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and "-o FILE" in result.stderr


@pytest.mark.parametrize(
    "args",
    [
        ("plan", "NOBODY1", "--kind", "wellbeing"),
        ("plan", "../etc", "--kind", "wellbeing"),
        ("worksheet", "no-such-exercise"),
        ("worksheet", "keep-safe-review"),
    ],
)
def test_user_errors_are_one_line(data_dir: Path, args: tuple[str, ...]) -> None:
    result = run(data_dir, *args)
    assert result.returncode == 1, result.stdout
    assert result.stderr.startswith("wellbeing: ") and result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr


def test_bad_kind_or_format_is_a_usage_error(data_dir: Path) -> None:
    result = run(data_dir, "plan", CID, "--kind", "other")
    assert result.returncode == 2 and result.stderr.count("\n") == 1
    result = run(data_dir, "worksheet", "breathing", "--format", "docx")
    assert result.returncode == 2


def test_worksheet_in_every_format(data_dir: Path, tmp_path: Path) -> None:
    md = run(data_dir, "worksheet", "treat-a-friend")
    assert md.returncode == 0, md.stderr
    assert md.stdout.startswith("# ") and "────" in md.stdout
    txt = run(data_dir, "worksheet", "wellbeing-traffic-light", "--format", "txt")
    assert txt.returncode == 0 and "[ ]" in txt.stdout
    page = run(data_dir, "worksheet", "breathing", "--format", "html")
    assert page.returncode == 0 and "<!DOCTYPE html>" in page.stdout
    out = tmp_path / "sheet.pdf"
    pdf = run(data_dir, "worksheet", "grounding", "--format", "pdf", "-o", str(out))
    assert pdf.returncode == 0, pdf.stderr
    assert out.read_bytes().startswith(b"%PDF")


def test_plan_reads_while_the_app_holds_the_client(data_dir: Path) -> None:
    repo = Repository(data_dir, user="pat")
    with repo.open(CID) as cf:
        assert not cf.read_only  # this process holds the lock, as the app would
        result = run(data_dir, "plan", CID, "--kind", "wellbeing", "--format", "txt")
    assert result.returncode == 0, result.stderr
    assert "It is not your fault" in result.stdout
