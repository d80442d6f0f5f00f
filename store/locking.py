"""One writer per client: its lock, the note of who holds it, and taking over a lock held too long.

A client opened for editing holds a `filelock` on ``<ID>.lock`` until it is closed; every other
change (a command, a delete) takes the same lock for its read-modify-write, so a second writer is
refused and told who holds the client, instead of losing an update. The holder leaves a note
(``<ID>.holder``: who, where, since when) for that message. A colleague may ask for a client held
longer than the configured wait (``<ID>.takeover``, naming the audit entry of the request). The
holder's app hands it over only when its own rules allow (`Locks.refusal`): the request is in the
audit log, and the holder's own wait has passed since it took the lock, as its own memory says;
a wait of 0 means never. Files another user can write (the note, the request) are never trusted
for either.
"""

from __future__ import annotations

import json
import os
import socket
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from filelock import FileLock, Timeout

from store.audit_chain import line_hash, parse_entry
from store.errors import ClientLocked, StoreError
from store.files import SMALL_MAX, atomic_write, read_checked
from store.ids import client_path
from store.text import clean_line

if TYPE_CHECKING:
    from store.audit import AuditLog

Note = dict[str, str]

#: when this process took each client lock it holds, by lock file: the holder's own record of
#: how long it has held a client (in memory, so no other user can change it)
_TAKEN: dict[str, datetime] = {}


class Locks:
    """The locks and notes of the clients in one clients dir, for one user."""

    def __init__(self, clients_dir: Path, user: str):
        self.clients_dir = clients_dir
        self.user = user
        #: takeover requests this process refused (each audited once)
        self._refused: set[tuple[str, str, str, str]] = set()

    def path(self, cid: str, suffix: str) -> Path:
        return client_path(self.clients_dir, cid, suffix)

    def file_lock(self, cid: str, timeout: float) -> FileLock:
        """The client's lock file. Not thread-local: the App takes a client's lock on its loop
        and gives it up on a worker (closing folds the journal); filelock's default would make
        that release a no-op, leaving the lock to whenever the object happens to be freed."""
        return FileLock(self.path(cid, ".lock"), timeout=timeout, thread_local=False)

    def held(self, cid: str, timeout: float = 2.0) -> HeldLock:
        """The lock for one change (a context manager), refused with who holds it."""
        return HeldLock(self, cid, timeout)

    def try_take(self, cid: str) -> FileLock | None:
        """The client's lock for an editing session, or None when someone holds it."""
        lock = self.file_lock(cid, 0)
        try:
            lock.acquire()
        except Timeout:
            return None
        except OSError as exc:
            raise StoreError(
                f"cannot lock client {cid} in {self.clients_dir}: {exc.strerror or exc}",
                client_id=cid,
            ) from None
        _TAKEN[str(self.path(cid, ".lock"))] = datetime.now(UTC)
        return lock

    def free(self, cid: str, wait: float = 0) -> bool:
        """Whether nobody holds the client, waiting up to `wait` seconds for its holder to let go
        (the lock is let go again at once: a command that then changes the client takes it)."""
        lock = self.file_lock(cid, wait)
        try:
            lock.acquire(poll_interval=0.1)
        except Timeout:
            return False
        except OSError as exc:
            raise StoreError(
                f"cannot lock client {cid} in {self.clients_dir}: {exc.strerror or exc}",
                client_id=cid,
            ) from None
        lock.release()
        return True

    def taken_at(self, cid: str) -> datetime | None:
        """When this process took the client's lock (None: it does not hold it)."""
        return _TAKEN.get(str(self.path(cid, ".lock")))

    # -- the holder's note ------------------------------------------------------------------------

    def write_holder(self, cid: str) -> None:
        info = {
            "user": self.user,
            "host": socket.gethostname(),
            "pid": str(os.getpid()),
            "since": now_iso(),
        }
        atomic_write(self.path(cid, ".holder"), json.dumps(info).encode("utf-8"))

    def clear_holder(self, cid: str) -> None:
        _TAKEN.pop(str(self.path(cid, ".lock")), None)
        self.path(cid, ".holder").unlink(missing_ok=True)
        self.path(cid, ".takeover").unlink(missing_ok=True)

    def holder(self, cid: str) -> Note | None:
        """Who holds the client's lock, as they wrote it: a colleague may have written anything
        there, so every field is cleaned before any message is built from it."""
        return _read_note(self.path(cid, ".holder"))

    def held_since(self, cid: str) -> datetime | None:
        """When the colleague holding the client opened it (None: nobody, or unknown)."""
        try:
            return datetime.fromisoformat((self.holder(cid) or {}).get("since", ""))
        except ValueError:
            return None

    # -- takeover ---------------------------------------------------------------------------------

    def check_takeover(self, cid: str, *, after_minutes: int) -> Note:
        """The holder's note, once the client has been held `after_minutes` or more (refused
        in one line otherwise)."""
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
        return self.holder(cid) or {}

    def ask_takeover(self, cid: str, entry: str) -> None:
        """The request, naming the hash of its audit entry (`entry`)."""
        info = {"user": self.user, "at": now_iso(), "entry": entry}
        atomic_write(self.path(cid, ".takeover"), json.dumps(info).encode("utf-8"))

    def takeover_request(self, cid: str) -> Note | None:
        return _read_note(self.path(cid, ".takeover"))

    def honoured(self, cid: str, wait_minutes: int, audit: AuditLog) -> Note | None:
        """The request to take `cid` over, when this holder honours it (`refusal`); a request
        refused is said in the audit log once, and stays refused (the colleague asks again)."""
        request = self.takeover_request(cid)
        if request is None:
            return None
        seen = (cid, request.get("entry", ""), request.get("at", ""), request.get("user", ""))
        if seen in self._refused:
            return None
        why = self.refusal(cid, request, wait_minutes, audit.read_lines())
        if not why:
            return request
        try:
            audit.append(
                "lock takeover refused", ids={"from": request.get("user", "unknown"), "reason": why}
            )
        except StoreError:
            return None  # said at the next look
        self._refused.add(seen)
        return None

    def refusal(self, cid: str, request: Note, wait_minutes: int, log: list[bytes]) -> str:
        """Why the holder (this process) must not honour `request`, or "" when it may: the wait
        is its own config's (0: never), counted from when it took the lock; the request must be
        the audit entry it names, made by the user it names after the lock was taken."""
        if wait_minutes <= 0:
            return "this holder's app never hands a client over (lock_takeover_minutes = 0)"
        taken = self.taken_at(cid)
        if taken is None:
            return "this holder's app does not hold the client"
        taken = taken.replace(microsecond=0)  # as the note says it (whole seconds)
        held = (datetime.now(UTC) - taken).total_seconds()
        if held < wait_minutes * 60:
            return f"asked after {int(held // 60)} minutes held; the wait here is {wait_minutes}"
        wanted = request.get("entry", "")
        for raw in reversed(log):
            if line_hash(raw) != wanted:
                continue
            entry = parse_entry(raw) or {}
            try:
                at = datetime.fromisoformat(str(entry.get("time", "")).replace("Z", "+00:00"))
            except ValueError:
                break
            if (
                entry.get("action") == "lock takeover requested"
                and (entry.get("ids") or {}).get("by") == request.get("user")
                and at >= taken
            ):
                return ""
            break
        return "the request is not in the audit log"


