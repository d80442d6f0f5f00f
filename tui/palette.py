"""Command palette (ctrl+p): every action of the current screen, plus app-wide ones, searchable.

Screens declare their actions as Bindings with descriptions; this provider offers each of them, so an
action hidden from the footer (`show=False`) can still be found by name.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from textual.command import DiscoveryHit, Hit, Hits, Provider


class WellbeingCommands(Provider):
    def _commands(self) -> list[tuple[str, str, Callable[[], Any]]]:
        screen = self.screen
        commands: list[tuple[str, str, Callable[[], Any]]] = []
        seen: set[str] = set()
        for node in (screen, self.app):
            for binding in getattr(node, "BINDINGS", []):
                action = getattr(binding, "action", None)
                description = getattr(binding, "description", "")
                if not action or not description or action in seen or action == "command_palette":
                    continue
                seen.add(action)
                key = getattr(binding, "key_display", None) or binding.key
                commands.append((description, f"key: {key}", partial(node.run_action, action)))
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
