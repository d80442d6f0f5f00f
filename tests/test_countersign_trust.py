"""A countersignature is a second person's (issue 26 item 1): refused for the plan's author (the
login that saved the version, as its audit entry records, or the name it was saved under), asked
for in the app by a question naming the version, and shown on the versions list at once."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest
from textual.widgets import OptionList

from screens.dialogs.choice import ConfirmScreen
from screens.plan.versions import VersionsDialog
from store.clients import Repository, os_user
from tests.cli_runner import run_cli
from tests.settling import settled
from tests.shell_fixtures import wait_for
from tui.services.clients.access import open_client, read_client
from tui.services.clients.oversight import countersign
from tui.services.config import Config
from tui.services.context import Context
from tui.services.demo import DEMO_ID, write_demo
from tui.services.errors import UserError
from tui.services.plans.service import compile_plan, save_version
from tui.shell.app import WellbeingApp

TODAY = date(2026, 11, 25)


def context(data: Path, user: str, **config: object) -> Context:
    ctx = Context(
        config=Config(privacy_check=False, idle_minutes=0, **config),  # type: ignore[arg-type]
        data_dir=data,
    )
    ctx.__dict__["_repo"] = Repository(data, user=user)
    return ctx


def save(ctx: Context, by: str) -> int:
    with open_client(ctx, DEMO_ID) as oc:
        plan = compile_plan(oc, "keep-safe", TODAY)
        return save_version(oc, plan, agreement="agreed", by=by).number


@pytest.fixture
def data(tmp_path: Path) -> Path:
    write_demo(Context(config=Config(), data_dir=tmp_path / "data"), today=TODAY)
    return tmp_path / "data"


def signed(ctx: Context) -> dict[int, str]:
    with read_client(ctx, DEMO_ID) as oc:
        return {v.number: v.countersigned_by for v in oc.plan_versions("keep-safe")}


def test_the_author_cannot_countersign_their_own_plan(data: Path, tmp_path: Path) -> None:
    pat = context(data, "pat", managers=("pat",))
    one = save(pat, by="pat")  # saved under pat's name
    with pytest.raises(UserError, match="saved it") as caught:
        countersign(pat, DEMO_ID, one)
    assert "\n" not in str(caught.value)

    me = os_user()  # the login the audit log records for every save made here
    mine = context(data, me, managers=(me,))
    two = save(mine, by="Pat Smith")  # under another name: the login still says who
    with pytest.raises(UserError, match="saved it"):
        countersign(mine, DEMO_ID, two)
    config = tmp_path / "config.toml"
    config.write_text(f'managers = ["{me}"]\nmanager_group = ""\n', "utf-8")
    env = {**os.environ, "WELLBEING_CONFIG": str(config)}
    out = run_cli("countersign", DEMO_ID, str(two), "--data-dir", str(data), env=env)
    assert out.returncode == 1 and out.stderr.count("\n") == 1 and "saved it" in out.stderr
    assert signed(pat) == {one: "", two: ""}

    mo = context(data, "mo", managers=("mo",))  # another manager: the second pair of eyes
    assert countersign(mo, DEMO_ID, two).countersigned_by == "mo"
    assert signed(pat) == {one: "", two: "mo"}


async def test_countersigning_in_the_app_asks_naming_the_version_and_marks_it(
    data: Path,
) -> None:
    save(context(data, "pat"), by="pat")
    save(context(data, "pat"), by="pat")
    mo = context(data, "mo", managers=("mo",))
    app = WellbeingApp(mo, today=lambda: TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        app.open_client(DEMO_ID)
        await settled(app, pilot)
        await pilot.press("k")
        await settled(app, pilot)
        await pilot.press("v")
        await wait_for(pilot, lambda: isinstance(app.screen, VersionsDialog))
        await pilot.press("down")  # v2 is first (newest); v1 below it
        await settled(app, pilot)
        await pilot.press("c")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        question = app.screen.question
        assert "version 1" in question and "Keep Safe Plan" in question and "pat" in question
        assert "Sam Taylor" in question  # whose plan: the client named, as the command line does
        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(app.screen, VersionsDialog))
        await settled(app, pilot)
        assert signed(mo) == {1: "", 2: ""}
        await pilot.press("c")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await wait_for(pilot, lambda: isinstance(app.screen, VersionsDialog))
        await settled(app, pilot)
        assert signed(mo) == {1: "mo", 2: ""}
        listed = app.screen.query_one("#versions", OptionList)
        prompts = [str(listed.get_option_at_index(i).prompt) for i in range(2)]
        assert "countersigned" in prompts[1] and "countersigned" not in prompts[0]
