"""The audit trail: who viewed and changed which client, when, and which fields; never a value.

One append-only file per client, ``DATA_DIR/audit/<ID>.jsonl`` (0600, dir 0700), one JSON object per
line, each line written with one ``write`` under ``flock`` and fsynced. Each entry holds the
SHA-256 of the line before it (``prev``; the first holds 64 zeros), so an edited or removed entry
breaks the chain and `AuditLog.verify` names the line. The chain has no key: it shows accidents and
naive edits, not a forger who rewrites every later line, and a cut at the very end leaves no trace;
keep a copy of the head hash (`wellbeing audit ID` prints it) elsewhere when that matters.

Entries hold field names, step ids and record ids only, so they may stay plain text even when the
data dir is encrypted.
"""

from __future__ import annotations

import fcntl
import os
import socket
import stat
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from store.audit_chain import (
    ACTIONS,
    CHANGES,
    GENESIS,
    Action,
    Problem,
    check_log,
    dump_entry,
    line_hash,
    parse_entry,
)
from store.errors import StoreError
from store.files import AUDIT_LOG_MAX, atomic_write, read_checked
from store.ids import client_path, validate_client_id
from store.permissions import file_mode, make_private_dir, owned_by_us

_TAIL_CHUNK = 4096


class AuditError(StoreError):
    """The audit log cannot be written or read; client data is not shown while this is so."""


def os_uid_user() -> tuple[int, str]:
    """The real uid and its login name (not $USER, which anyone can set)."""
    uid = os.getuid()
    try:
        import pwd

        return uid, pwd.getpwuid(uid).pw_name
    except (ImportError, KeyError):
        return uid, f"uid {uid}"


