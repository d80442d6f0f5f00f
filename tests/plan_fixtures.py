"""A small, fixed exercise library and client history for the plan tests (no content files)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from exercises.models import Column, Exercise, Option, Pattern, Phase, Step, StepKind
from store.profile import Client
from store.records import Answer, FollowUp, Session
from tui.services.plans.compiler import PlanInputs

LIGHTS = (
    Option(value="green", label="Green", symbol="●", tone="green"),
    Option(value="amber", label="Amber", symbol="▲", tone="amber"),
    Option(value="red", label="Red", symbol="■", tone="red"),
)
CONCERN = (
    Option(value="none", label="No concern"),
    Option(value="some", label="Some concern"),
    Option(value="clear", label="Clear concern", symbol="■", opens_follow_up=True),
)


def _ex(id: str, title: str, guide_step: int | str, steps: list[Step], **kw: object) -> Exercise:
    return Exercise(
        id=id,
        title=title,
        guide_step=guide_step,
        area="test",
        minutes=10,
        modes=("office", "phone", "posted"),
        source="test",
        steps=tuple(steps),
        **kw,
    )


IDENTIFY = _ex(
    "identify",
    "Identify",
    1,
    [
        Step(id="intro", kind=StepKind.READ, title="About this", body="Read this **aloud**."),
        Step(
            id="concerns",
            kind=StepKind.LIST,
            title="What worries me",
            body="List them.",
            feeds=("wellbeing.concerns",),
        ),
        Step(
            id="impact",
            kind=StepKind.TABLE,
            title="How it affects me",
            feeds=("wellbeing.impact",),
            columns=(
                Column(id="concern", label="Concern"),
                Column(id="feelings", label="Feelings"),
                Column(
                    id="coping",
                    label="How I cope",
                    type="choice",
                    options=(
                        Option(value="task", label="Task-focused"),
                        Option(value="avoidance", label="Avoidance-focused"),
                    ),
                ),
            ),
        ),
    ],
)
TRAFFIC = _ex(
    "traffic-light",
    "Wellbeing Traffic Light",
    2,
    [
        Step(
            id="lights",
            kind=StepKind.TABLE,
            title="My signs",
            feeds=("wellbeing.traffic-light",),
            columns=(
                Column(id="level", label="Level", type="choice", options=LIGHTS),
                Column(id="signs", label="Signs"),
                Column(id="do", label="What I will do"),
            ),
        ),
        Step(
            id="today",
            kind=StepKind.CHOICE,
            title="Where I am today",
            options=LIGHTS,
            feeds=("wellbeing.traffic-light",),
            trend="wellbeing-level",
        ),
    ],
)
BREATHING = _ex(
    "breathing",
    "Breathing",
    3,
    [
        Step(
            id="before",
            kind=StepKind.SCALE,
            title="Distress before",
            low_label="calm",
            high_label="very distressed",
            trend="distress-before",
            feeds=("wellbeing.toolkit-breathing",),
        ),
        Step(
            id="breathe",
            kind=StepKind.TIMED,
            title="Breathe",
            cycles=4,
            feeds=("wellbeing.toolkit-breathing",),
            patterns=(
                Pattern(
                    id="box",
                    label="Box breathing",
                    phases=(
                        Phase(label="In", seconds=4),
                        Phase(label="Hold", seconds=4),
                        Phase(label="Out", seconds=4),
                        Phase(label="Hold", seconds=4),
                    ),
                ),
            ),
        ),
        Step(
            id="after",
            kind=StepKind.SCALE,
            title="Distress after",
            low_label="calm",
            high_label="very distressed",
            trend="distress-after",
            feeds=("wellbeing.toolkit-breathing",),
        ),
    ],
)
FRIEND = _ex(
    "treat-a-friend",
    "How Would You Treat a Friend",
    3,
    [
        Step(
            id="friend",
            kind=StepKind.TEXT,
            title="What I would say to a friend",
            body="Think of a close friend who is struggling.",
            feeds=("wellbeing.kindness",),
        ),
        Step(
            id="phrases",
            kind=StepKind.CHOICE,
            title="Phrases I chose",
            multiple=True,
            feeds=("wellbeing.kindness",),
            options=(
                Option(value="kind", label="May I be kind to myself"),
                Option(value="strong", label="May I be strong"),
            ),
        ),
    ],
)
GOALS = _ex(
    "goals",
    "Good Life goals",
    4,
    [
        Step(id="goals", kind=StepKind.LIST, title="My goals", feeds=("wellbeing.goals",)),
    ],
)
KEEP_SAFE = _ex(
    "keep-safe-review",
    "Keep Safe review",
    "keep-safe",
    [
        Step(
            id="va-signs",
            kind=StepKind.TEXT,
            title="Warning signs",
            feeds=("keep-safe.victim-access",),
        ),
        Step(
            id="va-safe",
            kind=StepKind.TEXT,
            title="What keeps me safe",
            feeds=("keep-safe.victim-access",),
        ),
        Step(
            id="va-help",
            kind=StepKind.TEXT,
            title="Who can help",
            feeds=("keep-safe.victim-access",),
        ),
        Step(
            id="va-concern",
            kind=StepKind.CHOICE,
            title="Concern level",
            options=CONCERN,
            feeds=("keep-safe.victim-access",),
        ),
        Step(
            id="hostility-signs",
            kind=StepKind.TEXT,
            title="Warning signs",
            feeds=("keep-safe.hostility",),
        ),
    ],
    practitioner_only=True,
)

EXERCISES = (IDENTIFY, TRAFFIC, BREATHING, FRIEND, GOALS, KEEP_SAFE)


class FakeLibrary:
    """Stands in for `exercises.library.Library`: `.exercises` and `.get(id)`."""

    def __init__(self, exercises: tuple[Exercise, ...] = EXERCISES):
        self.exercises = exercises
        self.problems: list[object] = []

    def get(self, exercise_id: str) -> Exercise | None:
        return next((e for e in self.exercises if e.id == exercise_id), None)


S1 = Session(id="s1", date=date(2020, 6, 3), practitioner="pat")
S2 = Session(id="s2", date=date(2020, 6, 10), practitioner="pat")
CLIENT = Client(id="AB123", name="Alex Brown")


def at(day: int, hour: int = 10) -> datetime:
    return datetime(2020, 6, day, hour, tzinfo=UTC)


def answer(
    session: Session, exercise: str, step: str, value: object, when: datetime, **kw: object
) -> Answer:
    return Answer(
        session_id=session.id,
        exercise_id=exercise,
        step_id=step,
        value=value,
        updated_at=when,
        recorded_by="pat",
        **kw,
    )


def history() -> list[Answer]:
    """Two sessions' answers covering every step kind."""
    return [
        answer(S1, "identify", "concerns", ["Losing my job", "My mum's health"], at(3)),
        answer(
            S1,
            "identify",
            "impact",
            [
                {"concern": "Losing my job", "feelings": "Anxious", "coping": "avoidance"},
            ],
            at(3),
        ),
        answer(
            S1,
            "traffic-light",
            "lights",
            [
                {"level": "green", "signs": "Sleeping well", "do": "Keep my routine"},
                {"level": "amber", "signs": "Not sleeping", "do": "Phone my brother"},
                {"level": "red", "signs": "Drinking", "do": "Call my worker"},
            ],
            at(3),
        ),
        answer(S1, "traffic-light", "today", "amber", at(3)),
        answer(S1, "breathing", "before", 8, at(3)),
        answer(S1, "breathing", "breathe", {"pattern": "box", "cycles": 4, "completed": 4}, at(3)),
        answer(S1, "breathing", "after", 3, at(3)),
        answer(S1, "treat-a-friend", "friend", "I would tell him it is not his fault.", at(3)),
        answer(S1, "treat-a-friend", "phrases", ["kind", "strong"], at(3)),
        answer(S1, "keep-safe-review", "va-signs", "Spending hours online at night", at(3)),
        answer(S1, "keep-safe-review", "va-safe", "Computer in the living room", at(3)),
        answer(S1, "keep-safe-review", "va-help", "My brother; my worker", at(3)),
        answer(S1, "keep-safe-review", "va-concern", "clear", at(3)),
        answer(S2, "traffic-light", "today", "green", at(10)),
        answer(S2, "breathing", "before", 6, at(10)),
        answer(S2, "breathing", "after", 2, at(10)),
        answer(S2, "goals", "goals", ["Finish my college course"], at(10)),
    ]


