"""The review flow as a practitioner does it: agree, review date, save, change, save, compare."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from textual.app import App
from textual.widgets import Input, Markdown

from screens.dialogs.choice import ChoiceDialog
from screens.plan.agreement import add_months, parse_date
from screens.plan.export import ExportDialog
from screens.plan.screen import PlanScreen
from screens.plan.versions import DiffScreen, VersionsDialog
from screens.plan.wording import rewordable
from store.clients import Repository
from store.profile import Needs
from tests.plan_fixtures import CLIENT, S1, S2, answer, at, history, plan_client

TODAY = date(2020, 6, 12)


class PlanApp(App[None]):
    def __init__(self, screen: PlanScreen) -> None:
        super().__init__()
        self._plan_screen = screen

    def on_mount(self) -> None:
        self.push_screen(self._plan_screen)


@pytest.fixture
def client_file(tmp_path: Path):
    repo = Repository(tmp_path / "data", user="pat")
    repo.ensure()
    repo.add_client(CLIENT)
    with repo.open(CLIENT.id) as cf:
        cf.save_session(S1)
        cf.save_session(S2)
        for a in history():
            cf.save_answer(a)
        yield cf


def make_screen(cf, tmp_path: Path) -> PlanScreen:
    exports = tmp_path / "exports"
    return PlanScreen("wellbeing", plan_client(cf, exports), "pat", exports, today=TODAY)


async def settle(app: App, pilot) -> None:
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


def test_dates() -> None:
    assert add_months(date(2020, 1, 31), 1) == date(2020, 2, 29)
    assert add_months(date(2020, 11, 30), 3) == date(2021, 2, 28)
    assert add_months(TODAY, 12) == date(2021, 6, 12)
    assert parse_date("2020-09-03") == date(2020, 9, 3)
    assert parse_date("3/9/2020") == date(2020, 9, 3)
    assert parse_date("31/2/2020") is None
    assert parse_date("soon") is None


async def test_agree_review_save_change_save_compare(client_file, tmp_path: Path) -> None:
    screen = make_screen(client_file, tmp_path)
    app = PlanApp(screen)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert screen.plan is not None
        shown = screen.query_one("#plan-md", Markdown).source
        assert "My concerns right now" in shown and "Losing my job" in shown

        await pilot.press("s")  # not yet agreed: refused, nothing saved
        await settle(app, pilot)
        assert client_file.plan_versions("wellbeing") == ()

        await pilot.press("a")
        assert isinstance(app.screen, ChoiceDialog) and app.screen.id == "agreement"
        await pilot.press("enter")  # "Agreed" is first
        assert screen.agreement == ("agreed", "")

        await pilot.press("d", "enter")  # in 3 months
        assert screen.review_on == date(2020, 9, 12)

        await pilot.press("s")
        await settle(app, pilot)
        (v1,) = client_file.plan_versions("wellbeing")
        assert (v1.number, v1.saved_by, v1.agreement) == (1, "pat", "agreed")
        assert v1.review_on == date(2020, 9, 12)
        assert "Review on 12 Sep 2020." in v1.markdown

        # a later session changes one answer
        client_file.save_answer(
            answer(S2, "treat-a-friend", "friend", "I would tell him he is doing his best.", at(11))
        )
        await pilot.press("f5")
        await settle(app, pilot)
        assert "doing his best" in screen.query_one("#plan-md", Markdown).source

        await pilot.press("a", "enter", "s")
        await settle(app, pilot)
        versions = client_file.plan_versions("wellbeing")
        assert [v.number for v in versions] == [1, 2]
        assert versions[1].review_on == date(2020, 9, 12)  # kept from version 1

        await pilot.press("v")
        assert isinstance(app.screen, VersionsDialog)
        await pilot.press("enter")  # the newest, version 2, against version 1
        assert isinstance(app.screen, DiffScreen)
        # exactly that answer changed, named by its section; when it was given is no change
        shown = str(app.screen.query_one("#diff").render())
        assert shown.splitlines() == [
            "Being kind to myself: changed",
            "    was:  What I would say to a friend: I would tell him it is not his fault.",
            "    now:  What I would say to a friend: I would tell him he is doing his best.",
        ]
        await pilot.press("escape", "escape")
        assert app.screen is screen


async def test_not_agreed_needs_a_reason(client_file, tmp_path: Path) -> None:
    screen = make_screen(client_file, tmp_path)
    app = PlanApp(screen)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("a", "down", "enter", "enter")  # "Not agreed", then an empty reason
        assert isinstance(app.screen, ChoiceDialog) and app.screen.id == "agreement"
        assert screen.agreement is None
        await pilot.press(*"wants time", "enter")
        assert screen.agreement == ("not_agreed", "wants time")


async def test_typed_review_date_and_export(client_file, tmp_path: Path) -> None:
    screen = make_screen(client_file, tmp_path)
    app = PlanApp(screen)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("d", "down", "down", "down", "enter")
        await pilot.press(*"1/1/2019", "enter")  # in the past: refused
        assert screen.review_on is None
        await pilot.press("ctrl+a", "ctrl+k", *"3/10/2020", "enter")
        assert screen.review_on == date(2020, 10, 3)

        target = tmp_path / "out" / "plan.txt"
        target.parent.mkdir()
        await pilot.press("e")
        assert isinstance(app.screen, ExportDialog)
        field = app.screen.query_one("#export-path", Input)
        assert field.value.endswith(".pdf") and field.selected_text == ""  # typing adds to it
        await pilot.press("right", "space")  # the format: PDF, then plain text
        assert field.value.endswith(".txt")
        await pilot.press("tab", "tab", "ctrl+a", "ctrl+k", *str(target), "enter")
        await settle(app, pilot)
        text = target.read_text("utf-8")
        assert "MY WELLBEING PLAN" in text and "3 Oct 2020" in text
        assert "DRAFT: not a saved version" in text  # nothing was saved
        assert target.stat().st_mode & 0o077 == 0


async def test_export_offers_the_layout_the_needs_call_for(client_file, tmp_path: Path) -> None:
    client_file.save_client(
        client_file.client().model_copy(update={"needs": Needs(accessibility="magnifier")})
    )
    screen = make_screen(client_file, tmp_path)
    app = PlanApp(screen)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("e")
        assert isinstance(app.screen, ExportDialog)
        assert app.screen.plan_layout == "large"
        target = tmp_path / "large.pdf"
        await pilot.press("tab", "tab", "ctrl+a", "ctrl+k", *str(target), "enter")
        await settle(app, pilot)
        assert target.read_bytes().startswith(b"%PDF")


async def test_reword_an_item_with_the_client(client_file, tmp_path: Path) -> None:
    screen = make_screen(client_file, tmp_path)
    app = PlanApp(screen)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        before = {k: a.value for k, a in client_file.latest_answers().items()}
        await pilot.press("w")
        assert isinstance(app.screen, ChoiceDialog) and app.screen.id == "reword"
        assert screen.plan is not None
        entries = rewordable(screen.plan)
        n = next(i for i, e in enumerate(entries) if e.item.step_id == "friend")
        await pilot.press(*["down"] * n, "enter")
        field = app.screen.query_one("#choice-field", Input)
        assert field.value == "I would tell him it is not his fault."
        assert field.cursor_position == len(field.value)  # new words go at the end
        await pilot.press(*" And listen.", "enter")
        await settle(app, pilot)
        assert app.screen is screen
        shown = screen.query_one("#plan-md", Markdown).source
        assert "I would tell him it is not his fault. And listen." in shown
    after = {k: a.value for k, a in client_file.latest_answers().items()}
    assert after == before  # the answer stays as the client gave it
    (edit,) = client_file.plan_edits()
    assert edit.original == "I would tell him it is not his fault."


async def test_links_are_not_opened(client_file, tmp_path: Path) -> None:
    screen = make_screen(client_file, tmp_path)
    app = PlanApp(screen)
    opened: list[str] = []
    app.open_url = lambda url, **kw: opened.append(url)  # type: ignore[method-assign]
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        md = screen.query_one("#plan-md", Markdown)
        md.post_message(Markdown.LinkClicked(md, "https://example.com"))
        await settle(app, pilot)
        assert opened == []
