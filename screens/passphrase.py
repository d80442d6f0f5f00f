"""Asking for the data dir's passphrase when the app starts on an encrypted data dir.

`check(passphrase)` returns whatever unlocks the data (a codec) or raises `StoreError` (or the
services' `UserError`) with a one-line message. It runs in a thread (scrypt takes a moment), the
error is shown and the practitioner tries again; the screen dismisses with `check`'s result.
Nothing of any client is on screen behind it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Input, Static

from screens.key_bar import KeyBar
from screens.off_ui import back_on_ui, dismiss_if_on_top
from screens.text import as_content
from store.errors import StoreError
from tui.services.errors import UserError
from tui.services.safe_text import one_line

#: longer than any passphrase anyone types; a 1 MB paste is refused by the Input.
MAX_PASSPHRASE = 1024


class PassphraseScreen(Screen[object]):
    """Unlock the encrypted data dir; retry on a wrong passphrase; ctrl+q quits."""

    CSS_PATH = "passphrase.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "quit_app", "Quit", priority=True, id="passphrase.quit-app"),
    ]

    def __init__(self, check: Callable[[str], object], *, where: str = "") -> None:
        super().__init__()
        self.check = check
        self.where = where
        self.checking = False
        self.attempts = 0

    def compose(self) -> ComposeResult:
        with Vertical(id="passphrase-box"):
            yield Static(
                "Wellbeing Guide: the client records are encrypted",
                classes="passphrase-title",
                markup=False,
            )
            if self.where:
                yield Static(
                    as_content(f"Data folder: {one_line(self.where, 60)}"), id="passphrase-where"
                )
            yield Static("Type the passphrase and press Enter.", id="passphrase-hint", markup=False)
            yield Input(
                password=True, id="passphrase", max_length=MAX_PASSPHRASE, placeholder="passphrase"
            )
            yield Static("", id="passphrase-error", markup=False)
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#passphrase", Input).focus()

    @on(Input.Submitted, "#passphrase")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self.checking:
            return
        if not event.value:
            self._error("⚠ Type the passphrase first, then press Enter.")
            return
        self.checking = True
        box = self.query_one("#passphrase", Input)
        box.disabled = True
        self.query_one("#passphrase-error", Static).update("Checking the passphrase…")
        self._check_worker(event.value)

    @work(thread=True, exclusive=True, group="passphrase")
    def _check_worker(self, passphrase: str) -> None:
        try:
            result = self.check(passphrase)
        except (StoreError, UserError) as exc:
            back_on_ui(self, self._refused, str(exc))
            return
        except Exception as exc:  # noqa: BLE001 - anything else is still one line, never a crash
            back_on_ui(self, self._refused, f"cannot unlock: {exc}")
            return
        back_on_ui(self, dismiss_if_on_top, self, result)

    def _refused(self, message: str) -> None:
        self.attempts += 1
        self.checking = False
        box = self.query_one("#passphrase", Input)
        box.value = ""
        box.disabled = False
        box.focus()
        self._error(
            f"⚠ {message.rstrip('.')}. Try again (attempt {self.attempts + 1}), or ctrl+q to quit."
        )

    def _error(self, message: str) -> None:
        self.query_one("#passphrase-error", Static).update(as_content(one_line(message, 300)))

    def action_quit_app(self) -> None:
        self.app.exit()


__all__ = ["PassphraseScreen"]
