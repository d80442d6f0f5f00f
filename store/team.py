"""Who a data dir says it is shared with, from the data dir itself: never from a user's config.

Private or shared: a data dir owned by this process's login with no group or other permission bits
is private (one practitioner's own); anything else (a colleague's, root's, a service account's,
one with group bits) is shared, whatever a config says.

The team file, `DATA_DIR/team.toml`, is the system's word on a shared data dir: written by an
admin, it must belong to root, be writable by nobody else and be a plain file (not a symlink,
not a second name of another file). It holds one key:

```toml
manager_group = "wellbeing-managers"   # the OS group whose members are treatment managers
```

Anything else about it is refused, as a StoreError of one line naming the file and what is wrong.
"""

from __future__ import annotations

import errno
import os
import stat
import tomllib
from pathlib import Path

from store.errors import StoreError
from store.permissions import user_name

#: the admin's team file in the data dir (see the module)
TEAM_FILE = "team.toml"
_MAX_BYTES = 64 * 1024


def is_private(data_dir: Path) -> bool:
    """Whether `data_dir` is this login's own: owned by it, no group or other bits, a folder."""
    try:
        st = os.lstat(data_dir)
    except OSError:
        return False
    return stat.S_ISDIR(st.st_mode) and st.st_uid == os.geteuid() and not st.st_mode & 0o077


def team_file(data_dir: Path) -> Path:
    return Path(data_dir) / TEAM_FILE


def manager_group(data_dir: Path) -> str | None:
    """The group the team file names; None when there is no team file; a StoreError (one line,
    naming the file) when it is not root's, is open to writing by others, or does not parse."""
    path = team_file(data_dir)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except FileNotFoundError:
        return None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise StoreError(f"{path} is a symbolic link; refusing it") from None
        raise StoreError(f"{path} cannot be read ({exc.strerror}); refusing it") from None
    try:
        st = os.fstat(fd)
        _check(path, st)
        raw = os.read(fd, _MAX_BYTES + 1)
    finally:
        os.close(fd)
    if len(raw) > _MAX_BYTES:
        raise StoreError(f"{path} is bigger than a team file can be; refusing it")
    return _parse(path, raw)


def _check(path: Path, st: os.stat_result) -> None:
    if not stat.S_ISREG(st.st_mode):
        raise StoreError(f"{path} is not a regular file; refusing it")
    if st.st_uid != 0:
        raise StoreError(f"{path} belongs to {user_name(st.st_uid)}, not root; refusing it")
    if st.st_mode & 0o022:
        raise StoreError(
            f"{path} is writable by {'group' if st.st_mode & 0o020 else 'others'} "
            f"(mode {stat.S_IMODE(st.st_mode):03o}), not by root alone; refusing it"
        )
    if st.st_nlink != 1:
        raise StoreError(f"{path} has {st.st_nlink} names (hard links); refusing it")


def _parse(path: Path, raw: bytes) -> str:
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise StoreError(f"{path} is not valid TOML ({exc}); refusing it") from None
    unknown = sorted(set(data) - {"manager_group"})
    if unknown:
        raise StoreError(f"{path}: {unknown[0]} is not a team setting; refusing it")
    group = data.get("manager_group")
    if not isinstance(group, str) or not group.strip():
        raise StoreError(f'{path} names no manager_group (manager_group = "GROUP"); refusing it')
    return group.strip()
