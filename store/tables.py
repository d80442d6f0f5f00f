"""The tables of a client file, each declared once: its name, its record type and the fields
that identify a record in it (a save replaces the record with the same key, or adds one).

A changed answer moves to the end of its table, so the table stays in save order: the last
saved answer to a step is its current one (`store.latest`), whatever any clock says."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from pydantic import BaseModel

from store.profile import Client
from store.records import Answer, FollowUp, PlanEdit, PlanVersion, Referral, Session


@dataclass(frozen=True)
class Table:
    name: str
    model: type[BaseModel]
    keys: tuple[str, ...]
    #: a changed record moves to the end (answers: the table is kept in save order)
    moves: bool = False

    def key_of(self, doc: dict[str, object]) -> tuple[object, ...]:
        return tuple(doc.get(k) for k in self.keys)


CLIENT: Final = Table("client", Client, ("id",))
SESSIONS: Final = Table("sessions", Session, ("id",))
ANSWERS: Final = Table("answers", Answer, ("session_id", "exercise_id", "step_id"), moves=True)
FOLLOW_UPS: Final = Table("follow_ups", FollowUp, ("id",))
PLANS: Final = Table("plans", PlanVersion, ("id",))
PLAN_EDITS: Final = Table("plan_edits", PlanEdit, ("kind", "exercise_id", "step_id", "index"))
REFERRALS: Final = Table("referrals", Referral, ("id",))

#: every table of records, by name
TABLES: Final = {
    t.name: t for t in (CLIENT, SESSIONS, ANSWERS, FOLLOW_UPS, PLANS, PLAN_EDITS, REFERRALS)
}

#: bookkeeping kept in the file beside the records, one record each (doc id "1"):
#: the hash of the audit entry of the last change the file holds (`{"head": ...}`) ...
AUDIT_HEAD: Final = "audit_head"
#: ... the salt of the digests the audit log keeps of each record written (`{"salt": hex}`;
#: see `store.audit_content`) ...
AUDIT_SALT: Final = "audit_salt"
#: ... and the last journal entry folded into the file (`{"through": seq}`; see `store.journal`)
FOLDED: Final = "folded"
