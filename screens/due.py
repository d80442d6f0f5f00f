"""Due: what needs attention today across the caseload, each entry saying why; Enter opens the
client. Shown at once from the rows the client list has already read and checked (when it has
read them all), then read again from the register in a worker (never by opening every file), so
a change a colleague made meanwhile shows a moment later."""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from screens.departures import follow_departures
from screens.host import host
from screens.key_bar import KeyBar
from screens.off_ui import back_on_ui
from tui.services.clients.due import REASON_WORDS, DueItem, due, due_items
from tui.services.clients.rows import ClientRow
from tui.services.safe_text import one_line

#: rows drawn at once (a caseload's due list is read, not scrolled through by the thousand)
MAX_ROWS = 300
#: rows drawn in the first frame; the rest a moment later
FIRST_ROWS = 40


class DueScreen(Screen[None]):
    CSS_PATH = "due.tcss"
    AUTO_FOCUS = "#due"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "open_client", "Open client", priority=True, id="due.open-client"),
        Binding("f5", "reload", "Reload", id="due.reload"),
        Binding("escape", "back", "Back", id="due.back"),
    ]

    def __init__(self, today: date, rows: list[ClientRow] | None = None, reading: int = 0) -> None:
        """`rows`: the caseload as the client list has read it, to show at once; `reading`: how
        many clients there are in all while the list is still reading their files (a first
        start), when Due shows what has been read so far and says so."""
        super().__init__()
        self.today = today
        self.items: list[DueItem] = []
        self._rows = rows
        self._rows_shown = False
        self._so_far = (
            f"; {len(rows or []):,} of {reading:,} clients read so far" if reading else ""
        )

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        yield Static("Reading the caseload…", id="due-summary", markup=False)
        yield DataTable(id="due", cursor_type="row")
        yield Static("", id="due-detail", markup=False)
        yield KeyBar()

    def on_mount(self) -> None:
        self.title = f"Due · {self.today:%d %b %Y}"
        table = self.query_one("#due", DataTable)
        table.add_column("Why", width=15)
        table.add_column("Client", width=20)
        table.add_column("Days", width=5)
        table.add_column("What", width=32)
        follow_departures(
            self,
            lambda: (i.client_id for i in self.items),
            lambda gone: self._show([i for i in self.items if i.client_id not in gone]),
        )
        self._rows_shown = self._rows is not None
        if self._rows is not None:
            self._show(due_items(self._rows, self.today, host(self).ctx.config))
            self._rows = None
        if self._so_far:  # (during a first start the list is reading them: F5 reads on)
            return
        if self._rows_shown:
            # read again after this first frame, not competing with it (and making way for keys)
            self.call_after_refresh(self.action_reload)
        else:
            self.action_reload()

    def action_reload(self) -> None:
        self._so_far = ""
        self._load()

    @work(thread=True, exclusive=True, group="due")
    def _load(self) -> None:
        try:
            items = due(host(self).ctx, self.today)
        except Exception as exc:  # the data dir went away, a permission: say it, never crash
            back_on_ui(
                self,
                self.notify,
                f"Cannot read the caseload: {exc}",
                severity="error",
                markup=False,
            )
            return
        back_on_ui(self, self._show, items)

    def _show(self, items: list[DueItem]) -> None:
        if items == self.items and self.query_one("#due", DataTable).row_count:
            return  # read again, the same: nothing to draw
        self.items = items
        table = self.query_one("#due", DataTable)
        table.clear()
        self._add_rows(0, FIRST_ROWS)
        if len(items) > FIRST_ROWS:  # the rest after the first frame (a table measures each row)
            self.call_after_refresh(self._add_rows, FIRST_ROWS, MAX_ROWS, items)
        counts: dict[str, int] = {}
        for item in items:
            counts[item.reason] = counts.get(item.reason, 0) + 1
        summary = " · ".join(f"{REASON_WORDS[r]}: {n}" for r, n in counts.items())
        more = f" (first {MAX_ROWS} shown)" if len(items) > MAX_ROWS else ""
        so_far = f"{self._so_far} (F5 reads on)" if self._so_far else ""
        self.query_one("#due-summary", Static).update(
            f"{len(items)} due today: {summary}{more}{so_far}"
            if items
            else f"Nothing due today{so_far}."
        )
        self._detail()

    def _add_rows(self, start: int, end: int, items: list[DueItem] | None = None) -> None:
        """Rows `start` to `end` of the items shown (unless they have been replaced since)."""
        if items is not None and items is not self.items:
            return
        table = self.query_one("#due", DataTable)
        for n, item in enumerate(self.items[start:end], start):
            who = one_line(f"{item.client_id} {item.name}", 20)
            table.add_row(
                Text(REASON_WORDS[item.reason]),
                Text(who),
                Text(str(item.days) if item.days > 0 else "-"),
                Text(one_line(item.detail, 32)),
                key=str(n),
            )

    @on(DataTable.RowHighlighted, "#due")
    def _highlighted(self) -> None:
        self._detail()

    def _selected(self) -> DueItem | None:
        table = self.query_one("#due", DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return self.items[int(key)] if key is not None else None

    def _detail(self) -> None:
        item = self._selected()
        text = "" if item is None else f"{item.client_id} {item.name}: {item.detail}"
        self.query_one("#due-detail", Static).update(one_line(text, 300))

    @on(DataTable.RowSelected, "#due")
    def _row_selected(self) -> None:
        self.action_open_client()

    def action_open_client(self) -> None:
        item = self._selected()
        if item is not None:
            host(self).open_client(item.client_id)

    def action_back(self) -> None:
        self.dismiss(None)
