"""Every number in the config is finite and in its range (issue 22): `autosave_seconds = nan` was
accepted and silently stopped autosave."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.services.config import _BOUNDS, Config, ConfigError, load_config
from tui.services.errors import UserError


@pytest.mark.parametrize("value", ["nan", "+nan", "-nan", "inf", "-inf"])
@pytest.mark.parametrize("key", sorted(_BOUNDS))
def test_a_number_that_is_not_finite_is_refused(tmp_path: Path, key: str, value: str) -> None:
    path = tmp_path / "config.toml"
    path.write_text(f"{key} = {value}\n")
    with pytest.raises(UserError) as caught:
        load_config(path)
    message = str(caught.value)
    assert f"{key}: must be a finite number" in message and "\n" not in message


@pytest.mark.parametrize("value", [float("nan"), float("inf"), 1e400])
def test_a_config_made_in_code_is_checked_the_same(value: float) -> None:
    with pytest.raises(ConfigError, match="must be a finite number"):
        Config(autosave_seconds=value)
    with pytest.raises(ConfigError, match="must be a finite number"):
        Config(retention_years=value)  # type: ignore[arg-type]


def test_the_command_line_says_so_in_one_line(tmp_path: Path, cli) -> None:  # noqa: ANN001
    path = tmp_path / "config.toml"
    path.write_text("autosave_seconds = nan\n")
    import os

    done = cli("client", "list", env={**os.environ, "WELLBEING_CONFIG": str(path)})
    assert done.returncode == 1 and done.stderr.count("\n") == 1
    assert "autosave_seconds: must be a finite number" in done.stderr
