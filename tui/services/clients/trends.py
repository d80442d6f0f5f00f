"""Trends for the dashboard: the traffic-light level at each session, and distress before and after
breathing, readable in monochrome (symbols, words and numbers; colour is never needed).

Content opts a step into a series with `Step.trend`; nothing here names an exercise.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from pydantic import BaseModel, ConfigDict

from exercises.models import Exercise, Option, Step
from store.records import Answer, Session
from store.text import clean_line
from tui.services.plans.compiler import ExerciseSource, day, exercises_of

LEVEL, BEFORE, AFTER = "wellbeing-level", "distress-before", "distress-after"
BARS = "▁▂▃▄▅▆▇█"
_TONE_RANK = {"green": 0, "amber": 1, "red": 2}


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class LevelPoint(_Frozen):
    """The traffic-light level given at one session."""

    session_id: str
    on: date
    value: str
    #: 0 is the calmest option (green), higher is worse; from the option's tone, else its position.
    rank: int
    symbol: str = ""
    label: str


class DistressPoint(_Frozen):
    """Distress ratings around one breathing exercise in one session (either may be missing)."""

    session_id: str
    on: date
    exercise_id: str
    before: float | None = None
    after: float | None = None
    scale_max: int = 10


class Trends(_Frozen):
    levels: tuple[LevelPoint, ...] = ()
    distress: tuple[DistressPoint, ...] = ()


def _rank(options: tuple[Option, ...], option: Option) -> int:
    if option.tone in _TONE_RANK:
        return _TONE_RANK[option.tone]
    return options.index(option)


def trend_steps(library: ExerciseSource | Iterable[Exercise]) -> set[tuple[str, str]]:
    """The (exercise, step) pairs whose answers make a series: all the trends need of a client's
    answers (so a caller can read just these: `ClientFile.answers_for`)."""
    return {(e.id, s.id) for e in exercises_of(library) for s in e.steps if s.trend}


def compute_trends(
    sessions: Iterable[Session],
    answers: Iterable[Answer],
    library: ExerciseSource | Iterable[Exercise],
) -> Trends:
    """The series, oldest session first. `library` is an `exercises.library.Library` (or a list of
    exercises). Answers to steps no longer in the content are left out."""
    steps: dict[tuple[str, str], Step] = {
        (e.id, s.id): s for e in exercises_of(library) for s in e.steps if s.trend
    }
    session_list = sorted(sessions, key=lambda s: s.order)
    order = {s.id: n for n, s in enumerate(session_list)}
    dates = {s.id: s.date for s in session_list}

    levels: dict[str, tuple[Answer, LevelPoint]] = {}
    distress: dict[tuple[str, str], dict[str, object]] = {}
    for a in answers:
        step = steps.get((a.exercise_id, a.step_id))
        if step is None or a.session_id not in order:
            continue
        if step.trend == LEVEL:
            option = next((o for o in step.options if o.value == a.value), None)
            if option is None:
                continue
            point = LevelPoint(
                session_id=a.session_id,
                on=dates[a.session_id],
                value=option.value,
                rank=_rank(step.options, option),
                symbol=option.symbol,
                label=clean_line(option.label),
            )
            old = levels.get(a.session_id)
            if old is None or a.updated_at >= old[0].updated_at:
                levels[a.session_id] = (a, point)
        elif step.trend in (BEFORE, AFTER):
            if isinstance(a.value, bool) or not isinstance(a.value, (int, float)):
                continue
            slot = distress.setdefault((a.session_id, a.exercise_id), {"scale_max": step.scale_max})
            slot["before" if step.trend == BEFORE else "after"] = float(a.value)

    by_session = sorted(levels.values(), key=lambda x: order[x[1].session_id])
    level_points = tuple(p for _, p in by_session)
    distress_points = tuple(
        DistressPoint(session_id=sid, on=dates[sid], exercise_id=eid, **values)
        for (sid, eid), values in sorted(
            distress.items(), key=lambda kv: (order[kv[0][0]], kv[0][1])
        )
    )
    return Trends(levels=level_points, distress=distress_points)


def _bar(value: float | None, scale_max: int) -> str:
    if value is None:
        return "·"
    index = round(max(0.0, min(value / max(scale_max, 1), 1.0)) * (len(BARS) - 1))
    return BARS[index]


def _num(value: float | None) -> str:
    return "–" if value is None else f"{value:g}"


def render_trends(trends: Trends, limit: int = 8) -> list[str]:
    """Lines of plain text (at most ~60 columns), the latest `limit` points of each series."""
    lines: list[str] = []
    levels = trends.levels[-limit:]
    if levels:
        marks = " ".join(p.symbol or p.label[:1] for p in levels)
        lines.append(f"Traffic light by session: {marks}")
        for p in levels:
            lines.append(f"  {day(p.on):>11}  {p.symbol} {p.label.upper()}".rstrip())
    else:
        lines.append("Traffic light: not recorded yet.")
    points = trends.distress[-limit:]
    if points:
        lines.append("Distress before → after breathing (0 calm, 10 worst):")
        for d in points:
            change = ""
            if d.before is not None and d.after is not None:
                diff = d.after - d.before
                change = (
                    "  no change"
                    if diff == 0
                    else f"  down {-diff:g}"
                    if diff < 0
                    else f"  up {diff:g}"
                )
            bars = f"{_bar(d.before, d.scale_max)}→{_bar(d.after, d.scale_max)}"
            lines.append(f"  {day(d.on):>11}  {bars}  {_num(d.before)} → {_num(d.after)}{change}")
    else:
        lines.append("Distress around breathing: not recorded yet.")
    return lines


def trend_lines(
    sessions: Iterable[Session],
    answers: Iterable[Answer],
    library: ExerciseSource | Iterable[Exercise],
    limit: int = 8,
) -> list[str]:
    """`compute_trends` then `render_trends`: what the dashboard shows."""
    return render_trends(compute_trends(sessions, answers, library), limit)


__all__ = [
    "DistressPoint",
    "LevelPoint",
    "Trends",
    "compute_trends",
    "render_trends",
    "trend_lines",
    "trend_steps",
]
