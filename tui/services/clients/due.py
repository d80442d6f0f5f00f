"""What needs attention today across the caseload: the Due screen and `wellbeing due`.

Read from the client list's register (`tui.services.clients.rows.list_clients`), never by opening every
client: each register entry is keyed on its file's (inode, size, mtime, ctime), so a file changed
underneath, by anyone, is summarised again on the next read and an unchanged one is not. What
counts as due is config (`due_*`, with defaults).

Each entry says why it is there:
- an open follow-up, oldest first, with its age;
- a plan review due (within `due_review_days`) or overdue;
- RAR at risk: days left against days to the order's end, with the sessions a week it now takes;
- no session for `due_not_seen_weeks` weeks;
- a client file that cannot be read.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from exercises.plan_templates import plan_names
from tui.services.clients.rows import ClientRow, list_clients
from tui.services.context import Context
from tui.services.dates import parse_day_or_none
from tui.services.plans.compiler import day
from tui.services.safe_text import one_line

#: the order entries are listed in (then oldest first within each)
REASONS = ("follow-up", "review", "rar", "not-seen", "problem")
REASON_WORDS = {
    "follow-up": "Follow-up open",
    "review": "Plan review",
    "rar": "RAR at risk",
    "not-seen": "Not seen",
    "problem": "File problem",
}


@dataclass(frozen=True)
class DueItem:
    client_id: str
    name: str
    reason: str
    #: what it is, in words ("open 23 days: Keep Safe review: Emotional Collapse")
    detail: str
    #: how many days it has waited (or is overdue); negative: due in that many days
    days: int

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def _follow_ups(row: ClientRow, today: date) -> list[DueItem]:
    out = []
    for opened, reason in row.open_follow_ups:
        when = parse_day_or_none(opened)
        age = (today - when).days if when else 0
        out.append(
            DueItem(
                row.client_id,
                row.name,
                "follow-up",
                f"open {age} day{'s' if age != 1 else ''}: {one_line(reason, 120)}",
                age,
            )
        )
    return out


def _reviews(row: ClientRow, today: date, window: int, words: Mapping[str, str]) -> list[DueItem]:
    out = []
    for kind, on in sorted(row.reviews.items()):
        when = parse_day_or_none(on)
        if when is None:
            continue
        late = (today - when).days
        if late < -window:
            continue
        plan = words.get(kind, kind)
        detail = (
            f"{plan} review overdue since {day(when)}"
            if late > 0
            else f"{plan} review due {day(when)}"
            + (" (today)" if late == 0 else f" (in {-late} days)")
        )
        out.append(DueItem(row.client_id, row.name, "review", detail, late))
    return out


def _rar(row: ClientRow, today: date, most_a_week: float) -> list[DueItem]:
    rar = row.rar or {}
    left, end = rar.get("rar_remaining"), parse_day_or_none(str(rar.get("order_end") or ""))
    if not isinstance(left, int) or left <= 0 or end is None:
        return []
    days_to_end = (end - today).days
    if days_to_end <= 0:
        detail = f"{left} RAR days left, and the order ended {day(end)}"
        return [DueItem(row.client_id, row.name, "rar", detail, -days_to_end)]
    weeks = max(days_to_end / 7, 1 / 7)
    a_week = left / weeks
    if a_week <= most_a_week:
        return []
    detail = (
        f"{left} RAR days left, {days_to_end} days to the order's end ({day(end)}): "
        f"{math.ceil(a_week * 10) / 10:g} sessions a week would still fit them"
    )
    return [DueItem(row.client_id, row.name, "rar", detail, -days_to_end)]


def _not_seen(row: ClientRow, today: date, weeks: int) -> list[DueItem]:
    last = parse_day_or_none(row.last_session) if row.last_session else None
    if last is None:
        if row.sessions:
            return []
        return [DueItem(row.client_id, row.name, "not-seen", "no session yet", 0)]
    gap = (today - last).days
    if gap < weeks * 7:
        return []
    detail = f"last session {day(last)}, {gap // 7} weeks ago"
    return [DueItem(row.client_id, row.name, "not-seen", detail, gap)]


def due_items(
    rows: list[ClientRow], today: date, config: Any, words: Mapping[str, str] | None = None
) -> list[DueItem]:
    """Everything due for `rows` on `today`, by reason, the longest waiting first. `words`
    name the plans (default: what the shipped plan templates call them)."""
    words = plan_names() if words is None else words
    items: list[DueItem] = []
    for row in rows:
        if row.problem:
            items.append(DueItem(row.client_id, "", "problem", one_line(row.problem, 70), 0))
            continue
        items += _follow_ups(row, today)
        items += _reviews(row, today, config.due_review_days, words)
        items += _rar(row, today, config.due_rar_most_a_week)
        if config.due_not_seen_weeks:
            items += _not_seen(row, today, config.due_not_seen_weeks)
    return sorted(items, key=lambda i: (REASONS.index(i.reason), -i.days, i.client_id))


def due(ctx: Context, today: date) -> list[DueItem]:
    """The caseload's due list (from the register: one stat per client when nothing changed)."""
    return due_items(list_clients(ctx), today, ctx.config, plan_names(ctx.content_dirs))
