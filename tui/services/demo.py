"""The sample client: a realistic history so a newcomer sees a populated app (`wellbeing --demo`).

The history is data (`demo_history.yaml`), written with the content's own exercise and step ids;
answers to steps the loaded content does not have are skipped rather than invented.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import yaml

from store.profile import Client, Needs, RiskProfile
from store.records import Answer, FollowUp, Session, SessionMode, SessionStatus
from tui.services.clients.access import open_client
from tui.services.context import Context
from tui.services.repository import repository
from tui.services.writers import writer_of

DEMO_ID = "DEMO1"
HISTORY = Path(__file__).with_name("demo_history.yaml")


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour, 0), UTC)


def write_demo(ctx: Context, *, today: date | None = None) -> str:
    """Write the sample client into the context's data dir (unless there already); return its ID."""
    today = today or date.today()
    repo = repository(ctx)
    if repo.exists(DEMO_ID):
        return DEMO_ID
    data: dict[str, Any] = yaml.safe_load(HISTORY.read_text("utf-8"))
    info = data["client"]
    repo.add_client(
        Client(
            id=DEMO_ID,
            name=info["name"],
            date_of_birth=date.fromisoformat(info["date_of_birth"]),
            gender=info["gender"],
            programme_stage=info["programme_stage"],
            order_type=info["order_type"],
            rar_days=info["rar_days"],
            order_end=today + timedelta(days=info["order_end_in_days"]),
            needs=Needs(),
            risk=RiskProfile(**info["risk"]),
        )
    )
    library = ctx.library
    session_of: dict[int, str] = {}
    with open_client(ctx, DEMO_ID) as oc:
        cf = writer_of(oc)
        for entry in data["sessions"]:
            day = today - timedelta(weeks=entry["weeks_ago"])
            mode = SessionMode(entry["mode"])
            after = entry.get("next_appointment")
            session = Session(
                date=day,
                mode=mode,
                practitioner=ctx.practitioner,
                planned=list(entry["answers"]),
                status=SessionStatus.COMPLETED,
                rar_activity=entry["rar"],
                started_at=_at(day, 10),
                ended_at=_at(day, 11),
                next_appointment=(
                    _at(day + timedelta(days=after["days_after"]), after["hour"]) if after else None
                ),
            )
            cf.save_session(session)
            session_of[entry["weeks_ago"]] = session.id
            for minute, (exercise_id, steps) in enumerate(entry["answers"].items()):
                exercise = library.get(exercise_id)
                if exercise is None:
                    continue
                for step_id, value in steps.items():
                    step = exercise.step(step_id)
                    if step is None:
                        continue
                    cf.save_answer(
                        Answer(
                            session_id=session.id,
                            exercise_id=exercise_id,
                            step_id=step_id,
                            value=value,
                            recorded_by=ctx.practitioner,
                            on_behalf=mode.on_behalf and step.voice == "client",
                            voice=step.voice,
                            updated_at=_at(day, 10) + timedelta(minutes=minute),
                        )
                    )
        for fu in data.get("follow_ups", []):
            cf.save_follow_up(
                FollowUp(
                    opened_at=_at(today - timedelta(weeks=fu["weeks_ago"]), 11),
                    reason=fu["reason"],
                    exercise_id=fu["exercise"],
                    step_id=fu["step"],
                    session_id=session_of.get(fu["weeks_ago"], ""),
                )
            )
    return DEMO_ID
