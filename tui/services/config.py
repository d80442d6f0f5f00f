"""Configuration: a TOML file (see `tui.services.locations.config_file`), every key optional.

```toml
practitioner_name = "Sam Jones"     # shown on sessions instead of the OS user
content_dirs = ["/srv/packs/ours"]  # extra exercise packs
theme = "default"                   # or "high-contrast"
low_bandwidth = "auto"              # true / false / "auto" (on when SSH_CONNECTION is set)
mouse = true
idle_minutes = 5                    # privacy screen after this many idle minutes (0: never)
phone_idle_minutes = 20             # the same in phone sessions (reading aloud is not idleness)
autosave_seconds = 0.4              # save this long after typing pauses ...
autosave_max_seconds = 2.0          # ... and at least this often while it goes on
keymap = { "exercise.back" = "alt+left" }   # remap a key by its binding id (see f1)
due_not_seen_weeks = 4              # Due list: no session for this many weeks (0: never)
due_review_days = 14                # Due list: a plan review within this many days
due_rar_most_a_week = 2.0           # Due list: RAR at risk above this many sessions a week
manager_group = "wellbeing-managers"  # treatment managers: this OS group's members ...
managers = []                       # ... or these logins (single-user installs)
privacy_check = true                # ask the privacy questions before a session
retention_years = 7
export_dir = "~/exports"            # where plan exports are suggested (default: DATA_DIR/exports)
shared_group = false                # allow a group-readable data dir (team server)
lock_takeover_minutes = 30          # a colleague may take over a client held this long (0: never)
[[crisis_lines]]
name = "Samaritans"
number = "116 123"
```
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from tui.services.errors import UserError


class CrisisLine(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str
    number: str
    note: str = ""


DEFAULT_CRISIS_LINES = (
    CrisisLine(name="Samaritans", number="116 123", note="free, any time, day or night"),
    CrisisLine(name="Shout", number="85258", note="text SHOUT, free, any time"),
)


class Config(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    practitioner_name: str = ""
    content_dirs: tuple[Path, ...] = ()
    theme: Literal["default", "high-contrast"] = "default"
    low_bandwidth: bool | Literal["auto"] = "auto"
    mouse: bool = True
    idle_minutes: float = Field(default=5, ge=0, le=240)
    #: phone sessions: reading prompts aloud and listening is not idleness
    phone_idle_minutes: float = Field(default=20, ge=0, le=240)
    #: answers are saved this long after typing pauses, and at least this often while it goes on
    autosave_seconds: float = Field(default=0.4, ge=0.1, le=5)
    autosave_max_seconds: float = Field(default=2.0, ge=0.5, le=30)
    #: the Due list: no session for this many weeks (0: never listed for it) ...
    due_not_seen_weeks: int = Field(default=4, ge=0, le=104)
    #: ... a plan review due within this many days (or overdue) ...
    due_review_days: int = Field(default=14, ge=0, le=365)
    #: ... RAR at risk when the days left need more sessions a week than this to fit
    due_rar_most_a_week: float = Field(default=2.0, gt=0, le=7)
    #: treatment managers: members of this OS group (the enforced way on a team server) ...
    manager_group: str = ""
    #: ... or these logins (a single-user install)
    managers: tuple[str, ...] = ()
    #: binding id -> keys, e.g. {"exercise.back" = "alt+left"} (`wellbeing keys` lists the ids)
    keymap: dict[str, str] = {}
    privacy_check: bool = True
    retention_years: int = Field(default=7, ge=1, le=100)
    shared_group: bool = False
    lock_takeover_minutes: int = Field(default=30, ge=0, le=24 * 60)
    encrypt: bool = False
    export_dir: Path | None = None
    crisis_lines: tuple[CrisisLine, ...] = DEFAULT_CRISIS_LINES

    def low_bandwidth_on(self, flag: bool | None = None) -> bool:
        """The command-line flag wins, then the config, then 'auto' (on over SSH)."""
        if flag:
            return True
        if self.low_bandwidth == "auto":
            return bool(os.environ.get("SSH_CONNECTION"))
        return bool(self.low_bandwidth)


def load_config(path: Path | None = None) -> Config:
    """Read the config file; a missing file is the defaults, a broken one a one-line error."""
    from tui.services.locations import config_file

    path = path or config_file()
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return Config()
    except OSError as exc:
        raise UserError(f"cannot read config {path}: {exc.strerror}") from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
        return Config.model_validate(data)
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise UserError(f"config {path} is not valid TOML: {exc}") from None
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise UserError(f"config {path}: {where}: {first['msg']}") from None
