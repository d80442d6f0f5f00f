"""A crash-safe TinyDB storage.

TinyDB's stock JSONStorage truncates and rewrites the file in place through a handle it keeps open, so a
kill during a save leaves half a file (tinydb#467). This storage opens the file per operation, writes a
0600 temp file beside it, flushes and fsyncs it, keeps the previous good state as ``.bak`` (a hard link,
so no copy), renames the temp file over the original and fsyncs the directory. A reader therefore sees
either the old or the new state, never a mixture, and a file that does not parse is never overwritten.
"""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Protocol

from tinydb.storages import Storage

from store.errors import CorruptFile

TEMP_SUFFIX = ".tmp"


class Codec(Protocol):
    """Turns the serialised bytes into what is on disk and back (identity, or encryption)."""

    def encode(self, plain: bytes, *, path: Path) -> bytes: ...

    def decode(self, blob: bytes, *, path: Path) -> bytes: ...


class PlainCodec:
    """No encryption: the file is UTF-8 JSON."""

    def encode(self, plain: bytes, *, path: Path) -> bytes:
        return plain

    def decode(self, blob: bytes, *, path: Path) -> bytes:
        return blob


def backup_path(path: Path) -> Path:
    return path.with_name(path.name + ".bak")


def temp_files(path: Path) -> Iterator[Path]:
    """Leftover temp files of `path` (from a save that was killed before its rename)."""
    yield from path.parent.glob(f".{path.name}.*{TEMP_SUFFIX}")


def fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def atomic_write(path: Path, data: bytes, *, keep_backup: bool = False) -> None:
    """Write `data` to `path` so that a crash leaves the old or the new bytes, never a mix."""
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}{TEMP_SUFFIX}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if keep_backup and path.exists():
            bak = backup_path(path)
            bak_tmp = bak.with_name(f".{bak.name}.{secrets.token_hex(4)}{TEMP_SUFFIX}")
            os.link(path, bak_tmp)
            os.replace(bak_tmp, bak)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    fsync_dir(path.parent)


def decode_document(raw: bytes, path: Path, client_id: str | None) -> dict[str, Any]:
    """Parse the bytes of a client file; anything that is not a JSON object is a CorruptFile."""
    bak = backup_path(path)
    backup = str(bak) if bak.exists() else None

    def corrupt(why: str) -> CorruptFile:
        hint = f"; a backup is at {bak.name}" if backup else ""
        return CorruptFile(f"{path} {why}{hint}", client_id=client_id, path=str(path), backup=backup)

    if not raw.strip():
        raise corrupt("is empty")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise corrupt(f"is not valid UTF-8 (byte {exc.start})") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise corrupt(f"is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from None
    if not isinstance(data, dict) or not all(isinstance(t, dict) for t in data.values()):
        raise corrupt("does not hold a client record (expected a JSON object of tables)")
    return data


class AtomicJSONStorage(Storage):
    """TinyDB storage: per-operation open, atomic durable replace, `.bak`, optional codec."""

    def __init__(self, path: str | Path, *, codec: Codec | None = None, client_id: str | None = None):
        self.path = Path(path)
        self.codec: Codec = codec or PlainCodec()
        self.client_id = client_id

    def read(self) -> dict[str, dict[str, Any]] | None:
        try:
            with open(self.path, "rb") as handle:
                blob = handle.read()
        except FileNotFoundError:
            return None
        return decode_document(self.codec.decode(blob, path=self.path), self.path, self.client_id)

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        # ensure_ascii=False keeps the file UTF-8 and readable; the bytes are encoded explicitly so
        # the locale (LANG=C) never matters.
        plain = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        atomic_write(self.path, self.codec.encode(plain, path=self.path), keep_backup=True)

    def close(self) -> None:
        """Nothing is held open between operations."""
