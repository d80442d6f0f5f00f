"""Defects a practitioner's week found (issue 22), each pinned as it was found: a second session
on one day, a clock put back, text handed to the store past the validators, a client added twice
while open. The casework state machine (`tests.casework_model`) walks these and more at random;
these are its shrunk examples and the issue's reports, kept as plain tests."""

from __future__ import annotations

import json
import os
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from store.errors import StoreError
from store.records import Session, SessionStatus
from tests.casework_model import LIBRARY, run_cli
from tests.shell_fixtures import make_app, rows, wait_for
from tui.services.clients import sessions as session_service
from tui.services.clients.access import add_client, open_client
from tui.services.clients.rows import list_clients
from tui.services.config import Config
from tui.services.context import Context
from tui.services.plans.document import plan_markdown
from tui.services.plans.service import compile_plan
from tui.services.privacy.subject_access import subject_access
from tui.services.repository import repository
from tui.services.writers import writer_of

DAY = date(2026, 12, 4)


@pytest.fixture
def ctx(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Context:
    monkeypatch.setenv("WELLBEING_DATA_DIR", str(data_dir))
    context = Context(
        config=Config(practitioner_name="pat", privacy_check=False), data_dir=data_dir
    )
    context.__dict__["library"] = LIBRARY
    add_client(context, "X1", "Alex")
    add_client(context, "X2", "Bo")
    return context


def two_calls_on_one_day(ctx: Context) -> tuple[str, str]:
    """A morning call, back to the dashboard, an afternoon call on the same day (the second is
    begun; a third is only planned)."""
    with open_client(ctx, "X1") as oc:
        first = session_service.plan_session(
            oc, practitioner="pat", mode="phone", planned=["breathing"], rar_activity=True, on=DAY
        )
        session_service.begin_session(oc, first.id)
        session_service.end_session(oc, first.id)
        second = session_service.plan_session(
            oc, practitioner="pat", mode="phone", planned=["breathing"], rar_activity=True, on=DAY
        )
        session_service.begin_session(oc, second.id)
        session_service.plan_session(
            oc, practitioner="pat", mode="office", planned=[], rar_activity=False, on=DAY
        )
    return first.id, second.id


def test_a_second_session_on_one_day_keeps_the_client_readable(ctx: Context) -> None:
    first, second = two_calls_on_one_day(ctx)
    with open_client(ctx, "X1") as oc:
        ids = [s.id for s in oc.sessions()]
        assert ids[:2] == [first, second]  # in the order they were made
        for kind in ("wellbeing", "keep-safe"):
            assert plan_markdown(compile_plan(oc, kind, DAY))
    rows = {r.client_id: r for r in list_clients(ctx)}
    assert not rows["X1"].problem and rows["X1"].sessions == 3
    listed = run_cli("client", "list", "--json")
    assert listed.code == 0 and [r["id"] for r in json.loads(listed.out)] == ["X1", "X2"]
    assert run_cli("plan", "X1", "--kind", "wellbeing", "--draft").code == 0
    due = run_cli("due", "--json")
    assert due.code == 0 and "X1" not in due.err


def test_hand_written_times_without_a_zone_still_compare(ctx: Context) -> None:
    """A session written by hand (or an older tool) with a zoneless start sorts beside ours."""
    with open_client(ctx, "X1") as oc:
        writer_of(oc).save_session(
            Session.model_validate(
                {"date": DAY, "practitioner": "pat", "started_at": "2026-12-04T09:00:00"}
            )
        )
        session_service.plan_session(
            oc, practitioner="pat", mode="office", planned=[], rar_activity=False, on=DAY
        )
        started = [s.started_at for s in oc.sessions() if s.started_at is not None]
        assert started and all(t.tzinfo is not None for t in started)


async def test_the_dashboard_opens_a_client_with_two_sessions_today(ctx: Context) -> None:
    two_calls_on_one_day(ctx)
    app = make_app(ctx.data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: rows(app) == 2)
        await pilot.press("enter")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "DashboardScreen")
        assert app.return_code is None  # not "stopped after an unexpected error"


