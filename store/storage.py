"""A crash-safe TinyDB storage.

TinyDB's stock JSONStorage truncates and rewrites the file in place through a handle it keeps open, so a
kill during a save leaves half a file (tinydb#467). This storage opens the file per operation, writes a
0600 temp file beside it, flushes and fsyncs it, keeps the previous good state as ``.bak`` (a hard link,
so no copy), renames the temp file over the original and fsyncs the directory. A reader therefore sees
either the old or the new state, never a mixture, and a file that does not parse is never overwritten.
"""

from __future__ import annotations

import gc
import itertools
import json
import os
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable, Iterator
from pathlib import Path
from typing import Any, Protocol, TypeVar

from tinydb.storages import Storage

from store.errors import CorruptFile, StoreError
from store.files import (
    CLIENT_FILE_MAX,
    atomic_write,
    backup_path,
    read_checked,
    read_with_stat,
)

T = TypeVar("T")


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


def decode_copy(path: Path, codec: Codec | None, client_id: str) -> dict[str, Any]:
    """A copy of a client file (a backup, a corrupt copy), read and decoded without caching it.
    Bytes that cannot be decrypted or parsed are a StoreError naming the file."""
    blob = read_checked(path, max_bytes=CLIENT_FILE_MAX)
    return decode_document([(codec or _PLAIN).decode(blob, path=path)], path, client_id)


def decode_document(raw: bytes | list[bytes], path: Path, client_id: str | None) -> dict[str, Any]:
    """Parse the bytes of a client file; anything that is not a JSON object is a CorruptFile.

    Given the bytes in a one-item list, the list is emptied once they are decoded, so they can
    be freed before parsing (a big file then peaks at text + parsed, not bytes + text + parsed).
    """
    owned = raw if isinstance(raw, list) else None
    if owned is not None:
        raw = owned[0]
    assert isinstance(raw, (bytes, bytearray))
    bak = backup_path(path)
    backup = str(bak) if bak.exists() else None

    def corrupt(why: str) -> CorruptFile:
        hint = f"; a backup is at {bak.name}" if backup else ""
        return CorruptFile(
            f"{path} {why}{hint}", client_id=client_id, path=str(path), backup=backup
        )

    if not raw or raw.isspace():
        raise corrupt("is empty")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise corrupt(f"is not valid UTF-8 (byte {exc.start})") from None
    if owned is not None:
        owned.clear()
    del raw
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise corrupt(
            f"is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from None
    except RecursionError:
        raise corrupt("is nested too deeply to be a client record") from None
    except ValueError as exc:  # an integer of thousands of digits is the one case json leaves
        why = "a number too long to read" if "digits" in str(exc) else _first_line(exc)
        raise corrupt(f"holds a value that cannot be read ({why})") from None
    if not isinstance(data, dict) or not all(isinstance(t, dict) for t in data.values()):
        raise corrupt("does not hold a client record (expected a JSON object of tables)")
    if _SURROGATE_ESCAPE.search(text) and _holds_lone_surrogate(data):
        # json accepts "\ud800" but such text can never be written back as UTF-8
        raise corrupt("holds text that is not valid Unicode (a lone surrogate)")
    return data


#: the JSON escape of a UTF-16 surrogate; only a file holding one needs the full check
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def _holds_lone_surrogate(data: Any) -> bool:
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def _first_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:120]


def _refused(path: Path, client_id: str | None, why: str) -> CorruptFile:
    """A client path that is not a file we may read: refused like a damaged one (never read,
    never overwritten), with any backup offered."""
    bak = backup_path(path)
    return CorruptFile(
        why, client_id=client_id, path=str(path), backup=str(bak) if bak.is_file() else None
    )


