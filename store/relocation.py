"""A client leaving for another area, and arriving from one: the whole record and its audit log
for a transfer bundle (`store.transfer` seals it), and a bundle's record restored here whole."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from store.advice import remedy
from store.audit_chain import check_log, line_hash, parse_entry
from store.audit_content import content_problems
from store.clients import Repository, _save_error
from store.errors import StoreError
from store.files import backup_path, shred
from store.ids import client_path, validate_client_id
from store.tables import AUDIT_HEAD, FOLDED
from store.text import clean_line, clean_value


def transfer_payload(repo: Repository, client_id: str, *, source: str) -> dict[str, Any]:
    """The whole record of a client, for a transfer bundle: the file's data and the audit
    log byte for byte, ending with the entry that records this export (audited before a
    byte leaves, as every export). Refused while anyone holds the client, or if its audit
    trail does not verify (a bundle always carries a chain that verifies)."""
    cid = validate_client_id(client_id)
    with repo.locks.held(cid):
        repo.check_file(cid, repo.path(cid))
        doc = repo.reader(cid).document()
        if not doc:
            raise StoreError(f"no client {cid} in {repo.data_dir}", client_id=cid)
        log = repo.audit_log(cid)
        head = (doc.get(AUDIT_HEAD) or {}).get("1", {}).get("head")
        problems = log.verify(head if isinstance(head, str) else None)
        if problems:
            raise StoreError(
                f"the audit trail of {cid} does not verify (line {problems[0].line}: "
                f"{problems[0].message}); nothing was written "
                f"({remedy(f'wellbeing audit {cid} --verify', 'check it')})",
                client_id=cid,
            )
        log.append("exported", fields=["transfer bundle"])
        audit = log.read_bytes().decode("ascii")
        record = json.loads(json.dumps(doc))  # plain data, a copy of its own
    return {
        "client_id": cid,
        "made_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "from": clean_line(source)[:120],
        "record": record,
        "audit": audit,
    }


def receive(repo: Repository, payload: dict[str, Any]) -> None:
    """Restore a transferred client whole, in an order a kill -9 at any point leaves either
    absent (and restorable by running it again) or whole.

    The audit log is written first and whole: the bundle's history (verified against the
    head its record keeps), then, for a client that left from here, the tombstone it left,
    chained on (the history joined), then a "transferred in" entry. Then the record (in this
    data dir's encryption), which makes the client present, read back and validated. A log
    left by a run that stopped before the record is recognised and used as it is. Refused
    if the client is already here, or if it was deleted here after the bundle was made (an
    erasure is not undone by an older copy); on any failure nothing of it stays."""
    cid = validate_client_id(str(payload["client_id"]))
    path, log = repo.path(cid), repo.audit_log(cid)
    try:
        with repo.locks.held(cid):
            if path.exists() or path.is_symlink():
                raise StoreError(
                    f"client {cid} is already in {repo.data_dir}: nothing was restored",
                    client_id=cid,
                )
            try:
                incoming = str(payload["audit"]).encode("ascii")
            except UnicodeEncodeError:
                incoming = b""
            # the record as its log says its changes wrote it: one changed after it was made (by
            # hand, and sealed again) is refused, never restored as if the app had written it
            raw_record = payload["record"] if isinstance(payload["record"], dict) else {}
            changed = content_problems(incoming.rstrip(b"\n").split(b"\n"), raw_record)
            if changed:
                raise StoreError(
                    f"the bundle's record for {cid} was changed outside the app ("
                    f"{changed[0]}): nothing was restored",
                    client_id=cid,
                )
            # text from another area is cleaned as it comes in, as typed text is: a bundle made
            # before records were digested can still carry escapes, bidi overrides or NUL
            record: dict[str, Any] = clean_value(payload["record"])  # type: ignore[assignment]
            head = (record.get(AUDIT_HEAD) or {}).get("1", {}).get("head")
            problems = check_log(incoming, cid, head if isinstance(head, str) else None)
            if problems:
                raise StoreError(
                    f"the bundle's audit trail for {cid} does not verify (line "
                    f"{problems[0].line}: {problems[0].message}): nothing was restored",
                    client_id=cid,
                )
            try:
                here: bytes | None = log.read_bytes()
            except FileNotFoundError:
                here = None
            except OSError as exc:
                raise _save_error(cid, exc) from None
            joined = _joined_log(repo, cid, payload, incoming, here)
            last = joined.rstrip(b"\n").rsplit(b"\n", 1)[-1]
            record = {**record, AUDIT_HEAD: {"1": {"head": line_hash(last)}}}
            try:
                if joined != here:
                    log.write_whole(joined)
                # with a first backup, as a new client has: a file damaged before its next fold can
                # still be restored (the casework model found none after a transfer in)
                repo.write_new(cid, {**record, FOLDED: {"1": {"through": 0}}})
                check = repo.reader(cid)
                check.client()
                check.sessions()
                check.follow_ups()
                check.plan_versions()
                check.plan_edits()
                check.referrals()
                check.answers()  # every record validated
            except (StoreError, OSError, AttributeError, TypeError) as exc:
                paths = repo.paths(cid)
                for leftover in (path, backup_path(path), paths.summary, paths.journal):
                    if leftover.exists():
                        shred(leftover)
                if here is None:
                    log.path.unlink(missing_ok=True)
                elif joined != here:
                    log.write_whole(here)  # the tombstone as it was
                if isinstance(exc, StoreError):
                    raise
                raise StoreError(
                    f"the bundle for {cid} could not be restored ({exc}): nothing was restored",
                    client_id=cid,
                ) from None
    except BaseException:
        # refused (or stopped) before the client was here: no lock file of theirs stays
        if not (path.exists() or path.is_symlink()):
            client_path(repo.clients_dir, cid, ".lock").unlink(missing_ok=True)
        raise


def _joined_log(
    repo: Repository, cid: str, payload: dict[str, Any], incoming: bytes, here: bytes | None
) -> bytes:
    """The whole log a received client will have (see `receive`), given the bundle's log
    and what this data dir holds of the client's log (None: nothing)."""
    log = repo.audit_log(cid)
    source = {"from": clean_line(str(payload.get("from")))[:80]}
    lines = incoming.rstrip(b"\n").split(b"\n")
    prev = line_hash(lines[-1])
    if here is None:  # new here
        return incoming + log.chained("transferred in", prev, ids=source) + b"\n"
    local = here.rstrip(b"\n").split(b"\n") if here.strip() else []
    rest = local[len(lines) :]
    if (
        local[: len(lines)] == lines
        and 1 <= len(rest) <= 2
        and not check_log(here, cid)
        and (parse_entry(rest[-1]) or {}).get("action") == "transferred in"
    ):
        return here  # a run that stopped after the log and before the record: go on from it
    lone = parse_entry(local[0]) if len(local) == 1 else None
    if lone is None or not lone.get("tombstone") or lone.get("client") != cid:
        raise StoreError(
            f"client {cid} has an audit log in {repo.data_dir} but no record "
            f"({len(local)} entries): nothing was restored "
            f"({remedy(f'wellbeing audit {cid}', 'see it')})",
            client_id=cid,
        )
    if lone.get("action") == "deleted" and not _made_after(payload, lone):
        raise StoreError(
            f"client {cid} was deleted here on {str(lone.get('time'))[:10]}, after this "
            "bundle was made: an erased record is not brought back from an older copy",
            client_id=cid,
        )
    left = log.chained(str(lone.get("action")), prev, like=lone)
    back = log.chained("transferred in", line_hash(left), ids=source)
    return incoming + left + b"\n" + back + b"\n"


def _made_after(payload: dict[str, Any], entry: dict[str, Any]) -> bool:
    """Whether the bundle was made after the time of `entry` (False when either is unreadable)."""
    try:
        made = datetime.fromisoformat(str(payload.get("made_at")))
        then = datetime.fromisoformat(str(entry.get("time")))
        return made > then
    except (ValueError, TypeError):
        return False
