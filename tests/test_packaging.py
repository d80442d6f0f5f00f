"""The built wheel carries its content, styles, fonts and sample data: a non-editable install works."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

from tests.conftest import ROOT

DATA_SUFFIXES = (".md", ".tcss", ".ttf", ".yaml")
PACKAGES = ("tui", "screens", "exercises", "store")


def test_wheel_holds_every_package_data_file_and_runs_from_a_plain_install(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "-q",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(wheels),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    [wheel] = wheels.glob("wellbeing_guide-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {
        str(p.relative_to(ROOT))
        for pkg in PACKAGES
        for p in (ROOT / pkg).rglob("*")
        if p.suffix in DATA_SUFFIXES and "__pycache__" not in p.parts
    }
    assert expected and expected <= names, sorted(expected - names)

    # Install the wheel alone into a folder and run it from elsewhere: no source tree in sight.
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "-q",
            "--no-deps",
            "--target",
            str(target),
            str(wheel),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    env = {**os.environ, "PYTHONPATH": str(target)}
    env.pop("PYTHONSAFEPATH", None)

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, *args],
            capture_output=True,
            text=True,
            env=env,
            cwd=tmp_path,
            timeout=120,
        )

    where = run("-c", "import exercises, tui; print(exercises.__file__); print(tui.__file__)")
    assert where.stdout.splitlines() == [
        str(target / "exercises" / "__init__.py"),
        str(target / "tui" / "__init__.py"),
    ], where.stderr
    check = run("-m", "tui", "content", "check")
    assert check.returncode == 0 and "content ok: 12 exercises" in check.stdout, check.stderr
    data = tmp_path / "data"
    demo = run("-m", "tui", "demo", "--data-dir", str(data))
    assert demo.stdout.strip() == "DEMO1", demo.stderr
    plan = run(
        "-m",
        "tui",
        "--data-dir",
        str(data),
        "plan",
        "DEMO1",
        "--kind",
        "wellbeing",
        "--format",
        "pdf",
        "-o",
        str(tmp_path / "plan.pdf"),
    )
    assert plan.returncode == 0, plan.stderr
    assert (tmp_path / "plan.pdf").read_bytes().startswith(b"%PDF")
