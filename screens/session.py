"""A session in progress: its exercises in the chosen order with how far each has got, and notes."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import DataTable, Header, Label, Static, TextArea

from exercises.library import Library
from exercises.models import Exercise
from screens.dialogs.choice import ConfirmScreen
from screens.follow_holder import follow_holder
from screens.host import host
from screens.key_bar import KeyBar
from screens.live_text import show
from screens.messages import ClientChanged, Saved
from screens.off_ui import back_on_ui
from screens.while_current import every_while_current
from store.errors import StoreError
from store.records import Session
from tui.services.clients import sessions
from tui.services.clients.access import OpenClient
from tui.services.clients.answers import is_blank
from tui.services.safe_text import one_line

if TYPE_CHECKING:
    from textual.dom import DOMNode

NOTES_MAX = 4000
#: how often the elapsed time is looked at (it is shown in whole minutes)
TIME_TICK_SECONDS = 5.0


def progress_words(exercise: Exercise, answered: set[str]) -> str:
    """ "✓ done", "7 of 12 steps" (counted as the exercise screen numbers its steps) or
    "not started"."""
    done, total = sessions.step_progress(exercise, answered)
    if total and done == total:
        return "✓ done"
    return f"{done} of {total} steps" if done else "not started"


class SessionScreen(Screen[None]):
    CSS_PATH = "session.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "run_selected", "Start/continue", id="session.run-selected"),
        # priority: the notes box would otherwise take ctrl+e (line end), and the key shown in the
        # footer would stop working there
        Binding("ctrl+e", "end_session", "End session", priority=True, id="session.end-session"),
        Binding("ctrl+o", "focus_notes", "Notes", id="session.focus-notes"),
        Binding("escape", "back", "Back", id="session.back"),
    ]

    def __init__(self, client: OpenClient, session: Session, library: Library):
        super().__init__()
        self.oc = client
        self.session = session
        self.library = library
        #: rows of exercises done (the cursor moves off them)
        self._done_rows: set[int] = set()

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        yield Static("", id="session-info", markup=False)
        yield Static("", id="session-time", markup=False)
        yield DataTable(id="plan", cursor_type="row")
        yield Label("Session notes (saved as you type):")
        yield TextArea(self.session.notes, id="notes", soft_wrap=True, show_line_numbers=False)
        yield Static("", id="save-state", markup=False)
        yield KeyBar()

    def on_mount(self) -> None:
        table = self.query_one("#plan", DataTable)
        for label, width in (("#", 2), ("Exercise", 44), ("Progress", 14)):
            table.add_column(label, width=width)
        notes = self.query_one("#notes", TextArea)
        notes.read_only = self.oc.read_only
        self.refresh_data()
        self._to_unfinished()
        self.show_time()
        every_while_current(self, TIME_TICK_SECONDS, self.show_time, name="session-time")
        follow_holder(self, self.oc, self._holder_saved)
        table.focus()

    def _holder_saved(self) -> None:
        session = self.oc.session(self.session.id)
        if session is not None:
            self.session = session
            notes = self.query_one("#notes", TextArea)
            if notes.text != session.notes:
                notes.text = session.notes
        self.refresh_data()

    def on_screen_resume(self) -> None:
        host(self).saver.flush()  # the last answer typed counts in the progress at once
        self.refresh_data()
        self.show_time()
        self._to_unfinished()  # back from an exercise just finished: on to the next one

    def _exercises(self) -> list[Exercise]:
        return [e for e in (self.library.get(i) for i in self.session.planned) if e is not None]

    def show_time(self) -> None:
        """The session's planned length and the time it has taken so far (or took)."""
        planned = sum(e.minutes for e in self._exercises())
        text = sessions.time_words(self.session, planned, host(self).now())
        show(self.query_one("#session-time", Static), text)  # nothing at all when unchanged

    def _to_unfinished(self) -> None:
        """The cursor never stays on a finished exercise: it moves to the next one not done (after
        it, then from the top); where every exercise is done it stays."""
        table = self.query_one("#plan", DataTable)
        if not table.row_count or table.cursor_row not in self._done_rows:
            return
        rows = range(table.row_count)
        after = [r for r in rows if r > table.cursor_row] + [
            r for r in rows if r < table.cursor_row
        ]
        target = next((r for r in after if r not in self._done_rows), None)
        if target is not None:
            table.move_cursor(row=target, animate=False)

    def on_client_changed(self, message: ClientChanged) -> None:
        if message.client_id == self.oc.client_id:
            self.refresh_data()

    def refresh_data(self) -> None:
        s = self.session
        self.title = f"Session {s.date:%d %b %Y} · {s.mode.value}"
        rar = " · counts as RAR activity" if s.rar_activity else ""
        on_behalf = " · answers recorded on the client's behalf" if s.mode.on_behalf else ""
        self.query_one("#session-info", Static).update(
            f"{s.status.value.replace('_', ' ')}{rar}{on_behalf}"
        )
        if self.oc.holds_session(s.id):
            self._fill_plan(self._answered())
        else:  # an old session: its answers are read from the whole file, off the UI thread
            self._read_answers()

    def _answered(self) -> dict[str, set[str]]:
        answered: dict[str, set[str]] = {}
        for a in self.oc.answers(self.session.id):
            if not is_blank(a.value):
                answered.setdefault(a.exercise_id, set()).add(a.step_id)
        return answered

    @work(thread=True, exclusive=True, group="session-answers")
    def _read_answers(self) -> None:
        answered = self._answered()
        back_on_ui(self, self._fill_plan, answered)

    def _fill_plan(self, answered: dict[str, set[str]]) -> None:
        s = self.session
        table = self.query_one("#plan", DataTable)
        row = table.cursor_row
        table.clear()
        self._done_rows = set()
        for i, exercise_id in enumerate(s.planned, 1):
            exercise = self.library.get(exercise_id)
            if exercise is None:
                table.add_row(
                    str(i), Text(f"{exercise_id} (no longer in the content)"), "-", key=exercise_id
                )
                continue
            state = progress_words(exercise, answered.get(exercise_id, set()))
            if state == "✓ done":
                self._done_rows.add(i - 1)
            table.add_row(str(i), Text(one_line(exercise.title, 44)), Text(state), key=exercise_id)
        if table.row_count:
            table.move_cursor(row=min(row, table.row_count - 1))

    @on(DataTable.RowSelected, "#plan")
    def _selected(self) -> None:
        self.action_run_selected()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Enter is shown where it acts: on the exercises, not while typing notes."""
        if action == "run_selected":
            notes = self.query("#notes")
            return not (notes and self.focused is notes.first())
        return True

    def action_run_selected(self) -> None:
        table = self.query_one("#plan", DataTable)
        if not table.row_count:
            return
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        if key:
            from screens.exercise import run_exercise

            run_exercise(self, self.oc, self.session, key)

    def action_focus_notes(self) -> None:
        self.query_one("#notes", TextArea).focus()

    @on(TextArea.Changed, "#notes")
    def _notes_changed(self, event: TextArea.Changed) -> None:
        if self.oc.read_only:
            return
        text = event.text_area.text
        state = self.query_one("#save-state", Static)
        if len(text) > NOTES_MAX:
            show(
                state,
                f"⚠ Notes are limited to {NOTES_MAX} characters ({len(text)} typed): "
                "not saved until shortened.",
            )
            return
        oc, session_id = self.oc, self.session.id
        show(state, "saving…")

        def save() -> None:
            sessions.save_notes(oc, session_id, text)

        host(self).saver.submit(("notes", session_id), save)

    def on_saved(self, message: Saved) -> None:
        if message.key == ("notes", self.session.id):
            state = self.query_one("#save-state", Static)
            show(state, "⚠ not saved: see the message" if message.error else "✓ saved")

    def action_end_session(self) -> None:
        if self.oc.read_only:
            self.dismiss(None)
            return
        host(self).saver.flush()
        left = sessions.unanswered(self.oc, self.session, self._exercises())
        if left:

            def confirmed(end: bool | None) -> None:
                if end:
                    self._end()

            self.app.push_screen(
                ConfirmScreen(
                    f"{left} step(s) of this session's exercises are not answered. End the "
                    "session anyway? (Unanswered steps can be done in a later session.)"
                ),
                confirmed,
            )
            return
        self._end()

    def _end(self) -> None:
        self.session = sessions.end_session(self.oc, self.session.id, at=host(self).now())
        self.notify("Session ended and saved.", markup=False)
        self.dismiss(None)
        from screens.contact_record import show_contact_record

        show_contact_record(self, self.oc, self.session.id)  # for the case system

    def action_back(self) -> None:
        host(self).saver.flush()
        self.dismiss(None)


def run_session(node: DOMNode, oc: OpenClient, session: Session) -> None:
    """Begin (or resume) `session` and show it."""
    app, state = node.app, host(node)
    try:
        session = sessions.begin_session(oc, session.id, at=state.now())
    except StoreError as exc:
        app.notify(str(exc), severity="error", markup=False)
        return
    app.push_screen(SessionScreen(oc, session, state.ctx.library))