class _Tables(dict):  # type: ignore[type-arg]
    """What `AtomicJSONStorage.read` hands out: each table is copied (every document shallowly)
    the first time it is looked up, so TinyDB may mutate what it gets without touching the cache.
    Tables never looked up stay the cached objects; `write` recognises them and reuses their
    encoding."""

    def __init__(self, canonical: dict[str, dict[str, Any]]):
        super().__init__(canonical)
        self._copied: set[str] = set()

    def __getitem__(self, name: str) -> dict[str, Any]:
        table: dict[str, Any] = dict.__getitem__(self, name)
        if name not in self._copied:
            table = {doc_id: dict(doc) for doc_id, doc in table.items()}
            dict.__setitem__(self, name, table)
            self._copied.add(name)
        return table

    def get(self, name: str, default: Any = None) -> Any:
        return self[name] if name in self else default

    def __setitem__(self, name: str, table: dict[str, Any]) -> None:
        self._copied.add(name)
        dict.__setitem__(self, name, table)

    def items(self) -> Iterator[tuple[str, dict[str, Any]]]:  # type: ignore[override]
        return ((name, self[name]) for name in list(self))

    def values(self) -> Iterator[dict[str, Any]]:  # type: ignore[override]
        return (self[name] for name in list(self))


_FileKey = tuple[int, int, int, int]

#: How many client files' parsed documents the process keeps between opens (most recent first).
SHARED_FILES = 3
_shared: OrderedDict[tuple[str, int], _Entry] = OrderedDict()
_shared_lock = threading.Lock()
_generations = itertools.count(1)
#: records encoded between two offers of the GIL to other threads (~1 ms of work): the first
#: write after a file is read encodes every record, and the UI thread must not wait for it.
YIELD_EVERY = 128
#: parsed documents at least this big (bytes) are moved out of the cyclic collector's reach.
FREEZE_BYTES = 1 << 20


class _Entry:
    """The cached state of one file, shared by every storage of that file in this process (so
    reopening a client does not parse its file again). Replaced whole on a change, never mutated:
    a reader holding an old document keeps a consistent one."""

    def __init__(self, codec: Codec) -> None:
        #: held, so the id in the cache key is never reused by another (e.g. wrong-key) codec
        #: while this entry is cached: a file is only ever served decoded by its own codec.
        self.codec = codec
        self.lock = threading.RLock()  # guards the fields below; never held during disk writes
        self.write_lock = threading.RLock()  # serialises read-modify-write (`put`)
        self.writing = False
        self.key: _FileKey | None = None
        self.doc: dict[str, dict[str, Any]] | None = None
        self.frags: dict[str, dict[str, bytes]] = {}
        self.next_ids: dict[str, int] = {}
        self.generation = next(_generations)
        #: what readers derived from the document (validated records...), for them to key on
        #: `generation` or on record identity; emptied when the file is read again from disk.
        self.memo: dict[str, Any] = {}


_PLAIN = PlainCodec()


def _entry_for(path: Path, codec: Codec) -> _Entry:
    where = (os.path.abspath(path), id(codec))
    with _shared_lock:
        entry = _shared.pop(where, None)
        if entry is None or entry.codec is not codec:
            entry = _Entry(codec)
        _shared[where] = entry
        while len(_shared) > SHARED_FILES:
            _shared.popitem(last=False)
        return entry


def forget_shared(path: Path) -> None:
    """Drop the process's cached copy of `path` (after it is closed, erased or restored)."""
    where = os.path.abspath(path)
    with _shared_lock:
        for key in [k for k in _shared if k[0] == where]:
            entry = _shared.pop(key)
            with entry.lock:
                if not entry.writing:
                    entry.doc, entry.key, entry.frags, entry.next_ids = None, None, {}, {}
                    entry.memo = {}
                    entry.generation = next(_generations)


