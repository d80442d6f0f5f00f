"""Private files: umask 077, dirs 0700, files 0600, and ssh-StrictModes-like refusal of loose ones."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from store.errors import StoreError


def private_umask() -> None:
    """Everything this process creates is readable by its owner only."""
    os.umask(0o077)


def make_private_dir(path: Path) -> None:
    """Create `path` (and parents) 0700 if missing, then check it."""
    if not path.exists():
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(path, 0o700)
    check_private(path, directory=True)


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
    if st.st_uid != os.geteuid():
        raise StoreError(f"{path} is owned by another user (uid {st.st_uid}); refusing to use it")
    loose = st.st_mode & (0o007 if allow_group else 0o077)
    if loose:
        want = "750" if (allow_group and directory) else "700" if directory else "600"
        raise StoreError(
            f"{path} is accessible to {'others' if allow_group else 'group/others'} "
            f"(mode {stat.S_IMODE(st.st_mode):03o}); run: chmod {want} {path}"
        )
