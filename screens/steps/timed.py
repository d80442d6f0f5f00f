"""Timed steps: breathing patterns and guided pauses, shown in words and a countdown.

The `PhaseTimer` (tui.services.timing) does the sums; this widget asks it once a second and shows the phase
in words, the seconds left and "Cycle k of n", so it needs neither animation nor colour. The clock
is injected, so tests move a `FakeClock` instead of waiting.
"""

from __future__ import annotations

from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.content import Content
from textual.message import Message
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Input, Label, Static

from exercises.models import Option, Pattern, Phase
from screens.steps.base import StepEditor
from screens.steps.fields import LimitedInput, OptionCycler
from tui.services.timing import (
    CUSTOM_PATTERN_ID,
    PhaseTimer,
    TimerState,
    TimerStatus,
    describe_phases,
    parse_custom,
)

_STATE_WORDS = {
    TimerState.READY: "Ready",
    TimerState.RUNNING: "Running",
    TimerState.PAUSED: "PAUSED",
    TimerState.STOPPED: "Stopped",
    TimerState.FINISHED: "Finished",
}


class TimerFace(Widget, can_focus=True):
    """The phase in words, the seconds left, the cycle, and (on the phone) what to say next."""

    DEFAULT_CSS = """
    TimerFace {
        height: auto;
        min-height: 4;
        border: round $primary;
        padding: 0 1;
    }
    TimerFace:focus {
        border: heavy $accent;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("s", "control('start')", "Start", id="timed.control-start"),
        Binding("p,space", "control('toggle')", "Pause", id="timed.control-toggle"),
        Binding("x", "control('stop')", "Stop", id="timed.control-stop"),
    ]

    class Control(Message):
        def __init__(self, command: str) -> None:
            super().__init__()
            self.command = command

    def __init__(self, phone: bool, *, disabled: bool = False) -> None:
        super().__init__(disabled=disabled)
        self.phone = phone
        self.status: TimerStatus | None = None
        self.note = ""

    def show(self, status: TimerStatus, note: str = "") -> None:
        if status != self.status or note != self.note:
            self.status, self.note = status, note
            self.refresh(layout=True)

    def render(self) -> Content:
        s = self.status
        if s is None:
            return Content("")
        if s.state is TimerState.READY:
            head = Content.styled("Press s to start", "bold")
            count = f"First: {s.phase_label} for {s.seconds_left} seconds"
        elif s.state is TimerState.FINISHED:
            head = Content.styled("FINISHED", "bold")
            count = f"All {s.cycles} cycles done. Well done."
        else:
            head = Content.styled(s.phase_label.upper(), "bold")
            unit = "second" if s.seconds_left == 1 else "seconds"
            count = f"{s.seconds_left} {unit} left"
        lines = [head, Content(count), Content(f"{s.progress} · {_STATE_WORDS[s.state]}")]
        if self.phone and s.state is not TimerState.FINISHED and s.next_cue:
            label = "Say first" if s.state is TimerState.READY else "Say next"
            lines.append(Content.assemble(Content.styled(f"{label}: ", "bold"), s.next_cue))
        if self.note:
            lines.append(Content(self.note))
        return Content("\n").join(lines)

    def action_control(self, command: str) -> None:
        self.post_message(self.Control(command))


class TimedEditor(StepEditor):
    """Choose a pattern and cycles, then start, pause/resume and stop from the timer face."""

    DEFAULT_CSS = """
    TimedEditor .timed-row {
        height: 1;
    }
    TimedEditor .timed-label {
        width: 10;
    }
    TimedEditor OptionCycler {
        width: 40;
    }
    TimedEditor #timed-cycles {
        width: 6;
    }
    TimedEditor .timed-phases {
        height: 1;
        color: $text-muted;
    }
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        value = self.value if isinstance(self.value, dict) else {}
        ids = [p.id for p in self.step.patterns]
        if self.step.allow_custom:
            ids.append(CUSTOM_PATTERN_ID)
        chosen = value.get("pattern")
        self.pattern_id: str = chosen if chosen in ids else (ids[0] if ids else CUSTOM_PATTERN_ID)
        cycles = value.get("cycles")
        valid = isinstance(cycles, int) and 1 <= cycles <= 50
        self.cycles: int = cycles if valid and isinstance(cycles, int) else self.step.cycles
        self.custom_text = ""
        phases = value.get("phases")
        if isinstance(phases, list):
            try:
                self.custom_text = ", ".join(f"{p['label']} {int(p['seconds'])}" for p in phases)
            except (KeyError, TypeError, ValueError):
                self.custom_text = ""
        self.done_before: int | None = value.get("completed") if value else None
        #: earlier practices in this session: a new run adds to them, never replaces one
        earlier = value.get("earlier")
        self.earlier: list[dict[str, Any]] = (
            [r for r in earlier if isinstance(r, dict)][-20:] if isinstance(earlier, list) else []
        )
        self._last_run: dict[str, Any] | None = (
            {k: value[k] for k in ("pattern", "cycles", "completed", "phases") if k in value}
            if value.get("completed")
            else None
        )
        self.timer = PhaseTimer(
            self._phases() or (Phase(label="Breathe", seconds=4),), self.cycles, self.clock
        )
        self._ticker: Timer | None = None
        self._reported = -1
        self._cover_note = ""

    # -- composition --

    def compose(self) -> ComposeResult:
        options = [Option(value=p.id, label=p.label) for p in self.step.patterns]
        if self.step.allow_custom:
            options.append(Option(value=CUSTOM_PATTERN_ID, label="Custom pattern"))
        with Horizontal(classes="timed-row"):
            yield Label("Pattern", classes="timed-label")
            yield OptionCycler(
                tuple(options),
                self.pattern_id,
                allow_blank=False,
                id="timed-pattern",
                disabled=self.read_only,
            )
        with Horizontal(classes="timed-row"):
            yield Label("Cycles", classes="timed-label")
            yield LimitedInput(
                str(self.cycles),
                limit=2,
                restrict=r"[0-9]*",
                compact=True,
                id="timed-cycles",
                disabled=self.read_only,
            )
        with Horizontal(classes="timed-row", id="timed-custom-row"):
            yield Label("Phases", classes="timed-label")
            yield LimitedInput(
                self.custom_text,
                limit=200,
                compact=True,
                id="timed-custom",
                placeholder="e.g. in 4, hold 4, out 6",
                disabled=self.read_only,
            )
        yield Static("", markup=False, classes="timed-phases")
        yield TimerFace(self.phone, disabled=self.read_only)

    def on_mount(self) -> None:
        self._ticker = self.set_interval(1.0, self.tick, pause=True)
        self._configure()

    def focus_first(self) -> bool:
        self.query_one(TimerFace).focus()
        return True

    # -- configuration --

    def _pattern(self) -> Pattern | None:
        return next((p for p in self.step.patterns if p.id == self.pattern_id), None)

    def _phases(self) -> tuple[Phase, ...]:
        if self.pattern_id == CUSTOM_PATTERN_ID:
            try:
                return parse_custom(self.custom_text)
            except ValueError:
                return ()
        pattern = self._pattern()
        return pattern.phases if pattern else ()

    def _configure(self) -> None:
        """Rebuild the timer from the chosen pattern and cycles (only while it is not running)."""
        custom = self.pattern_id == CUSTOM_PATTERN_ID
        self.query_one("#timed-custom-row").display = custom
        phases = self._phases()
        note = ""
        if custom and not phases:
            try:
                parse_custom(self.custom_text)
            except ValueError as exc:
                note = f"Custom pattern: {exc}"
        summary = describe_phases(phases) if phases else note
        self.query_one(".timed-phases", Static).update(summary)
        if phases:
            self.timer = PhaseTimer(phases, self.cycles, self.clock)
        self._show()

    @property
    def keeps_awake(self) -> bool:
        """A running timer: the privacy cover does not come up over it."""
        return self.timer.state is TimerState.RUNNING

    def pause_for_cover(self) -> None:
        """The privacy cover came up anyway (f12): pause, and say so on return."""
        if self.timer.state is TimerState.RUNNING:
            self.timer.toggle()
            self._cover_note = "Paused while the screen was hidden: press p to carry on."
            self.tick()

    def _busy(self) -> bool:
        return self.timer.state in (TimerState.RUNNING, TimerState.PAUSED)

    @on(OptionCycler.Changed, "#timed-pattern")
    def _pattern_changed(self, event: OptionCycler.Changed) -> None:
        event.stop()
        if event.value == self.pattern_id:
            return
        if self._busy():
            self.post_message(self.Notice("Stop the timer (x) before changing the pattern."))
            return
        self.pattern_id = event.value
        self._configure()

    @on(Input.Changed, "#timed-cycles")
    def _cycles_changed(self, event: Input.Changed) -> None:
        event.stop()
        if not event.value:
            return
        n = int(event.value)
        if n == self.cycles:
            return
        if not 1 <= n <= 50:
            self.post_message(self.Notice("Cycles must be from 1 to 50."))
            return
        if self._busy():
            self.post_message(self.Notice("Stop the timer (x) before changing the cycles."))
            return
        self.cycles = n
        self._configure()

    @on(Input.Changed, "#timed-custom")
    def _custom_changed(self, event: Input.Changed) -> None:
        event.stop()
        if event.value != self.custom_text and not self._busy():
            self.custom_text = event.value
            self._configure()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.query_one(TimerFace).focus()

    # -- running --

    @on(TimerFace.Control)
    def _control(self, event: TimerFace.Control) -> None:
        event.stop()
        if self.read_only:
            return
        if not self._phases():
            self.post_message(self.Notice("Type the custom phases first, e.g. in 4, out 6."))
            return
        state = self.timer.state
        if event.command == "start" and state is TimerState.PAUSED:
            self.timer.resume()
        elif event.command == "start" or (
            event.command == "toggle" and state not in (TimerState.RUNNING, TimerState.PAUSED)
        ):
            if self._last_run is not None:  # the run before this one is kept as a practice
                self.earlier.append(self._last_run)
                self._last_run = None
            self._configure()
            self.timer.start()
            self._reported = -1
        elif event.command == "toggle":
            self.timer.toggle()
        elif event.command == "stop":
            self.timer.stop()
        self.tick()

    def tick(self) -> None:
        """Read the clock and show where the timer is; report finished cycles as the answer."""
        status = self.timer.status()
        if self._ticker is not None:
            if status.state is TimerState.RUNNING:
                self._ticker.resume()
            else:
                self._ticker.pause()
        if status.state is not TimerState.READY and (
            status.completed != self._reported
            or status.state in (TimerState.STOPPED, TimerState.FINISHED)
        ):
            self._reported = status.completed
            self.set_value(self._answer(status.completed))
        self._show(status)

    def _answer(self, completed: int) -> dict[str, Any]:
        answer: dict[str, Any] = {
            "pattern": self.pattern_id,
            "cycles": self.cycles,
            "completed": completed,
        }
        if self.pattern_id == CUSTOM_PATTERN_ID:
            answer["phases"] = [{"label": p.label, "seconds": p.seconds} for p in self._phases()]
        if completed:
            self._last_run = {k: v for k, v in answer.items() if k != "earlier"}
        if self.earlier:
            answer["earlier"] = list(self.earlier)
        return answer

    def _show(self, status: TimerStatus | None = None) -> None:
        status = status or self.timer.status()
        note = ""
        if status.state is TimerState.PAUSED and self._cover_note:
            note = self._cover_note
        elif status.state is TimerState.RUNNING:
            self._cover_note = ""
        if status.state is TimerState.READY and self.done_before is not None:
            note = f"Recorded so far: {self.done_before} cycle(s) completed."
        self.query_one(TimerFace).show(status, note)
