"""Start a session: how it is held, whether it counts as RAR activity, which exercises in which order."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Select, SelectionList, Static

from exercises.models import Exercise
from screens.host import host
from screens.marked_toggles import MarkedCheckbox, MarkedSelectionList
from store.errors import StoreError
from store.records import SessionMode

if TYPE_CHECKING:
    from textual.dom import DOMNode

    from tui.services.clients.access import OpenClient

MODE_LABELS = {
    SessionMode.OFFICE: "Office (client with me)",
    SessionMode.PHONE: "Phone (I read aloud and type)",
    SessionMode.REMOTE: "Remote (video)",
    SessionMode.POSTED: "Posted worksheets (typing in)",
}


@dataclass(frozen=True)
class SessionChoice:
    """How the session is held, the exercises in the order chosen, and whether it counts as RAR."""

    mode: SessionMode
    planned: tuple[str, ...]
    rar_activity: bool


class SessionSetupScreen(ModalScreen[SessionChoice | None]):
    """Dismisses with the practitioner's choice (the App plans the session), or None."""

    CSS_PATH = "session_setup.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="session-setup.cancel"),
        Binding("ctrl+s", "start", "Start session", id="session-setup.start"),
    ]

    def __init__(self, library: object):
        super().__init__()
        self.library = library
        self.order: list[str] = []

    def _exercises(self) -> list[Exercise]:
        return list(getattr(self.library, "exercises", []))

    def compose(self) -> ComposeResult:
        with Vertical(classes="setup"):
            yield Static("New session", classes="setup-title", markup=False)
            with Horizontal(classes="setup-row"):
                yield Select(
                    [(label, mode) for mode, label in MODE_LABELS.items()],
                    value=SessionMode.OFFICE,
                    allow_blank=False,
                    id="mode",
                )
                yield MarkedCheckbox("Counts as RAR activity", id="rar")
            yield Label("Exercises, in the order you choose them (space to pick):")
            yield MarkedSelectionList(
                *[(self._label(e), e.id) for e in self._exercises()], id="exercises"
            )
            yield Static("", id="order", markup=False)
            with Horizontal(classes="setup-buttons"):
                yield Button("Start (ctrl+s)", id="start", variant="primary")
                yield Button("Cancel (esc)", id="cancel")

    def _label(self, e: Exercise) -> str:
        labels = getattr(self.library, "step_labels", {})
        step = labels.get(e.guide_step, f"Step {e.guide_step}")
        return f"{e.title} ({step}, {e.minutes} min)"

    def on_mount(self) -> None:
        # focus starts at the top of the form (AUTO_FOCUS): how the session is held comes first
        self._show_order()

    @on(SelectionList.SelectedChanged, "#exercises")
    def _changed(self, event: SelectionList.SelectedChanged[str]) -> None:
        selected = set(event.selection_list.selected)
        self.order = [e for e in self.order if e in selected] + [
            e for e in event.selection_list.selected if e not in self.order
        ]
        self._show_order()

    def _show_order(self) -> None:
        exercises = {e.id: e for e in self._exercises()}
        text = " → ".join(exercises[e].title if e in exercises else e for e in self.order)
        total = sum(exercises[e].minutes for e in self.order if e in exercises)
        planned = f" · about {total} min in all" if total else ""
        self.query_one("#order", Static).update(f"Order: {text or 'none chosen yet'}{planned}")

    def _mode(self) -> SessionMode:
        value = self.query_one("#mode", Select).value
        return value if isinstance(value, SessionMode) else SessionMode.OFFICE

    @on(Button.Pressed, "#start")
    def _start_pressed(self) -> None:
        self.action_start()

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()

    def action_start(self) -> None:
        if not self.order:
            self.notify("Pick at least one exercise (space).", severity="warning", markup=False)
            return
        self.dismiss(
            SessionChoice(
                mode=self._mode(),
                planned=tuple(self.order),
                rar_activity=self.query_one("#rar", MarkedCheckbox).value,
            )
        )

    def action_cancel(self) -> None:
        self.dismiss(None)


def new_session(node: DOMNode, oc: OpenClient) -> None:
    """Ask how the session is held and which exercises (then, if the config asks, whether the
    room is private), plan it and run it."""
    from screens.privacy import PrivacyCheckScreen
    from screens.session import run_session
    from tui.services.clients.sessions import plan_session

    app, state = node.app, host(node)
    if oc.read_only:
        app.notify(oc.why_read_only(), severity="warning", markup=False)
        return

    def start(choice: SessionChoice) -> None:
        try:
            session = plan_session(
                oc,
                practitioner=state.ctx.practitioner,
                mode=choice.mode,
                planned=choice.planned,
                rar_activity=choice.rar_activity,
                on=state.today(),
            )
        except StoreError as exc:
            app.notify(str(exc), severity="error", markup=False)
            return
        run_session(app, oc, session)

    def chosen(choice: SessionChoice | None) -> None:
        if choice is None:
            return
        if not state.ctx.config.privacy_check:
            start(choice)
            return
        app.push_screen(PrivacyCheckScreen(), lambda ok: start(choice) if ok else None)

    app.push_screen(SessionSetupScreen(state.ctx.library), chosen)
