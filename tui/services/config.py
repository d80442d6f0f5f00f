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
managers = []                       # ... or these logins: a private data dir only (see below)
privacy_check = true                # ask the privacy questions before a session
retention_years = 7
export_dir = "~/exports"            # where plan exports are suggested (default: DATA_DIR/exports)
practitioner_layout = "standard"    # the Keep Safe Plan's layout ("large": large print)
shared_group = false                # allow a group-readable data dir (team server)
lock_takeover_minutes = 30          # a colleague may take over a client held this long (0: never)
[[crisis_lines]]
name = "Samaritans"
number = "116 123"
```

`manager_group` and `managers` count only on a private, single-user data dir (this login's own,
no group or other bits): on a shared one they are ignored, and the managers are the group named
in the data dir's root-owned `team.toml` (`store.team`, `tui.services.clients.oversight`).
`shared_group` sets the permissions the store accepts and creates; it never decides a role.
"""

from __future__ import annotations

import math
import os
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from tui.services.errors import UserError

# A plain dataclass, not a pydantic model: the config is read before the first frame, and
# importing pydantic there cost a fifth of the start (see bench/README.md). Every value is checked
# in `__post_init__`, however the Config is made.


class ConfigError(ValueError):
    """One key of the config is wrong: `where` names it, the message says why."""

    def __init__(self, where: str, message: str):
        super().__init__(f"{where}: {message}")
        self.where = where
        self.message = message


@dataclass(frozen=True)
class CrisisLine:
    name: str
    number: str
    note: str = ""

    def __post_init__(self) -> None:
        for name in ("name", "number", "note"):
            if not isinstance(getattr(self, name), str):
                raise ConfigError(name, "must be text")


DEFAULT_CRISIS_LINES = (
    CrisisLine(name="Samaritans", number="116 123", note="free, any time, day or night"),
    CrisisLine(name="Shout", number="85258", note="text SHOUT, free, any time"),
)

#: numeric keys: (type, lowest, highest, lowest allowed itself)
_BOUNDS: dict[str, tuple[type, float, float, bool]] = {
    "idle_minutes": (float, 0, 240, True),
    "phone_idle_minutes": (float, 0, 240, True),
    "autosave_seconds": (float, 0.1, 5, True),
    "autosave_max_seconds": (float, 0.5, 30, True),
    "due_not_seen_weeks": (int, 0, 104, True),
    "due_review_days": (int, 0, 365, True),
    "due_rar_most_a_week": (float, 0, 7, False),
    "retention_years": (int, 1, 100, True),
    "lock_takeover_minutes": (int, 0, 24 * 60, True),
}
_TEXT = ("practitioner_name", "manager_group")
_FLAGS = ("mouse", "privacy_check", "shared_group", "encrypt")
_CHOICES: dict[str, tuple[object, ...]] = {
    "theme": ("default", "high-contrast"),
    "practitioner_layout": ("standard", "large"),
    "low_bandwidth": (True, False, "auto"),
}


def _number(key: str, value: object) -> float | int:
    kind, low, high, inclusive = _BOUNDS[key]
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ConfigError(key, "must be a number")
    # nan compares false with every bound, so it would pass them all: refused first
    if isinstance(value, float) and not math.isfinite(value):
        raise ConfigError(key, f"must be a finite number, at most {high:g}")
    if kind is int and value != int(value):
        raise ConfigError(key, "must be a whole number")
    if value < low or (value == low and not inclusive) or value > high:
        above = f"at least {low:g}" if inclusive else f"more than {low:g}"
        raise ConfigError(key, f"must be {above} and at most {high:g}")
    return int(value) if kind is int else float(value)


def _texts(key: str, value: object) -> tuple[str, ...]:
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
        raise ConfigError(key, "must be a list of text")
    return tuple(value)


@dataclass(frozen=True)
class Config:
    practitioner_name: str = ""
    content_dirs: tuple[Path, ...] = ()
    theme: str = "default"  # "default" or "high-contrast"
    low_bandwidth: bool | str = "auto"  # True, False or "auto"
    mouse: bool = True
    idle_minutes: float = 5
    #: phone sessions: reading prompts aloud and listening is not idleness
    phone_idle_minutes: float = 20
    #: answers are saved this long after typing pauses, and at least this often while it goes on
    autosave_seconds: float = 0.4
    autosave_max_seconds: float = 2.0
    #: the Due list: no session for this many weeks (0: never listed for it) ...
    due_not_seen_weeks: int = 4
    #: ... a plan review due within this many days (or overdue) ...
    due_review_days: int = 14
    #: ... RAR at risk when the days left need more sessions a week than this to fit
    due_rar_most_a_week: float = 2.0
    #: treatment managers on a private data dir: members of this OS group ...
    manager_group: str = ""
    #: ... or these logins (ignored, both, on a shared data dir: see the module)
    managers: tuple[str, ...] = ()
    #: binding id -> keys, e.g. {"exercise.back" = "alt+left"} (`wellbeing keys` lists the ids)
    keymap: dict[str, str] = field(default_factory=dict)
    privacy_check: bool = True
    retention_years: int = 7
    shared_group: bool = False
    lock_takeover_minutes: int = 30
    encrypt: bool = False
    export_dir: Path | None = None
    #: the layout of the practitioner's own documents (the Keep Safe Plan): "standard" or "large"
    practitioner_layout: str = "standard"
    crisis_lines: tuple[CrisisLine, ...] = DEFAULT_CRISIS_LINES

    def __post_init__(self) -> None:
        def put(name: str, value: object) -> None:
            object.__setattr__(self, name, value)

        for key in _BOUNDS:
            put(key, _number(key, getattr(self, key)))
        for key in _TEXT:
            if not isinstance(getattr(self, key), str):
                raise ConfigError(key, "must be text")
        for key in _FLAGS:
            if not isinstance(getattr(self, key), bool):
                raise ConfigError(key, "must be true or false")
        for key, allowed in _CHOICES.items():
            value = getattr(self, key)
            if not any(value == a and type(value) is type(a) for a in allowed):
                words = ", ".join(
                    f'"{a}"' if isinstance(a, str) else str(a).lower() for a in allowed
                )
                raise ConfigError(key, f"must be one of {words}")
        put("managers", _texts("managers", self.managers))
        dirs = self.content_dirs
        if not isinstance(dirs, (list, tuple)) or not all(isinstance(d, (str, Path)) for d in dirs):
            raise ConfigError("content_dirs", "must be a list of folder paths")
        put("content_dirs", tuple(Path(d) for d in dirs))
        keymap = self.keymap
        if not isinstance(keymap, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in keymap.items()
        ):
            raise ConfigError("keymap", "must map binding ids to keys, as text")
        put("keymap", dict(keymap))
        if self.export_dir is not None:
            if not isinstance(self.export_dir, (str, Path)):
                raise ConfigError("export_dir", "must be a folder path")
            put("export_dir", Path(self.export_dir))
        lines = self.crisis_lines
        if not isinstance(lines, (list, tuple)):
            raise ConfigError("crisis_lines", "must be a list of tables (name, number, note)")
        put("crisis_lines", tuple(_crisis_line(i, line) for i, line in enumerate(lines)))

    @classmethod
    def from_mapping(cls, data: dict[str, Any]) -> Config:
        """A Config from parsed TOML; a key it does not know is an error, not ignored."""
        known = {f.name for f in fields(cls)}
        for key in data:
            if key not in known:
                raise ConfigError(key, "is not a setting Wellbeing Guide knows")
        return cls(**data)

    def low_bandwidth_on(self, flag: bool | None = None) -> bool:
        """The command-line flag wins, then the config, then 'auto' (on over SSH)."""
        if flag:
            return True
        if self.low_bandwidth == "auto":
            return bool(os.environ.get("SSH_CONNECTION"))
        return bool(self.low_bandwidth)


def _crisis_line(index: int, line: object) -> CrisisLine:
    if isinstance(line, CrisisLine):
        return line
    if not isinstance(line, dict):
        raise ConfigError(f"crisis_lines.{index}", "must be a table (name, number, note)")
    unknown = set(line) - {"name", "number", "note"}
    if unknown or "name" not in line or "number" not in line:
        raise ConfigError(f"crisis_lines.{index}", "needs name and number (and an optional note)")
    try:
        return CrisisLine(**line)
    except ConfigError as exc:
        raise ConfigError(f"crisis_lines.{index}.{exc.where}", exc.message) from None


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
        return Config.from_mapping(data)
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise UserError(f"config {path} is not valid TOML: {exc}") from None
    except ConfigError as exc:
        raise UserError(f"config {path}: {exc}") from None
