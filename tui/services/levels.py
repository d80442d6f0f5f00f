"""The latest traffic-light level, found through content (`Step.trend == "wellbeing-level"`)."""

from __future__ import annotations

from exercises.models import StepKind
from store.records import Answer

LEVEL_TREND = "wellbeing-level"


def level_steps(library: object) -> set[tuple[str, str]]:
    keys = set()
    for ex in getattr(library, "exercises", ()):
        for step in ex.steps:
            if step.trend == LEVEL_TREND and step.kind is StepKind.CHOICE:
                keys.add((ex.id, step.id))
    return keys


def option_words(library: object, exercise_id: str, step_id: str, value: object) -> str:
    """An answer's option(s) as symbol + word, e.g. '▲ Amber'; the raw value if unknown."""
    ex = library.get(exercise_id) if hasattr(library, "get") else None
    step = ex.step(step_id) if ex else None
    values = value if isinstance(value, list) else [value]
    out = []
    for v in values:
        opt = next((o for o in step.options if o.value == v), None) if step else None
        out.append(f"{opt.symbol} {opt.label}".strip() if opt else str(v))
    return ", ".join(out)


def latest_level(library: object, answers: list[Answer]) -> str:
    """'Traffic light: ▲ Amber (12 Mar 2026)', or '' when never recorded."""
    keys = level_steps(library)
    found = [
        a for a in answers if (a.exercise_id, a.step_id) in keys and a.value not in (None, "", [])
    ]
    if not found:
        return ""
    last = max(found, key=lambda a: a.updated_at)
    words = option_words(library, last.exercise_id, last.step_id, last.value)
    return f"Traffic light: {words} ({last.updated_at:%d %b %Y})"
