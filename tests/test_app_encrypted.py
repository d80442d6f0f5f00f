"""The real App on an encrypted data dir: nothing is read until the passphrase opens it."""

from __future__ import annotations

from pathlib import Path

from screens.client_list import ClientListScreen
from screens.passphrase import PassphraseScreen
from store import crypto
from store.clients import Repository
from store.profile import Client
from tests.shell_fixtures import make_app, rows, wait_for
from tui.services.privacy.audit_entries import format_entry

PASSPHRASE = "correct horse battery"


def encrypted_dir(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    Repository(data).ensure()
    codec = crypto.create_keyinfo(data, PASSPHRASE)
    repo = Repository(data, codec=codec)
    repo.ensure()
    repo.add_client(Client(id="X123", name="Alex Secret"))
    return data


async def test_app_asks_for_the_passphrase_before_showing_anything(tmp_path: Path) -> None:
    data = encrypted_dir(tmp_path)
    before = {p: p.read_bytes() for p in data.rglob("*") if p.is_file()}
    app = make_app(data)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, PassphraseScreen))
        await pilot.press(*"wrong passphrase", "enter")
        await wait_for(
            pilot, lambda: "Try again" in str(app.screen.query_one("#passphrase-error").render())
        )
        assert isinstance(app.screen, PassphraseScreen)
        assert {p: p.read_bytes() for p in data.rglob("*") if p.is_file()} == before
        await pilot.press(*PASSPHRASE, "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ClientListScreen) and rows(app) == 1)
        # The idle privacy screen now wants the passphrase too.
        app.lock_for_privacy()
        await pilot.pause()
        assert app.screen.needs_passphrase
        await pilot.press(*"nope", "enter")
        await pilot.pause()
        assert "not right" in str(app.screen.query_one("#privacy-error").render())
        await pilot.press(*PASSPHRASE, "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ClientListScreen))


def test_audit_lines_with_edited_types_are_formatted_not_crashed_on() -> None:
    odd = {
        "time": 5,
        "user": ["x"],
        "ssh": 22,
        "action": "[/]\x1b]0;x\x07",
        "fields": 3,
        "ids": ["a", "b"],
    }
    line = format_entry(odd)
    assert "\x1b" not in line and "\n" not in line and "[/]" in line
