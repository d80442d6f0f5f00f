"""Clients: list them, add one, open one. The one way the App and the command line reach a client.

`summary` is what the client register keeps of each client (`tui.services.clients.rows` reads it,
so the app's list and `client list` show the same rows and refuse the same files). `open_client`
returns an `OpenClient`: reads for screens and commands, and the handle every change in
`tui.services.clients.sessions`, `tui.services.plans.service` and the others goes through.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from store.audit_chain import Action
from store.client_file import ClientReader, file_stamp
from store.client_writer import ClientWriter
from store.errors import StoreError
from store.ids import (
    validate_client_id as validate_client_id,  # re-exported for commands and screens
)
from store.locking import describe_holder, holder_words
from store.positions import Positions
from store.profile import Client
from store.records import Answer, FollowUp, PlanEdit, PlanVersion, Referral, Session
from store.text import clean_line
from tui.services import writers
from tui.services.clients.rar import rar_summary
from tui.services.context import Context
from tui.services.repository import repository


def summary(cf: ClientReader) -> dict[str, Any]:
    """What the client list (and the Due list) shows of one client, from its open file."""
    client = cf.client()
    sessions = cf.sessions()
    open_ = [f for f in cf.follow_ups() if f.is_open]
    latest: dict[str, PlanVersion] = {}
    for v in cf.plan_versions():
        if v.kind not in latest or v.number > latest[v.kind].number:
            latest[v.kind] = v
    return {
        # the app's own words (exercise and step titles, why), never what a client said
        "open_follow_ups": [
            [f.opened_at.date().isoformat(), clean_line(f.reason)[:120]] for f in open_
        ],
        "reviews": {k: v.review_on.isoformat() for k, v in latest.items() if v.review_on},
        "name": client.name,
        "stage": client.programme_stage.value.replace("_", "-") if client.programme_stage else "",
        "sessions": len(sessions),
        "last_session": sessions[-1].date.isoformat() if sessions else "",
        "follow_ups": sum(1 for f in cf.follow_ups() if f.is_open),
        "rar": rar_summary(client, sessions).as_json(),
    }


def add_client(ctx: Context, client_id: str, name: str, **facts: Any) -> Client:
    """Add a client (validated: an ID of letters and digits, a name); audited as created."""
    cid = validate_client_id(client_id)
    return repository(ctx).add_client(Client.model_validate({"id": cid, "name": name, **facts}))


class OpenClient:
    """A client opened for editing (or read-only, when a colleague holds it): a read-only view.

    Screens and commands read through it; they change it only through the service functions,
    which hold the rules (validation, follow-ups, audit before export) and ask for the writer
    behind it (`tui.services.writers`).
    """

    def __init__(self, ctx: Context, record: ClientReader):
        self.ctx = ctx
        self.__record = record
        self.positions = Positions(
            repository(ctx).clients_dir, record.client_id, repository(ctx).codec
        )
        if isinstance(record, ClientWriter):
            writers.keep(self, record)

    # -- state --

    @property
    def client_id(self) -> str:
        return self.__record.client_id

    @property
    def read_only(self) -> bool:
        return self.__record.read_only

    @property
    def holder(self) -> str:
        """ "sam on host since 03 Dec 10:02" when a colleague holds the client ("" otherwise)."""
        holder = self.__record.holder
        return holder_words(holder) if holder is not None else ""

    @property
    def held_by(self) -> str:
        """Who holds the client, when a colleague does ("" otherwise)."""
        holder = self.__record.holder
        return describe_holder(self.client_id, holder) if holder is not None else ""

    def why_read_only(self) -> str:
        """One line saying why nothing can be changed (a colleague holds it, or it is restricted)."""
        return str(self.__record.lock_error())

    def lock_error(self) -> StoreError:
        return self.__record.lock_error()

    def require_writable(self) -> None:
        """Raise the one-line reason when this client cannot be changed here."""
        if self.read_only:
            raise self.__record.lock_error()

    def file_stamp(self) -> tuple[object, object]:
        """The client's file and journal as they stand (two stats, no read): a view watching a
        colleague's saves compares it."""
        paths = repository(self.ctx).paths(self.client_id)
        return file_stamp(paths.file), file_stamp(paths.journal)

    def version(self) -> int:
        """Changes whenever the client's record does: a view filled from a version is current."""
        return self.__record.version()

    def record(
        self, action: Action, fields: Iterable[str] = (), ids: dict[str, str] | None = None
    ) -> None:
        """An audit entry that changes nothing (viewed, compiled, exported, printed ...)."""
        self.__record.record(action, fields, ids)

    def document(self) -> Mapping[str, Mapping[str, Any]]:
        """The whole record as plain data (the subject access export): reads the whole file."""
        return self.__record.document()

    def close(self, *, fold: bool = True) -> None:
        """Give the client up (its lock, when held), folding its journal in unless `fold` is
        false (a hang-up: exit at once; the next open reads the journal)."""
        self.__record.close(fold=fold)

    def __enter__(self) -> OpenClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- reading --

    def client(self) -> Client:
        """The client's profile."""
        return self.__record.client()

    def sessions(self) -> tuple[Session, ...]:
        return self.__record.sessions()

    def session(self, session_id: str) -> Session | None:
        return self.__record.session(session_id)

    def answers(
        self, session_id: str | None = None, exercise_id: str | None = None
    ) -> tuple[Answer, ...]:
        """Answers in save order. A session in use is read from the summary; any other (and
        all of them) from the whole file: off the UI thread."""
        return self.__record.answers(session_id, exercise_id)

    def holds_session(self, session_id: str) -> bool:
        """Whether a session's answers are read at once (a session in use), or need the whole
        file (an old one: read them off the UI thread)."""
        return self.__record.holds_session(session_id)

    def earlier_answers(self, exercise_id: str, session_id: str) -> Mapping[str, Answer]:
        """By step, the last answer of `exercise_id` given in another session ("last time")."""
        return self.__record.earlier_answers(exercise_id, session_id)

    def history(self, steps: Iterable[tuple[str, str]]) -> tuple[Answer, ...]:
        """The answers to `steps` from the last few sessions that gave them (trends)."""
        return self.__record.history(steps)

    def latest_answers(self) -> Mapping[tuple[str, str], Answer]:
        """The current answer to each step (the rule of `store.latest`)."""
        return self.__record.latest_answers()

    def follow_ups(self, *, open_only: bool = False) -> tuple[FollowUp, ...]:
        found = self.__record.follow_ups()
        return tuple(f for f in found if f.is_open) if open_only else found

    def plan_versions(self, kind: str | None = None) -> tuple[PlanVersion, ...]:
        return self.__record.plan_versions(kind)

    def referrals(self) -> tuple[Referral, ...]:
        return self.__record.referrals()

    def plan_edits(self) -> tuple[PlanEdit, ...]:
        """Rewordings agreed with the client (the answers they reword stay as given)."""
        return self.__record.plan_edits()

    def takeover_requested(self) -> str:
        """Who asked to take this client over ("" when nobody has)."""
        record = self.__record
        wait = self.ctx.config.lock_takeover_minutes
        request = record.takeover_requested(wait) if isinstance(record, ClientWriter) else None
        return request.get("user", "a colleague") if request is not None else ""

    def hand_over(self, to: str) -> None:
        """Give editing up to `to` (audited): from now on this client is only read here."""
        record = self.__record
        if isinstance(record, ClientWriter):
            record.hand_over(to)

    def place(self, session_id: str, exercise_id: str) -> str:
        """The step an exercise was left on after a hang-up ("" when it was left normally)."""
        return self.positions.get(session_id, exercise_id)


