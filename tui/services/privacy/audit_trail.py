"""A client's audit trail: read it and check its chain, without the passphrase.

Audit entries hold field names and ids, never values, so an admin can verify a log on an
encrypted data dir without unlocking it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from store.audit import AuditLog
from store.audit_chain import Problem
from store.clients import Repository
from store.ids import validate_client_id
from tui.services.context import Context
from tui.services.errors import UserError


@dataclass(frozen=True)
class Verdict:
    problems: list[Problem]
    entries: int
    head: str


def _repo(ctx: Context) -> Repository:
    """Plain reading only: the log holds no values, so no passphrase is asked for it."""
    if not ctx.data_dir.is_dir():
        raise UserError(f"no data dir at {ctx.data_dir}")
    repo = Repository(ctx.data_dir, allow_group=ctx.config.shared_group)
    repo.check()  # as every other command: a dir not ours (or our group's) is refused
    return repo


def _log(ctx: Context, client_id: str) -> AuditLog:
    cid = validate_client_id(client_id)
    log = _repo(ctx).audit_log(cid)
    if not log.exists():
        raise UserError(f"no audit log for client {cid} in {ctx.data_dir}")
    return log


def verify(ctx: Context, client_id: str) -> Verdict:
    """The chain's breaks; and where the client's file can be read (plain, or unlocked) a log
    cut at its end or rewritten, and every record whose content is not what its audited change
    wrote (`Repository.verify_audit`, the one check)."""
    log = _log(ctx, client_id)
    problems = _repo(ctx).verify_audit(client_id)
    return Verdict(problems=problems, entries=len(log.read_lines()), head=log.head())


def entries(ctx: Context, client_id: str) -> tuple[list[dict[str, Any]], str]:
    """The entries, oldest first, and the chain's head."""
    log = _log(ctx, client_id)
    return log.entries(), log.head()
