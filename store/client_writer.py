"""The one way a client's record changes: `ClientWriter`, a typed method per change.

Each change is validated again whatever built it (a `model_copy(update=...)` skips validators, so
every cleaning rule runs here), audited first (if the log cannot be written, nothing changes),
then appended to the journal with the audit entry's hash and applied to the summary in memory.
A write that fails is said in the log at once ("change not saved"); a kill between the audit
entry and the journal's fsync is found when the client is next opened (`reconcile`).

Only the services hold a writer; screens are handed readers.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from filelock import FileLock
from pydantic import BaseModel

from store.audit import AuditError
from store.audit_chain import Action
from store.audit_content import changed_fields, record_ref
from store.client_file import (
    FOLD_AFTER,
    FOLD_SMALL,
    ClientReader,
    Stamp,
    file_stamp,
)
from store.client_storage import ClientStorage
from store.errors import StoreError
from store.fold import folded_through, replay
from store.journal import Change
from store.locking import Locks
from store.profile import Client
from store.records import Answer, FollowUp, PlanEdit, PlanVersion, Referral, Session
from store.summary import Summary, save
from store.tables import (
    ANSWERS,
    AUDIT_HEAD,
    CLIENT,
    FOLLOW_UPS,
    PLAN_EDITS,
    PLANS,
    REFERRALS,
    SESSIONS,
    TABLES,
    Table,
)
from store.text import clean_line


class ClientWriter(ClientReader):
    """A client opened for editing: it holds the client's lock until closed."""

    def __init__(self, *args: Any, lock: FileLock, locks: Locks, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._lock: FileLock | None = lock
        self._locks = locks
        self._writes = threading.RLock()  # saves come from worker threads, one at a time
        self._restricted: bool | None = None
        self._seq = 0

    # -- state ------------------------------------------------------------------------------------

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
        if self._lock is not None and self.holder is None and self.client().restricted:
            return StoreError(
                f"client {self.client_id} is restricted (read-only)", client_id=self.client_id
            )
        return super().lock_error()

    def _keep_summary(self, summary: Summary, stamp: Stamp | None) -> None:
        if stamp is not None and self._lock is not None:
            try:
                save(self.paths.summary, self.codec, summary, list(stamp))
            except OSError:
                pass  # only a cache

    def _require_write(self) -> None:
        if self.read_only:
            raise self.lock_error()

    # -- the one write ----------------------------------------------------------------------------

    def _change(
        self,
        table: Table | str,
        record: BaseModel | None,
        action: Action | None,
        fields: Iterable[str] = (),
        ids: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        """Audit, journal and apply one change; the record as stored."""
        name = table.name if isinstance(table, Table) else table
        doc: dict[str, Any] = {}
        if record is not None:
            # validated again whatever built it: every cleaning rule runs on every write
            doc = type(record).model_validate(record.model_dump()).model_dump(mode="json")
        with self._writes:
            summary = self._view()
            if action is not None:
                table_of = TABLES.get(name) if record is not None else None
                ref = record_ref(self.audit_salt(), table_of, doc) if table_of else None
                self.audit.append(action, fields=fields, ids=ids, record=ref)
            head = self.audit.last_hash()
            seq = max(self._seq, summary.through, self._journal.last_seq() if not self._seq else 0)
            change = Change(seq + 1, name, doc, head)
            try:
                self._journal.append([change])
            except OSError as exc:
                self._not_saved()
                where = f" ({exc.filename})" if exc.filename else ""
                raise StoreError(
                    f"cannot save client {self.client_id}: {exc.strerror or exc}{where}; "
                    "nothing was changed",
                    client_id=self.client_id,
                ) from None
            self._seq = change.seq
            updated = summary.copy()
            updated.apply([change])
            with self._mutex:
                self._summary, self._stamps = updated, self._stamps_now()
                self._generation += 1
                self._document = None
        return doc

    def _not_saved(self) -> None:
        """The change just audited did not reach the journal: say so in the log at once (if it
        can still be written; otherwise the next open finds the gap)."""
        try:
            self.audit.append("change not saved", ids={"reason": "write failed"})
        except AuditError:
            pass

    # -- the changes ------------------------------------------------------------------------------

    def save_client(self, client: Client) -> Client:
        """The profile. A restricted record is read-only: only the restriction may be lifted."""
        if client.id != self.client_id:
            raise StoreError(f"client ID cannot change ({self.client_id} to {client.id})")
        if self._lock is None:
            raise self.lock_error()
        with self._writes:
            old = self.client()
            changed = changed_fields(old.model_dump(mode="json"), client.model_dump(mode="json"))
            if old.restricted and set(changed) - {"restricted"}:
                raise StoreError(
                    f"client {self.client_id} is restricted (read-only); lift the restriction "
                    "first (restricted=no)",
                    client_id=self.client_id,
                )
            self._change(CLIENT, client, "profile changed", changed)
            self._restricted = client.restricted
        return client

    def save_session(self, session: Session) -> None:
        self._require_write()
        self._change(SESSIONS, session, "session saved", ids={"session": session.id})

    def save_answer(self, answer: Answer) -> Answer:
        """An answer (cleaned); it replaces the session's answer to that step."""
        self._require_write()
        ids = {"session": answer.session_id, "exercise": answer.exercise_id}
        doc = self._change(ANSWERS, answer, "answer saved", [answer.step_id], ids)
        return Answer.model_validate(doc)

    def save_follow_up(self, follow_up: FollowUp) -> None:
        self._require_write()
        with self._writes:
            known = any(f.id == follow_up.id for f in self.follow_ups())
            action: Action = (
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
            self._change(FOLLOW_UPS, follow_up, action, fields, ids)

    def review_follow_up(self, follow_up: FollowUp) -> None:
        """A follow-up with a treatment manager's new review (audited as reviewed)."""
        self._require_write()
        ids = {
            "follow_up": follow_up.id,
            "by": follow_up.reviews[-1].by if follow_up.reviews else "",
        }
        self._change(FOLLOW_UPS, follow_up, "follow-up reviewed", [], ids)

    def add_plan_version(self, version: PlanVersion) -> None:
        """A new saved version. A saved version is never changed: a number already saved (or a
        countersigned one) is refused; a new version supersedes it."""
        self._require_write()
        with self._writes:
            taken = [
                v
                for v in self.plan_versions()
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
            self._change(PLANS, version, "plan saved", [version.kind], ids)

    def countersign_plan_version(self, kind: str, number: int, by: str) -> PlanVersion:
        """A treatment manager's countersignature on a saved version (once: it then stands).
        Refused to its author: the login its "plan saved" audit entry records (the saver's own
        process wrote it), or the name it was saved under."""
        with self._writes:
            found = self.countersignable(kind, number, by)
            signed = PlanVersion.model_validate(
                {
                    **found.model_dump(),
                    "countersigned_by": clean_line(by),
                    "countersigned_at": datetime.now(UTC),
                }
            )
            ids = {"plan": signed.id, "number": str(number), "by": clean_line(by)[:80]}
            self._change(PLANS, signed, "plan countersigned", [kind], ids)
            return signed

    def countersignable(self, kind: str, number: int, by: str) -> PlanVersion:
        """Saved version `number`, if `by` may countersign it now (the checks of
        `countersign_plan_version`, for asking first): a StoreError of one line if not."""
        self._require_write()
        found = [v for v in self.plan_versions(kind) if v.number == number]
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
        authors = {clean_line(found[0].saved_by).casefold(), *self._savers(found[0].id)}
        if clean_line(by).casefold() in authors - {""}:
            raise StoreError(
                f"version {number} of the {kind} plan cannot be countersigned by "
                f"{clean_line(by)}, who saved it: another treatment manager must",
                client_id=self.client_id,
            )
        return found[0]

    def _savers(self, plan_id: str) -> set[str]:
        """The logins the audit log names as having saved the plan version `plan_id`."""
        return {
            clean_line(str(e.get("user", ""))).casefold()
            for e in self.audit.entries()
            if e.get("action") == "plan saved"
            and isinstance(e.get("ids"), dict)
            and e["ids"].get("plan") == plan_id
        }

    def save_referral(self, referral: Referral) -> None:
        """A referral decision kept beside the advisory eligibility check."""
        self._require_write()
        self._change(
            REFERRALS, referral, "referral recorded", [], {"intervention": referral.intervention_id}
        )

    def save_plan_edit(self, edit: PlanEdit) -> None:
        """A rewording of one plan item agreed with the client (the answer stays as given)."""
        self._require_write()
        self._change(PLAN_EDITS, edit, "plan reworded", [edit.kind], {"step": edit.step_id})

    # -- the audit chain --------------------------------------------------------------------------

    def reconcile(self) -> None:
        """Compare the log with the record's own note of its head, and write down any gap:
        changes audited after the last one that reached the journal (a kill between the two),
        or a head the log does not hold (the log was cut at its end or rewritten)."""
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
        self._change(AUDIT_HEAD, None, None)  # the record now holds the log's head

    # -- folding and closing ----------------------------------------------------------------------

    def unfolded(self) -> int:
        """How many changes the journal holds that the file does not."""
        return max(0, self._view().through - self._folded_mark())

    def _folded_mark(self) -> int:
        summary = self._summary
        return summary.folded if summary is not None else 0

    def fold(self) -> None:
        """Fold the journal into the file (`store.fold`): for a worker thread, or on close."""
        if self._lock is None:
            return
        storage = ClientStorage(self.paths.file, codec=self.codec, client_id=self.client_id)
        doc = storage.read()
        if doc is None:
            self._require_file(None)
            return
        previous = folded_through(doc)
        changes = self._journal.read(after=previous)
        if not changes:
            return
        whole = replay(doc, changes)
        del doc
        storage.write(whole)
        stamp = file_stamp(self.paths.file)
        summary = Summary.build(whole, folded_through(whole))
        summary.folded = summary.through
        if stamp is not None:
            try:
                save(self.paths.summary, self.codec, summary, list(stamp))
            except OSError:
                pass  # only a cache
        with self._writes:  # no append may fall between the read and the rewrite
            self._journal.keep_after(previous)
            with self._mutex:
                current = self._summary
                if current is not None:
                    current.folded = summary.through
                self._stamps = None  # read again (cheap: the summary just written)
                self._document = None

    def close(self, *, fold: bool = True) -> None:
        """Fold what is worth folding (`FOLD_AFTER`, `FOLD_SMALL`), then give up the lock."""
        with self._writes:
            if self._lock is None:
                return
            try:
                unfolded = self.unfolded() if fold else 0
                small = (file_stamp(self.paths.file) or (0, 0, 0))[1] < FOLD_SMALL
                if unfolded >= FOLD_AFTER or (unfolded and small):
                    self.fold()
            except (StoreError, OSError):
                pass  # the journal keeps every change; the next close folds it
            finally:
                self._release()

    def _release(self) -> None:
        if self._lock is not None:
            self._locks.clear_holder(self.client_id)
            self._lock.release()
            self._lock = None
        self.holder = None

    def takeover_requested(self, wait_minutes: int) -> dict[str, str] | None:
        """A colleague's request to take this client over that this holder honours
        (`Locks.honoured`: its own wait passed, the request audited; a refusal audited once)."""
        if self._lock is None:
            return None
        return self._locks.honoured(self.client_id, wait_minutes, self.audit)

    def hand_over(self, to: str) -> None:
        """Give the lock up to a colleague who asked for it: audited, then this is only a
        reader (it never writes again), and the holder note names them."""
        with self._writes:
            if self._lock is None:
                return
            self.audit.append("lock handed over", ids={"to": clean_line(to)[:80]})
            self._release()
            self.holder = {"user": clean_line(to)[:80], "since": datetime.now(UTC).isoformat()}
