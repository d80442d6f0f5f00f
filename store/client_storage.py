"""The client file as TinyDB sees it: a TinyDB `Storage` that reads through the store's checked
reader and writes atomically and durably.

TinyDB's stock JSONStorage truncates and rewrites the file in place through a handle it keeps
open, so a kill during a save leaves half a file (tinydb#467). `ClientStorage` opens the file per
operation: it reads it through `store.files.read_checked` (no symlink, a regular file of ours of
a sane size) and decodes it (`store.codec`: plain or encrypted); it writes a 0600 temp file,
fsyncs it, keeps the previous good state as ``.bak`` and renames it over the original. A reader
sees the old or the new state, never a mixture, and a file that does not parse is never
overwritten. Stock TinyDB opens a plain client file read-only and sees the same records:
``TinyDB(path, access_mode="r")``.

Writes go through the store only when it folds its journal in (`store.journal`): a save appends
its change there instead of rewriting the file.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from tinydb.storages import Storage

from store.codec import PLAIN, Codec
from store.errors import CorruptFile
from store.files import CLIENT_FILE_MAX, atomic_write, backup_path, read_checked

Document = dict[str, dict[str, Any]]


class ClientStorage(Storage):
    """TinyDB storage for one client file (see the module)."""

    def __init__(
        self,
        path: str | Path,
        *,
        codec: Codec | None = None,
        client_id: str | None = None,
        access_mode: str = "r+",
    ):
        self.path = Path(path)
        self.codec: Codec = codec or PLAIN
        self.client_id = client_id
        self.access_mode = access_mode

    def read(self) -> Document | None:
        """The file's tables; None when there is no file (TinyDB then starts empty)."""
        try:
            blob = read_checked(self.path, max_bytes=CLIENT_FILE_MAX)
        except FileNotFoundError:
            return None
        raw = [self.codec.decode(blob, path=self.path)]
        del blob
        return decode_document(raw, self.path, self.client_id)

    def write(self, data: Document) -> None:
        if self.access_mode == "r":
            raise OSError(f"{self.path} was opened read-only")
        atomic_write(
            self.path, self.codec.encode(encode_document(data), path=self.path), keep_backup=True
        )

    def close(self) -> None:
        pass


def encode_document(data: Document) -> bytes:
    """The bytes of a client file: compact UTF-8 JSON (the locale never matters)."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def decode_copy(path: Path, codec: Codec | None, client_id: str) -> dict[str, Any]:
    """A copy of a client file (a backup, a corrupt copy), read and decoded without caching it.
    Bytes that cannot be decrypted or parsed are a StoreError naming the file."""
    blob = read_checked(path, max_bytes=CLIENT_FILE_MAX)
    return decode_document([(codec or PLAIN).decode(blob, path=path)], path, client_id)


def decode_document(raw: bytes | list[bytes], path: Path, client_id: str | None) -> dict[str, Any]:
    """Parse the bytes of a client file; anything that is not a JSON object is a CorruptFile.

    Given the bytes in a one-item list, the list is emptied once they are decoded, so they can
    be freed before parsing (a big file then peaks at text + parsed, not bytes + text + parsed).
    """
    owned = raw if isinstance(raw, list) else None
    if owned is not None:
        raw = owned[0]
    assert isinstance(raw, (bytes, bytearray))
    bak = backup_path(path)
    backup = str(bak) if bak.exists() else None

    def corrupt(why: str) -> CorruptFile:
        hint = f"; a backup is at {bak.name}" if backup else ""
        return CorruptFile(
            f"{path} {why}{hint}", client_id=client_id, path=str(path), backup=backup
        )

    if not raw or raw.isspace():
        raise corrupt("is empty")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise corrupt(f"is not valid UTF-8 (byte {exc.start})") from None
    if owned is not None:
        owned.clear()
    del raw
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise corrupt(
            f"is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from None
    except RecursionError:
        raise corrupt("is nested too deeply to be a client record") from None
    except ValueError as exc:  # an integer of thousands of digits is the one case json leaves
        why = "a number too long to read" if "digits" in str(exc) else _first_line(exc)
        raise corrupt(f"holds a value that cannot be read ({why})") from None
    if not isinstance(data, dict) or not all(isinstance(t, dict) for t in data.values()):
        raise corrupt("does not hold a client record (expected a JSON object of tables)")
    if _SURROGATE_ESCAPE.search(text) and _holds_lone_surrogate(data):
        # json accepts "\ud800" but such text can never be written back as UTF-8
        raise corrupt("holds text that is not valid Unicode (a lone surrogate)")
    return data


#: the JSON escape of a UTF-16 surrogate; only a file holding one needs the full check
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def _holds_lone_surrogate(data: Any) -> bool:
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def _first_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:120]


def _refused(path: Path, client_id: str | None, why: str) -> CorruptFile:
    """A client path that is not a file we may read: refused like a damaged one (never read,
    never overwritten), with any backup offered."""
    bak = backup_path(path)
    return CorruptFile(
        why, client_id=client_id, path=str(path), backup=str(bak) if bak.is_file() else None
    )
