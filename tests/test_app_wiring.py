"""The App joins screens to the store: eligibility facts and referrals, follow-ups, plans."""

from __future__ import annotations

from pathlib import Path

from screens.dashboard import DashboardScreen
from screens.eligibility import EligibilityScreen
from store.records import Referral
from store.repository import Repository
from tests.shell_fixtures import TODAY, make_app, rows, wait_for
from tui.services.clients import REFERRALS
from tui.services.config import Config
from tui.services.context import Context
from tui.services.demo import DEMO_ID, write_demo


def demo_dir(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    write_demo(Context(config=Config(), data_dir=data), today=TODAY)
    return data


async def open_demo(pilot, app) -> None:  # noqa: ANN001
    await wait_for(pilot, lambda: rows(app) == 1)
    await pilot.press("enter")
    await wait_for(pilot, lambda: isinstance(app.screen, DashboardScreen))


async def test_referral_against_the_advice_is_recorded_with_its_reason(tmp_path: Path) -> None:
    data = demo_dir(tmp_path)
    app = make_app(data)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_demo(pilot, app)
        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(app.screen, EligibilityScreen))
        # The first row is a programme the check advises against for this client.
        await pilot.press("r")
        await pilot.pause()
        await pilot.press("ctrl+r", "ctrl+s")  # refer, no reason: refused
        await pilot.pause()
        assert "A reason is needed" in str(app.screen.query_one("#ref-error").render())
        await pilot.press(*"Discussed with treatment manager", "ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, EligibilityScreen)
    with Repository(data).read(DEMO_ID) as cf:
        [referral] = cf.records(REFERRALS, Referral)
    assert referral.against_advice and referral.decision == "refer"
    assert referral.reason == "Discussed with treatment manager"
    assert referral.recorded_by == "Pat Practitioner"


async def test_closing_a_follow_up_needs_a_note(tmp_path: Path) -> None:
    data = demo_dir(tmp_path)
    app = make_app(data)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_demo(pilot, app)
        await pilot.press("c")
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "a note saying what was done is needed" in str(
            app.screen.query_one("#close-error").render()
        )
        # the form starts at its top (the date, today's already); tab to the note
        await pilot.press("tab", *"Discussed with TM", "ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen)
        assert "No open follow-ups." in str(app.screen.query_one("#follow-ups").render())
    with Repository(data).read(DEMO_ID) as cf:
        [closed] = cf.follow_ups()
    assert closed.closed_on == TODAY and closed.closed_note == "Discussed with TM"


async def test_plan_opens_from_the_dashboard(tmp_path: Path) -> None:
    data = demo_dir(tmp_path)
    app = make_app(data)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_demo(pilot, app)
        await pilot.press("k")
        await wait_for(pilot, lambda: getattr(app.screen, "plan", None) is not None)
        plan = app.screen.plan
        assert plan.kind == "keep-safe" and plan.client_id == DEMO_ID
        assert plan.compiled_on == TODAY
