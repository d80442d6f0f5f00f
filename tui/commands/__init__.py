"""Subcommands of `wellbeing`. Each module has `register(subparsers, common)`; add new ones here.

They are imported only when a command is given (see `tui.cli.parse`), so starting the app stays quick.
"""

from __future__ import annotations

MODULES: list[str] = [
    "tui.commands.clients",
    "tui.commands.contact",
    "tui.commands.content",
    "tui.commands.directory",
    "tui.commands.due",
    "tui.commands.oversight",
    "tui.commands.plans",
    "tui.commands.privacy",
    "tui.commands.transfer",
]
