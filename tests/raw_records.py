"""Records written as a hand-edited file might hold them: past every validator and cleaner, for
tests that show the app reads hostile data safely. They go into the client's journal as a change
the app did not make (the store reads the journal like the file)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from store.audit import AuditLog
from store.client_file import ClientPaths
from store.client_storage import ClientStorage
from store.fold import folded_through
from store.journal import Change, Journal


def put_raw(data_dir: Path, cid: str, table: str, doc: dict[str, Any]) -> None:
    """Add or replace (by the table's key) `doc` in `table` of plain client `cid`, unchecked."""
    paths = ClientPaths.of(Path(data_dir) / "clients", cid)
    journal = Journal(paths.journal, None, cid)
    through = folded_through(ClientStorage(paths.file, client_id=cid).read())
    seq = max(journal.last_seq(), through) + 1
    head = AuditLog(Path(data_dir) / "audit", cid).head()
    journal.append([Change(seq, table, doc, head)])
