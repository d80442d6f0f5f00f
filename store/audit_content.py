"""What each change wrote, kept in its audit entry, so the chain covers content as well as acts.

An entry for a change names the record it wrote (table and key: ids only, never a value) and a
digest of the record as stored. `content_problems` recomputes the digests from the client's file
and names every record that no longer matches: edited outside the app (a countersigned version
included, byte for byte), removed, or added with no audited change.

The digest is keyed with a random salt kept inside the client's file (`AUDIT_SALT`), so that on an
encrypted data dir, where the log stays plain, a digest tells nothing of a short answer. The salt
travels with the file (a backup, a transfer), so the digests stay checkable wherever it goes. Files
from before it use a plain SHA-256, and records no entry ever described are not reported there.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from collections.abc import Mapping
from typing import Any

from store.audit_chain import CHANGES, Problem, line_hash, parse_entry
from store.fold import recorded_head_of
from store.tables import AUDIT_SALT, TABLES, Table
from store.text import clean_line

Key = tuple[str, str]  # (table, key as JSON)


def new_salt() -> str:
    return secrets.token_hex(16)


def salt_of(document: Mapping[str, Any]) -> str:
    """The salt a client's file keeps ("" in files from before it)."""
    record = (document.get(AUDIT_SALT) or {}).get("1")
    salt = record.get("salt") if isinstance(record, dict) else None
    return salt if isinstance(salt, str) else ""


def _digest(salt: str, table: str, doc: Mapping[str, Any]) -> str:
    body = table.encode() + b"\0" + json.dumps(doc, sort_keys=True, separators=(",", ":")).encode()
    try:
        key = bytes.fromhex(salt)
    except ValueError:
        key = salt.encode()
    if not key:
        return hashlib.sha256(body).hexdigest()
    return hmac.new(key, body, hashlib.sha256).hexdigest()


def _key(table: Table, doc: Mapping[str, Any]) -> str:
    return json.dumps(list(table.key_of(dict(doc))), separators=(",", ":"))


def record_ref(salt: str, table: Table, doc: Mapping[str, Any]) -> dict[str, str]:
    """What an audit entry keeps of the record its change wrote."""
    return {"table": table.name, "key": _key(table, doc), "sha": _digest(salt, table.name, doc)}


def content_problems(log: list[bytes], document: Mapping[str, Any]) -> list[Problem]:
    """Every record of `document` (the client's whole record) whose content is not what the
    audited changes of `log` wrote, each at the line of the change that last wrote it."""
    salt = salt_of(document)
    written: list[tuple[int, Key, str]] = []  # (line, record, digest), in log order
    void: set[int] = set()  # changes audited that never reached the file ("change not saved")
    base: dict[Key, tuple[int, str]] = {}  # the record as a restore from backup left it
    since = 0  # ... and the changes after that restore
    undescribed = False  # a change from before digests were kept: its record is not known
    hashes: dict[str, int] = {}
    for n, raw in enumerate(log, 1):
        hashes[line_hash(raw)] = n
        entry = parse_entry(raw) or {}
        action = entry.get("action") if isinstance(entry.get("action"), str) else ""
        ref = entry.get("record")
        found_ids = entry.get("ids")
        ids: dict[str, Any] = found_ids if isinstance(found_ids, dict) else {}
        if isinstance(ref, dict) and all(
            isinstance(ref.get(k), str) for k in ("table", "key", "sha")
        ):
            written.append((n, (ref["table"], ref["key"]), str(ref.get("sha"))))
        elif action == "restored from backup":
            # the file is as it was after the change whose entry `head` names (what came after
            # it was lost with the damaged file): expect what the log says of that moment
            head = ids.get("head")
            upto = hashes.get(head, 0) if isinstance(head, str) else 0
            base = _state(written, void, upto)
            since = len(written)
        elif action == "change not saved":
            lines = str(ids.get("lines", ""))
            if lines:
                void.update(int(x) for x in lines.split(",") if x.isdigit())
            elif written:  # the write that failed just before this entry
                void.add(written[-1][0])
        elif action in CHANGES:
            undescribed = True
    # changes audited after the last one the record holds never reached it (a kill between the
    # entry and the write; the next open says so in the log): not expected
    last = hashes.get(recorded_head_of(document), len(log))
    void.update(n for n, _key, _sha in written if n > last)
    expected = {**base, **_state(written[since:], void, len(log))}
    problems: list[Problem] = []
    found: set[Key] = set()
    for name, table in TABLES.items():
        for doc in (document.get(name) or {}).values():
            if not isinstance(doc, dict):
                continue
            key = (name, _key(table, doc))
            found.add(key)
            line, sha = expected.get(key, (0, ""))
            what = _describe(name, doc)
            if not line:
                if not undescribed:
                    problems.append(
                        Problem(
                            0,
                            f"{what} is in the file but no audited change wrote it: "
                            "added outside the app",
                        )
                    )
            elif sha != _digest(salt, name, doc):
                problems.append(
                    Problem(
                        line,
                        f"{what} is not what the change on this line wrote: " + _edited(name, doc),
                    )
                )
    for key, (line, _sha) in expected.items():
        if key not in found:
            name, record_key = key
            problems.append(
                Problem(
                    line,
                    f"the {name} record {record_key} written on this line is no longer in "
                    "the file: removed outside the app",
                )
            )
    return problems


def _state(
    written: list[tuple[int, Key, str]], void: set[int], upto: int
) -> dict[Key, tuple[int, str]]:
    """Each record's last digest written up to line `upto`, with the line that wrote it."""
    return {key: (n, sha) for n, key, sha in written if n <= upto and n not in void}


def _edited(table: str, doc: Mapping[str, Any]) -> str:
    if table == "plans" and doc.get("countersigned_by"):
        return "a countersigned version changed, or its countersignature forged, outside the app"
    return "edited outside the app"


def _describe(table: str, doc: Mapping[str, Any]) -> str:
    """A record named by its ids (never a value)."""

    def v(field: str) -> str:
        return clean_line(str(doc.get(field, "?")))[:40]

    if table == "client":
        return "the client's profile"
    if table == "answers":
        return f"the answer to {v('exercise_id')}/{v('step_id')} in session {v('session_id')}"
    if table == "plans":
        return f"version {v('number')} of the {v('kind')} plan"
    if table == "plan_edits":
        return f"a rewording in the {v('kind')} plan ({v('step_id')})"
    words = {"sessions": "session", "follow_ups": "follow-up", "referrals": "referral"}
    return f"{words.get(table, table)} {v('id')}"


def changed_fields(old: dict[str, Any], new: dict[str, Any], prefix: str = "") -> list[str]:
    """Dotted names of the fields that differ (names only: values never reach the audit log)."""
    out = []
    for key in sorted(set(old) | set(new)):
        a, b = old.get(key), new.get(key)
        if isinstance(a, dict) and isinstance(b, dict):
            out += changed_fields(a, b, f"{prefix}{key}.")
        elif a != b:
            out.append(f"{prefix}{key}")
    return out
