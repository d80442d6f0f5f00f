"""The repository API the app and the command line call: clients, sessions, answers, plans.

One client is one TinyDB file, ``DATA_DIR/clients/<ID>.json``. A client opened for editing holds a
`filelock` on ``<ID>.lock`` until it is closed; every read-modify-write also happens under it, so a
second process is refused (and told who holds it) instead of losing an update.

Every open and every change is written to the client's audit log (`store.audit`) with field names
and ids, never values; when the log cannot be written, `open` refuses, so data is never shown
unaudited.
"""

from __future__ import annotations

import getpass
import json
import os
import socket
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from filelock import FileLock, Timeout
from pydantic import BaseModel, ValidationError
from tinydb import TinyDB

from store import layout, register
from store.advice import remedy
from store.audit import AuditError, AuditLog, Problem, check_log, line_hash, parse_entry
from store.errors import ClientLocked, CorruptFile, StoreError
from store.files import (
    CLIENT_FILE_MAX,
    SMALL_MAX,
    atomic_write,
    backup_path,
    fsync_dir,
    read_checked,
    shred,
    temp_files,
)
from store.ids import client_path, validate_client_id
from store.latest import latest
from store.permissions import check_private, private_umask
from store.records import (
    Answer,
    Client,
    FollowUp,
    PlanVersion,
    Session,
)
from store.storage import AtomicJSONStorage, Codec, PlainCodec, decode_copy, forget_shared
from store.text import clean_line, clean_text

R = TypeVar("R", bound=BaseModel)
#: what a list shows of one client, taken from its open file (see `store.register`)
Summariser = Callable[["ClientFile"], dict[str, Any]]


CLIENT, SESSIONS, ANSWERS = "client", "sessions", "answers"
FOLLOW_UPS, PLANS = "follow_ups", "plans"
#: the hash of the audit entry of the last change the file holds (see `ClientFile.reconcile`)
AUDIT_HEAD = "audit_head"


def os_user() -> str:
    """The login name of the process's real uid (not $USER, which anyone can set)."""
    try:
        import pwd

        return pwd.getpwuid(os.getuid()).pw_name
    except (ImportError, KeyError):
        return getpass.getuser()


