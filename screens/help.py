"""The keys, listed: every binding of the screen underneath and of the app, with what it does."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

GENERAL = [
    ("ctrl+p", "Command palette: find any action by name"),
    ("tab / shift+tab", "Move between fields"),
    ("f1", "This help"),
    ("f6", "High-contrast theme on/off"),
    ("ctrl+q", "Quit (answers are already saved)"),
]


class HelpScreen(ModalScreen[None]):
    CSS_PATH = "help.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,f1,q", "dismiss", "Close")]

    def compose(self) -> ComposeResult:
        below = self.app.screen_stack[-1] if self.app.screen_stack else None
        lines = ["Keys on this screen", ""]
        for binding in getattr(below, "BINDINGS", []):
            if isinstance(binding, Binding) and binding.description:
                lines.append(f"  {binding.key:<18} {binding.description}")
        lines += ["", "Everywhere", ""]
        lines += [f"  {key:<18} {what}" for key, what in GENERAL]
        with VerticalScroll(classes="help"):
            yield Static("\n".join(lines), markup=False)
