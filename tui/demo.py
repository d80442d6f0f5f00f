"""The sample client: a realistic history so a newcomer sees a populated app (`wellbeing --demo`)."""

from __future__ import annotations

from datetime import date, datetime, timedelta, UTC

from store.records import Client, ProgrammeStage, Session, SessionMode, SessionStatus
from tui.context import Context

DEMO_ID = "DEMO1"


def write_demo(ctx: Context) -> str:
    """Write the sample client into the context's data dir (replacing an earlier one); return its ID."""
    repo = ctx.repo
    if repo.exists(DEMO_ID):
        return DEMO_ID
    repo.add_client(
        Client(id=DEMO_ID, name="Sample Client (demo)", date_of_birth=date(1984, 6, 2),
               programme_stage=ProgrammeStage.GROUP, order_type="Community order", rar_days=20,
               order_end=date.today() + timedelta(days=200))
    )
    with repo.open(DEMO_ID) as cf:
        start = date.today() - timedelta(days=42)
        for week in range(3):
            day = start + timedelta(days=14 * week)
            cf.save_session(Session(
                date=day, mode=SessionMode.PHONE if week == 1 else SessionMode.OFFICE,
                practitioner=ctx.practitioner, planned=[], status=SessionStatus.COMPLETED,
                rar_activity=True,
                started_at=datetime.combine(day, datetime.min.time(), UTC) + timedelta(hours=10),
                ended_at=datetime.combine(day, datetime.min.time(), UTC) + timedelta(hours=11),
            ))
    return DEMO_ID