class Repository:
    """All clients in one data dir."""

    def __init__(
        self,
        data_dir: Path,
        *,
        codec: Codec | None = None,
        user: str | None = None,
        allow_group: bool = False,
    ):
        self.data_dir = Path(data_dir)
        self.clients_dir = self.data_dir / "clients"
        self.audit_dir = self.data_dir / "audit"
        self.codec = codec
        self.user = user or os_user()
        self.allow_group = allow_group

    # -- layout ---------------------------------------------------------------------------------

    def ensure(self) -> None:
        """Create the data dir 0700 (2770 when shared by a group) if missing; refuse one open to
        others."""
        layout.ensure(self.data_dir, allow_group=self.allow_group)

    def check(self) -> None:
        """Refuse a data dir that is not ours (or our group's on a shared one) or open to others,
        creating nothing: the same rule for every command, whether it reads records or logs."""
        private_umask(self.allow_group)
        check_private(self.data_dir, directory=True, allow_group=self.allow_group)

    def sweep_temp_files(self) -> int:
        """Remove temp files left by killed saves, each under its client's lock; how many."""
        return layout.sweep_temp_files(self.data_dir)

    def path(self, client_id: str) -> Path:
        return client_path(self.clients_dir, client_id)

    def client_ids(self) -> list[str]:
        return layout.client_ids(self.data_dir)

    def exists(self, client_id: str) -> bool:
        return self.path(client_id).exists()

    # -- audit ------------------------------------------------------------------------------------

    def audit_log(self, client_id: str) -> AuditLog:
        return AuditLog(self.audit_dir, client_id)

    def verify_audit(self, client_id: str) -> list[Problem]:
        """Breaks in the client's audit log (empty when intact), each naming its line, checked
        against the head the client's own file records when the file can be read."""
        return self.audit_log(client_id).verify(self.recorded_head(client_id))

    def recorded_head(self, client_id: str) -> str | None:
        """The audit head the client's file records (None: no file, an older file, or one this
        repository cannot read, e.g. encrypted without the key)."""
        cid = validate_client_id(client_id)
        if not self.path(cid).is_file():
            return None
        try:
            return ClientFile(self, cid, lock=None, holder=None).audit_head()
        except StoreError:
            return None

    # -- whole-client operations ------------------------------------------------------------------

    def list_clients(self) -> tuple[list[Client], list[StoreError]]:
        """Every readable client, and one error per file that could not be read."""
        clients, problems = [], []
        for cid in self.client_ids():
            try:
                clients.append(self.read_client(cid))
            except StoreError as exc:
                problems.append(exc)
        return clients, problems

    @property
    def register_path(self) -> Path:
        return self.data_dir / layout.REGISTER

    def summarise(self, cid: str, summarise: Summariser) -> dict[str, Any]:
        """One client's entry for the register (`store.register`): what `summarise` takes from
        its file, or `problem` (one line) for a file that cannot be read. Audits nothing."""
        try:
            cf = ClientFile(self, cid, lock=None, holder=None)
            return summarise(cf)
        except Exception as exc:  # a broken file is listed, not fatal
            return {"problem": " ".join(str(exc).split())}

    def read_client(self, client_id: str) -> Client:
        with self.read(client_id) as cf:
            return cf.client()

    def add_client(self, client: Client) -> Client:
        cid = validate_client_id(client.id)
        client = Client.model_validate({**client.model_dump(), "id": cid})
        path = self.path(cid)
        if path.exists() or path.is_symlink():  # said first: held or not, it is there already
            raise StoreError(f"client {cid} already exists", client_id=cid)
        with self._lock(cid):
            if path.exists() or path.is_symlink():
                raise StoreError(f"client {cid} already exists", client_id=cid)
            log = self.audit_log(cid)
            log.append("created")  # audited first: AuditError and nothing is written
            storage = AtomicJSONStorage(path, codec=self.codec, client_id=cid)
            try:
                chain = {AUDIT_HEAD: {"1": {"head": log.last_hash()}}}
                storage.put(CLIENT, new=client.model_dump(mode="json"), also=chain)
                # A first backup (a copy, not a link), so even a client never saved again has one.
                atomic_write(backup_path(path), read_checked(path, max_bytes=CLIENT_FILE_MAX))
            except OSError as exc:
                raise _save_error(cid, exc) from None
        return client

    def update_client(self, client_id: str, change: Callable[[Client], Client]) -> Client:
        """Read-modify-write the profile under the client's lock."""
        with self.open(client_id) as cf:
            if cf.locked_by_other or cf._lock is None:
                raise cf.lock_error()
            updated = change(cf.client())
            cf.save_client(updated)
            return updated

    def open(
        self, client_id: str, *, edit: bool = True, audit_action: str = "viewed"
    ) -> ClientFile:
        """Open a client. For editing, take its lock; if another session holds it, open read-only.

        The opening is audited (`audit_action`); if the audit log cannot be written, AuditError is
        raised and nothing of the client is returned.
        """
        cid = validate_client_id(client_id)
        path = self.path(cid)
        self._check_file(cid, path)
        if not edit:
            cf = ClientFile(self, cid, lock=None, holder=None)
            cf.record(audit_action)
            return cf
        lock = FileLock(client_path(self.clients_dir, cid, ".lock"), timeout=0)
        try:
            lock.acquire()
        except Timeout:
            cf = ClientFile(self, cid, lock=None, holder=self._holder(cid) or {"user": "unknown"})
            cf.record(audit_action)
            return cf
        except OSError as exc:
            raise StoreError(
                f"cannot lock client {cid} in {self.clients_dir}: {exc.strerror or exc}",
                client_id=cid,
            ) from None
        try:
            self._write_holder(cid)
            cf = ClientFile(self, cid, lock=lock, holder=None)
            cf.client()  # fail now, while the caller can still show why, if the file is bad
            for tmp in temp_files(path):  # only once the file is known good: a bad one is evidence
                tmp.unlink(missing_ok=True)
            cf.reconcile()
            cf.record(audit_action)
            return cf
        except OSError as exc:
            self._clear_holder(cid)
            lock.release()
            raise StoreError(
                f"cannot open client {cid}: {exc.strerror or exc} ({exc.filename or path})",
                client_id=cid,
            ) from None
        except BaseException:
            self._clear_holder(cid)
            lock.release()
            raise

    def read(self, client_id: str) -> ClientFile:
        return self.open(client_id, edit=False)

    def warm(self, client_id: str) -> None:
        """Parse a client's file (and validate its client, sessions and follow-ups) into this
        process's shared cache, ahead of opening it: a list's cursor resting on the client.
        No lock, no audit entry and nothing returned, since nothing of the client is shown; a
        file that cannot be read is left for the opening to report."""
        try:
            cid = validate_client_id(client_id)
            self._check_file(cid, self.path(cid))
            cf = ClientFile(self, cid, lock=None, holder=None)
            cf.client()
            cf.sessions()
            cf.follow_ups()
        except (StoreError, OSError):
            pass

    def restore_backup(self, client_id: str) -> Path:
        """Put the `.bak` in place of a corrupt file; the corrupt bytes are kept aside, not lost."""
        cid = validate_client_id(client_id)
        path = self.path(cid)
        bak = backup_path(path)
        with self._lock(cid):
            if not bak.exists():
                raise StoreError(f"no backup for client {cid}", client_id=cid)
            AtomicJSONStorage(bak, codec=self.codec, client_id=cid).read()  # must itself parse
            log = self.audit_log(cid)
            log.append("restored from backup")  # audited first, as every change
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
            kept = path.with_name(f"{cid}.json.corrupt-{stamp}")
            if path.exists():
                os.replace(path, kept)
            atomic_write(path, read_checked(bak, max_bytes=CLIENT_FILE_MAX))
            # the restored state holds the changes up to the backup, then this restore
            restored = AtomicJSONStorage(path, codec=self.codec, client_id=cid)
            restored.put(AUDIT_HEAD, {"1": {"head": log.last_hash()}})
            return kept

    def delete_client(
        self,
        client_id: str,
        *,
        allow_restricted: bool = False,
        tombstone: tuple[str, dict[str, str]] = ("deleted", {}),
        also: Iterable[Path] = (),
    ) -> list[Path]:
        """Erase a client: profile file, .bak, temp files, corrupt copies, holder and lock, its
        register entry, and `also` (its exports).

        In an order a kill -9 at any point leaves safe, and running it again finishes: the
        register entry goes first (a list never names a client whose file is gone), then the
        audit log is reduced to one tombstone entry (it never held values), then every other
        file is overwritten with zeros and removed, the client's own file last (until then the
        client is still listed, so a stopped erasure is seen and run again), then the register
        entry again (in case a list put it back meanwhile). A restricted client is refused
        unless `allow_restricted`. Returns the paths removed."""
        cid = validate_client_id(client_id)
        extra = [p for p in also if p.exists() or p.is_symlink()]
        if not self.client_files(cid) and not extra:
            raise StoreError(f"no client {cid} in {self.data_dir}", client_id=cid)
        with self._lock(cid):
            if not allow_restricted and self.path(cid).exists():
                try:
                    restricted = ClientFile(self, cid, lock=None, holder=None).client().restricted
                except CorruptFile:
                    restricted = False  # unreadable: it can still be erased
                if restricted:
                    raise StoreError(
                        f"client {cid} is restricted (read-only); lift the restriction first "
                        f"({remedy(f'wellbeing client set {cid} restricted=no', 'lift it')})",
                        client_id=cid,
                    )
            register.forget(self.data_dir, cid, codec=self.codec)
            self.audit_log(cid).tombstone(*tombstone)
            forget_shared(self.path(cid))  # no copy of an erased client stays in memory
            own, lock_name = self.path(cid), f"{cid}.lock"
            removed = []
            for path in [*extra, *self.client_files(cid)]:
                if path.name == lock_name or path == own:
                    continue
                shred(path)
                removed.append(path)
            if own.exists() or own.is_symlink():
                shred(own)
                removed.append(own)
            register.forget(self.data_dir, cid, codec=self.codec)
        lock_path = client_path(self.clients_dir, cid, ".lock")
        if lock_path.exists():
            lock_path.unlink(missing_ok=True)
            removed.append(lock_path)
        fsync_dir(self.clients_dir)
        return removed

    # -- case transfer (the bundle itself: store.transfer) --------------------------------------

    def transfer_payload(self, client_id: str, *, source: str) -> dict[str, Any]:
        """The whole record of a client, for a transfer bundle: the file's data and the audit
        log byte for byte, ending with the entry that records this export (audited before a
        byte leaves, as every export). Refused while anyone holds the client, or if its audit
        trail does not verify (a bundle always carries a chain that verifies)."""
        cid = validate_client_id(client_id)
        with self._lock(cid):
            self._check_file(cid, self.path(cid))
            _, doc = AtomicJSONStorage(self.path(cid), codec=self.codec, client_id=cid).snapshot()
            if not doc:
                raise StoreError(f"no client {cid} in {self.data_dir}", client_id=cid)
            log = self.audit_log(cid)
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
            audit = log._read().decode("ascii")
            record = json.loads(json.dumps(doc))  # plain data, detached from the cache
        return {
            "client_id": cid,
            "made_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "from": clean_line(source)[:120],
            "record": record,
            "audit": audit,
        }

    def receive(self, payload: dict[str, Any]) -> None:
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
        path, log = self.path(cid), self.audit_log(cid)
        with self._lock(cid):
            if path.exists() or path.is_symlink():
                raise StoreError(
                    f"client {cid} is already in {self.data_dir}: nothing was restored",
                    client_id=cid,
                )
            record: dict[str, Any] = payload["record"]
            head = (record.get(AUDIT_HEAD) or {}).get("1", {}).get("head")
            try:
                incoming = str(payload["audit"]).encode("ascii")
            except UnicodeEncodeError:
                incoming = b""
            problems = check_log(incoming, cid, head if isinstance(head, str) else None)
            if problems:
                raise StoreError(
                    f"the bundle's audit trail for {cid} does not verify (line "
                    f"{problems[0].line}: {problems[0].message}): nothing was restored",
                    client_id=cid,
                )
            try:
                here: bytes | None = log._read()
            except FileNotFoundError:
                here = None
            except OSError as exc:
                raise _save_error(cid, exc) from None
            joined = self._joined_log(cid, payload, incoming, here)
            last = joined.rstrip(b"\n").rsplit(b"\n", 1)[-1]
            record = {**record, AUDIT_HEAD: {"1": {"head": line_hash(last)}}}
            try:
                if joined != here:
                    log.write_whole(joined)
                storage = AtomicJSONStorage(path, codec=self.codec, client_id=cid)
                storage.write(record)
                check = ClientFile(self, cid, lock=None, holder=None)
                check.client()
                for table, model in ((SESSIONS, Session), (FOLLOW_UPS, FollowUp)):
                    check._records(table, model)
                check._records(PLANS, PlanVersion)
                check.answers()
                # a first backup, as a new client has: a file damaged before its next save can
                # still be restored (the casework model found none after a transfer in)
                atomic_write(backup_path(path), read_checked(path, max_bytes=CLIENT_FILE_MAX))
            except (StoreError, OSError, AttributeError, TypeError) as exc:
                forget_shared(path)
                for leftover in (path, backup_path(path)):
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

    def _joined_log(
        self, cid: str, payload: dict[str, Any], incoming: bytes, here: bytes | None
    ) -> bytes:
        """The whole log a received client will have (see `receive`), given the bundle's log
        and what this data dir holds of the client's log (None: nothing)."""
        log = self.audit_log(cid)
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
                f"client {cid} has an audit log in {self.data_dir} but no record "
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

    def copies(self, client_id: str) -> list[Copy]:
        """Every other copy of a client's record the store keeps: the `.bak` and each corrupt
        copy set aside by a restore, each read through the one checked reader. For subject
        access: what exists only in a copy is still held on the client, so a copy that does
        not parse is given as its text (decrypted where it can be), with why it is damaged."""
        cid = validate_client_id(client_id)
        out: list[Copy] = []
        for path in self.client_files(cid):
            name = path.name
            if not (name == f"{cid}.json.bak" or name.startswith(f"{cid}.json.corrupt-")):
                continue
            try:
                out.append(Copy(path, tables=dict(decode_copy(path, self.codec, cid))))
            except StoreError as exc:
                out.append(Copy(path, text=self._copy_text(path, cid), problem=str(exc)))
        return out

    def _copy_text(self, path: Path, cid: str) -> str | None:
        """A damaged copy's bytes as text (decrypted first when they can be), or None."""
        try:
            blob = read_checked(path, max_bytes=CLIENT_FILE_MAX)
            plain = (self.codec or PlainCodec()).decode(blob, path=path)
        except (OSError, StoreError):
            return None
        return clean_text(plain.decode("utf-8", "replace"))

    def client_files(self, cid: str) -> list[Path]:
        """Every file of a client in the clients dir (names start with the ID and a dot)."""
        cid = validate_client_id(cid)
        found = [*self.clients_dir.glob(f"{cid}.*"), *self.clients_dir.glob(f".{cid}.*")]
        return sorted(p for p in found if p.is_file() or p.is_symlink())

    # -- internals --------------------------------------------------------------------------------

    def _check_file(self, cid: str, path: Path) -> None:
        if not path.exists() and not path.is_symlink():
            raise StoreError(f"no client {cid} in {self.data_dir}", client_id=cid)
        try:
            check_private(path, directory=False, allow_group=self.allow_group)
        except StoreError as exc:
            raise StoreError(str(exc), client_id=cid, path=str(path)) from None

    def _lock(self, cid: str, timeout: float = 2.0) -> _HeldLock:
        return _HeldLock(self, cid, timeout)

    def _db(self, cid: str) -> TinyDB:
        return TinyDB(self.path(cid), storage=AtomicJSONStorage, codec=self.codec, client_id=cid)

    def _holder_path(self, cid: str) -> Path:
        return client_path(self.clients_dir, cid, ".holder")

    def _write_holder(self, cid: str) -> None:
        info = {
            "user": self.user,
            "host": socket.gethostname(),
            "pid": str(os.getpid()),
            "since": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        atomic_write(self._holder_path(cid), json.dumps(info).encode("utf-8"))

    def _clear_holder(self, cid: str) -> None:
        self._holder_path(cid).unlink(missing_ok=True)
        self._takeover_path(cid).unlink(missing_ok=True)

    # -- taking over a lock held too long -------------------------------------------------------

    def _takeover_path(self, cid: str) -> Path:
        return client_path(self.clients_dir, cid, ".takeover")

    def held_since(self, client_id: str) -> datetime | None:
        """When the colleague holding the client opened it (None: nobody holds it, or unknown)."""
        holder = self._holder(validate_client_id(client_id)) or {}
        try:
            return datetime.fromisoformat(holder.get("since", ""))
        except ValueError:
            return None

    def request_takeover(self, client_id: str, *, after_minutes: int) -> None:
        """Ask the app holding the client to hand it over (it does within seconds, unless it is
        frozen): allowed once it has been held `after_minutes` or more; audited."""
        cid = validate_client_id(client_id)
        since = self.held_since(cid)
        if after_minutes <= 0 or since is None:
            raise StoreError(f"client {cid} cannot be taken over here", client_id=cid)
        held = datetime.now(UTC) - since
        if held.total_seconds() < after_minutes * 60:
            left = after_minutes - int(held.total_seconds() // 60)
            raise StoreError(
                f"client {cid} can be taken over after {after_minutes} minutes held ({left} more)",
                client_id=cid,
            )
        holder = self._holder(cid) or {}
        self.audit_log(cid).append(
            "lock takeover requested", ids={"from": holder.get("user", "unknown")}
        )
        info = {"user": self.user, "at": datetime.now(UTC).isoformat(timespec="seconds")}
        atomic_write(self._takeover_path(cid), json.dumps(info).encode("utf-8"))

    def _holder(self, cid: str) -> dict[str, str] | None:
        """Who holds the client's lock, as they wrote it: a colleague may have written anything
        there, so every field is cleaned before any message is built from it."""
        try:
            data = json.loads(read_checked(self._holder_path(cid), max_bytes=SMALL_MAX))
        except (OSError, ValueError, RecursionError, StoreError):
            return None
        if not isinstance(data, dict):
            return None
        return {
            clean_line(str(k))[:40]: clean_line(str(v))[:80]
            for k, v in data.items()
            if isinstance(v, (str, int, float))
        }


def _is_doc(doc: Any) -> bool:
    return isinstance(doc, dict)


def _made_after(payload: dict[str, Any], entry: dict[str, Any]) -> bool:
    """Whether the bundle was made after the time of `entry` (False when either is unreadable)."""
    try:
        made = datetime.fromisoformat(str(payload.get("made_at")))
        then = datetime.fromisoformat(str(entry.get("time")))
        return made > then
    except (ValueError, TypeError):
        return False


def _save_error(cid: str, exc: OSError) -> StoreError:
    where = f" ({exc.filename})" if exc.filename else ""
    return StoreError(
        f"cannot save client {cid}: {exc.strerror or exc}{where}; nothing was changed",
        client_id=cid,
    )


def _changed_fields(old: dict[str, Any], new: dict[str, Any], prefix: str = "") -> list[str]:
    """Dotted names of the fields that differ (names only: values never reach the audit log)."""
    out = []
    for key in sorted(set(old) | set(new)):
        a, b = old.get(key), new.get(key)
        if isinstance(a, dict) and isinstance(b, dict):
            out += _changed_fields(a, b, f"{prefix}{key}.")
        elif a != b:
            out.append(f"{prefix}{key}")
    return out


@dataclass(frozen=True)
class Copy:
    """One kept copy of a client's record: its tables, or its text and why it does not parse."""

    path: Path
    tables: dict[str, Any] | None = None
    text: str | None = None
    problem: str = ""


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def holder_words(holder: dict[str, str]) -> str:
    """Who holds a client, e.g. "sam on team-server since 03 Dec 10:02" (from a file: cleaned)."""
    holder = {k: clean_line(str(v)) for k, v in holder.items()}  # from a file: never trusted
    since = holder.get("since", "")
    try:
        since = datetime.fromisoformat(since).astimezone().strftime("%d %b %H:%M")
    except ValueError:
        pass
    who = holder.get("user", "someone")
    where = f" on {holder['host']}" if holder.get("host") else ""
    return f"{who}{where} since {since}"


def describe_holder(cid: str, holder: dict[str, str]) -> str:
    return f"client {cid} is open for editing by {holder_words(holder)}"


class _HeldLock:
    """The client's lock for one read-modify-write, with a clear message when it is taken."""

    def __init__(self, repo: Repository, cid: str, timeout: float):
        self.repo, self.cid = repo, cid
        self.lock = FileLock(client_path(repo.clients_dir, cid, ".lock"), timeout=timeout)

    def __enter__(self) -> None:
        try:
            self.lock.acquire()
        except Timeout:  # before OSError: filelock's Timeout is a TimeoutError
            holder = self.repo._holder(self.cid) or {}
            raise ClientLocked(
                describe_holder(self.cid, holder) + "; try again when it is closed",
                client_id=self.cid,
                holder=holder,
            ) from None
        except OSError as exc:
            raise StoreError(
                f"cannot lock client {self.cid} in {self.repo.clients_dir}: {exc.strerror or exc}",
                client_id=self.cid,
            ) from None

    def __exit__(self, *exc: object) -> None:
        self.lock.release()


class ClientFile:
    """One open client. Writes are serialised (saves come from worker threads) and need the lock."""

    def __init__(
        self, repo: Repository, cid: str, *, lock: FileLock | None, holder: dict[str, str] | None
    ):
        self.repo = repo
        self.client_id = cid
        self._lock = lock
        self.holder = holder
        self._mutex = threading.RLock()
        self._db = repo._db(cid)
        self._restricted: bool | None = None
        self.audit = repo.audit_log(cid)

    # What was read is cached with the storage's parsed file, shared by every ClientFile of this
    # client in the process and dropped when the file is read again from disk: views derived
    # from the document are `AtomicJSONStorage.derived` (one per generation), and validated
    # answers are memoised per record (below), so a save revalidates one answer, not 22,000.

    @property
    def _answer_models(self) -> dict[str, tuple[dict[str, Any], Answer]]:
        """Validated answers by doc id, with the raw record they came from: the storage replaces
        a changed record (never mutates it), so the same object means the same answer."""
        return self._storage.memo.setdefault("answers", {})  # type: ignore[no-any-return]

    # context manager
    def __enter__(self) -> ClientFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def read_only(self) -> bool:
        if self._lock is None:
            return True
        if self._restricted is None:
            self._restricted = self.client().restricted
        return self._restricted

    @property
    def locked_by_other(self) -> bool:
        return self._lock is None and self.holder is not None

    def lock_error(self) -> StoreError:
        if self.holder is not None:
            return ClientLocked(
                describe_holder(self.client_id, self.holder) + "; opened read-only",
                client_id=self.client_id,
                holder=self.holder,
            )
        if self._lock is not None and self.client().restricted:
            return StoreError(
                f"client {self.client_id} is restricted (read-only)", client_id=self.client_id
            )
        return StoreError(f"client {self.client_id} is open read-only", client_id=self.client_id)

    def close(self) -> None:
        with self._mutex:
            if self._lock is not None:
                self.repo._clear_holder(self.client_id)
                self._lock.release()
                self._lock = None
            self.holder = None

    def takeover_requested(self) -> dict[str, str] | None:
        """A colleague's request to take this client over (see `Repository.request_takeover`),
        if there is one and this process holds the lock."""
        if self._lock is None:
            return None
        try:
            data = json.loads(
                read_checked(self.repo._takeover_path(self.client_id), max_bytes=SMALL_MAX)
            )
        except (OSError, ValueError, RecursionError, StoreError):
            return None
        if not isinstance(data, dict):
            return None
        return {clean_line(str(k))[:40]: clean_line(str(v))[:80] for k, v in data.items()}

    def hand_over(self, to: str) -> None:
        """Give the lock up to a colleague who asked for it: audited, then this file is only
        read (it never writes again), and the holder note names them."""
        with self._mutex:
            if self._lock is None:
                return
            self.audit.append("lock handed over", ids={"to": clean_line(to)[:80]})
            self.repo._clear_holder(self.client_id)
            self._lock.release()
            self._lock = None
            self.holder = {"user": clean_line(to)[:80], "since": now_iso()}

    # -- reading ----------------------------------------------------------------------------------

    @property
    def _storage(self) -> AtomicJSONStorage:
        return self._db.storage  # type: ignore[return-value]

    def prepare_writes(self) -> None:
        """Make the first save as cheap as the next (see `AtomicJSONStorage.prepare_writes`);
        nothing to do for a client opened read-only."""
        if not self.read_only:
            self._storage.prepare_writes()

    def version(self) -> int:
        """Changes whenever the file does (saved here, or changed by anyone else): a screen
        filled from a version need not be filled again while it is current."""
        return self._storage.snapshot()[0]

    def _records(self, table: str, model: type[R]) -> list[R]:
        """The table's records, validated once per version of the file (a cache hit costs a stat).

        Records are shared between callers: change them with `model_copy`, never in place.
        """

        def build(_: dict[str, Any] | None) -> list[R]:
            # TinyDB's own API for the small tables (a client's sessions, follow-ups, plans:
            # tens of records). Answers are read from the parsed file directly (see `answers`).
            docs = self._db.table(table).all()
            return [self._validate(table, model, dict(doc)) for doc in docs]

        return list(self._storage.derived("records", (table, model), build))

    def _validate(self, table: str, model: type[R], doc: Any) -> R:
        try:
            return model.model_validate(doc)
        except ValidationError as exc:
            path = self.repo.path(self.client_id)
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            raise CorruptFile(
                f"{path}: a {table} record is not valid ({where}: {first['msg']})",
                client_id=self.client_id,
                path=str(path),
                backup=str(backup_path(path)) if backup_path(path).exists() else None,
            ) from None

    def _raw_answers(self) -> Iterable[tuple[str, Any]]:
        """(doc id, raw record) of every answer, in file order; nothing validated. A view, not a
        copy: the storage replaces a table on a change, never changes one in place."""
        _, data = self._storage.snapshot()
        table: dict[str, Any] = (data or {}).get(ANSWERS, {})
        return table.items()

    def _answers_of(self, chosen: Iterable[tuple[str, Any]]) -> list[Answer]:
        """Validate only the chosen raw answers (each once per version of its record)."""
        cache = self._answer_models
        out = []
        for doc_id, doc in chosen:
            hit = cache.get(doc_id)
            if hit is not None and hit[0] is doc:
                out.append(hit[1])
                continue
            answer = self._validate(ANSWERS, Answer, doc)
            cache[doc_id] = (doc, answer)
            out.append(answer)
        return out

    def client(self) -> Client:
        self._require_file()
        records = self._records(CLIENT, Client)
        path = self.repo.path(self.client_id)
        if not records:
            raise CorruptFile(
                f"{path} holds no client profile",
                client_id=self.client_id,
                path=str(path),
                backup=str(backup_path(path)) if backup_path(path).exists() else None,
            )
        if records[0].id != self.client_id:
            raise CorruptFile(
                f"{path} holds the record of client {records[0].id}, not {self.client_id} "
                "(a file was moved or copied over it)",
                client_id=self.client_id,
                path=str(path),
                backup=str(backup_path(path)) if backup_path(path).exists() else None,
            )
        return records[0]

    def _require_file(self) -> None:
        """A file removed while open is an error, never silently re-created (it may be erased)."""
        path = self.repo.path(self.client_id)
        if not path.exists():
            raise StoreError(
                f"the file of client {self.client_id} was removed while it was open ({path})",
                client_id=self.client_id,
                path=str(path),
            )

    def sessions(self) -> list[Session]:
        return sorted(self._records(SESSIONS, Session), key=lambda s: s.order)

    def session(self, session_id: str) -> Session | None:
        return next((s for s in self.sessions() if s.id == session_id), None)

    def answers(
        self, session_id: str | None = None, exercise_id: str | None = None
    ) -> list[Answer]:
        """Answers in file order, all or those of one session and/or exercise.

        Filtered on the raw records first: only what is returned is validated (a heavy client
        holds 22,000 answers; validating all of them takes half a second).
        """
        if session_id is None and exercise_id is None:
            # every record validated (a bad one is a CorruptFile), but each only once per version
            # of that record: after a save, one answer is validated again, not 22,000
            return self._answers_of(self._raw_answers())
        return self._answers_of(
            (i, d)
            for i, d in self._raw_answers()
            if _is_doc(d)
            and (session_id is None or d.get("session_id") == session_id)
            and (exercise_id is None or d.get("exercise_id") == exercise_id)
        )

    def answers_for(self, keys: Iterable[tuple[str, str]]) -> list[Answer]:
        """Answers to the given (exercise, step) pairs, in file order (e.g. the trend steps)."""
        wanted = frozenset(keys)

        def build(data: dict[str, Any] | None) -> list[Answer]:
            return self._answers_of(
                (i, d)
                for i, d in (data or {}).get(ANSWERS, {}).items()
                if _is_doc(d) and (d.get("exercise_id"), d.get("step_id")) in wanted
            )

        return list(self._storage.derived("answers_for", wanted, build))

    def latest_answers(self) -> dict[tuple[str, str], Answer]:
        """The current answer to each (exercise, step): the last saved, the rule of
        `store.latest` (answers are kept in save order). Chosen on the raw records, so only the
        winners are validated."""
        return dict(self._storage.derived("latest", None, self._latest_of))

    def _latest_of(self, data: dict[str, Any] | None) -> dict[tuple[str, str], Answer]:
        winners: dict[tuple[Any, Any], tuple[Any, dict[str, Any]]] = {}
        for doc_id, d in (data or {}).get(ANSWERS, {}).items():
            try:
                winners[(d["exercise_id"], d["step_id"])] = (doc_id, d)
            except (TypeError, KeyError):  # not a record, or unhashable: validation says why
                return latest(self.answers())
        return latest(self._answers_of(winners.values()))

    def follow_ups(self) -> list[FollowUp]:
        return sorted(self._records(FOLLOW_UPS, FollowUp), key=lambda f: f.opened_at)

    def plan_versions(self, kind: str | None = None) -> list[PlanVersion]:
        versions = self._records(PLANS, PlanVersion)
        if kind is not None:
            versions = [v for v in versions if v.kind == kind]
        return sorted(versions, key=lambda v: (v.kind, v.number))

    def records(self, table: str, model: type[R]) -> list[R]:
        """Records of any other table (used by features that keep their own, e.g. referrals)."""
        return self._records(table, model)

    # -- writing ----------------------------------------------------------------------------------

    def _require_write(self) -> None:
        if self.read_only:
            raise self.lock_error()
        self._require_file()

    def record(
        self, action: str, fields: Iterable[str] = (), ids: dict[str, str] | None = None
    ) -> None:
        """Append an audit entry for this client (e.g. "plan compiled", "printed", "exported")."""
        self.audit.append(action, fields=fields, ids=ids)

    def _log_first(
        self, action: str, fields: Iterable[str] = (), ids: dict[str, str] | None = None
    ) -> str:
        """Audit a change before it is made; the entry's hash, which the change's write records
        in the file. If the log cannot be written, AuditError and nothing changes."""
        self.audit.append(action, fields=fields, ids=ids)
        return self.audit.last_hash()

    def _upsert(
        self,
        table: str,
        record: BaseModel,
        keys: Iterable[str],
        action: str,
        fields: Iterable[str] = (),
        ids: dict[str, str] | None = None,
    ) -> None:
        with self._mutex:
            self._require_write()
            head = self._log_first(action, fields, ids)
            self._upsert_unchecked(table, record, list(keys), head)

    def save_client(self, client: Client) -> None:
        if client.id != self.client_id:
            raise StoreError(f"client ID cannot change ({self.client_id} to {client.id})")
        with self._mutex:
            if self._lock is None:
                raise self.lock_error()
            self._require_file()
            old = self._records(CLIENT, Client)
            before = old[0].model_dump(mode="json") if old else {}
            changed = _changed_fields(before, client.model_dump(mode="json"))
            if old and old[0].restricted and set(changed) - {"restricted"}:
                # a restricted record is read-only: only the restriction itself may be lifted
                raise StoreError(
                    f"client {self.client_id} is restricted (read-only); lift the restriction "
                    "first (restricted=no)",
                    client_id=self.client_id,
                )
            head = self._log_first("profile changed", changed)
            self._upsert_unchecked(CLIENT, client, ["id"], head)
            self._restricted = client.restricted

    def _upsert_unchecked(self, table: str, record: BaseModel, keys: list[str], head: str) -> None:
        """TinyDB's upsert by equal `keys`, with the matching ids looked up in a cached index
        instead of a query over every document (22,000 answers take a query ~0.1 s). The audit
        chain's `head` (the entry just written for this change) is recorded in the same write."""
        # validated again whatever built it (a `model_copy(update=...)` skips the validators):
        # every cleaning rule of the record runs on every write
        doc = type(record).model_validate(record.model_dump()).model_dump(mode="json")
        key = tuple(doc[k] for k in keys)
        index = self._key_index(table, tuple(keys))
        storage = self._storage
        chain = {AUDIT_HEAD: {"1": {"head": head}}}
        try:
            found = index.get(key)
            if found and table == ANSWERS:
                # a changed answer moves to the end: the table stays in save order, which
                # decides the current answer (`store.latest`), never the clock
                new_id = storage.put(table, new=doc, also=chain, drop=[str(i) for i in found])
                index[key] = [int(new_id)]  # type: ignore[arg-type]
            elif found:
                # TinyDB's update merges into the record; a new record is built instead (the
                # cached one is shared and never changed in place)
                _, data = storage.snapshot()
                current = (data or {}).get(table, {})
                replaced = {str(i): {**current.get(str(i), {}), **doc} for i in found}
                storage.put(table, replaced, also=chain)
            else:
                new_id = storage.put(table, new=doc, also=chain)
                index[key] = [int(new_id)]  # type: ignore[arg-type]
        except OSError as exc:
            storage.keep_derived("keys", (table, tuple(keys)), None)
            self._not_saved()
            raise _save_error(self.client_id, exc) from None
        except BaseException:
            storage.keep_derived("keys", (table, tuple(keys)), None)
            raise
        # the index is brought up to date here rather than rebuilt from 22,000 records
        storage.keep_derived("keys", (table, tuple(keys)), index)

    def _not_saved(self) -> None:
        """The change just audited did not reach the file: say so in the log at once (if the
        log can still be written; otherwise the next open finds the gap)."""
        try:
            self.audit.append("change not saved", ids={"reason": "write failed"})
        except AuditError:
            pass

    def audit_head(self) -> str | None:
        """The audit entry of the last change this file holds (None in files from before)."""
        _, data = self._storage.snapshot()
        record = (data or {}).get(AUDIT_HEAD, {}).get("1")
        head = record.get("head") if isinstance(record, dict) else None
        return head if isinstance(head, str) else None

    def reconcile(self) -> None:
        """Compare the log with the file's own record of its head, and write down any gap: changes
        audited after the file's last write never reached it (a kill between the two), and a head
        the log does not hold means the log was cut at its end or rewritten."""
        head = self.audit_head()
        if head is None or self.read_only:
            return
        gap = self.audit.after(head)
        if gap is None:
            self.audit.append("audit gap found", ids={"recorded_head": head})
        elif gap:
            lines = ",".join(str(n) for n in gap[:20])
            self.audit.append("change not saved", ids={"lines": lines, "reason": "interrupted"})
        else:
            return
        with self._mutex:
            self._storage.put(AUDIT_HEAD, {"1": {"head": self.audit.last_hash()}})

    def _key_index(self, table: str, keys: tuple[str, ...]) -> dict[tuple[Any, ...], list[int]]:
        def build(data: dict[str, Any] | None) -> dict[tuple[Any, ...], list[int]]:
            index: dict[tuple[Any, ...], list[int]] = {}
            for doc_id, d in (data or {}).get(table, {}).items():
                if all(k in d for k in keys):
                    try:
                        index.setdefault(tuple(d[k] for k in keys), []).append(int(doc_id))
                    except TypeError:  # an unhashable key value equals none of ours
                        continue
            return index

        return self._storage.derived("keys", (table, keys), build)

    def save_session(self, session: Session) -> None:
        self._upsert(SESSIONS, session, ["id"], "session saved", ids={"session": session.id})

    def save_answer(self, answer: Answer) -> Answer:
        """Upsert by (session, exercise, step); strings inside the value are cleaned first."""
        answer = Answer.model_validate(answer.model_dump())  # cleaned (the record's validators)
        ids = {"session": answer.session_id, "exercise": answer.exercise_id}
        self._upsert(
            ANSWERS,
            answer,
            ["session_id", "exercise_id", "step_id"],
            "answer saved",
            [answer.step_id],
            ids,
        )
        return answer

    def save_follow_up(self, follow_up: FollowUp) -> None:
        with self._mutex:
            known = any(f.id == follow_up.id for f in self._records(FOLLOW_UPS, FollowUp))
            action = (
                "follow-up closed"
                if not follow_up.is_open
                else "follow-up changed"
                if known
                else "follow-up opened"
            )
            ids = {"follow_up": follow_up.id}
            if follow_up.exercise_id:
                ids["exercise"] = follow_up.exercise_id
            fields = [follow_up.step_id] if follow_up.step_id else []
            self._upsert(FOLLOW_UPS, follow_up, ["id"], action, fields, ids)

    def add_plan_version(self, version: PlanVersion) -> None:
        """Save a new version. A saved version is never changed: a number already saved (or a
        countersigned one) is refused; a new version supersedes it."""
        with self._mutex:
            taken = [
                v
                for v in self._records(PLANS, PlanVersion)
                if v.id == version.id or (v.kind, v.number) == (version.kind, version.number)
            ]
            if taken:
                raise StoreError(
                    f"version {version.number} of the {version.kind} plan of {self.client_id} "
                    "is saved already"
                    + (" and countersigned" if taken[0].countersigned_by else "")
                    + ": it cannot be changed, only superseded by a new version",
                    client_id=self.client_id,
                )
            ids = {"plan": version.id, "number": str(version.number)}
            self._upsert(PLANS, version, ["id"], "plan saved", [version.kind], ids)

    def review_follow_up(self, follow_up: FollowUp) -> None:
        """Save a follow-up with a treatment manager's new review (audited as reviewed)."""
        ids = {
            "follow_up": follow_up.id,
            "by": follow_up.reviews[-1].by if follow_up.reviews else "",
        }
        self._upsert(FOLLOW_UPS, follow_up, ["id"], "follow-up reviewed", [], ids)

    def countersign_plan_version(self, kind: str, number: int, by: str) -> PlanVersion:
        """A treatment manager's countersignature on a saved version (once: it then stands)."""
        with self._mutex:
            found = [
                v for v in self._records(PLANS, PlanVersion) if (v.kind, v.number) == (kind, number)
            ]
            if not found:
                raise StoreError(
                    f"no saved version {number} of the {kind} plan of {self.client_id}",
                    client_id=self.client_id,
                )
            if found[0].countersigned_by:
                raise StoreError(
                    f"version {number} of the {kind} plan is countersigned already "
                    f"(by {clean_line(found[0].countersigned_by)})",
                    client_id=self.client_id,
                )
            signed = PlanVersion.model_validate(
                {
                    **found[0].model_dump(),
                    "countersigned_by": clean_line(by),
                    "countersigned_at": datetime.now(UTC),
                }
            )
            ids = {"plan": signed.id, "number": str(number), "by": clean_line(by)[:80]}
            self._upsert(PLANS, signed, ["id"], "plan countersigned", [kind], ids)
            return signed

    def save_record(self, table: str, record: BaseModel, keys: list[str]) -> None:
        """Upsert into any other table (used by features that keep their own records)."""
        self._upsert(table, record, keys, "record saved", [table])

    def raw_tables(self) -> dict[str, list[dict[str, Any]]]:
        """Everything in the file, as plain data (subject access export)."""
        with self._mutex:
            _, data = self._storage.snapshot()
            return {name: [dict(d) for d in table.values()] for name, table in (data or {}).items()}