def _read_note(path: Path) -> Note | None:
    try:
        data = json.loads(read_checked(path, max_bytes=SMALL_MAX))
    except (OSError, ValueError, RecursionError, StoreError):
        return None
    if not isinstance(data, dict):
        return None
    return {
        clean_line(str(k))[:40]: clean_line(str(v))[:80]
        for k, v in data.items()
        if isinstance(v, (str, int, float))
    }


class HeldLock:
    """The client's lock for one read-modify-write, with a clear message when it is taken."""

    def __init__(self, locks: Locks, cid: str, timeout: float):
        self.locks, self.cid = locks, cid
        self.lock = locks.file_lock(cid, timeout)

    def __enter__(self) -> None:
        try:
            self.lock.acquire()
        except Timeout:  # before OSError: filelock's Timeout is a TimeoutError
            holder = self.locks.holder(self.cid) or {}
            raise ClientLocked(
                describe_holder(self.cid, holder) + "; try again when it is closed",
                client_id=self.cid,
                holder=holder,
            ) from None
        except OSError as exc:
            raise StoreError(
                f"cannot lock client {self.cid} in {self.locks.clients_dir}: {exc.strerror or exc}",
                client_id=self.cid,
            ) from None

    def __exit__(self, *exc: object) -> None:
        self.lock.release()


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def holder_words(holder: Note) -> str:
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


def describe_holder(cid: str, holder: Note) -> str:
    return f"client {cid} is open for editing by {holder_words(holder)}"
