"""The client register: one summary per client for lists, kept in ``DATA_DIR/register.json``.

Each entry is keyed on its client file's (inode, size, mtime, ctime): a file changed in any way,
by anyone, crash or not, is read again; an unchanged one is not. A register that is missing, too
big or does not parse is only a cache: it is rebuilt from the client files. Reading it audits
nothing: it shows a list, not a client's record.

Standard library only (with the store's checked reader and atomic writer): the app draws its
first frame from here before pydantic, TinyDB, filelock or cryptography are imported. In an
encrypted data dir the register is encrypted with the data dir's key, like a client file. What a
summary holds is the caller's choice (`kind` names it, so a register of another kind is not
reused); summarising a changed file needs the whole store, and happens in `Repository.register`
or, a batch at a time, on the app's worker while the list fills.

The register is shared by the team and anyone who can write the data dir can write it, keeping a
file's key and changing its facts (a false name, a review "overdue since 1999"). So it is never a
source of facts: each entry carries `seals`, an HMAC of its facts under the key of each user who
summarised it from the file (`seal_key`, private to that user). An entry without a good seal of
the reader's own key is stale, whatever its file key says: it is made again from the file at the
next checked read (and not shown before), and the reader's seal is added to a true one.

Beside it, ``register.json.head`` holds its first `HEAD_ROWS` entries alone, written with it: a
list's first frame reads that (a few KB) instead of parsing the whole register (6 MB for 20,000
clients, a parse the first frame would wait for). It is the same cache, with the same seals and
codec, dropped whenever a client is forgotten.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from store import layout
from store.errors import StoreError
from store.files import REGISTER_MAX, atomic_write, read_checked, shred
from store.ids import validate_client_id

if TYPE_CHECKING:
    from store.codec import Codec

Entry = dict[str, Any]
#: the summary of one client by ID (or {"problem": one line} for a file that cannot be read)
Summarise = Callable[[str], Entry]


def _is_id(text: str) -> bool:
    """A client ID as the store writes it. The register is read from disk, where anyone with
    access may have put anything: without the listing that vouches for an ID, it is checked."""
    try:
        return validate_client_id(text) == text
    except StoreError:
        return False


#: at most this many users' seals are kept on one entry (a team, with room to spare)
MAX_SEALS = 64
#: an entry's facts as its seal signs them (one encoder: `json.dumps` builds one a call)
_SEAL_JSON = json.JSONEncoder(sort_keys=True, separators=(",", ":"))
#: a checked read lets a caller pause (`Register.read`) after this many files
PAUSE_EVERY = 200
#: entries kept in the register's head (`REGISTER_HEAD`): a first frame's rows, and some over
HEAD_ROWS = 64


def _facts(entry: Entry) -> Entry:
    return {k: v for k, v in entry.items() if k != "seals"}


def _signer(key: bytes) -> str:
    """A name for a seal key that says nothing of it."""
    return hashlib.sha256(b"wellbeing register signer\0" + key).hexdigest()[:16]


def _seal(key: bytes, kind: str, cid: str, entry: Entry) -> str:
    """The HMAC of an entry's facts (its file key included), for one client of one kind."""
    text = _SEAL_JSON.encode([kind, cid, _facts(entry)])
    return hmac.new(key, text.encode("utf-8"), hashlib.sha256).hexdigest()


def _stat_key(clients_dir: str, cid: str, journal: bool) -> list[int] | None:
    """The client's file and its journal as they are now (inode, size, times): a save appends
    to the journal, a fold rewrites the file, and either changes the key. `journal` False: the
    folder was listed without one, so it is not looked for (a journal written since is found
    by the next read, as one written just after the look would be)."""
    try:  # the ID is letters and digits (client_ids checked it): no path can escape
        st = os.stat(os.path.join(clients_dir, f"{cid}.json"))
    except OSError:
        return None
    journal_key = [0, 0, 0]
    if journal:
        try:
            jt = os.stat(os.path.join(clients_dir, f"{cid}{layout.JOURNAL_SUFFIX}"))
            journal_key = [jt.st_ino, jt.st_size, jt.st_mtime_ns]
        except OSError:
            pass
    return [st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns, *journal_key]


