"""Subcommands of `wellbeing`. Each module has `register(subparsers, common)`; add new ones here.

A module is imported only when one of its commands is given (`tui.cli.main.parse`), and imports
what a command needs inside that command: a command pays only for what it uses (`client list
--json` does not load the content, pydantic or the PDF renderer). A test holds `COMMANDS` to the
parsers the modules register.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeAlias

if TYPE_CHECKING:
    from argparse import ArgumentParser, _SubParsersAction

#: what each command's `register` adds its parser to (argparse names no public type for it)
Subcommands: TypeAlias = "_SubParsersAction[ArgumentParser]"

_PACKAGE = "tui.cli.commands"

#: each command word -> the module that registers it
COMMANDS: dict[str, str] = {
    **dict.fromkeys(("client", "demo"), f"{_PACKAGE}.clients"),
    "contact": f"{_PACKAGE}.contact",
    "content": f"{_PACKAGE}.content",
    **dict.fromkeys(("directory", "eligibility"), f"{_PACKAGE}.directory"),
    "due": f"{_PACKAGE}.due",
    **dict.fromkeys(("review", "countersign"), f"{_PACKAGE}.oversight"),
    **dict.fromkeys(("plan", "worksheet"), f"{_PACKAGE}.plans"),
    **dict.fromkeys(("init", "audit", "export", "delete", "retention"), f"{_PACKAGE}.privacy"),
    "transfer": f"{_PACKAGE}.transfer",
}

#: every command module, in the order help lists them
MODULES: list[str] = list(dict.fromkeys(COMMANDS.values()))
