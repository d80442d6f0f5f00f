"""Subcommands of `wellbeing`. Each module has `register(subparsers, common)`; add new ones here.

They are imported only when a command is given (see `tui.cli.main.parse`), so starting the app stays quick.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeAlias

if TYPE_CHECKING:
    from argparse import ArgumentParser, _SubParsersAction

#: what each command's `register` adds its parser to (argparse names no public type for it)
Subcommands: TypeAlias = "_SubParsersAction[ArgumentParser]"

MODULES: list[str] = [
    "tui.cli.commands.clients",
    "tui.cli.commands.contact",
    "tui.cli.commands.content",
    "tui.cli.commands.directory",
    "tui.cli.commands.due",
    "tui.cli.commands.oversight",
    "tui.cli.commands.plans",
    "tui.cli.commands.privacy",
    "tui.cli.commands.transfer",
]