def test_the_last_saved_answer_is_current_whatever_the_clock_says(
    ctx: Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The clock put back an hour between two saves: the later save is still the answer."""
    import store.records

    class Backwards(datetime):
        moment = datetime(2026, 12, 4, 15, tzinfo=UTC)

        @classmethod
        def now(cls, tz=None):  # noqa: ANN001, ANN206
            cls.moment -= timedelta(hours=1)
            return cls.moment

    first, second = two_calls_on_one_day(ctx)
    lib = LIBRARY.get("treat-a-friend")
    assert lib is not None
    step = next(s for s in lib.answerable_steps if s.kind.value == "text")
    monkeypatch.setattr(store.records, "datetime", Backwards)
    with open_client(ctx, "X1") as oc:
        by_id = {s.id: s for s in oc.sessions()}
        session_service.save_answer(
            oc, by_id[second], lib, step, "later call", disclosure=False, by="p"
        )
        session_service.save_answer(
            oc, by_id[first], lib, step, "typo mended", disclosure=False, by="p"
        )
        session_service.save_answer(
            oc, by_id[second], lib, step, "said last", disclosure=False, by="p"
        )
        current = oc.latest_answers()[(lib.id, step.id)]
        assert current.value == "said last"
        assert current.updated_at < oc.answers(first)[0].updated_at  # the clock went back


def test_the_store_cleans_what_any_path_hands_it(ctx: Context) -> None:
    """Notes set with `model_copy(update=...)` skip the record's validators; the store's write
    validates again, so the raw RLO and C1 controls never reach the file or an export."""
    hostile = "kept \u202eevil\u202c and \x9b31m\x85 notes"
    with open_client(ctx, "X1") as oc:
        session = session_service.plan_session(
            oc, practitioner="pat", mode="office", planned=[], rar_activity=False, on=DAY
        )
        sneaked = session.model_copy(update={"notes": hostile, "status": SessionStatus.COMPLETED})
        assert sneaked.notes == hostile  # the validators did not run
        writer_of(oc).save_session(sneaked)
    raw = (ctx.data_dir / "clients" / "X1.json").read_text("utf-8")
    assert "\u202e" not in raw and "\x9b" not in raw and "\x85" not in raw
    with open_client(ctx, "X1", edit=False) as oc:
        (stored,) = oc.sessions()
        assert stored.notes == "kept evil and  notes"  # the 8-bit CSI sequence goes whole
        export = json.dumps(subject_access(repository(ctx), oc, LIBRARY), ensure_ascii=False)
    assert "\u202e" not in export and "\x9b" not in export


def test_adding_a_client_that_is_open_says_it_exists(ctx: Context) -> None:
    """The casework model found 'open for editing by ...' instead of 'already exists'."""
    with open_client(ctx, "X1"):
        with pytest.raises(StoreError, match="already exists"):
            add_client(ctx, "X1", "Someone else")


def test_a_client_transferred_in_has_a_backup_to_restore(ctx: Context, tmp_path: Path) -> None:
    """The casework model's shrunk example: transfer out, transfer in, the file damaged before
    any save: "no backup for client A1". A client that arrives has a first backup, as a new one."""
    pass_file = tmp_path / "transfer-pass"
    pass_file.write_text("a long transfer passphrase", "utf-8")
    pass_file.chmod(0o600)
    env = {**os.environ, "WELLBEING_TRANSFER_PASSPHRASE_FILE": str(pass_file)}
    bundle = tmp_path / "x1.bundle"
    assert run_cli("transfer", "out", "X1", "-o", str(bundle), "--to", "Area B", env=env).code == 0
    assert run_cli("transfer", "in", str(bundle), env=env).code == 0
    path = ctx.data_dir / "clients" / "X1.json"
    path.write_bytes(b'{"client": ')
    repository(ctx).restore_backup("X1")
    with open_client(ctx, "X1", edit=False) as oc:
        assert oc.client().name == "Alex"
