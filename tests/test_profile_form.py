"""The client's profile in the app (dashboard `p`): every fact in plain words, saved with the
same rules and messages as `client set`."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from textual.widgets import Input, Select, Static
from textual.worker import WorkerCancelled

from screens.profile_form import UNKNOWN, ProfileFormScreen
from store.profile import Client
from tests.cli_runner import run_cli
from tests.test_screen_snapshots import steady
from tui.services.clients.profile_fields import PROFILE_FIELDS, profile_value
from tui.services.config import Config
from tui.services.context import Context
from tui.services.repository import repository
from tui.shell.app import WellbeingApp

#: a value each field takes, as the form is given it (a choice's value, or typed text).
GOOD = {
    "name": "Jo Bloggs",
    "date_of_birth": "14/3/1990",
    "order_type": "community order",
    "rar_days": "20",
    "order_end": "2027-05-01",
    "unpaid_work_hours": "120",
    "needs_language": "Polish",
    "needs_accessibility": "large print",
    "offence_types": "ipv, violence",
    "need_areas": "accommodation, family",
    "ogrs3": "62",
    "rsr": "3.5",
    "completed_programmes": "thinking-skills-programme",
}


def good_value(name: str) -> str:
    spec = PROFILE_FIELDS[name]
    if name in GOOD:
        return GOOD[name]
    if spec.shape == "yes-no":
        return "yes"
    assert spec.shape == "choice", name
    return spec.choices[-1]


def app_for(tmp_path: Path) -> WellbeingApp:
    ctx = Context(config=Config(privacy_check=False, idle_minutes=0), data_dir=tmp_path / "d")
    repository(ctx).add_client(Client(id="P1", name="Pat"))
    return WellbeingApp(ctx, today=lambda: date(2026, 12, 3))


async def open_form(app: WellbeingApp, pilot) -> ProfileFormScreen:  # noqa: ANN001
    app.open_client("P1")
    await pilot.pause()
    await pilot.press("p")
    await pilot.pause()
    form = app.screen
    assert isinstance(form, ProfileFormScreen)
    return form


async def save(app: WellbeingApp, pilot) -> None:  # noqa: ANN001
    await pilot.press("ctrl+s")
    await pilot.pause()
    try:
        await app.workers.wait_for_complete()
    except WorkerCancelled:  # the client list's reload, cancelled by the next: not ours
        pass
    await pilot.pause()


async def test_the_form_shows_and_saves_every_fact(tmp_path: Path) -> None:
    app = app_for(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_form(app, pilot)
        assert [s.name for s in form.specs] == list(PROFILE_FIELDS)  # every fact, in order
        for name in PROFILE_FIELDS:
            if name == "restricted":
                continue  # set last: a restricted record takes no other change
            widget = form.query_one(f"#field-{name}")
            if isinstance(widget, Select):
                widget.value = good_value(name)
            else:
                assert isinstance(widget, Input)
                widget.value = good_value(name)
        await save(app, pilot)
        assert not isinstance(app.screen, ProfileFormScreen), "not saved"
        client = app.client_files["P1"].client()
    for name in PROFILE_FIELDS:
        if name == "restricted":
            continue
        value = profile_value(client, name)
        assert value not in (None, "", []), name
    assert client.date_of_birth == date(1990, 3, 14)
    assert client.risk.offence_types == ["ipv", "violence"]
    assert client.risk.need_areas == ["accommodation", "family"]
    assert client.sentence == "post_sentence_supervision"
    assert client.needs.interpreter is True and client.unpaid_work_hours == 120


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("ogrs3", "101"),
        ("unpaid_work_hours", "20"),
        ("date_of_birth", "31/2/1990"),
        ("offence_types", "arson"),
    ],
)
async def test_a_bad_value_is_refused_with_the_messages_of_client_set(
    tmp_path: Path, name: str, text: str
) -> None:
    app = app_for(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_form(app, pilot)
        form.query_one(f"#field-{name}", Input).value = text
        await save(app, pilot)
        assert isinstance(app.screen, ProfileFormScreen)
        shown = str(form.query_one(f"#error-{name}", Static).render())
    cli = run_cli("--data-dir", str(tmp_path / "d"), "client", "set", "P1", f"{name}={text}")
    assert cli.returncode == 1
    message = cli.stderr.strip().removeprefix("wellbeing: ")
    assert shown == f"✗ {message}"


async def test_unknown_clears_a_fact_and_a_restricted_record_is_read_only(tmp_path: Path) -> None:
    app = app_for(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_form(app, pilot)
        form.query_one("#field-gender", Select).value = "non_binary"
        form.query_one("#field-restricted", Select).value = "yes"
        await save(app, pilot)
        oc = app.client_files["P1"]
        assert oc.client().restricted and oc.client().gender == "non_binary"
        await pilot.press("p")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, ProfileFormScreen)
        assert form.query_one("#field-gender", Select).value == "non_binary"
        form.query_one("#field-gender", Select).value = UNKNOWN
        await save(app, pilot)
        assert isinstance(app.screen, ProfileFormScreen), "a restricted record was changed"
        assert oc.client().gender == "non_binary"


def test_snapshot_profile_form(snap_compare, tmp_path: Path) -> None:
    app = app_for(tmp_path)

    async def run_before(pilot) -> None:  # noqa: ANN001
        await open_form(app, pilot)
        await steady(pilot)  # a cursor's blink is timing, not what the form shows

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


async def test_a_save_that_fails_after_the_form_closed_is_still_said(tmp_path: Path) -> None:
    """The form taken down while its save is on its way (a handover does that; keys wait for
    the save): its failure is told by the app, not lost with the form, and nothing lands on the
    form's removed fields."""
    import threading

    from store.errors import StoreError
    from tests.shell_fixtures import wait_for

    app = app_for(tmp_path)
    said: list[str] = []
    release, started = threading.Event(), threading.Event()

    def failing(changes: dict[str, str]) -> Client:
        started.set()
        release.wait(30)
        raise StoreError("P1 is held by prac2")

    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_form(app, pilot)
        real_notify = app.notify
        app.notify = lambda message, **kw: said.append(message) or real_notify(message, **kw)  # type: ignore[method-assign]
        form.save = failing
        form.query_one("#field-name", Input).value = "Jo"
        await pilot.press("ctrl+s")
        await wait_for(pilot, started.is_set)
        await app.pop_screen()  # as a handover takes it down (keys wait for the save)
        await wait_for(pilot, lambda: not form.is_attached)
        release.set()
        await wait_for(pilot, lambda: "Not saved: P1 is held by prac2" in said)
    assert app.return_code in (None, 0)