class AtomicJSONStorage(Storage):
    """TinyDB storage: per-operation open, atomic durable replace, `.bak`, optional codec.

    The parsed document is cached, keyed on the file's (inode, size, mtime, ctime), and shared by
    every storage of the same file in the process: a file changed by anyone else (another
    process, a restore, a replacement) is read again, an unchanged one is not, even by a new
    `ClientFile`. The cached document is never mutated: `put` builds a new one that shares every
    unchanged record, so no copies are made and readers need no lock while they use it.

    Every record's JSON is kept beside it once written, so a write encodes only the records that
    changed (in a Python loop that lets other threads run; one C `json.dumps` of the whole file
    holds the GIL for its whole length). A failed write drops the cache.
    """

    def __init__(
        self, path: str | Path, *, codec: Codec | None = None, client_id: str | None = None
    ):
        self.path = Path(path)
        self.codec: Codec = codec or _PLAIN
        self.client_id = client_id
        self._entry = _entry_for(self.path, self.codec)

    @property
    def generation(self) -> int:
        """Changes whenever the cached document changes (read from disk or written by us)."""
        return self._entry.generation

    def _file_key(self) -> _FileKey | None:
        try:
            return _key_of(os.stat(self.path))
        except FileNotFoundError:
            return None

    def snapshot(self) -> tuple[int, dict[str, dict[str, Any]] | None]:
        """The current document, read-only, and its generation (callers must not mutate it).

        While this file is being written, the state before the write is given (the write is not
        done yet), so a reader never waits for a disk.
        """
        entry = self._entry
        with entry.lock:
            if entry.writing and entry.doc is not None:
                return entry.generation, entry.doc
            return self._snapshot()

    def _snapshot(self) -> tuple[int, dict[str, dict[str, Any]] | None]:
        entry = self._entry
        key = self._file_key()
        if key is None:
            self._forget()
            return entry.generation, None
        if key != entry.key or entry.doc is None:
            try:
                blob, st = read_with_stat(self.path, max_bytes=CLIENT_FILE_MAX)
                key = _key_of(st)
            except FileNotFoundError:
                self._forget()
                return entry.generation, None
            except StoreError as exc:  # not a file we may read: refused like a damaged one
                self._forget()
                raise _refused(self.path, self.client_id, str(exc)) from None
            self._forget()
            holder = [self.codec.decode(blob, path=self.path)]
            del blob
            doc = decode_document(holder, self.path, self.client_id)
            entry.doc, entry.key, entry.frags, entry.next_ids = doc, key, {}, {}
            entry.memo = {}
            entry.generation = next(_generations)
            if key[1] >= FREEZE_BYTES:
                _freeze()
        return entry.generation, entry.doc

    def _forget(self) -> None:
        entry = self._entry
        if entry.doc is not None or entry.key is not None:
            entry.generation = next(_generations)
        entry.doc, entry.key, entry.frags, entry.next_ids, entry.memo = None, None, {}, {}, {}

    @property
    def memo(self) -> dict[str, Any]:
        """The shared scratch space of this file's readers (see `_Entry.memo`)."""
        return self._entry.memo

    def derived(self, kind: str, key: Hashable, build: Callable[[dict[str, Any] | None], T]) -> T:
        """What readers derive from the document (validated records, an index, the latest
        answers), built once per generation of the file and shared by every reader of it: the
        one cache of derived views. The value is shared: callers copy before changing it."""
        generation, doc = self.snapshot()
        slot = self._entry.memo.setdefault(kind, {})
        hit = slot.get(key)
        if hit is not None and hit[0] == generation:
            return hit[1]  # type: ignore[no-any-return]
        value = build(doc)
        slot[key] = (generation, value)
        return value

    def keep_derived(self, kind: str, key: Hashable, value: Any) -> None:
        """Keep a view brought up to date by its owner for the current generation (an index
        updated in place after a write, instead of rebuilt), or drop it with `value=None`."""
        slot = self._entry.memo.setdefault(kind, {})
        if value is None:
            slot.pop(key, None)
        else:
            slot[key] = (self._entry.generation, value)

    def read(self) -> dict[str, dict[str, Any]] | None:
        _, doc = self.snapshot()
        return None if doc is None else _Tables(doc)

    def put(
        self,
        table: str,
        docs: dict[str, dict[str, Any]] | None = None,
        new: dict[str, Any] | None = None,
        also: dict[str, dict[str, dict[str, Any]]] | None = None,
        drop: Iterable[str] = (),
    ) -> str | None:
        """Replace the records `docs` (doc id -> whole record) of `table` and add `new` (under the
        next free id, as TinyDB numbers them, which is returned), writing the file once; `also`
        replaces records of other tables in that same write (the audit chain's head goes with
        every change this way).

        Records are replaced, never changed in place, so nothing cached needs copying. `drop`
        removes records of `table` in the same write (with `new`, a record moves to the end).
        """
        entry = self._entry
        with entry.write_lock:
            with entry.lock:
                _, current = self._snapshot()
                doc = dict(current or {})
                table_docs = dict(doc.get(table, {}))
                changed = set()
                for doc_id, record in (docs or {}).items():
                    table_docs[str(doc_id)] = dict(record)
                    changed.add(str(doc_id))
                new_id = None
                if new is not None:
                    next_id = entry.next_ids.get(table)
                    if next_id is None:  # numbered before any is dropped: ids are never reused
                        next_id = max((int(i) for i in table_docs if i.isdigit()), default=0) + 1
                    new_id = str(next_id)
                for doc_id in drop:
                    table_docs.pop(str(doc_id), None)
                    changed.add(str(doc_id))
                if new_id is not None:
                    table_docs[new_id] = dict(new or {})
                    changed.add(new_id)
                doc[table] = table_docs
                changes = {table: changed}
                for other, records in (also or {}).items():
                    other_docs = dict(doc.get(other, {}))
                    other_docs.update({str(i): dict(r) for i, r in records.items()})
                    doc[other] = other_docs
                    changes.setdefault(other, set()).update(str(i) for i in records)
            self._write(doc, changes)
            if new_id is not None:
                with entry.lock:
                    entry.next_ids[table] = int(new_id) + 1
            return new_id

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        self._write(data, None)

    def _write(self, data: dict[str, dict[str, Any]], changed: dict[str, set[str]] | None) -> None:
        """Write `data`; `changed` (from `put`) names the only records that differ from the
        cache, and the rest are then neither compared nor visited."""
        entry = self._entry
        with entry.lock:
            entry.writing = True
            old_doc, old_frags, next_ids = entry.doc or {}, entry.frags, dict(entry.next_ids)
        try:
            if changed is not None:
                plain, doc, frags = _encode_changes(data, old_doc, old_frags, changed)
            else:
                plain, doc, frags = _encode(data, old_doc, old_frags)
            atomic_write(self.path, self.codec.encode(plain, path=self.path), keep_backup=True)
            del plain
            key = self._file_key()
        except BaseException:
            with entry.lock:
                entry.writing = False
                self._forget()
            raise
        with entry.lock:
            entry.doc, entry.frags, entry.key, entry.next_ids = doc, frags, key, next_ids
            entry.generation = next(_generations)
            entry.writing = False

    def prepare_writes(self) -> None:
        """Encode each record of the cached document as its fragment now, so the first save
        encodes only what it changes (without this it encodes the whole history: 2 s for twenty
        years of weekly sessions). Meant for a worker thread right after a client is opened for
        editing; it gives the GIL up every YIELD_EVERY records, and its work is kept only if the
        file has not changed meanwhile (a save that comes first simply does the work itself)."""
        entry = self._entry
        with entry.lock:
            doc, frags, generation = entry.doc, entry.frags, entry.generation
        if doc is None:
            return
        ready = dict(frags)
        for name, table in doc.items():
            if len(ready.get(name, ())) == len(table):
                continue
            table_frags: dict[str, bytes] = {}
            for n, (doc_id, item) in enumerate(table.items(), 1):
                if not n % YIELD_EVERY:
                    time.sleep(0)
                table_frags[doc_id] = f"{_dumps(doc_id)}:{_dumps(item)}".encode()
            ready[name] = table_frags
        with entry.lock:
            if entry.generation == generation and entry.doc is doc and not entry.writing:
                entry.frags = ready

    def close(self) -> None:
        """Nothing is held open between operations."""


