"""The one place paths are decided: data dir, config file, state (log) dir.

Overrides come from the command line (`--data-dir`) or the environment (`WELLBEING_DATA_DIR`,
`WELLBEING_CONFIG`, `WELLBEING_STATE_DIR`), then platformdirs.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

from store.advice import has_shell
from store.permissions import make_private_dir

APP_NAME = "wellbeing-guide"


def data_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """Where client files live: `--data-dir`, else `WELLBEING_DATA_DIR`, else the user data dir."""
    if override:
        return Path(override).expanduser().absolute()
    env = os.environ.get("WELLBEING_DATA_DIR")
    if env:
        return Path(env).expanduser().absolute()
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def config_file() -> Path:
    env = os.environ.get("WELLBEING_CONFIG")
    if env:
        return Path(env).expanduser().absolute()
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / "config.toml"


def state_dir() -> Path:
    """Logs and crash reports (0700; files 0600)."""
    env = os.environ.get("WELLBEING_STATE_DIR")
    if env:
        return Path(env).expanduser().absolute()
    return Path(platformdirs.user_state_dir(APP_NAME, appauthor=False))


def make_state_dir() -> Path:
    """The state dir, created 0700 (or checked private) for the log; OSError if it cannot be."""
    where = state_dir()
    make_private_dir(where)
    return where


def user_has_shell() -> bool:
    """False under the team server's ForceCommand: the user can run nothing but the app."""
    return has_shell()


def package_dir(package: str) -> Path:
    """Folder of one of our packages (for shipped content and fonts)."""
    import importlib

    module = importlib.import_module(package)
    assert module.__file__ is not None
    return Path(module.__file__).parent