def inputs(answers: list[Answer] | None = None, **kw: object) -> PlanInputs:
    return PlanInputs(
        client=CLIENT,
        sessions=[S1, S2],
        answers=history() if answers is None else answers,
        follow_ups=kw.pop(
            "follow_ups",
            [
                FollowUp(
                    reason="Clear concern: Victim Access",
                    exercise_id="keep-safe-review",
                    step_id="va-concern",
                    session_id="s1",
                    opened_at=at(3),
                )
            ],
        ),
        **kw,
    )


def plan_client(client_file: object, export_dir: object = None) -> object:
    """An `OpenClient` over an open test `ClientFile`, with the FakeLibrary as its content (the
    plan services compile with the context's library, as the App does)."""
    from pathlib import Path

    from store.clients import Repository
    from tui.services.clients.access import OpenClient
    from tui.services.config import Config
    from tui.services.context import Context

    data_dir = client_file.paths.file.parent.parent  # type: ignore[attr-defined]
    repo = Repository(data_dir, user="pat")
    config = Config(export_dir=Path(export_dir) if export_dir is not None else None)
    ctx = Context(config=config, data_dir=repo.data_dir)
    ctx.__dict__["_repo"] = repo  # the test's repository (its user), not a new one
    ctx.__dict__["library"] = FakeLibrary()
    return OpenClient(ctx, client_file)  # type: ignore[arg-type]
