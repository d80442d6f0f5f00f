"""The clients of one data dir: list, add, open, restore and erase them.

One client is ``DATA_DIR/clients/<ID>.json``, a TinyDB file (`store.client_storage`), with its
journal of recent changes (`store.journal`) and its summary (`store.summary`) beside it. Opening
a client for editing takes its lock (`store.locking`) until it is closed; a second session gets a
read-only view and is told who holds it. Every open and every change is written to the client's
audit log (`store.audit`) with field names and ids, never values; when the log cannot be
written, nothing of the client is shown or changed. Clients leaving for another area and
arriving from one: `store.relocation`.
"""

from __future__ import annotations

import getpass
import os
from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path
from typing import Any

from store import layout, register
from store.advice import remedy
from store.audit import AuditLog
from store.audit_chain import Action, Problem
from store.audit_content import content_problems, new_salt, record_ref
from store.client_file import ClientPaths, ClientReader
from store.client_storage import ClientStorage
from store.client_writer import ClientWriter
from store.codec import Codec
from store.errors import CorruptFile, StoreError
from store.files import (
    CLIENT_FILE_MAX,
    atomic_write,
    backup_path,
    fsync_dir,
    read_checked,
    shred,
    temp_files,
)
from store.fold import folded_through
from store.ids import client_path, validate_client_id
from store.journal import Journal
from store.locking import Locks
from store.permissions import check_private, private_umask
from store.profile import Client
from store.summary import Summary, save
from store.tables import AUDIT_HEAD, AUDIT_SALT, CLIENT, FOLDED
from store.text import clean_line

