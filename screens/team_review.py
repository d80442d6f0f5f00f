"""The treatment manager's view: every open follow-up across the team, oldest first; Enter records
the review of one (when it was discussed, the decision, the action, what was shared with whom).
Refused, in one line, to anyone who is not a manager."""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Header, Input, Label, Static

from screens.departures import follow_departures
from screens.host import host
from screens.key_bar import KeyBar
from screens.off_ui import app_of, back_on_ui, dismiss_if_on_top, say_on_ui
from tui.services.clients.oversight import (
    TeamFollowUp,
    record_review,
    review_words,
    team_follow_ups,
)
from tui.services.dates import FIELD_HINT, parse_day_or_none
from tui.services.safe_text import one_line


class ReviewDialog(ModalScreen[dict[str, object] | None]):
    """The review of one follow-up; ctrl+s records it."""

    CSS_PATH = "team_review.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Record review", priority=True, id="review.save"),
        Binding("escape", "cancel", "Cancel", id="review.cancel"),
    ]

    def __init__(self, item: TeamFollowUp, today: date) -> None:
        super().__init__()
        self.item = item
        self.today = today

    def compose(self) -> ComposeResult:
        f = self.item.follow_up
        with Vertical(classes="review-dialog"):
            yield Static(
                one_line(f"{self.item.client_id} {self.item.name}: {f.reason}", 150),
                classes="review-title",
                markup=False,
            )
            yield Label(f"Discussed on ({FIELD_HINT})", markup=False)
            yield Input(self.today.isoformat(), id="on", max_length=10)
            yield Label("Decision")
            yield Input(id="decision", max_length=500)
            yield Label("Action")
            yield Input(id="action", max_length=500)
            yield Label("Information shared with (empty: nothing shared)")
            yield Input(id="shared", max_length=300)
            yield Static("", id="review-error", markup=False)
            yield Static("ctrl+s: record · Esc: cancel", classes="review-hint", markup=False)

    def action_save(self) -> None:
        on = parse_day_or_none(self.query_one("#on", Input).value)
        decision = self.query_one("#decision", Input).value.strip()
        error = self.query_one("#review-error", Static)
        if on is None:
            error.update("Discussed on: not a date (e.g. 2026-12-03 or 3/12/2026).")
            return
        if not decision:
            error.update("A review needs the decision taken.")
            return
        self.dismiss(
            {
                "discussed_on": on,
                "decision": decision,
                "action": self.query_one("#action", Input).value,
                "shared_with": self.query_one("#shared", Input).value,
            }
        )

    def action_cancel(self) -> None:
        self.dismiss(None)


class TeamReviewScreen(Screen[None]):
    CSS_PATH = "team_review.tcss"
    AUTO_FOCUS = "#team"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "review", "Record review", priority=True, id="team.review"),
        Binding("escape", "back", "Back", id="team.back"),
    ]

    def __init__(self, today: date) -> None:
        super().__init__()
        self.today = today
        self.items: list[TeamFollowUp] = []

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        yield Static("Reading the team's follow-ups…", id="team-summary", markup=False)
        yield DataTable(id="team", cursor_type="row")
        with VerticalScroll(id="team-detail-box"):  # tab here to scroll a long disclosure
            yield Static("", id="team-detail", markup=False)
        yield KeyBar()

    def on_mount(self) -> None:
        self.title = "Team follow-ups (treatment manager)"
        table = self.query_one("#team", DataTable)
        table.add_column("Client", width=22)
        table.add_column("Days", width=5)
        table.add_column("Follow-up", width=36)
        table.add_column("Reviewed", width=9)
        follow_departures(
            self,
            lambda: (t.client_id for t in self.items),
            lambda gone: self._show([t for t in self.items if t.client_id not in gone]),
        )
        self._load()

    @work(thread=True, exclusive=True, group="team")
    def _load(self) -> None:
        try:
            items = team_follow_ups(host(self).ctx)
        except Exception as exc:  # not a manager, a file problem: one line, back out
            back_on_ui(self, self.notify, str(exc), severity="error", markup=False)
            back_on_ui(self, dismiss_if_on_top, self, None)
            return
        back_on_ui(self, self._show, items)

    def _show(self, items: list[TeamFollowUp]) -> None:
        self.items = items
        table = self.query_one("#team", DataTable)
        table.clear()
        for n, t in enumerate(items):
            table.add_row(
                Text(one_line(f"{t.client_id} {t.name}", 22)),
                Text(str(t.age)),
                Text(one_line(t.follow_up.reason, 36)),
                Text("yes" if t.follow_up.reviews else "no"),
                key=str(n),
            )
        waiting = sum(1 for t in items if not t.follow_up.reviews)
        self.query_one("#team-summary", Static).update(
            f"{len(items)} open follow-up(s), {waiting} not reviewed yet."
            if items
            else "No open follow-ups in the team."
        )
        self._detail()

    def _selected(self) -> TeamFollowUp | None:
        table = self.query_one("#team", DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return self.items[int(key)] if key is not None else None

    @on(DataTable.RowHighlighted, "#team")
    def _detail(self) -> None:
        item = self._selected()
        text = ""
        if item is not None:  # the words the Keep Safe Plan prints: a disclosure in full
            reviews = item.follow_up.reviews
            review = review_words(reviews[-1]) if reviews else "Not reviewed yet: Enter to record."
            text = f"{one_line(item.note or item.follow_up.reason, 2000)}\n{one_line(review, 300)}"
        self.query_one("#team-detail", Static).update(text)

    def action_review(self) -> None:
        item = self._selected()
        if item is None:
            return

        def done(result: dict[str, object] | None) -> None:
            if result is not None:
                self._record(item, result)

        self.app.push_screen(ReviewDialog(item, self.today), done)

    @work(thread=True, group="team-save")
    def _record(self, item: TeamFollowUp, result: dict[str, object]) -> None:
        app = app_of(self)
        try:
            record_review(
                host(self).ctx,
                item.client_id,
                item.follow_up.id,
                discussed_on=result["discussed_on"],  # type: ignore[arg-type]
                decision=str(result["decision"]),
                action=str(result["action"]),
                shared_with=str(result["shared_with"]),
            )
        except Exception as exc:  # held by a colleague, not a manager: one line
            say_on_ui(app, f"Not recorded: {exc}", severity="error")
            return
        say_on_ui(app, "Review recorded.")
        back_on_ui(self, self._load)

    def action_back(self) -> None:
        self.dismiss(None)
