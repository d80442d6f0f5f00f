"""The client list: find a client by ID or name, open one, add one."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import DataTable, Header, Input, Static
from textual.worker import get_current_worker

from screens.departures import follow_departures
from screens.host import host
from screens.key_bar import KeyBar
from screens.off_ui import back_on_ui
from tui.services.clients.rows import ClientListing, ClientRow, demo_hint, still_there
from tui.services.safe_text import one_line
from tui.services.yielding import make_way

#: rows drawn at once: a table of thousands costs seconds to lay out, and nobody scrolls that far.
MAX_ROWS = 200
#: rows in the very first frame (a screenful and some): the rest follow a moment later
FIRST_FRAME_ROWS = 40
#: seconds after the first frame until the checked read of every file starts
CHECK_AFTER = 0.3
#: seconds the cursor rests on a client before its file is read ahead (Enter then opens it at once)
#: on a first start, the list is redrawn after every this many client files are read
FILL_BATCH = 50


def empty_help() -> str:
    return (
        "No clients yet.\n\n"
        "Press a to add a client (you need their case reference and a name or initials).\n"
        + demo_hint()
    )


class ClientListScreen(Screen[None]):
    CSS_PATH = "client_list.tcss"
    AUTO_FOCUS = "#clients"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "add_client", "Add client", id="client-list.add-client"),
        Binding("slash", "find", "Find client", id="client-list.find"),
        Binding("d", "directory", "Interventions", id="client-list.directory"),
        Binding("t", "due", "Due", id="client-list.due"),
        Binding("m", "team", "Team follow-ups", show=False, id="client-list.team"),
        Binding("enter", "open_client", "Open", priority=True, id="client-list.open-client"),
        Binding("f5", "reload", "Reload", show=False, id="client-list.reload"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[ClientRow] = []
        #: while files are still being read: how many clients there are in all (0: all read)
        self.reading = 0
        self._drawn: list[ClientRow] | None = None
        self._resumed = False
        self._limit = MAX_ROWS

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        yield Input(placeholder="Find client by ID or name  ( / )", id="search")
        yield DataTable(id="clients", cursor_type="row", zebra_stripes=False)
        yield Static(empty_help(), id="empty", markup=False)
        yield Static("", id="more", markup=False)
        yield Static("", id="problems", markup=False)
        yield KeyBar()

    def on_mount(self) -> None:
        table = self.query_one("#clients", DataTable)
        table.add_column("ID", width=10)
        table.add_column("Name", width=26)
        table.add_column("Stage", width=10)
        table.add_column("Last session", width=12)
        table.add_column("Follow-ups", width=10)
        self.sub_title = str(host(self).ctx.data_dir)
        follow_departures(self, lambda: (r.client_id for r in self.rows), self._drop_gone)
        # The first frame is drawn from the register as written (one JSON file, no client file
        # listed or stat-ed: ~10 ms for 2,000 clients), read here on the UI thread (a worker
        # would wait for the GIL while that frame is drawn). The worker then lists and checks
        # every file against it and reads those changed since (all of them on a first start),
        # a batch at a time: the list shows them as they come.
        # Only clients whose file is there now (one directory listing): a client removed since
        # the register was written is never shown as openable, not even for that moment.
        listing = ClientListing(host(self).ctx, check=False)
        if listing.register.keys:
            self._limit = FIRST_FRAME_ROWS  # the rest come with the checked read, a moment later
            rows = listing.rows(FIRST_FRAME_ROWS)
            there = set(still_there(host(self).ctx, [r.client_id for r in rows]))
            rows = [r for r in rows if r.client_id in there]
            self._show(rows, complete=False, total=0)
            self._limit = MAX_ROWS
            # a moment after that frame: the checked read (a worker) would compete with its
            # drawing and with the first key (then it makes way for keys: `make_way`)
            self.set_timer(CHECK_AFTER, self.load, name="checked-read")
        else:  # a first start, or no clients: say which at once
            files = listing.files()
            self._show([], complete=not files, total=files)
            self.load()

    def _drop_gone(self, gone: set[str]) -> None:
        self.rows = [r for r in self.rows if r.client_id not in gone]
        self._fill()

    def on_screen_resume(self) -> None:
        if self._resumed:  # not the resume that follows the first mount: that read is fresh
            self.load()
        self._resumed = True

    @work(thread=True, exclusive=True, group="client-list")
    def load(self) -> None:
        """Read the register, checking each file against it, and the files changed since it was
        written, a batch at a time, showing the list as it fills: off the UI thread."""
        worker = get_current_worker()
        # the same rows, and problems, as `client list`; making way whenever a key comes in
        listing = ClientListing(host(self).ctx, pause=make_way)
        total = len(listing.register.keys)
        if listing.complete or len(listing.register.stale) > FILL_BATCH:
            # (a few changed files, e.g. the client just closed, are read before the list is
            # shown again: their rows never blink out, nor the cursor move off them)
            if not back_on_ui(self, self._show, listing.rows(), listing.complete, total):
                return  # the list was taken down meanwhile (the app exiting)
        if listing.complete:
            return
        for _ in listing.fill(batch=FILL_BATCH):
            if worker.is_cancelled:
                return
            if not back_on_ui(self, self._show, listing.rows(), listing.complete, total):
                return

    def _show(self, rows: list[ClientRow], complete: bool = True, total: int = 0) -> None:
        first = not self.rows
        self.rows = rows
        self.reading = 0 if complete else total
        self._fill()
        search = self.query_one("#search", Input)
        search.display = bool(rows) or not complete
        if first and rows and not (search.has_focus and search.value):
            self.query_one("#clients", DataTable).focus()
        if complete:
            self.call_after_refresh(host(self).warm_up)  # after the list is drawn

    def _fill(self) -> None:
        query = self.query_one("#search", Input).value.strip().casefold()
        table = self.query_one("#clients", DataTable)
        shown = [
            r
            for r in self.rows
            if not query or query in r.client_id.casefold() or query in r.name.casefold()
        ]
        hidden = max(len(shown) - MAX_ROWS, 0)
        if shown[: self._limit] != self._drawn:  # while the list fills, most batches change no row
            self._draw(table, shown)
        more = self.query_one("#more", Static)
        if self.reading:
            more.update(
                f"Reading client files: {len(self.rows):,} of {self.reading:,} so far"
                " (the list fills as they are read)"
            )
        elif hidden:
            more.update(
                f"Showing {MAX_ROWS} of {len(shown):,} clients: type to find the others ( / )"
            )
        more.display = bool(hidden or self.reading)
        self.query_one("#empty").display = not self.rows and not self.reading
        table.display = bool(self.rows) or bool(self.reading)
        problems = [r for r in self.rows if r.problem]
        problem_box = self.query_one("#problems", Static)
        problem_box.display = bool(problems)
        if problems:
            problem_box.update(
                "\n".join(f"⚠ {one_line(p.problem)}" for p in problems[:3])
                + ("\nOpen it (Enter) to see what can be done." if problems else "")
            )

    def _draw(self, table: DataTable[object], shown: list[ClientRow]) -> None:
        current = self._current_key()
        table.clear()
        self._drawn = shown[: self._limit]
        for r in self._drawn:
            if r.problem:
                cells = [Text(r.client_id), Text("⚠ cannot be read", style="bold"), "", "", ""]
            elif r.pending:  # its file not read yet: nothing of it shown as a fact
                cells = [Text(r.client_id), Text("…"), "", "", ""]
            else:
                fu = f"⚑ {r.follow_ups} open" if r.follow_ups else "none"
                cells = [
                    Text(r.client_id),
                    Text(one_line(r.name, 26)),
                    Text(r.stage),
                    Text(r.last_session or "none"),
                    Text(fu),
                ]
            table.add_row(*cells, key=r.client_id)
        # A reload (e.g. on returning to the list) keeps the cursor on the same client.
        keys = [r.client_id for r in shown]
        if current in keys:
            table.move_cursor(row=keys.index(current))

    @on(Input.Changed, "#search")
    def _search(self) -> None:
        self._fill()

    @on(Input.Submitted, "#search")
    def _search_done(self) -> None:
        table = self.query_one("#clients", DataTable)
        if table.row_count:
            table.focus()

    @on(DataTable.RowSelected, "#clients")
    def _selected(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value:
            host(self).open_client(event.row_key.value)

    def _current_key(self) -> str | None:
        table = self.query_one("#clients", DataTable)
        if not table.row_count:
            return None
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value

    def action_open_client(self) -> None:
        table = self.query_one("#clients", DataTable)
        if table.row_count:
            key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
            if key:
                host(self).open_client(key)

    def action_find(self) -> None:
        self.query_one("#search", Input).focus()

    def action_add_client(self) -> None:
        from screens.client_form import add_client_dialog

        add_client_dialog(self)

    def action_team(self) -> None:
        """Treatment managers: every open follow-up across the team (refused to others)."""
        from screens.team_review import TeamReviewScreen

        self.app.push_screen(TeamReviewScreen(host(self).today()))

    def action_due(self) -> None:
        from screens.due import DueScreen

        # the rows already read and checked: Due shows them at once (during a first start,
        # what has been read so far, and says so)
        rows = [r for r in self.rows if not r.pending]
        self.app.push_screen(DueScreen(host(self).today(), rows, self.reading))

    def action_directory(self) -> None:
        from screens.directory import show_directory

        show_directory(self)

    def action_reload(self) -> None:
        self.load()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Letters typed into the search box are text, not commands; and Enter there goes to the
        # list (elsewhere it opens the highlighted client, and the footer says so)
        typing = isinstance(self.focused, Input)
        if action in ("add_client", "find", "directory", "due", "team") and typing:
            return None
        if action == "open_client" and typing:
            return False
        return True
