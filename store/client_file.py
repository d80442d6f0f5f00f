"""One client open: `ClientReader` reads it, `ClientWriter` changes it, one typed method a change.

What a read shows is the client's summary (`store.summary`) with the journal's later changes
applied: opening a client with twenty years of sessions reads a few hundred kilobytes, not its
32 MB file. Only what needs the whole history (another session's answers, a subject access
export, a transfer) reads the file (`document`), and the caller does that off the UI thread.

Every change is audited first (the entry's hash goes with the change), then appended to the
journal (`store.journal`) and applied to the summary held in memory: a save costs the change,
whatever the history. The writer folds the journal into the file (`store.fold`) on a worker and
when it is closed. Records come back validated and frozen, in tuples and mappings: nobody can
change what another reader holds.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from store.audit import AuditLog
from store.audit_chain import Action
from store.audit_content import salt_of
from store.client_storage import ClientStorage, Document
from store.codec import Codec
from store.errors import ClientLocked, CorruptFile, StoreError
from store.files import CLIENT_FILE_MAX, backup_path, stat_checked
from store.fold import folded_through, replay
from store.journal import SUFFIX as JOURNAL_SUFFIX
from store.journal import Journal
from store.latest import latest
from store.locking import Note, describe_holder
from store.profile import Client
from store.records import Answer, FollowUp, PlanEdit, PlanVersion, Referral, Session
from store.summary import SUFFIX as SUMMARY_SUFFIX
from store.summary import Summary, load, step_key
from store.tables import (
    ANSWERS,
    AUDIT_HEAD,
    CLIENT,
    FOLLOW_UPS,
    PLAN_EDITS,
    PLANS,
    REFERRALS,
    SESSIONS,
    Table,
)

R = TypeVar("R", bound=BaseModel)
Stamp = tuple[int, int, int]

#: a journal this long (changes not yet in the file) is folded in when the client is closed ...
FOLD_AFTER = 200
#: ... and a file this small is folded on every close (it costs nothing; the file stays current)
FOLD_SMALL = 1 << 20


@dataclass(frozen=True)
class ClientPaths:
    """Where one client's files are."""

    file: Path
    journal: Path
    summary: Path

    @classmethod
    def of(cls, clients_dir: Path, cid: str) -> ClientPaths:
        file = clients_dir / f"{cid}.json"
        return cls(
            file=file,
            journal=clients_dir / f"{cid}{JOURNAL_SUFFIX}",
            summary=clients_dir / f"{cid}{SUMMARY_SUFFIX}",
        )


def file_stamp(path: Path) -> Stamp | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_ino, st.st_size, st.st_mtime_ns)


