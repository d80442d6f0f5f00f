"""The data dir's layout, and what starting the app needs of it, with nothing but the standard
library: creating and checking the folders, listing client IDs, whether it is encrypted, clearing
temp files left by killed saves.

`Repository` uses these (one path); the app's start uses them directly, so the first frame does
not wait for pydantic, TinyDB, filelock or cryptography to import (see bench/README.md).
"""

from __future__ import annotations

import os
from pathlib import Path

from store.errors import StoreError
from store.files import TEMP_SUFFIX
from store.ids import client_path, validate_client_id
from store.permissions import check_private, make_private_dir, private_umask

#: a data dir holding this file is encrypted at rest (see `store.crypto`)
KEYINFO = "keyinfo.json"
#: one summary per client for lists (plain data dirs only; see `store.register`)
REGISTER = "register.json"
#: the register's first rows alone, for a list's first frame (`store.register`)
REGISTER_HEAD = "register.json.head"
#: beside each client file: its journal of recent changes, and its summary (a cache)
JOURNAL_SUFFIX = ".json.journal"
SUMMARY_SUFFIX = ".json.summary"


def clients_dir(data_dir: Path) -> Path:
    return Path(data_dir) / "clients"


def is_encrypted(data_dir: Path) -> bool:
    """Whether `data_dir` was initialised with encryption at rest (it holds keyinfo.json)."""
    path = Path(data_dir) / KEYINFO
    return path.exists() or path.is_symlink()


def ensure(data_dir: Path, *, allow_group: bool) -> None:
    """Create the data dir 0700 (2770 when shared by a group) if missing; refuse one open to
    others."""
    private_umask(allow_group)
    make_private_dir(Path(data_dir))
    make_private_dir(clients_dir(data_dir))
    check_private(Path(data_dir), directory=True, allow_group=allow_group)
    check_private(clients_dir(data_dir), directory=True, allow_group=allow_group)


def client_ids(data_dir: Path) -> list[str]:
    """The IDs of the client files, sorted; names that are not valid IDs are left out."""
    return client_listing(data_dir)[0]


def client_listing(data_dir: Path) -> tuple[list[str], frozenset[str]]:
    """The client IDs (as `client_ids`) and every name in the clients folder as listed with
    them: whether a client has a journal, seen without a `stat` that fails for most of them."""
    ids = []
    try:  # listdir, not glob: 2,000 clients listed in a few ms, not ~30 ms of pathlib
        names = os.listdir(clients_dir(data_dir))
    except FileNotFoundError:
        return [], frozenset()
    for name in names:
        if name.startswith(".") or not name.endswith(".json"):
            continue  # what glob("*.json") leaves out too
        try:
            ids.append(validate_client_id(name[:-5]))
        except StoreError:
            continue
    return sorted(ids), frozenset(names)


def sweep_temp_files(data_dir: Path) -> int:
    """Remove temp files left by killed saves, each under its client's lock; how many."""
    folder = clients_dir(data_dir)
    try:
        names = [n for n in os.listdir(folder) if n.startswith(".") and n.endswith(TEMP_SUFFIX)]
    except FileNotFoundError:
        return 0
    if not names:
        return 0
    from filelock import FileLock, Timeout  # only when a killed save left something

    removed = 0
    for name in names:
        cid = name[1:].split(".", 1)[0]
        try:
            with FileLock(client_path(folder, cid, ".lock"), timeout=0):
                (folder / name).unlink(missing_ok=True)
                removed += 1
        except (Timeout, StoreError):
            continue
    return removed
