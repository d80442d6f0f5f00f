"""Shared fixtures: every test gets its own data, config and state dirs, never the user's."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from store.records import Client
from store.repository import Repository

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _isolated_env(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    base = tmp_path_factory.mktemp("env")
    monkeypatch.setenv("WELLBEING_STATE_DIR", str(base / "state"))
    monkeypatch.setenv("WELLBEING_CONFIG", str(base / "config.toml"))
    monkeypatch.delenv("WELLBEING_DATA_DIR", raising=False)
    monkeypatch.delenv("WELLBEING_PASSPHRASE_FILE", raising=False)
    monkeypatch.delenv("SSH_CONNECTION", raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def repo(data_dir: Path) -> Repository:
    repo = Repository(data_dir)
    repo.ensure()
    return repo


@pytest.fixture
def client(repo: Repository) -> Client:
    return repo.add_client(Client(id="X123", name="Alex B"))


def cli_env(**extra: str) -> dict[str, str]:
    """Environment for running `python -m tui` in a subprocess from the tests."""
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT)
    env.update(extra)
    return env


@pytest.fixture
def cli(data_dir: Path):  # noqa: ANN201 - returns a runner
    import subprocess
    import sys

    def run(
        *args: str, input: str | None = None, env: dict[str, str] | None = None, data: bool = True
    ) -> subprocess.CompletedProcess[str]:
        cmd = [sys.executable, "-m", "tui", *(("--data-dir", str(data_dir)) if data else ()), *args]
        return subprocess.run(
            cmd,
            capture_output=True,
            text=True,
            input=input,
            env=env or cli_env(),
            timeout=60,
            cwd=ROOT,
        )

    return run


@pytest.fixture
def tmp_home(tmp_path: Path) -> Iterator[Path]:
    yield tmp_path
