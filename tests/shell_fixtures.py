"""Building the App on a data dir for Pilot and snapshot tests."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from store.clients import Repository
from store.profile import Client, ProgrammeStage
from store.records import FollowUp, Session, SessionMode, SessionStatus
from tests.fixed_dirs import fixed_dir as fixed_dir
from tui.services.config import Config
from tui.services.context import Context
from tui.shell.app import WellbeingApp

TODAY = date(2026, 11, 25)
#: the wall clock of the apps built here (session times): fixed, so no screen shows the real time
NOW = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)


def make_app(data_dir: Path, **kwargs: object) -> WellbeingApp:
    ctx = Context(
        config=Config(practitioner_name="Pat Practitioner", privacy_check=False), data_dir=data_dir
    )
    kwargs.setdefault("now", lambda: NOW)
    return WellbeingApp(ctx, today=lambda: TODAY, **kwargs)  # type: ignore[arg-type]


def populate(data_dir: Path) -> Repository:
    repo = Repository(data_dir, user="pat")
    repo.ensure()
    repo.add_client(
        Client(
            id="X123",
            name="Alex Brown",
            programme_stage=ProgrammeStage.GROUP,
            date_of_birth=date(1990, 4, 21),
            rar_days=20,
            order_end=date(2027, 3, 1),
            created_at=datetime(2026, 9, 1, tzinfo=UTC),
        )
    )
    repo.add_client(
        Client(
            id="B77",
            name="[/] [@click=app.quit]x \x1b]0;pwned\x07 Jo",
            created_at=datetime(2026, 9, 1, tzinfo=UTC),
        )
    )
    with repo.open("X123") as cf:
        for i, day in enumerate([date(2026, 10, 7), date(2026, 10, 21), date(2026, 11, 4)]):
            cf.save_session(
                Session(
                    id=f"s{i}",
                    date=day,
                    mode=SessionMode.PHONE if i == 1 else SessionMode.OFFICE,
                    practitioner="pat",
                    planned=["treat-a-friend", "breathing"],
                    status=SessionStatus.COMPLETED if i < 2 else SessionStatus.IN_PROGRESS,
                    rar_activity=i != 1,
                    started_at=datetime(day.year, day.month, day.day, 10, tzinfo=UTC),
                )
            )
        cf.save_follow_up(
            FollowUp(
                id="f1",
                opened_at=datetime(2026, 10, 21, 11, tzinfo=UTC),
                reason="Keep Safe review: Emotional Collapse marked clear",
            )
        )
    return repo


async def wait_for(pilot: object, condition: object, timeout: float = 5.0) -> None:
    """Pause until `condition()` holds (work happens in threads), failing after `timeout`."""
    import asyncio

    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while not condition():  # type: ignore[operator]
        if loop.time() > end:
            raise AssertionError("condition not reached in time")
        await pilot.pause(0.02)  # type: ignore[attr-defined]


def rows(app: object) -> int:
    from textual.widgets import DataTable

    return app.screen.query_one("#clients", DataTable).row_count  # type: ignore[attr-defined]
