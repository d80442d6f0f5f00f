"""The audit log's format, apart from the file it lives in: the actions an entry may name, the
chain hash, and the check of a whole log (`check_log`, for a file or a log carried in a bundle)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal, get_args

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
    "lock takeover refused",
]
#: every action an entry may name (a missing one is a type error where it is written)
Action = ChangeAction | OtherAction
CHANGES: frozenset[str] = frozenset(get_args(ChangeAction))
ACTIONS: frozenset[str] = CHANGES | frozenset(get_args(OtherAction))
_REQUIRED = ("time", "user", "uid", "action", "client", "fields", "prev")


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


def dump_entry(entry: Mapping[str, Any]) -> bytes:
    """An entry as the one line the log holds (ASCII, compact)."""
    return json.dumps(entry, ensure_ascii=True, separators=(",", ":")).encode("ascii")


def parse_entry(raw: bytes) -> dict[str, Any] | None:
    """One line as an entry, or None when it is not one (not JSON, not UTF-8, nested too deep, a
    number too long, not an object). A damaged line is reported, never a crash."""
    try:
        entry = json.loads(raw)
    except (ValueError, RecursionError):
        return None
    return entry if isinstance(entry, dict) else None


def _check_entry(raw: bytes, n: int, cid: str, expected: str, hashes: list[str]) -> Problem | None:
    entry = parse_entry(raw)
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