def takeover_offer(ctx: Context, oc: OpenClient) -> str:
    """When a colleague has held this client long enough to be taken over, the question to ask
    ("... since 10:02 (52 minutes). Ask their app to hand it over?"); "" otherwise."""
    minutes = ctx.config.lock_takeover_minutes
    since = repository(ctx).locks.held_since(oc.client_id) if oc.held_by else None
    if not minutes or since is None:
        return ""
    held = int((datetime.now(UTC) - since).total_seconds() // 60)
    if held < minutes:
        return ""
    return (
        f"{oc.held_by} ({held} minutes). Ask their app to hand it over to you? "
        "They are told, and can no longer save it."
    )


def request_takeover(ctx: Context, client_id: str) -> None:
    """Ask the colleague's app to hand the client over (audited; see `Repository`)."""
    repository(ctx).request_takeover(client_id, after_minutes=ctx.config.lock_takeover_minutes)


def take_over(ctx: Context, client_id: str, *, wait_seconds: float) -> str:
    """The admin's way to a client a practitioner holds (before `delete` or `transfer out`): ask
    the holder's app to hand it over, as a colleague would (`request_takeover`: audited, once it
    has been held `lock_takeover_minutes`), and wait up to `wait_seconds` for it to save and let
    go. Who held it ("" when nobody did); StoreError when it may not be taken over yet, or its
    app did not let go in time."""
    cid = validate_client_id(client_id)
    repo = repository(ctx)
    if not repo.exists(cid):
        raise StoreError(f"no client {cid} in {repo.data_dir}", client_id=cid)
    if repo.locks.free(cid):
        return ""
    holder = repo.locks.holder(cid) or {"user": "unknown"}
    request_takeover(ctx, cid)
    if not repo.locks.free(cid, wait_seconds):
        raise StoreError(
            f"{describe_holder(cid, holder)}: asked to hand it over (in its audit trail), but its "
            f"app has not let go after {wait_seconds:g} seconds; ask again later",
            client_id=cid,
        )
    return holder_words(holder)


def restore_backup(ctx: Context, client_id: str) -> Path:
    """Put a damaged client file's backup in its place (the journal brings back every change
    since); the path the damaged bytes are kept at."""
    return repository(ctx).restore_backup(client_id)


def open_client(ctx: Context, client_id: str, *, edit: bool = True) -> OpenClient:
    """Open a client (audited as viewed), for editing when nobody else holds it."""
    return OpenClient(ctx, repository(ctx).open(client_id, edit=edit))


def read_client(ctx: Context, client_id: str) -> OpenClient:
    """Open a client read-only (commands that print or export: audited as viewed)."""
    cid = validate_client_id(client_id)
    if not repository(ctx).exists(cid):
        raise StoreError(f"no client {cid} in {repository(ctx).data_dir}", client_id=cid)
    return open_client(ctx, cid, edit=False)
