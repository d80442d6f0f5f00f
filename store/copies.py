"""The other copies of a client's record the store keeps (the `.bak`, and each damaged file set
aside by a restore), for the subject access export: what exists only in a copy is still held."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from store.client_storage import decode_copy
from store.clients import Repository
from store.codec import PLAIN
from store.errors import StoreError
from store.files import CLIENT_FILE_MAX, read_checked
from store.ids import validate_client_id
from store.text import clean_text


@dataclass(frozen=True)
class Copy:
    """One kept copy of a client's record: its tables, or its text and why it does not parse."""

    path: Path
    tables: dict[str, Any] | None = None
    text: str | None = None
    problem: str = ""


def copies(repo: Repository, client_id: str) -> list[Copy]:
    """Every other copy of a client's record the store keeps: the `.bak` and each corrupt
    copy set aside by a restore, each read through the one checked reader. What exists only
    in a copy is still held on the client, so a copy that does not parse is given as its
    text (decrypted where it can be), with why it is damaged."""
    cid = validate_client_id(client_id)
    out: list[Copy] = []
    for path in repo.client_files(cid):
        name = path.name
        if not (name == f"{cid}.json.bak" or name.startswith(f"{cid}.json.corrupt-")):
            continue
        try:
            out.append(Copy(path, tables=dict(decode_copy(path, repo.codec, cid))))
        except StoreError as exc:
            out.append(Copy(path, text=_copy_text(repo, path), problem=str(exc)))
    return out


def _copy_text(repo: Repository, path: Path) -> str | None:
    """A damaged copy's bytes as text (decrypted first when they can be), or None."""
    try:
        blob = read_checked(path, max_bytes=CLIENT_FILE_MAX)
        plain = (repo.codec or PLAIN).decode(blob, path=path)
    except (OSError, StoreError):
        return None
    return clean_text(plain.decode("utf-8", "replace"))
