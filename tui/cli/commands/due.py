"""`wellbeing due [--json]`: what needs attention today across the caseload (see the Due screen)."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date

from tui.cli.commands import Subcommands
from tui.services.context import make_context
from tui.services.safe_text import terminal_safe


def register(sub: Subcommands, common: argparse.ArgumentParser) -> None:
    due = sub.add_parser(
        "due",
        parents=[common],
        help="the caseload's open follow-ups, plan reviews, RAR at risk and clients not seen",
    )
    due.add_argument("--json", action="store_true", help="machine-readable output")
    due.set_defaults(func=cmd_due)


def cmd_due(args: argparse.Namespace) -> int:
    from tui.services.clients.due import REASON_WORDS, due

    ctx = make_context(args)
    items = due(ctx, date.today())
    if args.json:
        json.dump([i.as_json() for i in items], sys.stdout, ensure_ascii=False, indent=1)
        print()
        return 0
    if not items:
        print("Nothing due: no open follow-ups, reviews, RAR at risk or clients unseen.")
        return 0
    for item in items:
        who = f"{item.client_id} {item.name}".strip()
        print(terminal_safe(f"{REASON_WORDS[item.reason]:<15} {who[:28]:<28} {item.detail}"))
    return 0
