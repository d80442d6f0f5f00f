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
import hashlib
import json
import os
import socket
import stat
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal, get_args

from store.errors import StoreError
from store.files import AUDIT_LOG_MAX, atomic_write, read_checked
from store.ids import client_path, validate_client_id
from store.permissions import file_mode, make_private_dir, owned_by_us
from store.text import clean_line

GENESIS = "0" * 64
#: actions that record a change to the client's file (each is written before its change);
#: "record saved" is what older versions wrote for a referral or a plan rewording
ChangeAction = Literal[
    "created",
    "follow-up reviewed",
    "plan countersigned",
    "answer saved",
    "session saved",
    "plan saved",
    "profile changed",
    "follow-up opened",
    "follow-up changed",
    "follow-up closed",
    "referral recorded",
    "plan reworded",
    "record saved",
    "restored from backup",
]
#: what reads, exports or marks the log
OtherAction = Literal[
    "transferred in",
    "transferred out",
    "viewed",
    "plan compiled",
    "exported",
    "printed",
    "contact record produced",
    "retention checked",
    "deleted",
    "change not saved",
    "audit gap found",
    "lock takeover requested",
    "lock handed over",
]
#: every action an entry may name (a missing one is a type error where it is written)
Action = ChangeAction | OtherAction
CHANGES: frozenset[str] = frozenset(get_args(ChangeAction))
ACTIONS: frozenset[str] = CHANGES | frozenset(get_args(OtherAction))
_REQUIRED = ("time", "user", "uid", "action", "client", "fields", "prev")
_TAIL_CHUNK = 4096


class AuditError(StoreError):
    """The audit log cannot be written or read; client data is not shown while this is so."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a log, at a 1-based line number."""

    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


def line_hash(line: bytes) -> str:
    """The chain hash of one line (without its newline)."""
    return hashlib.sha256(line).hexdigest()


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
    ) -> dict[str, Any]:
        """Append one entry, fsynced. Raises AuditError (one line) when it cannot be written."""
        if action not in ACTIONS:
            raise ValueError(f"unknown audit action {action!r}")
        try:
            return self._append(action, list(fields), dict(ids or {}))
        except OSError as exc:
            raise AuditError(
                f"cannot write the audit log {self.path}: {exc.strerror or exc}",
                client_id=self.client_id,
                path=str(self.path),
            ) from None

    def _append(self, action: str, fields: list[str], ids: dict[str, str]) -> dict[str, Any]:
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
                entry = self._entry(action, fields, ids, prev)
                line = _dump(entry)
                data = line + b"\n"
                if os.write(fd, data) != len(data):
                    raise OSError(28, "short write (disk full?)")
                os.fsync(fd)
                self._head = (st.st_ino, size + len(data), line_hash(line))
                return entry
            finally:
                os.close(fd)  # also releases the flock

    def _entry(
        self, action: str, fields: list[str], ids: dict[str, str], prev: str
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
            lone = _parse(lines[0])
            if lone is not None and lone.get("tombstone") and lone.get("client") == self.client_id:
                return lone
        entry = self._entry(
            action,
            [],
            {**dict(ids or {}), "removed_entries": str(removed), "removed_head": head},
            GENESIS,
        )
        entry["tombstone"] = True
        self.write_whole(_dump(entry) + b"\n")
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
        return _dump(entry)

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
            entry = _parse(raw)
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
            entry = _parse(raw)
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


def check_log(data: bytes, client_id: str, recorded_head: str | None = None) -> list[Problem]:
    """`AuditLog.verify` of a log's bytes (one read from a file, or one carried in a bundle)."""
    problems: list[Problem] = []
    lines = data.split(b"\n")
    if lines[-1] == b"":
        lines.pop()
    elif lines:
        problems.append(Problem(len(lines), "incomplete line (a write was cut short)"))
    hashes = [line_hash(raw) for raw in lines]
    expected = GENESIS
    for n, raw in enumerate(lines, 1):
        problem = _check_entry(raw, n, client_id, expected, hashes)
        if problem is not None:
            problems.append(problem)
        expected = hashes[n - 1]
    if not lines:
        problems.append(Problem(0, "the audit log is empty"))
    elif recorded_head is not None and recorded_head not in hashes:
        problems.append(
            Problem(
                len(lines),
                "the client's file records a later change than the log holds: "
                "the end of the log was cut, or the log was rewritten",
            )
        )
    problems.sort(key=lambda p: p.line)
    return problems


def _dump(entry: Mapping[str, Any]) -> bytes:
    """An entry as the one line the log holds (ASCII, compact)."""
    return json.dumps(entry, ensure_ascii=True, separators=(",", ":")).encode("ascii")


def parse_entry(raw: bytes) -> dict[str, Any] | None:
    """One line as an entry, or None when it is not one."""
    return _parse(raw)


def _parse(raw: bytes) -> dict[str, Any] | None:
    """One line as an entry, or None when it is not one (not JSON, not UTF-8, nested too deep, a
    number too long, not an object). A damaged line is reported, never a crash."""
    try:
        entry = json.loads(raw)
    except (ValueError, RecursionError):
        return None
    return entry if isinstance(entry, dict) else None


def _check_entry(raw: bytes, n: int, cid: str, expected: str, hashes: list[str]) -> Problem | None:
    entry = _parse(raw)
    if entry is None:
        return Problem(n, "is not a valid entry (not a JSON object): edited or damaged")
    if any(k not in entry for k in _REQUIRED):
        return Problem(n, "is not a valid entry (fields missing): edited or damaged")
    if not all(isinstance(entry[k], str) for k in ("client", "action", "prev")):
        return Problem(n, "is not a valid entry (a field of the wrong kind): edited or damaged")
    if entry["client"] != cid:
        other = clean_line(entry["client"])[:40]
        return Problem(n, f"names another client ({other!r}): moved from another log")
    if entry["action"] not in ACTIONS:
        return Problem(n, f"has an unknown action ({clean_line(entry['action'])[:40]!r}): edited")
    if entry.get("tombstone") and entry["prev"] == GENESIS:
        return None  # a deletion starts a new chain
    if entry["prev"] != expected:
        if n == 1:
            return Problem(1, "does not start the chain: the entries before it were removed")
        earlier = [i + 1 for i, h in enumerate(hashes[: n - 2]) if h == entry["prev"]]
        if earlier:
            return Problem(
                n, f"follows line {earlier[-1]}: the entries after line {earlier[-1]} were removed"
            )
        return Problem(
            n,
            f"does not follow line {n - 1}: line {n - 1} was edited, "
            f"or an entry between lines {n - 1} and {n} was removed",
        )
    return None


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
