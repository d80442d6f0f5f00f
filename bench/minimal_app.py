"""The baseline for startup: a plain Textual app showing what the app's first screen shows.

A Header, a search Input, a 40-row DataTable and a Footer, and `/` focusing the search, as on the
client list; no Markdown (the client list has none, and importing it alone made the baseline
1.19x a DataTable app). The first row's name is `READY`, the text the bench waits for.
"""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Header, Input

READY = "Minimal baseline ready"
ROWS = 40


class MinimalApp(App[None]):
    #: the table fills the screen below the search and scrolls inside, as the client list's does
    CSS = "#clients { height: 1fr; }"
    BINDINGS = [Binding("slash", "search", "Search")]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(placeholder="Search by name or ID", id="search")
        yield DataTable(id="clients", cursor_type="row")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#clients", DataTable)
        table.add_columns("ID", "Name", "Next due")
        table.add_rows(
            (f"B{n:05d}", READY if n == 1 else f"Client {n}", "-") for n in range(1, ROWS + 1)
        )
        table.focus()

    def action_search(self) -> None:
        self.query_one("#search", Input).focus()


if __name__ == "__main__":
    MinimalApp().run()
