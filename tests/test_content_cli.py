"""`wellbeing content check` and `content list`, run as a user would, in a subprocess."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from tests.cli_runner import run_cli

ROOT = Path(__file__).resolve().parent.parent

GOOD = """\
---
id: ours
title: Our exercise
pack: our-service
guide_step: 3
area: Emotions
minutes: 5
modes: [office]
source: Written by our service.
---

## Name it

```step
id: name
kind: text
feeds: [wellbeing.impact]
```

What is it?
"""


def run(*args: str, tmp: Path) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "WELLBEING_DATA_DIR": str(tmp / "data"),
        "WELLBEING_CONFIG": str(tmp / "none.toml"),
        "WELLBEING_STATE_DIR": str(tmp / "state"),
    }
    return run_cli(*args, env=env)


def test_shipped_content_is_clean(tmp_path: Path) -> None:
    result = run("content", "check", tmp=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "content ok" in result.stdout


def test_broken_pack_names_each_file_and_line(tmp_path: Path) -> None:
    pack = tmp_path / "pack"
    pack.mkdir()
    (pack / "good.md").write_text(GOOD, encoding="utf-8")
    (pack / "dupkey.md").write_text(GOOD.replace("id: ours", "id: dup\nid: dup2"), encoding="utf-8")
    (pack / "unclosed.md").write_text(
        GOOD.replace("source: Written by our service.\n---\n", "source: x\n"), encoding="utf-8"
    )
    (pack / "kind.md").write_text(
        GOOD.replace("id: ours", "id: kind").replace("kind: text", "kind: essay"), encoding="utf-8"
    )
    result = run("content", "check", str(pack), tmp=tmp_path)
    assert result.returncode == 1
    lines = sorted(result.stdout.splitlines())
    assert lines == sorted(
        [
            f"{pack / 'dupkey.md'}:3: duplicate key 'id' (first on line 2)",
            f"{pack / 'kind.md'}:16: step 'name': unknown step kind 'essay' "
            "(known: read, text, list, table, choice, scale, timed)",
            f"{pack / 'unclosed.md'}:1: front matter opened here is never closed with '---'",
        ]
    )
    assert "Traceback" not in result.stderr


def test_content_dir_pack_is_listed(tmp_path: Path) -> None:
    pack = tmp_path / "pack"
    pack.mkdir()
    (pack / "good.md").write_text(GOOD, encoding="utf-8")
    result = run("content", "list", "--content-dir", str(pack), tmp=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "our-service" in result.stdout and "ours" in result.stdout
    for exercise_id in ("identify", "breathing", "treat-a-friend", "keep-safe-review"):
        assert exercise_id in result.stdout
    check = run("content", "check", "--content-dir", str(pack), tmp=tmp_path)
    assert check.returncode == 0, check.stdout


def test_a_clash_with_shipped_ids_is_a_problem(tmp_path: Path) -> None:
    pack = tmp_path / "pack"
    pack.mkdir()
    (pack / "mine.md").write_text(GOOD.replace("id: ours", "id: breathing"), encoding="utf-8")
    result = run("content", "check", str(pack), tmp=tmp_path)
    assert result.returncode == 1
    assert f"{pack / 'mine.md'}:2: duplicate exercise id 'breathing'" in result.stdout
