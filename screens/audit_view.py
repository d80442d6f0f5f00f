"""A client's audit trail: who viewed or changed what, when; and whether the hash chain holds.

Every value here comes from a log file that anyone with access to the data dir could have edited,
so each one is shown literally (rich `Text`, never markup) and stripped of control characters, and
no assumption is made about its type: a field list may be a number, ids may be a string.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from tui.safe_text import as_content, one_line

#: the longest text kept in one cell (the table scrolls; this bounds a hostile 1 MB field).
CELL_LIMIT = 200
#: problems listed above the table (the count of the rest is given).
SHOWN_PROBLEMS = 3


def _text(value: object, limit: int = CELL_LIMIT) -> str:
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
    return _text(raw, 20)


def entry_user(entry: Mapping[str, Any]) -> str:
    """The OS user, and the SSH client address when the session came over SSH."""
    user = _text(entry.get("user"), 40)
    ssh = entry.get("ssh")
    if isinstance(ssh, str) and ssh.strip():
        return f"{user} (ssh {_text(ssh.split()[0], 40)})"
    if ssh is not None:
        return f"{user} (ssh {_text(ssh, 40)})"
    return user


def entry_details(entry: Mapping[str, Any]) -> str:
    """Field names and ids, e.g. `name, rar_days · session=s1 exercise=identify`."""
    fields = entry.get("fields")
    if isinstance(fields, str) or not isinstance(fields, Iterable):
        field_text = "" if fields is None else _text(fields)
    else:
        field_text = ", ".join(_text(f, 60) for f in list(fields)[:50])
    ids = entry.get("ids")
    if isinstance(ids, Mapping):
        id_text = " ".join(f"{_text(k, 40)}={_text(v, 80)}" for k, v in list(ids.items())[:20])
    else:
        id_text = "" if ids is None else _text(ids)
    return one_line(" · ".join(part for part in (field_text, id_text) if part), CELL_LIMIT)


def chain_status(problems: Sequence[object]) -> str:
    """The verdict in words and a symbol (never colour alone)."""
    if not problems:
        return "✓ Audit trail intact: the hash chain verifies."
    shown = [f"✗ Audit trail BROKEN: {_text(problems[0])}"]
    shown += [f"  ✗ {_text(p)}" for p in problems[1:SHOWN_PROBLEMS]]
    if len(problems) > SHOWN_PROBLEMS:
        shown.append(f"  … and {len(problems) - SHOWN_PROBLEMS} more problem(s)")
    return "\n".join(shown)


class AuditScreen(Screen[None]):
    """The audit trail of one client, newest first, with the chain verdict above it."""

    CSS_PATH = "audit_view.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "back", "Back")]

    def __init__(self, entries: list[dict[str, Any]], problems: list[Any], *,
                 client_id: str = "") -> None:
        super().__init__()
        self.entries = list(entries)
        self.problems = list(problems)
        self.client_id = client_id

    def compose(self) -> ComposeResult:
        yield Static(as_content(self._heading()), id="audit-heading")
        yield Static(as_content(chain_status(self.problems)), id="audit-status",
                     classes="broken" if self.problems else "intact")
        yield DataTable(id="audit-table", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def _heading(self) -> str:
        who = f" of client {_text(self.client_id, 40)}" if self.client_id else ""
        return f"Audit trail{who}: {len(self.entries)} entries, newest first (times in UTC)"

    def on_mount(self) -> None:
        self.title = "Audit trail"
        table = self.query_one("#audit-table", DataTable)
        for label, width in (("#", 4), ("Time (UTC)", 16), ("User", 12), ("Action", 16),
                             ("Fields and ids", 60)):
            table.add_column(label, width=width)
        for line, entry in reversed(list(enumerate(self.entries, 1))):
            table.add_row(*self._cells(line, entry), key=str(line))
        if not self.entries:
            table.add_row(Text(""), Text(""), Text(""), Text("no entries"), Text(""))
        table.focus()

    @staticmethod
    def _cells(line: int, entry: object) -> list[Text]:
        if not isinstance(entry, Mapping):
            return [Text(str(line)), Text("?"), Text("?"), Text("unreadable"), Text(_text(entry))]
        if entry.get("unreadable"):
            number = entry.get("line", line)
            return [Text(_text(number, 6)), Text("?"), Text("?"), Text("unreadable line"),
                    Text("edited or damaged: not JSON")]
        action = _text(entry.get("action"), 40)
        if entry.get("tombstone"):
            action = f"{action} (tombstone)"
        return [Text(str(line)), Text(entry_time(entry)), Text(entry_user(entry)), Text(action),
                Text(entry_details(entry))]

    def action_back(self) -> None:
        self.dismiss(None)


__all__ = ["AuditScreen", "chain_status", "entry_details", "entry_time", "entry_user"]
