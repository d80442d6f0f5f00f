"""A client's audit trail: who viewed or changed what, when; and whether the hash chain holds.

Every value here comes from a log file that anyone with access to the data dir could have edited,
so each one is shown literally (rich `Text`, never markup) and stripped of control characters, and
no assumption is made about its type: a field list may be a number, ids may be a string.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import DataTable, Static

from screens.host import host
from screens.key_bar import KeyBar
from screens.text import as_content
from store.errors import StoreError
from tui.services.privacy.audit_entries import (
    cell_text,
    chain_status,
    entry_details,
    entry_time,
    entry_user,
)

if TYPE_CHECKING:
    from textual.dom import DOMNode

    from tui.services.clients.access import OpenClient


class AuditScreen(Screen[None]):
    """The audit trail of one client, newest first, with the chain verdict above it."""

    CSS_PATH = "audit_view.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="audit-view.back")
    ]

    def __init__(
        self, entries: list[dict[str, Any]], problems: list[Any], *, client_id: str = ""
    ) -> None:
        super().__init__()
        self.entries = list(entries)
        self.problems = list(problems)
        self.client_id = client_id

    def compose(self) -> ComposeResult:
        yield Static(as_content(self._heading()), id="audit-heading")
        yield Static(
            as_content(chain_status(self.problems)),
            id="audit-status",
            classes="broken" if self.problems else "intact",
        )
        yield DataTable(id="audit-table", cursor_type="row", zebra_stripes=True)
        yield KeyBar()

    def _heading(self) -> str:
        who = f" of client {cell_text(self.client_id, 40)}" if self.client_id else ""
        return f"Audit trail{who}: {len(self.entries)} entries, newest first (times in UTC)"

    def on_mount(self) -> None:
        self.title = "Audit trail"
        table = self.query_one("#audit-table", DataTable)
        for label, width in (
            ("#", 4),
            ("Time (UTC)", 16),
            ("User", 12),
            ("Action", 16),
            ("Fields and ids", 60),
        ):
            table.add_column(label, width=width)
        for line, entry in reversed(list(enumerate(self.entries, 1))):
            table.add_row(*self._cells(line, entry), key=str(line))
        if not self.entries:
            table.add_row(Text(""), Text(""), Text(""), Text("no entries"), Text(""))
        table.focus()

    @staticmethod
    def _cells(line: int, entry: object) -> list[Text]:
        if not isinstance(entry, Mapping):
            return [
                Text(str(line)),
                Text("?"),
                Text("?"),
                Text("unreadable"),
                Text(cell_text(entry)),
            ]
        if entry.get("unreadable"):
            number = entry.get("line", line)
            return [
                Text(cell_text(number, 6)),
                Text("?"),
                Text("?"),
                Text("unreadable line"),
                Text("edited or damaged: not JSON"),
            ]
        action = cell_text(entry.get("action"), 40)
        if entry.get("tombstone"):
            action = f"{action} (tombstone)"
        return [
            Text(str(line)),
            Text(entry_time(entry)),
            Text(entry_user(entry)),
            Text(action),
            Text(entry_details(entry)),
        ]

    def action_back(self) -> None:
        self.dismiss(None)


def show_audit(node: DOMNode, oc: OpenClient) -> None:
    """The client's audit trail and whether its hash chain holds."""
    from tui.services.errors import UserError
    from tui.services.privacy import audit_trail

    ctx = host(node).ctx
    try:
        entries, _ = audit_trail.entries(ctx, oc.client_id)
        problems = audit_trail.verify(ctx, oc.client_id).problems
    except (StoreError, UserError) as exc:
        node.app.notify(str(exc), severity="error", markup=False)
        return
    node.app.push_screen(AuditScreen(entries, problems, client_id=oc.client_id))


__all__ = ["AuditScreen", "chain_status", "entry_details", "entry_time", "entry_user", "show_audit"]
