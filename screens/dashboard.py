"""One client at a glance: profile, RAR days, latest traffic-light level, follow-ups and sessions."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import DataTable, Header, Static

from screens.dialogs.choice import Choice, ChoiceDialog
from screens.follow_holder import follow_holder
from screens.host import host
from screens.key_bar import KeyBar
from screens.messages import ClientChanged
from screens.text import as_content
from store.profile import Client
from store.records import Answer, FollowUp, Session, SessionStatus
from tui.services.clients.access import OpenClient
from tui.services.clients.levels import latest_level, level_steps
from tui.services.clients.oversight import review_words
from tui.services.clients.rar import rar_summary
from tui.services.clients.trends import trend_lines, trend_steps
from tui.services.safe_text import one_line


def profile_text(client: Client) -> str:
    bits = [f"{client.id}  {one_line(client.name, 40)}"]
    details = []
    if client.date_of_birth:
        details.append(f"born {client.date_of_birth:%d %b %Y}")
    if client.programme_stage:
        details.append(client.programme_stage.value.replace("_", "-"))
    if client.order_type:
        details.append(one_line(client.order_type, 30))
    if client.needs.interpreter:
        details.append(f"interpreter: {one_line(client.needs.language or 'yes', 20)}")
    if client.needs.learning_disability:
        details.append("learning disability or challenges")
    if client.restricted:
        details.append("RESTRICTED (read-only)")
    if details:
        bits.append(" · ".join(details))
    return "\n".join(bits)


PLANS = Binding.Group("Plans")
#: trends shown side by side (each a column; more would not fit 80 columns)
TREND_COLUMNS = 3
#: completed sessions listed (newest first); every open one is listed too
MAX_SESSION_ROWS = 52


class DashboardScreen(Screen[None]):
    CSS_PATH = "dashboard.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "new_session", "New session", id="dashboard.new-session"),
        Binding("r", "resume", "Resume", id="dashboard.resume"),
        Binding(
            "w", "plan('wellbeing')", "Wellbeing Plan", group=PLANS, id="dashboard.plan-wellbeing"
        ),
        Binding(
            "k", "plan('keep-safe')", "Keep Safe Plan", group=PLANS, id="dashboard.plan-keep-safe"
        ),
        Binding("e", "eligibility", "Eligibility", id="dashboard.eligibility"),
        Binding("p", "profile", "Profile", show=False, id="dashboard.profile"),
        # The footer holds what fits in 80 columns; the rest are in the help (f1) and palette.
        Binding("a", "audit", "Audit trail", show=False, id="dashboard.audit"),
        Binding(
            "c", "close_follow_up", "Close follow-up", show=False, id="dashboard.close-follow-up"
        ),
        Binding("d", "directory", "Interventions", show=False, id="dashboard.directory"),
        Binding("o", "worksheets", "Worksheets to post", show=False, id="dashboard.worksheets"),
        Binding("escape", "back", "Back", id="dashboard.back"),
    ]

    def __init__(self, client: OpenClient | None = None):
        super().__init__()
        self.oc: OpenClient = client  # type: ignore[assignment]  # set before it is shown
        self.sessions: tuple[Session, ...] = ()
        self.follow_ups: tuple[FollowUp, ...] = ()
        #: what the screen was last filled from: (file version, today); see `on_screen_resume`.
        self._shown: tuple[int, object] | None = None
        self._following: Timer | None = None
        #: every session listed (the practitioner reached the last row), and how many are not
        self._every_session = False
        self._hidden = 0
        #: composed and mounted: its widgets can be filled
        self.ready = False

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        with Horizontal(id="top"):
            yield Static("", id="profile", markup=False)
            with Vertical(id="status"):
                yield Static("", id="rar", markup=False)
                yield Static("", id="level", markup=False)
        yield Static("", id="follow-ups", markup=False)
        with Horizontal(id="trends"):
            for _ in range(TREND_COLUMNS):
                yield Static("", classes="trend", markup=False)
        yield DataTable(id="sessions", cursor_type="row")
        yield Static("No sessions yet: press n to start one.", id="no-sessions", markup=False)
        yield KeyBar()

    def on_mount(self) -> None:
        table = self.query_one("#sessions", DataTable)
        for label, width in (
            ("Date", 11),
            ("Mode", 7),
            ("Status", 11),
            ("Exercises", 30),
            ("RAR", 4),
        ):
            table.add_column(label, width=width)
        self.ready = True
        self.show_client(self.oc)

    def show_client(self, client: OpenClient | None) -> None:
        """Fill the screen for `client`. The App builds this screen once and refills it for
        each client it opens (building it costs more than filling it); it is filled before it
        is shown, so no frame ever shows the previous client."""
        if client is None:
            return  # built ahead of time, it waits for a client
        self.oc = client
        self._shown = None
        if not self.ready:
            return  # still being built (ahead of time, perhaps): on_mount fills it
        if self._following is not None:
            self._following.stop()
        self.query_one("#sessions", DataTable).move_cursor(row=0, column=0)
        self.refresh_data()
        self._following = follow_holder(self, self.oc, self.refresh_data)

    def on_screen_resume(self) -> None:
        if self.oc is None:
            return
        # The first resume comes right after mount, and coming back from a screen that changed
        # nothing leaves the file as it was: filling the screen again (a heavy client's 260
        # sessions) would only repeat the work.
        if self._shown != (self.oc.version(), host(self).today()):
            self.refresh_data()

    def on_client_changed(self, message: ClientChanged) -> None:
        if message.client_id == self.oc.client_id:
            self.refresh_data()

    def refresh_data(self) -> None:
        self._shown = (self.oc.version(), host(self).today())
        client = self.oc.client()
        self.title = f"{client.id} · {one_line(client.name, 30)}"
        held = self.oc.holder
        self.sub_title = (
            f"read-only: open for editing by {held}"
            if held
            else "read-only"
            if self.oc.read_only
            else ""
        )
        self.sessions = self.oc.sessions()
        self.follow_ups = self.oc.follow_ups(open_only=True)
        self.query_one("#profile", Static).update(as_content(profile_text(client)))
        self.query_one("#rar", Static).update(
            rar_summary(client, self.sessions).describe(host(self).today())
        )
        library = host(self).ctx.library
        # only the answers the traffic light and the trends read, not the whole history
        answers = self.oc.history(level_steps(library) | trend_steps(library))
        self.query_one("#level", Static).update(
            latest_level(library, answers, self.sessions) or "Traffic light: not recorded yet"
        )
        fu = self.query_one("#follow-ups", Static)
        if self.follow_ups:
            lines = [f"⚑ {len(self.follow_ups)} open follow-up(s) - press c to close one:"]
            for f in self.follow_ups[:3]:
                lines.append(f"  ⚑ {f.opened_at:%d %b %Y}: {one_line(f.reason, 60)}")
                if f.reviews:  # the treatment manager's latest word on it
                    lines.append(f"    {one_line(review_words(f.reviews[-1]), 74)}")
            fu.update(as_content("\n".join(lines)))
        else:
            fu.update("No open follow-ups.")
        self._show_trends(self._trend_lines(answers))
        self._every_session = False
        self._fill_sessions()

    def _fill_sessions(self) -> None:
        table = self.query_one("#sessions", DataTable)
        table.clear()
        library = host(self).ctx.library
        # Sessions mostly plan the same exercises: each title, and each list of them, is cleaned
        # once (a heavy client's 260 sessions x 86 exercises would clean 22,000 titles).
        titles: dict[str, str] = {}
        planned_text: dict[tuple[str, ...], str] = {}

        def title(e: str) -> str:
            if e not in titles:
                exercise = library.get(e)
                titles[e] = one_line(exercise.title if exercise is not None else e, 40)
            return titles[e]

        shown = self._table_sessions()
        for s in shown:
            planned = tuple(s.planned)
            if planned not in planned_text:
                planned_text[planned] = one_line(", ".join(title(e) for e in planned), 30) or "-"
            table.add_row(
                Text(s.date.isoformat()),
                Text(s.mode.value),
                Text(s.status.value.replace("_", " ")),
                Text(planned_text[planned]),
                Text("yes" if s.rar_activity else "no"),
                key=s.id,
            )
        table.display = bool(self.sessions)
        self._hidden = len(self.sessions) - len(shown)
        note = self.query_one("#no-sessions", Static)
        note.display = not self.sessions or self._hidden > 0
        note.update(
            f"The open and latest of {len(self.sessions)} sessions: more at the last row."
            if self._hidden
            else "No sessions yet: press n to start one."
        )

    @on(DataTable.RowHighlighted, "#sessions")
    def _more_sessions(self, event: DataTable.RowHighlighted) -> None:
        """At the last listed row, list every session (older ones were left out for speed)."""
        table = event.data_table
        if self._hidden and event.cursor_row == table.row_count - 1:
            key = event.row_key.value
            self._every_session = True
            self._fill_sessions()
            keys = [s.id for s in self._table_sessions()]
            if key in keys:
                table.move_cursor(row=keys.index(key), animate=False)

    def _table_sessions(self) -> list[Session]:
        """Newest first: every session still open, and the latest completed ones up to
        MAX_SESSION_ROWS (a table measures every row it is given: five years of weekly sessions
        cost the screen more than all its other parts)."""
        newest = list(reversed(self.sessions))
        if self._every_session:
            return newest
        keep = {id(s) for s in newest[:MAX_SESSION_ROWS]}
        keep |= {id(s) for s in newest if s.status is not SessionStatus.COMPLETED}
        return [s for s in newest if id(s) in keep]

    def _trend_lines(self, answers: Sequence[Answer]) -> list[str]:
        return trend_lines(self.sessions, answers, host(self).ctx.library)

    def _show_trends(self, lines: list[str]) -> None:
        """Each trend (a heading and its indented lines) in its own column: all fit at 80x24."""
        blocks: list[list[str]] = []
        for line in lines:
            if blocks and line.startswith(" "):
                blocks[-1].append(line)
            else:
                blocks.append([line])
        columns = list(self.query_one("#trends", Horizontal).query_children(Static))
        for column, block in zip(columns, [*blocks, *([[]] * len(columns))], strict=False):
            column.update(as_content("\n".join(block)))
            column.display = bool(block)
        self.query_one("#trends", Horizontal).display = bool(blocks)

    # -- actions ----------------------------------------------------------------------------------

    def _selected_session(self) -> Session | None:
        table = self.query_one("#sessions", DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return next((s for s in self.sessions if s.id == key), None)

    @on(DataTable.RowSelected, "#sessions")
    def _row_selected(self) -> None:
        self.action_resume()

    def action_new_session(self) -> None:
        from screens.session_setup import new_session

        new_session(self, self.oc)

    def action_resume(self) -> None:
        session = self._selected_session()
        if session is None:
            open_ = [s for s in self.sessions if s.status is not SessionStatus.COMPLETED]
            session = open_[-1] if open_ else None
        if session is None:
            self.notify("No session to resume: press n to start one.", markup=False)
            return
        from screens.session import run_session

        run_session(self, self.oc, session)

    def action_plan(self, kind: str) -> None:
        from screens.plan.screen import show_plan

        show_plan(self, self.oc, kind)

    def action_profile(self) -> None:
        from screens.profile_form import edit_profile

        edit_profile(self, self.oc)

    def action_eligibility(self) -> None:
        from screens.eligibility import show_eligibility

        show_eligibility(self, self.oc)

    def action_audit(self) -> None:
        from screens.audit_view import show_audit

        show_audit(self, self.oc)

    def action_worksheets(self) -> None:
        from screens.plan.worksheets import WorksheetsScreen

        app = host(self)
        self.app.push_screen(WorksheetsScreen(app.ctx, app.ctx.export_dir, app.today()))

    def action_directory(self) -> None:
        from screens.directory import show_directory

        show_directory(self)

    def action_close_follow_up(self) -> None:
        """Close a follow-up: the one open, or the one the practitioner picks from a list that
        names each (never the oldest unasked)."""
        from screens.dialogs.follow_up import close_follow_up

        if not self.follow_ups:
            self.notify("No open follow-ups.", markup=False)
            return
        if len(self.follow_ups) == 1:
            close_follow_up(self, self.oc, self.follow_ups[0])  # the form names it
            return
        by_id = {f.id: f for f in self.follow_ups}
        choices = [
            Choice(f"⚑ {f.opened_at:%d %b %Y}: {one_line(f.reason, 200)}", answer=f.id)
            for f in self.follow_ups
        ]

        def chosen(follow_up_id: str | None) -> None:
            if follow_up_id in by_id:
                close_follow_up(self, self.oc, by_id[follow_up_id])

        self.app.push_screen(
            ChoiceDialog(f"Which follow-up to close? ({len(choices)} open)", choices), chosen
        )

    def action_back(self) -> None:
        self.dismiss(None)