def _encode(
    data: dict[str, dict[str, Any]],
    old_doc: dict[str, dict[str, Any]],
    old_frags: dict[str, dict[str, bytes]],
) -> tuple[bytes, dict[str, dict[str, Any]], dict[str, dict[str, bytes]]]:
    """The file's bytes, and the new cached document and fragments (nothing cached changes).

    A fragment is one record's `"id":{...}` as UTF-8 bytes, so an unchanged record costs a
    lookup and its share of one `bytes.join` (a memory copy: no long C call holds the GIL). A
    record that is the cached object itself (`put` shares them) reuses its fragment without
    comparing; one TinyDB handed back (a copy) is compared first.
    """
    tables = (
        data.items()
        if not isinstance(data, _Tables)
        else ((name, dict.__getitem__(data, name)) for name in list(data))
    )
    doc: dict[str, dict[str, Any]] = {}
    frags: dict[str, dict[str, bytes]] = {}
    parts: list[bytes] = []
    for name, table in tables:
        old_table = old_doc.get(name, {})
        table_frags = old_frags.get(name, {})
        new_table: dict[str, Any] = {}
        new_frags: dict[str, bytes] = {}
        body: list[bytes] = []
        for n, (doc_id, item) in enumerate(table.items(), 1):
            if not n % YIELD_EVERY:
                time.sleep(0)  # hand the GIL over now, not at the end of a 5 ms switch interval
            doc_id = str(doc_id)
            prev = old_table.get(doc_id)
            frag = table_frags.get(doc_id) if prev is not None else None
            if frag is not None and (prev is item or prev == item):
                new_table[doc_id] = prev
            else:
                # ensure_ascii=False keeps the file UTF-8 and readable; bytes are encoded
                # explicitly so the locale (LANG=C) never matters.
                frag = f"{_dumps(doc_id)}:{_dumps(item)}".encode()
                new_table[doc_id] = item if prev is not None and prev is item else dict(item)
            new_frags[doc_id] = frag
            body.append(frag)
        doc[name], frags[name] = new_table, new_frags
        parts.append(b"".join((_dumps(name).encode("utf-8"), b":{", b",".join(body), b"}")))
    return b"".join((b"{", b",".join(parts), b"}")), doc, frags