@dataclass
class Register:
    """The register of one data dir as read now: the entries still current, and what is not."""

    data_dir: Path
    kind: str
    #: every client ID, in order, with its file's key (None: the file vanished or cannot be seen)
    keys: dict[str, list[int] | None] = field(default_factory=dict)
    #: the entries whose file is unchanged since they were written, by ID
    current: dict[str, Entry] = field(default_factory=dict)
    #: whether `current` differs from what is on disk (something to write back)
    changed: bool = False
    #: the data dir's codec when it is encrypted (the register is then encrypted with it)
    codec: Codec | None = None
    #: this user's key for the entries' seals (None: entries are taken unsealed; the store's
    #: own tests only, every list passes one)
    seal_key: bytes | None = None
    _old: dict[str, Any] = field(default_factory=dict, repr=False)
    #: the IDs in `current` whose seal is checked (unchecked reads check them as rows are taken)
    _sealed: set[str] = field(default_factory=set, repr=False)

    @classmethod
    def read(
        cls,
        data_dir: Path,
        kind: str,
        *,
        codec: Codec | None = None,
        check: bool = True,
        seal_key: bytes | None = None,
        pause: Callable[[], None] | None = None,
    ) -> Register:
        """List the clients and take every register entry whose file is unchanged. In an
        encrypted data dir the register is encrypted too (`codec`: it names every client); one
        that does not decrypt (left in plain text from before encryption, or damaged) is
        shredded and rebuilt.

        Without `check`, the register is taken as written, without listing or stat-ing a client
        file: what a list can draw in its first frame, to be followed at once by a checked read
        (a file changed since then is only shown as it was for that moment). `pause` is called
        every `PAUSE_EVERY` files checked: a worker's way to let the UI answer a key first."""
        reg = cls(Path(data_dir), kind, codec=codec, seal_key=seal_key)
        if not check:
            head = reg._read_head()
            if head is not None:
                return head
        old: dict[str, Any] = {}
        try:
            blob = read_checked(reg.path, max_bytes=REGISTER_MAX)
            if codec is not None:
                blob = codec.decode(blob, path=reg.path)
            loaded = json.loads(blob)
            if isinstance(loaded, dict) and loaded.get("kind") == kind:
                clients = loaded.get("clients")
                old = clients if isinstance(clients, dict) else {}
        except FileNotFoundError:
            pass
        except (OSError, ValueError, RecursionError, StoreError):
            old = {}  # only a cache: rebuilt from the client files
            if codec is not None and (reg.path.exists() or reg.path.is_symlink()):
                shred(reg.path)  # perhaps names in plain text beside encrypted files
        if not check:
            reg._take_unchecked(old)
            return reg
        clients_dir = os.fspath(layout.clients_dir(data_dir))
        ids, names = layout.client_listing(data_dir)
        for n, cid in enumerate(ids):
            if pause is not None and n % PAUSE_EVERY == 0:
                pause()
            journal = f"{cid}{layout.JOURNAL_SUFFIX}" in names
            key = reg.keys[cid] = _stat_key(clients_dir, cid, journal)
            entry = old.get(cid)
            if (
                isinstance(entry, dict)
                and key is not None
                and entry.get("key") == key
                and "problem" not in entry
                and reg.sealed(cid, entry)
            ):
                reg.current[cid] = entry
                reg._sealed.add(cid)
        reg.changed = len(reg.current) != len(old)
        reg._old = old
        return reg

    def _take_unchecked(self, old: dict[str, Any]) -> None:
        """The entries as written, no client file listed or stat-ed: sealed or not is seen as
        the rows are taken (`rows`): a first frame checks the seals of the rows it draws, not
        of every client."""
        for cid in sorted(old):
            entry = old[cid]
            if isinstance(entry, dict) and "problem" not in entry and _is_id(cid):
                self.keys[cid] = entry.get("key")
                self.current[cid] = entry
        self._old = old

    def _read_head(self) -> Register | None:
        """An unchecked register of the head's entries, or None when there is no head of this
        kind to read (then the whole register is read)."""
        path = self.data_dir / layout.REGISTER_HEAD
        try:
            blob = read_checked(path, max_bytes=REGISTER_MAX)
            if self.codec is not None:
                blob = self.codec.decode(blob, path=path)
            loaded = json.loads(blob)
        except FileNotFoundError:
            return None
        except (OSError, ValueError, RecursionError, StoreError):
            if self.codec is not None:
                drop_head(self.data_dir)  # perhaps names in plain text beside encrypted files
            return None
        if not isinstance(loaded, dict) or loaded.get("kind") != self.kind:
            return None
        clients = loaded.get("clients")
        if not isinstance(clients, dict):
            return None
        self._take_unchecked(clients)
        return self

    def sealed(self, cid: str, entry: Entry) -> bool:
        """Whether `entry` bears this user's good seal (its facts as summarised from the file)."""
        if self.seal_key is None:
            return True
        seals = entry.get("seals")
        mine = seals.get(_signer(self.seal_key)) if isinstance(seals, dict) else None
        return isinstance(mine, str) and hmac.compare_digest(
            mine, _seal(self.seal_key, self.kind, cid, entry)
        )

    def _trusted(self, cid: str) -> bool:
        """Whether the current entry of `cid` bears this user's seal (checked once)."""
        if cid in self._sealed:
            return True
        if self.sealed(cid, self.current[cid]):
            self._sealed.add(cid)
            return True
        return False

    def _seals(self, cid: str, entry: Entry) -> dict[str, str]:
        """The seals a freshly summarised entry bears: others' from the entry it replaces when
        its facts are the same (checked true against the file), and this user's."""
        old = self._old.get(cid)
        seals: dict[str, str] = {}
        if isinstance(old, dict) and _facts(old) == entry and isinstance(old.get("seals"), dict):
            seals = {
                str(k): str(v) for k, v in itertools.islice(old["seals"].items(), MAX_SEALS - 1)
            }
        if self.seal_key is not None:
            seals[_signer(self.seal_key)] = _seal(self.seal_key, self.kind, cid, entry)
        return seals

    @property
    def path(self) -> Path:
        return self.data_dir / layout.REGISTER

    @property
    def stale(self) -> list[str]:
        """IDs whose summary must be made from the client file, in ID order."""
        return [cid for cid in self.keys if cid not in self.current]

    def rows(self, limit: int | None = None) -> list[Entry]:
        """The current summaries in ID order (the first `limit` of them), each with its `id`
        and without its key. An entry of an unchecked read without this user's seal is only
        its ID and `pending` (a row to move to and open, with no fact of it shown)."""
        ids = (cid for cid in self.keys if cid in self.current)
        return [
            {k: v for k, v in self.current[cid].items() if k not in ("key", "seals")} | {"id": cid}
            if self._trusted(cid)
            else {"id": cid, "pending": True}
            for cid in itertools.islice(ids, limit)
        ]

    def fill(
        self,
        summarise: Summarise,
        ids: Iterable[str],
        *,
        batch: int = 0,
        pause: Callable[[], None] | None = None,
    ) -> Iterator[int]:
        """Summarise `ids` into the register; yields after every `batch` of them (0: at the end)
        so a caller can show the list as it fills, and calls `pause` before each file. The key
        is taken before the file is read: a file changed meanwhile is read again next time."""
        done = 0
        for cid in ids:
            if pause is not None:
                pause()
            key = self.keys.get(cid)
            entry: Entry = {"key": key, **summarise(cid)}
            seals = self._seals(cid, entry)
            entry = self.current[cid] = {**entry, "seals": seals} if seals else entry
            self._sealed.add(cid)
            self.changed = self.changed or entry != self._old.get(cid)
            done += 1
            if batch and done % batch == 0:
                yield done
        yield done

    def save(self) -> None:
        """Write the register back if anything changed (atomic; a failure leaves only a cache
        behind, and the list is right without it). Problem entries are kept, and read again;
        entries of clients whose file has gone since (erased meanwhile) are not."""
        if not self.changed and (self.data_dir / layout.REGISTER_HEAD).exists():
            return
        clients_dir = os.fspath(layout.clients_dir(self.data_dir))
        entries = {
            cid: self.current[cid]
            for cid in self.keys
            # a client erased since this register was read is never written back (one stat each)
            if cid in self.current and os.path.lexists(os.path.join(clients_dir, f"{cid}.json"))
        }
        try:
            if self.changed:
                self._write(self.path, entries)
            first = dict(itertools.islice(sorted(entries.items()), HEAD_ROWS))
            self._write(self.data_dir / layout.REGISTER_HEAD, first)
            self.changed = False
        except OSError:
            pass

    def _write(self, path: Path, entries: dict[str, Entry]) -> None:
        data = json.dumps({"kind": self.kind, "clients": entries}, ensure_ascii=False).encode()
        if self.codec is not None:
            data = self.codec.encode(data, path=path)
        atomic_write(path, data)


