"""Client IDs: case references, letters and digits only, checked before any path is built."""

from __future__ import annotations

import re
from pathlib import Path

from store.errors import StoreError

ID_MAX = 32
_ID = re.compile(rf"[A-Za-z0-9]{{1,{ID_MAX}}}")


def validate_client_id(raw: object) -> str:
    """Return the canonical (upper-case) ID, or raise StoreError saying what is wrong with it."""
    if not isinstance(raw, str) or raw == "":
        raise StoreError("a client ID is needed (letters and digits, e.g. X123)")
    if len(raw) > ID_MAX:
        raise StoreError(f"client ID is too long ({len(raw)} characters; at most {ID_MAX})")
    if not _ID.fullmatch(raw):
        shown = raw.encode("unicode_escape").decode("ascii")[:40]
        raise StoreError(f"client ID {shown!r} may hold only letters and digits (e.g. X123)")
    return raw.upper()


def client_path(clients_dir: Path, client_id: str, suffix: str = ".json") -> Path:
    """The path of one of a client's files, checked to stay inside `clients_dir`."""
    cid = validate_client_id(client_id)
    path = clients_dir / f"{cid}{suffix}"
    if path.parent.resolve() != clients_dir.resolve():
        raise StoreError(f"client ID {cid!r} resolves outside the data dir", client_id=cid)
    return path
