"""Erasure and retention: a client deleted everywhere, and who is past the retention period.

Deleting a client removes every file of theirs under the data dir: the record, its backup and
corrupt copies, the place an exercise was left, their exports in `exports/`, and their line in
the client register; the audit log is reduced to a tombstone that holds no content.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from store.client_file import ClientReader
from store.errors import StoreError
from store.ids import validate_client_id
from tui.services.context import Context
from tui.services.repository import repository


def years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def last_activity(cf: ClientReader) -> date:
    """The latest of creation, the last session and the order's end."""
    client = cf.client()
    days = [client.created_at.date(), *(s.date for s in cf.sessions())]
    if client.order_end is not None:
        days.append(client.order_end)
    return max(days)


def client_files(ctx: Context, client_id: str) -> list[Path]:
    """Every file of a client in the clients dir (record, backup, journal, kept copies)."""
    return repository(ctx).client_files(validate_client_id(client_id))


def delete_client(
    ctx: Context,
    client_id: str,
    *,
    tombstone: tuple[str, dict[str, str]] = ("deleted", {}),
) -> list[Path]:
    """Erase a client everywhere under the data dir; the paths removed. The audit log keeps one
    tombstone entry (`tombstone`: deleted, or transferred out with when and to where). Safe to
    stop at any point (a kill -9 included) and to run again: see `Repository.delete_client`."""
    from tui.services.plans.service import exports_of

    cid = validate_client_id(client_id)
    return repository(ctx).delete_client(cid, tombstone=tombstone, also=exports_of(ctx, cid))


def past_retention(
    ctx: Context, today: date
) -> tuple[date, list[dict[str, Any]], list[StoreError]]:
    """(cutoff, clients with no activity since it, files that could not be read)."""
    years = ctx.config.retention_years
    cutoff = years_before(today, years)
    repo = repository(ctx)
    rows, problems = [], []
    for cid in repo.client_ids():
        try:
            with repo.open(cid, edit=False, audit_action="retention checked") as cf:
                last = last_activity(cf)
                restricted = cf.client().restricted
        except StoreError as exc:
            problems.append(exc)
            continue
        if last < cutoff:
            rows.append({"id": cid, "last_activity": last.isoformat(), "restricted": restricted})
    return cutoff, rows, problems
