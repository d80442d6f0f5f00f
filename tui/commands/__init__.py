"""Subcommands of `wellbeing`. Each module has `register(subparsers, common)`; add new ones to MODULES."""

from __future__ import annotations

MODULES: list[str] = [
    "tui.commands.clients",
    "tui.commands.content",
    "tui.commands.directory",
    "tui.commands.plans",
    "tui.commands.privacy",
]