class AuditLog:
    """One client's audit log. Keeps the chain head in memory; rereads the tail only if it moved."""

    def __init__(self, audit_dir: Path, client_id: str):
        self.client_id = validate_client_id(client_id)
        self.dir = Path(audit_dir)
        self.path = client_path(self.dir, self.client_id, ".jsonl")
        self._head: tuple[int, int, str] | None = None  # (inode, size, hash of the last line)

    # -- writing ----------------------------------------------------------------------------------

    def append(
        self,
        action: Action,
        *,
        fields: Iterable[str] = (),
        ids: Mapping[str, str] | None = None,
        record: Mapping[str, str] | None = None,
    ) -> dict[str, Any]:
        """Append one entry, fsynced. Raises AuditError (one line) when it cannot be written.
        `record`: what a change wrote (`store.audit_content.record_ref`)."""
        if action not in ACTIONS:
            raise ValueError(f"unknown audit action {action!r}")
        try:
            return self._append(action, list(fields), dict(ids or {}), dict(record or {}))
        except OSError as exc:
            raise AuditError(
                f"cannot write the audit log {self.path}: {exc.strerror or exc}",
                client_id=self.client_id,
                path=str(self.path),
            ) from None

    def _append(
        self, action: str, fields: list[str], ids: dict[str, str], record: dict[str, str]
    ) -> dict[str, Any]:
        if self._head is None:
            make_private_dir(self.dir)
        while True:
            flags = os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC
            fd = os.open(self.path, flags, file_mode())
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)
                st = os.fstat(fd)
                try:
                    same = os.stat(self.path).st_ino == st.st_ino
                except FileNotFoundError:
                    same = False
                if not same:  # replaced (a deletion tombstone) while we waited: use the new file
                    continue
                if not stat.S_ISREG(st.st_mode) or not owned_by_us(st):
                    raise AuditError(
                        f"{self.path} is not a regular file of this user; refusing to append",
                        client_id=self.client_id,
                        path=str(self.path),
                    )
                size = st.st_size
                if self._head is not None and self._head[:2] == (st.st_ino, size):
                    prev = self._head[2]
                else:
                    prev, whole = _tail_hash(fd, size)
                    if whole < size:
                        # an entry a kill cut short: the change it announced was never made (a
                        # change is written only after its entry is whole and synced), and no
                        # entry follows it in the chain; it goes, under the lock
                        os.ftruncate(fd, whole)
                        size = whole
                entry = self._entry(action, fields, ids, prev, record)
                line = dump_entry(entry)
                data = line + b"\n"
                if os.write(fd, data) != len(data):
                    raise OSError(28, "short write (disk full?)")
                os.fsync(fd)
                self._head = (st.st_ino, size + len(data), line_hash(line))
                return entry
            finally:
                os.close(fd)  # also releases the flock

    def _entry(
        self,
        action: str,
        fields: list[str],
        ids: dict[str, str],
        prev: str,
        record: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        uid, user = os_uid_user()
        entry: dict[str, Any] = {
            "time": datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
            "user": user,
            "uid": uid,
            "host": socket.gethostname(),
            "pid": os.getpid(),
        }
        ssh = os.environ.get("SSH_CONNECTION")
        if ssh:
            entry["ssh"] = ssh
        entry |= {"action": action, "client": self.client_id, "fields": fields}
        if ids:
            entry["ids"] = ids
        if record:
            entry["record"] = record
        entry["prev"] = prev
        return entry

    def tombstone(
        self, action: str = "deleted", ids: Mapping[str, str] | None = None
    ) -> dict[str, Any]:
        """Replace the whole log by one entry recording the client's deletion, or transfer out
        with when and to where (no content). A log that is already one tombstone (an erasure
        stopped part way, run again) is kept as it is: it says what happened first."""
        if action not in ("deleted", "transferred out"):
            raise ValueError(f"not a tombstone action: {action!r}")
        removed, head = 0, GENESIS
        try:
            data = self.read_bytes()
            lines = [ln for ln in data.split(b"\n") if ln]
            removed = len(lines)
            head = line_hash(lines[-1]) if lines else GENESIS
        except FileNotFoundError:
            lines = []
        except (OSError, StoreError) as exc:
            raise AuditError(
                f"cannot read the audit log {self.path}: {getattr(exc, 'strerror', None) or exc}",
                client_id=self.client_id,
            ) from None
        if len(lines) == 1:
            lone = parse_entry(lines[0])
            if lone is not None and lone.get("tombstone") and lone.get("client") == self.client_id:
                return lone
        entry = self._entry(
            action,
            [],
            {**dict(ids or {}), "removed_entries": str(removed), "removed_head": head},
            GENESIS,
        )
        entry["tombstone"] = True
        self.write_whole(dump_entry(entry) + b"\n")
        return entry

    def chained(
        self,
        action: str,
        prev: str,
        *,
        ids: Mapping[str, str] | None = None,
        like: Mapping[str, Any] | None = None,
    ) -> bytes:
        """One entry line (no newline) that follows the line hashed `prev`, not yet written: a
        new `action` by this process, or `like`, an entry re-chained as it was (its time, user
        and ids) without its tombstone mark."""
        if like is not None:
            entry = {k: v for k, v in like.items() if k not in ("prev", "tombstone")}
            entry["prev"] = prev
        else:
            if action not in ACTIONS:
                raise ValueError(f"unknown audit action {action!r}")
            entry = self._entry(action, [], dict(ids or {}), prev)
        return dump_entry(entry)

    def write_whole(self, data: bytes) -> None:
        """Replace the log by `data` in one atomic write (a tombstone, or a history joined)."""
        try:
            make_private_dir(self.dir)
            atomic_write(self.path, data)
        except OSError as exc:
            raise AuditError(
                f"cannot write the audit log {self.path}: {exc.strerror or exc}",
                client_id=self.client_id,
                path=str(self.path),
            ) from None
        self._head = None

    # -- reading ----------------------------------------------------------------------------------

    def exists(self) -> bool:
        return self.path.exists()

    def read_bytes(self) -> bytes:
        """The log's bytes, through the store's one checked reader."""
        return read_checked(self.path, max_bytes=AUDIT_LOG_MAX)

    def read_lines(self) -> list[bytes]:
        try:
            data = self.read_bytes()
        except FileNotFoundError:
            return []
        except (OSError, StoreError) as exc:
            raise AuditError(
                f"cannot read the audit log {self.path}: {getattr(exc, 'strerror', None) or exc}",
                client_id=self.client_id,
            ) from None
        lines = data.split(b"\n")
        if lines and lines[-1] == b"":
            lines.pop()
        return lines

    def entries(self) -> list[dict[str, Any]]:
        """Every entry; a line that does not parse is given as {"line": n, "unreadable": True}."""
        out: list[dict[str, Any]] = []
        for n, raw in enumerate(self.read_lines(), 1):
            entry = parse_entry(raw)
            out.append(entry if entry is not None else {"line": n, "unreadable": True})
        return out

    def last_hash(self) -> str:
        """The hash of the entry this process appended last (the head right after it)."""
        if self._head is None:
            return self.head()
        return self._head[2]

    def after(self, head: str) -> list[int] | None:
        """Line numbers of the change entries after the entry hashed `head`; None when no line
        has that hash (the end of the log was cut, or the chain rewritten)."""
        lines = self.read_lines()
        hashes = [line_hash(raw) for raw in lines]
        if head not in hashes:
            return None
        start = len(hashes) - hashes[::-1].index(head)
        out = []
        for n, raw in enumerate(lines[start:], start + 1):
            entry = parse_entry(raw)
            action = entry.get("action") if entry is not None else None
            if isinstance(action, str) and action in CHANGES:
                out.append(n)
        return out

    def head(self) -> str:
        """The hash of the last line: record it elsewhere to detect a later cut at the end."""
        lines = self.read_lines()
        return line_hash(lines[-1]) if lines else GENESIS

    def verify(self, recorded_head: str | None = None) -> list[Problem]:
        """Every break in the log (unreadable line, missing field, broken chain); empty: intact.

        `recorded_head`, the head the client's own file records, also catches a log cut at its
        end or rewritten whole: a chain that holds together but lacks that entry."""
        try:
            data = self.read_bytes()
        except FileNotFoundError:
            return [Problem(0, f"there is no audit log for client {self.client_id}")]
        except (OSError, StoreError) as exc:
            return [Problem(0, f"cannot read {self.path}: {getattr(exc, 'strerror', None) or exc}")]
        return check_log(data, self.client_id, recorded_head)


def _tail_hash(fd: int, size: int) -> tuple[str, int]:
    """The hash of the last whole line of the open file, and where that line ends (after its
    newline): `size` unless a kill left an unfinished line after it."""
    if size == 0:
        return GENESIS, 0
    start, chunk, whole = size, b"", -1
    while start > 0:
        step = min(_TAIL_CHUNK, start)
        start -= step
        chunk = os.pread(fd, step, start) + chunk
        if whole < 0:
            last = chunk.rfind(b"\n")
            if last == -1:
                continue
            whole = start + last + 1
        body = chunk[: whole - start - 1]
        cut = body.rfind(b"\n")
        if cut != -1:
            return line_hash(body[cut + 1 :]), whole
    if whole < 0:
        return GENESIS, 0  # not one whole line: all of it was cut short
    return line_hash(chunk[: whole - 1]), whole
