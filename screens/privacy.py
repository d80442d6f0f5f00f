"""Privacy: a check before a session starts, and a screen that hides client data when idle."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Input, Static

from screens.marked_toggles import MarkedCheckbox

CHECKS = [
    ("windows", "Other windows, screens and notifications are closed or hidden"),
    ("device", "The client is not using this device"),
    ("overheard", "Nobody else can see the screen or overhear the session"),
]


class PrivacyCheckScreen(ModalScreen[bool]):
    """Before a session: dismisses True when every check is ticked (or the practitioner goes on)."""

    CSS_PATH = "privacy.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss(False)", "Cancel", id="privacy.dismiss-false"),
        Binding("ctrl+s", "go_on", "Start session", id="privacy.go-on"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static("Before you start: privacy check", classes="dialog-title", markup=False)
            for key, label in CHECKS:
                yield MarkedCheckbox(label, id=f"check-{key}")
            yield Static("", id="privacy-hint", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button("Start session (ctrl+s)", id="go", variant="primary")
                yield Button("Cancel (esc)", id="cancel")

    @on(Button.Pressed, "#go")
    def _go(self) -> None:
        self.action_go_on()

    @on(Button.Pressed, "#cancel")
    def _cancel(self) -> None:
        self.dismiss(False)

    def action_go_on(self) -> None:
        unticked = [
            label
            for key, label in CHECKS
            if not self.query_one(f"#check-{key}", MarkedCheckbox).value
        ]
        if unticked:
            self.query_one("#privacy-hint", Static).update(
                f"⚠ Not yet ticked: {unticked[0].lower()}. Tick each one (space) to start."
            )
            return
        self.dismiss(True)


class PrivacyScreen(Screen[None]):
    """Covers client data after the practitioner has been idle. Enter (or the passphrase) returns."""

    CSS_PATH = "privacy.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "unlock", "Return", priority=True, id="privacy.unlock")
    ]

    def __init__(
        self,
        *,
        needs_passphrase: bool = False,
        check_passphrase: Callable[[str], bool] | None = None,
    ) -> None:
        super().__init__()
        self.needs_passphrase = needs_passphrase
        self.check_passphrase = check_passphrase
        self._unused = 0

    def compose(self) -> ComposeResult:
        with Vertical(id="privacy-box"):
            yield Static(
                "Wellbeing Guide is hidden for privacy.", classes="dialog-title", markup=False
            )
            if self.needs_passphrase:
                yield Static("Type the passphrase and press Enter to return.", markup=False)
                yield Input(password=True, id="passphrase")
            else:
                yield Static("Press Enter to return.", markup=False)
            yield Static("", id="privacy-error", markup=False)

    def on_key(self, event: events.Key) -> None:
        """A key typed under the cover (not the passphrase, not Enter) is used nowhere: the
        screen beneath never gets it, and the cover says so."""
        if self.needs_passphrase or event.key == "enter":
            return
        event.stop()
        self._unused += 1
        self.query_one("#privacy-error", Static).update(
            f"{self._unused} key(s) typed while hidden were not used."
        )

    def action_unlock(self) -> None:
        if self.needs_passphrase and self.check_passphrase is not None:
            box = self.query_one("#passphrase", Input)
            if not self.check_passphrase(box.value):
                box.value = ""
                self.query_one("#privacy-error", Static).update("⚠ That passphrase is not right.")
                return
        self.dismiss(None)