#: what a list shows of one client, taken from its record (see `store.register`)
Summariser = Callable[[ClientReader], dict[str, Any]]


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
        self.locks = Locks(self.clients_dir, self.user)

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

    @property
    def register_path(self) -> Path:
        return self.data_dir / layout.REGISTER

    def path(self, client_id: str) -> Path:
        return client_path(self.clients_dir, client_id)

    def paths(self, client_id: str) -> ClientPaths:
        return ClientPaths.of(self.clients_dir, validate_client_id(client_id))

    def client_ids(self) -> list[str]:
        return layout.client_ids(self.data_dir)

    def exists(self, client_id: str) -> bool:
        return self.path(client_id).exists()

    def client_files(self, cid: str) -> list[Path]:
        """Every file of a client in the clients dir (names start with the ID and a dot)."""
        cid = validate_client_id(cid)
        found = [*self.clients_dir.glob(f"{cid}.*"), *self.clients_dir.glob(f".{cid}.*")]
        return sorted(p for p in found if p.is_file() or p.is_symlink())

    # -- audit ------------------------------------------------------------------------------------

    def audit_log(self, client_id: str) -> AuditLog:
        return AuditLog(self.audit_dir, client_id)

    def verify_audit(self, client_id: str) -> list[Problem]:
        """Breaks in the client's audit log (empty when intact), each naming its line, checked
        against the head the client's own record holds when it can be read."""
        log = self.audit_log(client_id)
        problems = log.verify(self.recorded_head(client_id))
        # a broken chain cannot vouch for content: its problems are said alone
        document = None if problems else self._document_to_verify(client_id)
        if document is not None:
            try:
                lines = log.read_lines()
            except StoreError:
                return problems
            problems += content_problems(lines, document)
            problems.sort(key=lambda p: p.line)
        return problems

    def _document_to_verify(self, client_id: str) -> dict[str, Any] | None:
        """The whole record (None: no file, or one this repository cannot read)."""
        try:
            return dict(self.reader(validate_client_id(client_id)).document())
        except (StoreError, OSError):
            return None

    def recorded_head(self, client_id: str) -> str | None:
        """The audit head the client's record holds (None: no file, an older file, or one this
        repository cannot read, e.g. encrypted without the key)."""
        cid = validate_client_id(client_id)
        if not self.path(cid).is_file():
            return None
        try:
            return self.reader(cid).audit_head()
        except StoreError:
            return None

    # -- reading ----------------------------------------------------------------------------------

    def reader(self, cid: str, holder: dict[str, str] | None = None) -> ClientReader:
        """A client read without being opened: for the store's own checks and the register's
        summaries. It audits nothing, so nothing of it may be shown (`open` audits)."""
        return ClientReader(
            self.paths(cid), cid, codec=self.codec, audit=self.audit_log(cid), holder=holder
        )

    def summarise(self, cid: str, summarise: Summariser) -> dict[str, Any]:
        """One client's entry for the register (`store.register`): what `summarise` takes from
        its record, or `problem` (one line) for one that cannot be read. Audits nothing."""
        try:
            return summarise(self.reader(validate_client_id(cid)))
        except Exception as exc:  # a broken file is listed, not fatal
            return {"problem": " ".join(str(exc).split())}

    def open(
        self, client_id: str, *, edit: bool = True, audit_action: Action = "viewed"
    ) -> ClientReader:
        """Open a client: for editing (a `ClientWriter` holding its lock), or read-only when
        `edit` is false or another session holds it (told who). The opening is audited; if the
        audit log cannot be written, AuditError and nothing of the client is returned."""
        cid = validate_client_id(client_id)
        self.check_file(cid, self.path(cid))
        if not edit:
            reader = self.reader(cid)
            reader.record(audit_action)
            return reader
        lock = self.locks.try_take(cid)
        if lock is None:
            reader = self.reader(cid, self.locks.holder(cid) or {"user": "unknown"})
            reader.record(audit_action)
            return reader
        try:
            self.locks.write_holder(cid)
            writer = ClientWriter(
                self.paths(cid),
                cid,
                codec=self.codec,
                audit=self.audit_log(cid),
                lock=lock,
                locks=self.locks,
            )
            writer.client()  # fail now, while the caller can still show why, if it is bad
            for tmp in temp_files(self.path(cid)):  # only once it is known good: evidence
                tmp.unlink(missing_ok=True)
            writer.reconcile()
            writer.record(audit_action)
            return writer
        except OSError as exc:
            self.locks.clear_holder(cid)
            lock.release()
            raise StoreError(
                f"cannot open client {cid}: {exc.strerror or exc} ({exc.filename or cid})",
                client_id=cid,
            ) from None
        except BaseException:
            self.locks.clear_holder(cid)
            lock.release()
            raise

    def read(self, client_id: str) -> ClientReader:
        return self.open(client_id, edit=False)

    def read_client(self, client_id: str) -> Client:
        with self.read(client_id) as cf:
            return cf.client()

    def list_clients(self) -> tuple[list[Client], list[StoreError]]:
        """Every readable client, and one error per client that could not be read."""
        clients, problems = [], []
        for cid in self.client_ids():
            try:
                clients.append(self.read_client(cid))
            except StoreError as exc:
                problems.append(exc)
        return clients, problems

    def update_client(self, client_id: str, change: Callable[[Client], Client]) -> Client:
        """Read-modify-write the profile under the client's lock."""
        with self.open(client_id) as cf:
            if not isinstance(cf, ClientWriter):
                raise cf.lock_error()
            return cf.save_client(change(cf.client()))

    # -- taking over a lock held too long ---------------------------------------------------------

    def held_since(self, client_id: str) -> datetime | None:
        """When the colleague holding the client opened it (None: nobody holds it, or unknown)."""
        return self.locks.held_since(validate_client_id(client_id))

    def request_takeover(self, client_id: str, *, after_minutes: int) -> None:
        """Ask the app holding the client to hand it over (it does within seconds, unless it is
        frozen): allowed once it has been held `after_minutes` or more; audited."""
        cid = validate_client_id(client_id)
        holder = self.locks.check_takeover(cid, after_minutes=after_minutes)
        log = self.audit_log(cid)
        log.append(
            "lock takeover requested",
            ids={"from": holder.get("user", "unknown"), "by": clean_line(self.user)[:80]},
        )
        self.locks.ask_takeover(cid, log.last_hash())

    # -- adding and restoring ---------------------------------------------------------------------

    def add_client(self, client: Client) -> Client:
        cid = validate_client_id(client.id)
        client = Client.model_validate({**client.model_dump(), "id": cid})
        path = self.path(cid)
        if path.exists() or path.is_symlink():  # said first: held or not, it is there already
            raise StoreError(f"client {cid} already exists", client_id=cid)
        with self.locks.held(cid):
            if path.exists() or path.is_symlink():
                raise StoreError(f"client {cid} already exists", client_id=cid)
            log = self.audit_log(cid)
            salt, record = new_salt(), client.model_dump(mode="json")
            # audited first: AuditError and nothing is written
            log.append("created", record=record_ref(salt, CLIENT, record))
            doc = {
                CLIENT.name: {"1": record},
                AUDIT_SALT: {"1": {"salt": salt}},
                AUDIT_HEAD: {"1": {"head": log.last_hash()}},
                FOLDED: {"1": {"through": 0}},
            }
            try:
                self.write_new(cid, doc)
            except OSError as exc:
                raise _save_error(cid, exc) from None
        return client

    def write_new(self, cid: str, doc: dict[str, Any]) -> None:
        """A client's record written whole where there is none (added, or arrived), with a
        first backup (a copy, so even a client never saved again has one) and its summary.
        Call under the client's lock."""
        paths = self.paths(cid)
        Journal(paths.journal, self.codec, cid).path.unlink(missing_ok=True)
        ClientStorage(paths.file, codec=self.codec, client_id=cid).write(doc)
        atomic_write(backup_path(paths.file), read_checked(paths.file, max_bytes=CLIENT_FILE_MAX))
        st = os.stat(paths.file)
        save(
            paths.summary,
            self.codec,
            Summary.build(doc, folded_through(doc)),
            [st.st_ino, st.st_size, st.st_mtime_ns],
        )

    def restore_backup(self, client_id: str) -> Path:
        """Put the backup in place of a damaged file (`store.restore`); where the damaged bytes
        were kept."""
        from store.restore import restore_backup

        return restore_backup(self, validate_client_id(client_id))

    # -- erasing ----------------------------------------------------------------------------------

    def delete_client(
        self,
        client_id: str,
        *,
        allow_restricted: bool = False,
        tombstone: tuple[str, dict[str, str]] = ("deleted", {}),
        also: Iterable[Path] = (),
    ) -> list[Path]:
        """Erase a client: record, journal, summary, .bak, temp files, corrupt copies, holder
        and lock, its register entry, and `also` (its exports).

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
        with self.locks.held(cid):
            if not allow_restricted and self.path(cid).exists():
                try:
                    restricted = self.reader(cid).client().restricted
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

    # -- internals --------------------------------------------------------------------------------

    def check_file(self, cid: str, path: Path) -> None:
        """Refuse a client file that is missing or not private (the transfer checks it too)."""
        if not path.exists() and not path.is_symlink():
            raise StoreError(f"no client {cid} in {self.data_dir}", client_id=cid)
        try:
            check_private(path, directory=False, allow_group=self.allow_group)
        except StoreError as exc:
            raise StoreError(str(exc), client_id=cid, path=str(path)) from None


def _save_error(cid: str, exc: OSError) -> StoreError:
    where = f" ({exc.filename})" if exc.filename else ""
    return StoreError(
        f"cannot save client {cid}: {exc.strerror or exc}{where}; nothing was changed",
        client_id=cid,
    )
