"""Audit entries as readable text, for the `audit` command and the audit screen.

Every field comes from a file that could have been edited by hand, so nothing about its type is
assumed: a number where a list belongs, or a 1 MB string, is shown cleaned and cut, not crashed
on.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from tui.services.safe_text import one_line

#: the longest text kept in one cell (the table scrolls; this bounds a hostile 1 MB field).
CELL_LIMIT = 200
#: problems listed above the table (the count of the rest is given).
SHOWN_PROBLEMS = 3


def cell_text(value: object, limit: int = CELL_LIMIT) -> str:
    """Any value from the log as one clean line (None and missing become '?')."""
    if value is None:
        return "?"
    return one_line(str(value), limit) or "?"


def entry_time(entry: Mapping[str, Any]) -> str:
    """`2026-11-25 10:04` (UTC) for an ISO time; otherwise the stored text, cleaned."""
    raw = entry.get("time")
    if isinstance(raw, str):
        try:
            when = datetime.fromisoformat(raw.replace("Z", "+00:00"))
        except ValueError:
            pass
        else:
            return when.strftime("%Y-%m-%d %H:%M")
    return cell_text(raw, 20)


def entry_user(entry: Mapping[str, Any]) -> str:
    """The OS user, and the SSH client address when the session came over SSH."""
    user = cell_text(entry.get("user"), 40)
    ssh = entry.get("ssh")
    if isinstance(ssh, str) and ssh.strip():
        return f"{user} (ssh {cell_text(ssh.split()[0], 40)})"
    if ssh is not None:
        return f"{user} (ssh {cell_text(ssh, 40)})"
    return user


def entry_details(entry: Mapping[str, Any]) -> str:
    """Field names and ids, e.g. `name, rar_days · session=s1 exercise=identify`."""
    fields = entry.get("fields")
    if isinstance(fields, str) or not isinstance(fields, Iterable):
        field_text = "" if fields is None else cell_text(fields)
    else:
        field_text = ", ".join(cell_text(f, 60) for f in list(fields)[:50])
    ids = entry.get("ids")
    if isinstance(ids, Mapping):
        id_text = " ".join(
            f"{cell_text(k, 40)}={cell_text(v, 80)}" for k, v in list(ids.items())[:20]
        )
    else:
        id_text = "" if ids is None else cell_text(ids)
    return one_line(" · ".join(part for part in (field_text, id_text) if part), CELL_LIMIT)


def chain_status(problems: Sequence[object]) -> str:
    """The verdict in words and a symbol (never colour alone)."""
    if not problems:
        return "✓ Audit trail intact: the hash chain verifies."
    shown = [f"✗ Audit trail BROKEN: {cell_text(problems[0])}"]
    shown += [f"  ✗ {cell_text(p)}" for p in problems[1:SHOWN_PROBLEMS]]
    if len(problems) > SHOWN_PROBLEMS:
        shown.append(f"  … and {len(problems) - SHOWN_PROBLEMS} more problem(s)")
    return "\n".join(shown)


def format_entry(entry: Mapping[str, Any]) -> str:
    """One audit entry as a terminal-safe line (the `audit` command)."""
    if entry.get("unreadable"):
        return f"(line {cell_text(entry.get('line'), 12)}: unreadable)"
    details = entry_details(entry)
    parts = [entry_time(entry), entry_user(entry), cell_text(entry.get("action"), 40)]
    if details:
        parts.append(details)
    return one_line("  ".join(parts))
