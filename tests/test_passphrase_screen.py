"""The passphrase screen on a real encrypted data dir: wrong is refused, right unlocks."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.app import App, ComposeResult
from textual.widgets import Input, Static

from screens.passphrase import PassphraseScreen
from store import crypto, keyinfo
from store.clients import Repository
from store.crypto import EncryptedCodec
from store.errors import StoreError
from store.profile import Client
from tests.shell_fixtures import wait_for
from tui.services.privacy.unlock import unlock_with

PASSPHRASE = "correct horse battery staple"
_NOT_SET = object()


@pytest.fixture(scope="module")
def encrypted_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data dir with a key (scrypt at the minimum allowed cost) and one encrypted client."""
    data = tmp_path_factory.mktemp("enc") / "data"
    codec = crypto.create_keyinfo(_private(data), PASSPHRASE, log2_n=keyinfo.MIN_LOG2_N)
    repo = Repository(data, codec=codec)
    repo.ensure()
    repo.add_client(Client(id="X1", name="Secret Name"))
    return data


def _private(path: Path) -> Path:
    path.mkdir(mode=0o700, parents=True)
    return path


class UnlockApp(App[None]):
    def __init__(self, check: Callable[[str], object]) -> None:
        super().__init__()
        self.check = check
        self.result: object = _NOT_SET

    def compose(self) -> ComposeResult:
        yield Static("base")

    def on_mount(self) -> None:
        def done(result: object) -> None:
            self.result = result

        self.push_screen(PassphraseScreen(self.check, where="/data/\x1b]0;pwned\x07[b]x"), done)


async def type_and_submit(app: App[Any], pilot: Any, text: str) -> None:
    box = app.screen.query_one("#passphrase", Input)
    box.value = text
    await pilot.press("enter")

    def answered() -> bool:  # the check runs in a thread (scrypt); then the box gets the focus back
        screen = app.screen
        if getattr(screen, "checking", False):
            return False
        if not isinstance(screen, PassphraseScreen):
            return True
        return screen.query_one("#passphrase", Input).has_focus

    await wait_for(pilot, answered, timeout=30)


def error_text(app: App[Any]) -> str:
    return str(app.screen.query_one("#passphrase-error", Static).render())


def snapshot(data_dir: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in sorted(data_dir.rglob("*")) if p.is_file()}


async def test_wrong_passphrase_is_refused_and_right_one_unlocks(encrypted_dir: Path) -> None:
    before = snapshot(encrypted_dir)
    app = UnlockApp(lambda p: unlock_with(encrypted_dir, p))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, PassphraseScreen)
        box = app.screen.query_one("#passphrase", Input)
        assert box.password and box.has_focus
        await type_and_submit(app, pilot, "wrong passphrase")
        assert isinstance(app.screen, PassphraseScreen) and app.result is _NOT_SET
        assert "wrong passphrase" in error_text(app) and "Try again" in error_text(app)
        assert box.value == "" and not box.disabled and box.has_focus
        assert "wrong" not in str(app.screen.query_one("#passphrase-hint", Static).render())
        await type_and_submit(app, pilot, "")
        assert "Type the passphrase first" in error_text(app)
        await type_and_submit(app, pilot, PASSPHRASE)
        await pilot.pause()
        assert not isinstance(app.screen, PassphraseScreen)
    assert isinstance(app.result, EncryptedCodec)
    assert snapshot(encrypted_dir) == before  # the wrong passphrase changed no byte
    repo = Repository(encrypted_dir, codec=app.result)
    assert repo.read_client("X1").name == "Secret Name"


async def test_passphrase_is_not_shown_and_the_data_folder_is_literal(encrypted_dir: Path) -> None:
    app = UnlockApp(lambda p: unlock_with(encrypted_dir, p))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*"hunter22")
        await pilot.pause()
        update = app.screen._compositor.render_update(full=True)
        output = update.render_segments(app.console)
        assert "hunter22" not in output and "•" in output
        assert "[b]x" in output and "\x1b]" not in output and "pwned" not in output


async def test_a_damaged_key_file_is_a_one_line_error_not_a_crash(tmp_path: Path) -> None:
    data = _private(tmp_path / "data")
    crypto.create_keyinfo(data, PASSPHRASE, log2_n=keyinfo.MIN_LOG2_N)
    key = keyinfo.keyinfo_path(data)
    key.write_text('{"format": "wellbeing-guide-keyinfo", "kdf": "scrypt", "version": 1}')
    os.chmod(key, 0o600)
    app = UnlockApp(lambda p: unlock_with(data, p))
    async with app.run_test(size=(80, 24)) as pilot:
        await type_and_submit(app, pilot, PASSPHRASE)
        assert isinstance(app.screen, PassphraseScreen) and app.is_running
        assert "damaged" in error_text(app) or "cannot" in error_text(app)


async def test_any_error_from_check_is_shown_and_ctrl_q_quits() -> None:
    calls: list[str] = []

    def check(p: str) -> object:
        calls.append(p)
        if len(calls) == 1:
            raise StoreError("[red]no[/] \x1b[2J")
        raise RuntimeError("boom")

    app = UnlockApp(check)
    async with app.run_test(size=(80, 24)) as pilot:
        await type_and_submit(app, pilot, "one")
        assert "[red]no[/]" in error_text(app) and "\x1b" not in error_text(app)
        await type_and_submit(app, pilot, "two")
        assert "cannot unlock: boom" in error_text(app)
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert not app.is_running
    assert calls == ["one", "two"] and app.result is _NOT_SET