def _encode_changes(
    data: dict[str, dict[str, Any]],
    old_doc: dict[str, dict[str, Any]],
    old_frags: dict[str, dict[str, bytes]],
    changed: dict[str, set[str]],
) -> tuple[bytes, dict[str, dict[str, Any]], dict[str, dict[str, bytes]]]:
    """`_encode` for a `put`: only the `changed` records are encoded; every other table's and
    record's fragment is reused by copying the fragment dicts (in C), with no Python loop over a
    22,000-record table. A table without fragments yet (the first write) goes through `_encode`."""
    frags: dict[str, dict[str, bytes]] = {}
    parts: list[bytes] = []
    for name, table in data.items():
        table_frags = old_frags.get(name)
        if (
            table_frags is None
            or old_doc.get(name) is None
            or (len(table_frags) != len(old_doc[name]))
        ):
            _, sub_doc, sub_frags = _encode({name: table}, old_doc, old_frags)
            table, table_frags = sub_doc[name], sub_frags[name]
            data = {**data, name: table}
        else:
            ids = changed.get(name, ())
            if ids:
                table_frags = dict(table_frags)
                for doc_id in ids:
                    if doc_id in table:
                        table_frags[doc_id] = f"{_dumps(doc_id)}:{_dumps(table[doc_id])}".encode()
                    else:  # dropped
                        table_frags.pop(doc_id, None)
        frags[name] = table_frags
        # bytes.join releases the GIL while it copies more than a megabyte
        parts.append(
            b"".join((_dumps(name).encode("utf-8"), b":{", b",".join(table_frags.values()), b"}"))
        )
    return b"".join((b"{", b",".join(parts), b"}")), data, frags


def _freeze() -> None:
    """Move everything alive (now: a big parsed document) out of the cyclic collector's reach.

    Parsed JSON has no reference cycles (refcounting frees it), but a full collection still walks
    every dict and list in it: ~1M objects for the biggest client, ~100 ms with the GIL held, at
    any allocation, e.g. in the middle of a save while the UI waits.
    """
    gc.freeze()


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _key_of(st: os.stat_result) -> _FileKey:
    return (st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)
