"""A client's journal: every change since the file was last folded, one line each, appended.

A save appends one line (the whole changed record, its table and the audit entry that announced
it) and fsyncs: its cost is the change's, whatever the client's history. The client file
(`store.client_storage`) stays the TinyDB record; the journal is folded into it on a worker and
when the client is closed (`store.fold`). Every read of a client is the file plus the journal's
later lines, so nothing saved waits for a fold.

A line is ``SEQ<TAB>PAYLOAD``: SEQ numbers the client's changes (the file records the last one
folded in, so a line already folded is skipped without being parsed); PAYLOAD is the change as
JSON, or ``~`` and the change encrypted (base64) in an encrypted data dir, each line sealed with
the client's ID like a client file. A kill during an append leaves at most one torn last line,
which is ignored (its change was audited and is reported as "change not saved" when the client is
next opened); a damaged line before the last is a damaged file.

After a fold the journal keeps the lines the previous fold took in as well, so the ``.bak`` (the
file before that fold) plus the journal still hold every change: a restored backup loses nothing.
"""

from __future__ import annotations

import base64
import errno
import json
import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from store.codec import PLAIN, Codec
from store.errors import CorruptFile, StoreError
from store.files import CLIENT_FILE_MAX, atomic_write, check_regular, read_checked
from store.layout import JOURNAL_SUFFIX
from store.permissions import file_mode

SUFFIX = JOURNAL_SUFFIX
_SEALED = b"~"


@dataclass(frozen=True)
class Change:
    """One saved record: the table it went to, the whole record as JSON data, and the hash of
    the audit entry written for it just before."""

    seq: int
    table: str
    doc: dict[str, Any]
    head: str


class Journal:
    """The journal beside one client file."""

    def __init__(self, path: Path, codec: Codec | None = None, client_id: str | None = None):
        self.path = Path(path)
        self.codec: Codec = codec or PLAIN
        self.client_id = client_id

    # -- reading ----------------------------------------------------------------------------------

    def read(self, after: int = 0) -> list[Change]:
        """The changes numbered above `after`, in order. No journal: none."""
        try:
            data = read_checked(self.path, max_bytes=CLIENT_FILE_MAX)
        except FileNotFoundError:
            return []
        return self.parse(data, after)

    def parse(self, data: bytes, after: int = 0) -> list[Change]:
        lines = data.split(b"\n")
        torn = lines.pop()  # what follows the last newline: b"" unless an append was cut
        out: list[Change] = []
        for n, line in enumerate(lines, 1):
            seq_text, tab, payload = line.partition(b"\t")
            seq = int(seq_text) if tab and seq_text.isdigit() else None
            if seq is None:
                raise self._damaged(n, "has no change number")
            if seq <= after:
                continue
            change = self._change(seq, payload)
            if change is None:
                if n == len(lines) and not torn:
                    break  # the last line, its ending written but not all of it: torn
                raise self._damaged(n, "does not hold a change the app wrote")
            if out and seq <= out[-1].seq:
                raise self._damaged(n, "is out of order")
            out.append(change)
        return out

    def last_seq(self) -> int:
        """The number of the last change written (0: none), read from the lines' numbers."""
        try:
            data = read_checked(self.path, max_bytes=CLIENT_FILE_MAX)
        except FileNotFoundError:
            return 0
        last = 0
        for line in data.split(b"\n")[:-1]:
            seq_text = line.partition(b"\t")[0]
            if seq_text.isdigit():
                last = max(last, int(seq_text))
        return last

    def _change(self, seq: int, payload: bytes) -> Change | None:
        try:
            if payload.startswith(_SEALED):
                payload = self.codec.decode(base64.b64decode(payload[1:]), path=self.path)
            elif self.codec is not PLAIN:
                return None  # plain text in an encrypted data dir is not ours
            data = json.loads(payload)
        except (ValueError, StoreError):
            return None
        if not isinstance(data, dict):
            return None
        table, doc, head = data.get("t"), data.get("d"), data.get("h")
        if not isinstance(table, str) or not isinstance(doc, dict) or not isinstance(head, str):
            return None
        return Change(seq, table, doc, head)

    def _damaged(self, line: int, why: str) -> CorruptFile:
        return CorruptFile(
            f"{self.path} line {line} {why}; the client's record cannot be read past it",
            client_id=self.client_id,
            path=str(self.path),
            backup=None,
        )

    # -- writing ----------------------------------------------------------------------------------

    def encode(self, change: Change) -> bytes:
        plain = json.dumps(
            {"t": change.table, "d": change.doc, "h": change.head},
            ensure_ascii=False,
            separators=(",", ":"),
        ).encode("utf-8")
        if self.codec is not PLAIN:
            plain = _SEALED + base64.b64encode(self.codec.encode(plain, path=self.path))
        return b"%d\t%s\n" % (change.seq, plain)

    def append(self, changes: Iterable[Change]) -> None:
        """Append `changes` in one write and fsync. A torn last line left by a killed append is
        cut off first, so it can never run into this one."""
        data = b"".join(self.encode(c) for c in changes)
        flags = os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC
        try:
            fd = os.open(self.path, flags, file_mode())
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                raise StoreError(f"{self.path} is a symbolic link; refusing to follow it") from None
            raise
        created = False
        try:
            st = os.fstat(fd)
            check_regular(self.path, st)
            created = st.st_size == 0
            if st.st_size:
                os.lseek(fd, st.st_size - 1, os.SEEK_SET)
                if os.read(fd, 1) != b"\n":
                    self._cut_torn_tail(fd, st.st_size)
            if os.write(fd, data) != len(data):
                raise OSError(errno.ENOSPC, "short write (disk full?)")
            os.fsync(fd)
        finally:
            os.close(fd)
        if created:
            from store.files import fsync_dir

            fsync_dir(self.path.parent)

    @staticmethod
    def _cut_torn_tail(fd: int, size: int) -> None:
        start = max(0, size - (1 << 20))
        os.lseek(fd, start, os.SEEK_SET)
        tail = os.read(fd, size - start)
        keep = start + tail.rfind(b"\n") + 1 if b"\n" in tail else start
        os.ftruncate(fd, keep)

    def keep_after(self, seq: int) -> None:
        """Rewrite the journal (atomically) with only the lines numbered above `seq`."""
        try:
            data = read_checked(self.path, max_bytes=CLIENT_FILE_MAX)
        except FileNotFoundError:
            return
        kept = [
            line + b"\n"
            for line in data.split(b"\n")[:-1]
            if (head := line.partition(b"\t")[0]).isdigit() and int(head) > seq
        ]
        atomic_write(self.path, b"".join(kept))

    def stamp(self) -> tuple[int, int, int] | None:
        """(inode, size, mtime) of the journal, or None when there is none: a reader watching
        for a colleague's saves compares it with the file's."""
        try:
            st = os.lstat(self.path)
        except OSError:
            return None
        if not stat.S_ISREG(st.st_mode):
            return None
        return (st.st_ino, st.st_size, st.st_mtime_ns)