class ClientReader:
    """A client's record, read (see the module). Safe to use from several threads."""

    def __init__(
        self,
        paths: ClientPaths,
        cid: str,
        *,
        codec: Codec | None,
        audit: AuditLog,
        holder: Note | None = None,
    ):
        self.paths = paths
        self.client_id = cid
        self.codec = codec
        self.audit = audit
        #: who holds the client, when a colleague does (then this is a read-only view)
        self.holder = holder
        self._storage = ClientStorage(paths.file, codec=codec, client_id=cid, access_mode="r")
        self._journal = Journal(paths.journal, codec, cid)
        self._mutex = threading.RLock()
        self._summary: Summary | None = None
        self._stamps: tuple[Stamp | None, Stamp | None] | None = None
        self._generation = 0
        self._models: dict[Any, Any] = {}
        self._answers: dict[int, tuple[dict[str, Any], Answer]] = {}
        self._document: tuple[tuple[Stamp | None, Stamp | None], Document] | None = None

    # -- the state read ---------------------------------------------------------------------------

    def _stamps_now(self) -> tuple[Stamp | None, Stamp | None]:
        """The file's and the journal's stamps, the file checked as every read checks it (no
        symlink, a regular file of ours, not open to others, not too big): a summary is never
        a way around a refusal."""
        try:
            st = stat_checked(self.paths.file, max_bytes=CLIENT_FILE_MAX)
        except FileNotFoundError:
            return None, self._journal.stamp()
        except StoreError as exc:
            raise StoreError(
                str(exc), client_id=self.client_id, path=str(self.paths.file)
            ) from None
        return (st.st_ino, st.st_size, st.st_mtime_ns), self._journal.stamp()

    def _view(self) -> Summary:
        """The summary as the files now stand (read again only when either file changed)."""
        stamps = self._stamps_now()
        summary = self._summary
        if summary is not None and stamps == self._stamps:
            return summary
        with self._mutex:
            if self._summary is not None and stamps == self._stamps:
                return self._summary
            self._require_file(stamps[0])
            kept = load(self.paths.summary, self.codec, _listed(stamps[0]))
            if kept is None:
                doc = self._read_file()
                kept = Summary.build(doc, folded_through(doc))
                self._keep_summary(kept, stamps[0])
            kept.apply(self._journal.read(after=kept.through))
            self._summary, self._stamps = kept, stamps
            self._generation += 1
            return kept

    def _keep_summary(self, summary: Summary, stamp: Stamp | None) -> None:
        """A reader does not write the cache (a writer does, under the client's lock)."""

    def _read_file(self) -> Document:
        doc = self._storage.read()
        if doc is None:
            self._require_file(None)
        return doc or {}

    def _require_file(self, stamp: Stamp | None) -> None:
        """A file removed while open is an error, never silently re-created (it may be erased)."""
        if stamp is None:
            raise StoreError(
                f"the file of client {self.client_id} was removed while it was open "
                f"({self.paths.file})",
                client_id=self.client_id,
                path=str(self.paths.file),
            )

    def version(self) -> int:
        """Changes whenever the client's record does (saved here, or by anyone else): a screen
        filled from a version need not be filled again while it is current."""
        self._view()
        return self._generation

    def document(self) -> Document:
        """The whole record (the file with the journal applied) as plain data: for what needs
        every answer. Reads the whole file: call it off the UI thread."""
        stamps = self._stamps_now()
        cached = self._document
        if cached is not None and cached[0] == stamps:
            return cached[1]
        with self._mutex:
            self._require_file(stamps[0])
            doc = self._read_file()
            doc = replay(doc, self._journal.read(after=folded_through(doc)))
            self._document = (stamps, doc)
            return doc

    # -- records ----------------------------------------------------------------------------------

    def _records(self, table: Table, model: type[R]) -> tuple[R, ...]:
        """The table's records, validated once per state of the record."""
        summary = self._view()
        key = (self._generation, table.name)
        found = self._models.get(key)
        if found is None:
            rows = summary.tables.get(table.name, {})
            found = tuple(self._validate(table.name, model, d) for d in rows.values())
            if len(self._models) > 64:
                self._models.clear()
            self._models[key] = found
        return found

    def _validate(self, table: str, model: type[R], doc: Any) -> R:
        try:
            return model.model_validate(doc)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            raise self._corrupt(
                f"a {table} record is not valid ({where}: {first['msg']})"
            ) from None

    def _corrupt(self, why: str) -> CorruptFile:
        path = self.paths.file
        bak = backup_path(path)
        return CorruptFile(
            f"{path}: {why}",
            client_id=self.client_id,
            path=str(path),
            backup=str(bak) if bak.exists() else None,
        )

    def _answer(self, doc: dict[str, Any]) -> Answer:
        """A raw answer validated, once per record (records are replaced, never changed)."""
        hit = self._answers.get(id(doc))
        if hit is not None and hit[0] is doc:
            return hit[1]
        answer = self._validate(ANSWERS.name, Answer, doc)
        if len(self._answers) > 4096:
            self._answers.clear()
        self._answers[id(doc)] = (doc, answer)
        return answer

    def client(self) -> Client:
        records = self._records(CLIENT, Client)
        if not records:
            raise self._corrupt("holds no client profile")
        if records[0].id != self.client_id:
            raise self._corrupt(
                f"holds the record of client {records[0].id}, not {self.client_id} "
                "(a file was moved or copied over it)"
            )
        return records[0]

    def sessions(self) -> tuple[Session, ...]:
        """By day, and on one day in the order they were made."""
        return tuple(sorted(self._records(SESSIONS, Session), key=lambda s: s.order))

    def session(self, session_id: str) -> Session | None:
        return next((s for s in self.sessions() if s.id == session_id), None)

    def follow_ups(self) -> tuple[FollowUp, ...]:
        return tuple(sorted(self._records(FOLLOW_UPS, FollowUp), key=lambda f: f.opened_at))

    def plan_versions(self, kind: str | None = None) -> tuple[PlanVersion, ...]:
        versions = self._records(PLANS, PlanVersion)
        if kind is not None:
            versions = tuple(v for v in versions if v.kind == kind)
        return tuple(sorted(versions, key=lambda v: (v.kind, v.number)))

    def plan_edits(self) -> tuple[PlanEdit, ...]:
        return self._records(PLAN_EDITS, PlanEdit)

    def referrals(self) -> tuple[Referral, ...]:
        return self._records(REFERRALS, Referral)

    def audit_salt(self) -> str:
        """The salt of the record digests the audit log keeps ("" in files from before it)."""
        return salt_of(self._view().tables)

    def audit_head(self) -> str | None:
        """The audit entry of the last change the record holds (None in files from before)."""
        record = self._view().tables.get(AUDIT_HEAD, {}).get("1")
        head = record.get("head") if isinstance(record, dict) else None
        return head if isinstance(head, str) else None

    # -- answers ----------------------------------------------------------------------------------

    def latest_answers(self) -> Mapping[tuple[str, str], Answer]:
        """The current answer to each step: the last saved (`store.latest`)."""
        summary = self._view()
        found = (self._answer(docs[0]) for docs in summary.history.values() if docs)
        return latest(found)

    def earlier_answers(self, exercise_id: str, session_id: str) -> Mapping[str, Answer]:
        """By step, the last saved answer of `exercise_id` given in another session than
        `session_id` (what "last time" shows)."""
        out: dict[str, Answer] = {}
        for docs in self._view().history.values():
            for d in docs:
                if d.get("exercise_id") == exercise_id and d.get("session_id") != session_id:
                    answer = self._answer(d)
                    out[answer.step_id] = answer
                    break
        return out

    def history(self, steps: Iterable[tuple[str, str]]) -> tuple[Answer, ...]:
        """The answers to `steps` from the last few sessions that gave them (the dashboard's
        trends: `store.summary.DEPTH` of each), by session, the latest last."""
        summary = self._view()
        rank = {s.id: n for n, s in enumerate(self.sessions())}
        out = [
            self._answer(d)
            for exercise_id, step_id in set(steps)
            for d in summary.history.get(step_key(exercise_id, step_id), ())
        ]
        return tuple(sorted(out, key=lambda a: (rank.get(a.session_id, -1), a.updated_at)))

    def holds_session(self, session_id: str) -> bool:
        """Whether `answers(session_id)` is read from the summary (no whole-file read)."""
        return self._view().has_session(session_id)

    def answers(
        self, session_id: str | None = None, exercise_id: str | None = None
    ) -> tuple[Answer, ...]:
        """Answers in save order, of one session and/or exercise, or all. A session in use comes
        from the summary; anything else reads the whole file (off the UI thread)."""
        summary = self._view()
        if session_id is not None and summary.has_session(session_id):
            docs: Iterable[Any] = summary.recent[session_id].values()
        else:
            docs = self.document().get(ANSWERS.name, {}).values()
        return tuple(
            self._answer(d)
            for d in docs
            if isinstance(d, dict)
            and (session_id is None or d.get("session_id") == session_id)
            and (exercise_id is None or d.get("exercise_id") == exercise_id)
        )

    # -- state ------------------------------------------------------------------------------------

    @property
    def read_only(self) -> bool:
        return True

    @property
    def locked_by_other(self) -> bool:
        return self.holder is not None

    def lock_error(self) -> StoreError:
        if self.holder is not None:
            return ClientLocked(
                describe_holder(self.client_id, self.holder) + "; opened read-only",
                client_id=self.client_id,
                holder=self.holder,
            )
        return StoreError(f"client {self.client_id} is open read-only", client_id=self.client_id)

    def record(
        self, action: Action, fields: Iterable[str] = (), ids: dict[str, str] | None = None
    ) -> None:
        """Append an audit entry for this client (viewed, compiled, exported, printed ...)."""
        self.audit.append(action, fields=fields, ids=ids)

    def close(self, *, fold: bool = True) -> None:
        """Nothing to give up for a reader."""

    def __enter__(self) -> ClientReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _listed(stamp: Stamp | None) -> list[int] | None:
    return list(stamp) if stamp is not None else None
