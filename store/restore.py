"""Restoring a damaged client file: the `.bak` (the file before its last fold) in its place, and
the journal, which keeps every change since, applied to it. Audited first, as every change."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from store.client_storage import ClientStorage, encode_document
from store.codec import PLAIN
from store.errors import CorruptFile, StoreError
from store.files import atomic_write, backup_path
from store.fold import folded_through, recorded_head_of, replay
from store.journal import Journal
from store.tables import AUDIT_HEAD

if TYPE_CHECKING:
    from store.clients import Repository


def restore_backup(repo: Repository, cid: str) -> Path:
    """The damaged bytes are kept aside, never lost (the path returned); a journal damaged past
    a line is cut there and its bytes kept aside too."""
    paths = repo.paths(cid)
    bak = backup_path(paths.file)
    with repo.locks.held(cid):
        if not bak.exists():
            raise StoreError(f"no backup for client {cid}", client_id=cid)
        old = ClientStorage(bak, codec=repo.codec, client_id=cid).read()  # must itself parse
        journal = Journal(paths.journal, repo.codec, cid)
        try:
            changes = journal.read(after=folded_through(old))
            damaged_journal = False
        except CorruptFile:
            changes, damaged_journal = [], True
        log = repo.audit_log(cid)
        # it names the last change the record now holds (`store.audit_content` checks from it)
        kept_head = changes[-1].head if changes else recorded_head_of(old or {})
        log.append("restored from backup", ids={"head": kept_head} if kept_head else None)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        kept = paths.file.with_name(f"{cid}.json.corrupt-{stamp}")
        if paths.file.exists():
            os.replace(paths.file, kept)
        if damaged_journal:
            os.replace(paths.journal, paths.file.with_name(f"{cid}.json.journal.corrupt-{stamp}"))
        whole = replay(old or {}, changes)
        whole[AUDIT_HEAD] = {"1": {"head": log.last_hash()}}
        codec = repo.codec or PLAIN
        atomic_write(paths.file, codec.encode(encode_document(whole), path=paths.file))
        paths.summary.unlink(missing_ok=True)  # built again from the restored file
        return kept
