"""Fixed exercises and a small app for the screen tests (no dependency on shipped content)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from exercises.interventions import Intervention
from exercises.models import (
    Column,
    Exercise,
    Option,
    Pattern,
    Phase,
    RowRule,
    Step,
    StepKind,
)
from screens.exercise import ExerciseScreen
from store.profile import Client
from store.records import Session, SessionMode
from tests.settling import settled
from tui.services.autosave import AutoSaver
from tui.services.clients.access import OpenClient
from tui.services.clients.access import open_client as services_open_client
from tui.services.config import Config
from tui.services.context import Context
from tui.services.repository import repository
from tui.services.timing import Clock, FakeClock
from tui.services.writers import writer_of
from tui.shell.key_gate import GatedApp

TRAFFIC = (
    Option(value="green", label="GREEN", symbol="●", tone="green", description="Doing well."),
    Option(value="amber", label="AMBER", symbol="▲", tone="amber", description="Some concerns."),
    Option(value="red", label="RED", symbol="■", tone="red", description="Need help now."),
)
CONCERN = (
    Option(value="none", label="None", symbol="○"),
    Option(value="some", label="Some", symbol="◐"),
    Option(value="clear", label="Clear", symbol="●", opens_follow_up=True),
)
BOX = Pattern(
    id="box",
    label="Box 4-4-4-4",
    phases=(
        Phase(label="Breathe in", seconds=4, cue="Breathe in slowly through your nose"),
        Phase(label="Hold", seconds=4, cue="Hold it gently"),
        Phase(label="Breathe out", seconds=4, cue="Breathe out through your mouth"),
        Phase(label="Hold", seconds=4, cue="Hold, empty"),
    ),
)
FIVE = Pattern(
    id="five-five",
    label="5-5",
    phases=(Phase(label="Breathe in", seconds=5), Phase(label="Breathe out", seconds=5)),
)


def step(kind: StepKind, id: str, title: str, body: str = "", **kw: Any) -> Step:
    return Step(id=id, kind=kind, title=title, body=body, **kw)


STEPS: dict[StepKind, Step] = {
    StepKind.READ: step(
        StepKind.READ,
        "intro",
        "Before we start",
        "We will look at **what worries you** and how you cope.\n\n- Take your time\n- Say pass",
        aloud=True,
    ),
    StepKind.TEXT: step(
        StepKind.TEXT,
        "worry",
        "What worries you most?",
        "Write it in the client's own words.",
        max_length=200,
        disclosure=True,
    ),
    StepKind.LIST: step(
        StepKind.LIST,
        "helps",
        "Things that help",
        "List what helps, one at a time.",
        max_items=5,
        max_length=60,
    ),
    StepKind.TABLE: step(
        StepKind.TABLE,
        "contacts",
        "Who I contact",
        "One row for each level.",
        columns=(
            Column(id="level", label="Level", type="choice", options=TRAFFIC),
            Column(id="who", label="Who", max_length=40),
            Column(
                id="professional",
                label="Professional?",
                type="choice",
                options=(
                    Option(value="yes", label="Yes", symbol="✓"),
                    Option(value="no", label="No", symbol="✗"),
                ),
            ),
            Column(id="when", label="Since", type="date"),
        ),
        rules=(
            RowRule(
                column="professional",
                value="yes",
                message="Crisis contact names no professional.",
                when_column="level",
                when_value="red",
            ),
        ),
        max_rows=6,
    ),
    StepKind.CHOICE: step(
        StepKind.CHOICE,
        "level",
        "Where are you today?",
        "Choose one level.",
        options=TRAFFIC,
    ),
    StepKind.SCALE: step(
        StepKind.SCALE,
        "distress",
        "How distressed do you feel?",
        "0 is calm, 10 is the most.",
        low_label="calm",
        high_label="most distressed",
    ),
    StepKind.TIMED: step(
        StepKind.TIMED,
        "breathe",
        "Breathe with the timer",
        "Follow the words on the screen.",
        patterns=(BOX, FIVE),
        cycles=2,
        allow_custom=True,
    ),
}


def exercise_of(*steps: Step, id: str = "test-ex", title: str = "Test exercise") -> Exercise:
    return Exercise(
        id=id,
        title=title,
        guide_step=1,
        area="test",
        minutes=5,
        modes=(SessionMode.OFFICE, SessionMode.PHONE),
        source="test fixture",
        steps=steps,
    )


def single(kind: StepKind) -> Exercise:
    """An exercise holding one step of `kind`, then a closing read step."""
    return exercise_of(
        STEPS[kind],
        step(StepKind.READ, "end", "The end", "Thank you."),
        id=f"one-{kind.value}",
        title=f"One {kind.value} step",
    )


def every_kind() -> Exercise:
    return exercise_of(*STEPS.values(), id="every-kind", title="Every kind of step")


KEEP_SAFE = exercise_of(
    step(
        StepKind.CHOICE,
        "concern",
        "Practitioner's concern",
        "How concerned are you?",
        options=CONCERN,
    ),
    step(StepKind.TEXT, "changed", "What has changed", disclosure=True),
    id="keep-safe-test",
    title="Keep Safe test",
)


def open_client(data_dir: Path, client_id: str = "T1") -> OpenClient:
    """The client opened through the services, as the App opens it (created if missing)."""
    ctx = Context(config=Config(), data_dir=Path(data_dir))
    if not repository(ctx).exists(client_id):
        repository(ctx).add_client(Client(id=client_id, name="Test"))
    return services_open_client(ctx, client_id)


def new_session(cf: OpenClient, mode: SessionMode = SessionMode.OFFICE, id: str = "s1") -> Session:
    session = Session(id=id, practitioner="pat", mode=mode)
    if not cf.read_only:
        writer_of(cf).save_session(session)
    return session


class ExerciseApp(GatedApp):
    """Pushes one ExerciseScreen and remembers what it dismissed with."""

    low_bandwidth = False

    def __init__(
        self,
        exercise: Exercise,
        session: Session,
        client_file: OpenClient,
        *,
        clock: Clock | None = None,
        delay: float = 0.05,
        interventions: Sequence[Intervention] = (),
    ) -> None:
        super().__init__()
        self.interventions = interventions
        self.exercise = exercise
        self.session = session
        self.client_file = client_file
        self.clock = clock or FakeClock()
        self.saver = AutoSaver(delay=delay)
        self.result: bool | None = None

    def on_mount(self) -> None:
        self.push_screen(
            ExerciseScreen(
                self.exercise,
                self.session,
                self.client_file,
                self.saver,
                "pat",
                clock=self.clock,
                interventions=self.interventions,
            ),
            self._done,
        )

    def on_unmount(self) -> None:
        # What the real App does on exit (and on a hang-up): run every pending save now.
        self.saver.stop()

    def _done(self, result: bool | None) -> None:
        self.result = result

    @property
    def screen_(self) -> ExerciseScreen:
        screen = self.screen
        assert isinstance(screen, ExerciseScreen)
        return screen


async def settle(app: ExerciseApp, pilot: Any) -> None:
    """Let pending autosaves run and their reports reach the screen (waiting on the app having
    dealt with everything, never a fixed time)."""
    await settled(app, pilot)
    app.saver.flush()
    await settled(app, pilot)