def forget(data_dir: Path, cid: str, *, codec: Codec | None = None) -> None:
    """Take one client out of the register on disk: erasing a client does this before any of
    its files go (and again after), so a kill at any point never leaves the name of a client
    whose file is gone. A register that cannot be read or written is removed whole: it is only
    a cache, rebuilt from the client files, and a name must not outlive its client in it."""
    drop_head(data_dir)
    path = Path(data_dir) / layout.REGISTER
    try:
        blob = read_checked(path, max_bytes=REGISTER_MAX)
        if codec is not None:
            blob = codec.decode(blob, path=path)
        doc = json.loads(blob)
        clients = doc.get("clients") if isinstance(doc, dict) else None
        if not isinstance(clients, dict):
            raise ValueError("not a register")
        if cid not in clients:
            return
        del clients[cid]
        data = json.dumps(doc, ensure_ascii=False).encode("utf-8")
        if codec is not None:
            data = codec.encode(data, path=path)
        atomic_write(path, data)
    except FileNotFoundError:
        return
    except (OSError, ValueError, RecursionError, StoreError):
        if path.exists() or path.is_symlink():
            shred(path)


def drop_head(data_dir: Path) -> None:
    """Remove the register's head (the next save writes it again): what forgetting a client, or
    encrypting a data dir, does first, so no name outlives its client or its plain text in it."""
    head = Path(data_dir) / layout.REGISTER_HEAD
    if head.exists() or head.is_symlink():
        shred(head)
