"""The keys, listed: what works on the screen underneath, in the focused field, and everywhere.

Read from the bindings in force on that screen (`Screen.active_bindings`), so keys hidden from the
footer are listed too, and a key a text field takes for typing is not. Each shows its binding id
in brackets: the name to use in the config's `keymap` to move it to another key.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import ActiveBinding, Binding, BindingType
from textual.containers import VerticalScroll
from textual.dom import DOMNode
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

KEY_NAMES = {
    "escape": "esc",
    "slash": "/",
    "question_mark": "?",
    "pageup": "page up",
    "pagedown": "page down",
    "ctrl+home": "ctrl+home",
    "ctrl+end": "ctrl+end",
}
KEY_WIDTH = 18


def key_name(key: str) -> str:
    """A key as a person would say it: "esc", "/", "ctrl+q"."""
    return KEY_NAMES.get(key, key)


def key_lines(bindings: list[ActiveBinding]) -> list[str]:
    """One line per action with all its keys, in the order the bindings were declared."""
    keys: dict[tuple[str, str], list[str]] = defaultdict(list)
    ids: dict[tuple[str, str], str] = {}
    for active in bindings:
        binding = active.binding
        if not binding.description:
            continue
        name = binding.key_display or key_name(binding.key)
        slot = keys[(binding.action, binding.description)]
        ids.setdefault((binding.action, binding.description), binding.id or "")
        if name not in slot:
            slot.append(name)
    return [
        f"{' / '.join(names):<{KEY_WIDTH}} {description}"
        + (f"  [{ids[(action, description)]}]" if ids[(action, description)] else "")
        for (action, description), names in keys.items()
    ]


def keys_of(screen: Screen[Any]) -> tuple[list[str], list[str], list[str]]:
    """(this screen's keys, the focused field's keys, the app's keys) in force on `screen`."""
    own: list[ActiveBinding] = []
    field: list[ActiveBinding] = []
    general: list[ActiveBinding] = []
    for active in screen.active_bindings.values():
        node: DOMNode = active.node
        if node is screen:
            own.append(active)
        elif node is screen.app:
            general.append(active)
        else:
            field.append(active)
    return key_lines(own), key_lines(field), key_lines(general)


class HelpScreen(ModalScreen[None]):
    CSS_PATH = "help.tcss"
    AUTO_FOCUS = "#help-scroll"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,f1,q", "dismiss", "Close", id="help.dismiss")
    ]

    def _below(self) -> Screen[Any] | None:
        stack = [s for s in self.app.screen_stack if s is not self]
        return stack[-1] if stack else None

    def compose(self) -> ComposeResult:
        below = self._below()
        own, field, general = keys_of(below) if below is not None else ([], [], [])
        with VerticalScroll(id="help-scroll", classes="help"):
            yield Static("Keys  (esc closes; ↑ ↓ scroll)", classes="help-title", markup=False)
            for heading, lines in (
                ("On this screen", own),
                ("Everywhere", general),
                ("In the field you are on", field),
            ):
                if lines:
                    yield Static(heading, classes="help-heading", markup=False)
                    yield Static("\n".join(lines), classes="help-keys", markup=False)
