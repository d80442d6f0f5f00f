"""An encrypted data dir shared by a team (issue 26 item 8): the key file follows the data dir's rules.

On a team server the caseload is shared by a group (`shared_group = true`): the key file is 0660
like every other file there, and the admin's commands (run as the account that owns the caseload,
the passphrase from a file) read it by those rules. Others may never read it: the verifier in it
lets whoever reads it try passphrases offline. A private data dir keeps its key file 0600.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.cli_runner import ROOT, run_cli_process

PASS = "correct horse battery staple"


@pytest.fixture
def team_env(tmp_path: Path) -> dict[str, str]:
    config = tmp_path / "config.toml"
    config.write_text("shared_group = true\n", encoding="utf-8")
    secret = tmp_path / "passphrase"
    secret.write_text(PASS + "\n", encoding="utf-8")
    secret.chmod(0o600)
    return {
        **os.environ,
        "WELLBEING_CONFIG": str(config),
        "WELLBEING_PASSPHRASE_FILE": str(secret),
    }


def wellbeing(data: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """A real process each time, as an admin's command is: nothing of an earlier command's
    state (the data dir's sharing, set when the store is made) carries over."""
    return run_cli_process("--data-dir", str(data), *args, env={**env, "PYTHONPATH": str(ROOT)})


def test_admin_commands_work_on_an_encrypted_shared_dir(
    tmp_path: Path, team_env: dict[str, str]
) -> None:
    data = tmp_path / "srv"
    done = wellbeing(data, team_env, "init", "--encrypt")
    assert done.returncode == 0, done.stderr
    key = data / "keyinfo.json"
    assert oct(key.stat().st_mode & 0o777) == "0o660"  # the team unlocks it too
    assert oct(data.stat().st_mode & 0o7777) == "0o2770"
    for args in (["client", "add", "T1", "--name", "Team client"], ["client", "list"]):
        done = wellbeing(data, team_env, *args)
        assert done.returncode == 0, done.stderr  # was: "open to others (mode 660)"
    assert oct((data / "clients" / "T1.json").stat().st_mode & 0o777) == "0o660"
    done = wellbeing(data, team_env, "audit", "T1", "--verify")
    assert done.returncode == 0, done.stderr

    key.chmod(0o640)  # the group may read it: accepted
    assert wellbeing(data, team_env, "client", "list").returncode == 0

    key.chmod(0o644)  # others may read it: refused, and the advice keeps the team's access
    done = wellbeing(data, team_env, "client", "list")
    assert done.returncode == 1
    assert "keyinfo.json" in done.stderr and "mode 644" in done.stderr
    assert "chmod 660" in done.stderr and "chmod 600" not in done.stderr


def test_a_data_dir_open_to_others_is_refused_before_a_passphrase_is_asked(
    tmp_path: Path, team_env: dict[str, str]
) -> None:
    """Root, or anyone the caseload is not for, is told whose it is, not asked a passphrase."""
    data = tmp_path / "srv"
    assert wellbeing(data, team_env, "init", "--encrypt").returncode == 0
    data.chmod(0o2777)
    no_file = {k: v for k, v in team_env.items() if k != "WELLBEING_PASSPHRASE_FILE"}
    done = wellbeing(data, no_file, "client", "list")
    assert done.returncode == 1 and done.stderr.count("\n") == 1, done.stderr
    assert "accessible to others" in done.stderr and "passphrase" not in done.stderr


def test_a_private_dir_keeps_its_key_file_private(tmp_path: Path) -> None:
    secret = tmp_path / "passphrase"
    secret.write_text(PASS + "\n", encoding="utf-8")
    secret.chmod(0o600)
    env = {**os.environ, "WELLBEING_PASSPHRASE_FILE": str(secret)}
    data = tmp_path / "mine"
    assert wellbeing(data, env, "init", "--encrypt").returncode == 0
    key = data / "keyinfo.json"
    assert oct(key.stat().st_mode & 0o777) == "0o600"
    key.chmod(0o640)
    done = wellbeing(data, env, "client", "list")
    assert done.returncode == 1 and "keyinfo.json" in done.stderr and "chmod 600" in done.stderr
