"""Treatment-manager oversight (issue 18 item 2): the team's follow-ups, reviews, countersigning."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from screens.team_review import ReviewDialog, TeamReviewScreen
from store.clients import Repository
from store.errors import StoreError
from store.records import PlanVersion
from tests.cli_runner import run_cli
from tui.services.clients.access import open_client, read_client
from tui.services.clients.oversight import countersign, is_manager, record_review, team_follow_ups
from tui.services.config import Config
from tui.services.context import Context
from tui.services.demo import DEMO_ID, write_demo
from tui.services.errors import UserError
from tui.services.plans.service import compile_plan, export_plan, save_version, saved_plan
from tui.services.privacy.subject_access import subject_access
from tui.shell.app import WellbeingApp

ROOT = Path(__file__).resolve().parents[1]
TODAY = date(2026, 11, 25)


def context(data: Path, user: str, **config: object) -> Context:
    ctx = Context(
        config=Config(privacy_check=False, idle_minutes=0, **config),  # type: ignore[arg-type]
        data_dir=data,
    )
    ctx.__dict__["_repo"] = Repository(data, user=user)
    return ctx


@pytest.fixture
def data(tmp_path: Path) -> Path:
    write_demo(Context(config=Config(), data_dir=tmp_path / "data"), today=TODAY)
    return tmp_path / "data"


def test_the_manager_role_is_refused_to_a_practitioner(data: Path) -> None:
    pat = context(data, "pat", managers=("mo",))
    assert not is_manager(pat)
    for attempt in (
        lambda: team_follow_ups(pat),
        lambda: record_review(pat, DEMO_ID, "x", discussed_on=TODAY, decision="ok"),
        lambda: countersign(pat, DEMO_ID, 1),
    ):
        with pytest.raises(UserError, match="pat is not a treatment manager"):
            attempt()
    out = run_cli("review", "list", "--data-dir", str(data))
    assert out.returncode == 1 and out.stderr.count("\n") == 1
    assert "not a treatment manager" in out.stderr


def test_a_manager_reviews_a_follow_up(data: Path) -> None:
    mo = context(data, "mo", managers=("mo",))
    (item,) = team_follow_ups(mo)
    assert item.client_id == DEMO_ID and not item.follow_up.reviews
    record_review(
        mo,
        DEMO_ID,
        item.follow_up.id,
        discussed_on=TODAY,
        decision="Weekly contact",
        action="Ring the GP with consent",
        shared_with="GP surgery",
    )
    with read_client(mo, DEMO_ID) as oc:
        (review,) = next(f for f in oc.follow_ups() if f.id == item.follow_up.id).reviews
        assert (review.by, review.decision, review.shared) == ("mo", "Weekly contact", True)
    repo = Repository(data, user="pat")
    actions = [e["action"] for e in repo.audit_log(DEMO_ID).entries()]
    assert "follow-up reviewed" in actions
    with repo.read(DEMO_ID) as cf:
        sar = json.dumps(subject_access(repo, cf, None))
    assert "Weekly contact" in sar and "GP surgery" in sar  # in the subject access export
    with pytest.raises(UserError, match="cannot be in the future"):
        record_review(mo, DEMO_ID, item.follow_up.id, discussed_on=date(2999, 1, 1), decision="x")


def test_a_countersigned_version_is_immutable_and_shown_on_every_export(data: Path) -> None:
    pat = context(data, "pat")
    with open_client(pat, DEMO_ID) as oc:
        plan = compile_plan(oc, "keep-safe", TODAY)
        save_version(oc, plan, agreement="agreed", review_on=date(2027, 2, 25), by="pat")
    mo = context(data, "mo", managers=("mo",))
    signed = countersign(mo, DEMO_ID, 1)
    assert signed.countersigned_by == "mo" and signed.countersigned_at is not None
    with pytest.raises(UserError, match="countersigned already"):
        countersign(mo, DEMO_ID, 1)
    with Repository(data, user="pat").open(DEMO_ID) as cf:
        (version,) = cf.plan_versions("keep-safe")
        changed = PlanVersion.model_validate({**version.model_dump(), "agreement": "not_agreed"})
        with pytest.raises(StoreError, match="only superseded"):
            cf.add_plan_version(changed)
    with open_client(pat, DEMO_ID) as oc:
        saved = saved_plan(oc, "keep-safe")
        assert saved is not None
        for fmt in ("txt", "md", "html"):
            out = export_plan(oc, saved, fmt, None, printed_on=TODAY)
            assert isinstance(out, bytes)
            assert "Countersigned by mo on" in " ".join(out.decode().split())
        plan = compile_plan(oc, "keep-safe", TODAY)
        again = save_version(oc, plan, agreement="agreed", by="pat")  # superseded: a new number
        assert again.number == 2 and not again.countersigned_by


async def test_team_follow_ups_screen_records_a_review(data: Path) -> None:
    mo = context(data, "mo", managers=("mo",))
    app = WellbeingApp(mo, today=lambda: TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("m")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, TeamReviewScreen)
        assert "1 open follow-up(s), 1 not reviewed yet." in str(
            app.screen.query_one("#team-summary").render()
        )
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ReviewDialog)
        # the form starts at its top (discussed on: today); tab to the decision
        await pilot.press("tab", *"Weekly contact", "tab", *"Call the GP", "ctrl+s")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "0 not reviewed yet" in str(app.screen.query_one("#team-summary").render())
    with read_client(mo, DEMO_ID) as oc:
        (f,) = oc.follow_ups(open_only=True)
        assert f.reviews[-1].decision == "Weekly contact" and f.reviews[-1].action == "Call the GP"


async def test_team_follow_ups_are_refused_to_a_practitioner(data: Path) -> None:
    pat = context(data, "pat")
    app = WellbeingApp(pat, today=lambda: TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("m")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert not isinstance(app.screen, TeamReviewScreen)
        assert any("not a treatment manager" in n.message for n in app._notifications)


async def test_a_manager_countersigns_from_the_versions_and_the_export_says_so(
    data: Path, tmp_path: Path
) -> None:
    mo = context(data, "mo", managers=("mo",))
    app = WellbeingApp(mo, today=lambda: TODAY)
    target = tmp_path / "ks.txt"
    async with app.run_test(size=(80, 24)) as pilot:
        app.open_client(DEMO_ID)
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.press("k")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("a", "enter", "s")  # agreed, saved as version 1
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("v", "c")
        await pilot.pause()
        await pilot.press("y")  # the question naming the version
        await pilot.pause()
        assert "countersigned by mo" in str(app.screen.query_one("#versions-label").render())
        await pilot.press("escape", "e")
        await pilot.pause()
        app.screen.query_one("#export-path").value = str(target)
        await pilot.press("right", "space", "enter")  # plain text
        await app.workers.wait_for_complete()
        await pilot.pause()
    assert "Countersigned by mo on" in target.read_text("utf-8")
