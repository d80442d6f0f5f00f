"""Command palette (ctrl+p): every action the footer or the help (f1) shows, searchable.

It reads the same bindings as the footer and the help (`Screen.active_bindings`: the screen's, the
focused field's and the app's), so an action a field brings (`^g Disclosure` in a step) is found
as well as the screen's own; then any of the screen's and the app's actions whose key a field has
taken. An action hidden from the footer (`show=False`) is found by name all the same.

`NoBackDoors` takes out what Textual offers that writes a file: its "Screenshot" system command
(an unencrypted SVG of the screen, with the client's answers, into ~/Downloads) and the actions
behind it. The palette offers only `SYSTEM_COMMANDS` of Textual's own; tests/test_back_doors.py
holds every binding to a list.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import partial
from typing import Any

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.dom import DOMNode
from textual.screen import Screen

from tui.shell.textual_compat import node_bindings

#: Textual's system commands the palette keeps: none of them writes a file
SYSTEM_COMMANDS = frozenset({"Theme", "Quit", "Keys", "Maximize", "Minimize"})
_REFUSED = "Screenshots are off: they would write client data outside the store, unaudited"


class NoBackDoors(App[None]):
    """An App whose palette and actions never write the screen to a file."""

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        for command in super().get_system_commands(screen):
            if command.title in SYSTEM_COMMANDS:
                yield command

    def action_screenshot(self, filename: str | None = None, path: str | None = None) -> None:
        self.notify(_REFUSED, severity="warning", markup=False)

    def deliver_screenshot(
        self,
        filename: str | None = None,
        path: str | None = None,
        time_format: str | None = None,
    ) -> str | None:
        self.notify(_REFUSED, severity="warning", markup=False)
        return None

    def save_screenshot(
        self,
        filename: str | None = None,
        path: str | None = None,
        time_format: str | None = None,
    ) -> str:
        """Also what TEXTUAL_SCREENSHOT would run at start: refused, no file, no crash."""
        self.notify(_REFUSED, severity="warning", markup=False)
        return ""


class WellbeingCommands(Provider):
    def _bindings(self) -> Iterable[tuple[DOMNode, Binding, bool]]:
        screen = self.screen
        for active in screen.active_bindings.values():
            yield active.node, active.binding, active.enabled
        for node in (screen, self.app):  # a key taken by a field: the action is still offered
            for binding in node_bindings(node):
                yield node, binding, node.check_action(binding.action, ()) is not False

    def _commands(self) -> list[tuple[str, str, Callable[[], Any]]]:
        commands: list[tuple[str, str, Callable[[], Any]]] = []
        seen: set[tuple[int, str, str]] = set()
        for node, binding, enabled in self._bindings():
            action, description = binding.action, binding.description
            if not description or not enabled or action == "command_palette":
                continue
            if (id(node), action, description) in seen:
                continue
            seen.add((id(node), action, description))
            key = self.app.get_key_display(binding)
            run = partial(self.app.run_action, action, node)
            commands.append((description, f"key: {key}", run))
        return commands

    async def discover(self) -> Hits:
        for title, help_text, callback in self._commands():
            yield DiscoveryHit(title, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, callback in self._commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), callback, help=help_text)
