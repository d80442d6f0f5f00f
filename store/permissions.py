"""Private files: umask 077, dirs 0700, files 0600, and ssh-StrictModes-like refusal of loose ones.

A team server may share one data dir between practitioners in one group (config `shared_group`):
then the umask is 007, dirs are 2770 (setgid, so files keep the team's group), files 0660, and a
path owned by a colleague is accepted when its group is one of ours. Access for others is never
allowed either way.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from store.advice import remedy
from store.errors import StoreError

_shared = False


def private_umask(allow_group: bool = False) -> None:
    """Everything this process creates is readable by its owner only (or its group, when shared)."""
    global _shared
    _shared = allow_group
    os.umask(0o007 if allow_group else 0o077)


def shared() -> bool:
    """Whether this process works in a data dir shared by a group (`private_umask`)."""
    return _shared


def file_mode() -> int:
    """Mode for new client, backup, temp and audit files."""
    return 0o660 if _shared else 0o600


def dir_mode() -> int:
    return 0o2770 if _shared else 0o700


def make_private_dir(path: Path, *, allow_group: bool | None = None) -> None:
    """Create `path` (and parents) 0700 (2770 when shared) if missing, then check it."""
    group = _shared if allow_group is None else allow_group
    if not path.exists():
        mode = 0o2770 if group else 0o700
        path.mkdir(mode=mode, parents=True, exist_ok=True)
        os.chmod(path, mode)
    check_private(path, directory=True, allow_group=group)


def _in_group(gid: int) -> bool:
    return gid == os.getegid() or gid in os.getgroups()


def owned_by_us(st: os.stat_result) -> bool:
    """Ours, or (in a group-shared data dir) owned by a colleague in one of our groups."""
    return st.st_uid == os.geteuid() or (_shared and _in_group(st.st_gid))


def user_name(uid: int) -> str:
    """A login name for `uid` (the number only when the system has no name for it)."""
    try:
        import pwd

        return pwd.getpwuid(uid).pw_name
    except (ImportError, KeyError):
        return f"uid {uid}"


def group_name(gid: int) -> str:
    try:
        import grp

        return grp.getgrgid(gid).gr_name
    except (ImportError, KeyError):
        return f"gid {gid}"


def describe_owner(st: os.stat_result) -> str:
    """Why a path's owner is refused, naming the user and group ("belongs to sam (group staff)...")."""
    who = f"belongs to {user_name(st.st_uid)} (group {group_name(st.st_gid)})"
    if _shared:
        return f"{who}: neither you nor a group of yours"
    return f"{who}, not to you"


def loose_bits(mode: int, *, directory: bool, allow_group: bool | None = None) -> int:
    """The permission bits that open a path to more people than the data dir allows."""
    group = _shared if allow_group is None else allow_group
    return mode & (0o007 if group else 0o077)


def wanted_mode(*, directory: bool, allow_group: bool | None = None) -> str:
    group = _shared if allow_group is None else allow_group
    return ("2770" if directory else "660") if group else ("700" if directory else "600")


def check_private(path: Path, *, directory: bool, allow_group: bool = False) -> None:
    """Refuse a path that is a symlink, of the wrong type, owned by another user, or open to others."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        raise StoreError(f"{path} does not exist") from None
    if stat.S_ISLNK(st.st_mode):
        raise StoreError(f"{path} is a symbolic link; refusing to follow it")
    if directory and not stat.S_ISDIR(st.st_mode):
        raise StoreError(f"{path} is not a directory")
    if not directory and not stat.S_ISREG(st.st_mode):
        raise StoreError(f"{path} is not a regular file")
    if st.st_uid != os.geteuid() and not (allow_group and _in_group(st.st_gid)):
        who = f"belongs to {user_name(st.st_uid)} (group {group_name(st.st_gid)})"
        if allow_group:
            raise StoreError(f"{path} {who}: neither you nor a group of yours; refusing to use it")
        raise StoreError(f"{path} {who}, not to you; refusing to use it")
    if loose_bits(st.st_mode, directory=directory, allow_group=allow_group):
        want = wanted_mode(directory=directory, allow_group=allow_group)
        raise StoreError(
            f"{path} is accessible to {'others' if allow_group else 'group/others'} "
            f"(mode {stat.S_IMODE(st.st_mode):03o}); "
            + remedy(f"chmod {want} {path}", f"make it mode {want}")
        )
