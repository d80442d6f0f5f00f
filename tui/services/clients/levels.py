"""The latest traffic-light level, found through content (`Step.trend == "wellbeing-level"`)."""

from __future__ import annotations

from collections.abc import Sequence

from exercises.models import Exercise, Step, StepKind
from store.records import Answer, Session
from tui.services.clients.answers import is_blank, option_words

LEVEL_TREND = "wellbeing-level"


def level_steps(library: object) -> set[tuple[str, str]]:
    keys = set()
    for ex in getattr(library, "exercises", ()):
        for step in ex.steps:
            if step.trend == LEVEL_TREND and step.kind is StepKind.CHOICE:
                keys.add((ex.id, step.id))
    return keys


def _step(library: object, exercise_id: str, step_id: str) -> Step | None:
    get = getattr(library, "get", None)
    ex = get(exercise_id) if get is not None else None
    return ex.step(step_id) if isinstance(ex, Exercise) else None


def latest_level(library: object, answers: Sequence[Answer], sessions: Sequence[Session]) -> str:
    """'Traffic light: ▲ Amber (12 Mar 2026)': the level saved last (`answers` in save order,
    as the store gives them), with the day of its session; '' when never recorded."""
    keys = level_steps(library)
    found = [a for a in answers if (a.exercise_id, a.step_id) in keys and not is_blank(a.value)]
    if not found:
        return ""
    last = found[-1]
    step = _step(library, last.exercise_id, last.step_id)
    words = option_words(step.options if step else (), last.value)
    on = next((s.date for s in sessions if s.id == last.session_id), last.updated_at.date())
    return f"Traffic light: {words} ({on:%d %b %Y})"
