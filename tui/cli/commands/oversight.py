"""`wellbeing review list|record` and `wellbeing countersign`: the treatment manager's commands.

Refused, in one line, to anyone who is not a manager (see `tui.services.clients.oversight`).
`countersign` asks first on a terminal, naming the version; elsewhere it needs `--yes`.
"""

from __future__ import annotations

import argparse
import json
import sys

from tui.cli.commands import Subcommands
from tui.services.context import make_context
from tui.services.errors import UserError
from tui.services.safe_text import terminal_safe


def register(sub: Subcommands, common: argparse.ArgumentParser) -> None:
    review = sub.add_parser(
        "review", parents=[common], help="treatment managers: the team's open follow-ups"
    )
    rsub = review.add_subparsers(dest="review_command", metavar="ACTION", required=True)
    listing = rsub.add_parser("list", parents=[common], help="every open follow-up, oldest first")
    listing.add_argument("--json", action="store_true", help="machine-readable output")
    listing.set_defaults(func=cmd_list)
    record = rsub.add_parser("record", parents=[common], help="record the review of a follow-up")
    record.add_argument("id", metavar="ID", help="the client's case reference")
    record.add_argument("follow_up", metavar="FOLLOW_UP", help="its id (see `review list`)")
    record.add_argument("--on", required=True, metavar="DATE", help="when it was discussed")
    record.add_argument("--decision", required=True, help="what was decided")
    record.add_argument("--action", default="", help="what will be done")
    record.add_argument(
        "--shared-with", default="", metavar="WHO", help="who information was shared with"
    )
    record.set_defaults(func=cmd_record)
    sign = sub.add_parser(
        "countersign",
        parents=[common],
        help="treatment managers: countersign a saved Keep Safe Plan version",
    )
    sign.add_argument("id", metavar="ID", help="the client's case reference")
    sign.add_argument("number", metavar="N", type=int, help="the version number")
    sign.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    sign.set_defaults(func=cmd_countersign)


def cmd_list(args: argparse.Namespace) -> int:
    from tui.services.clients.oversight import review_words, team_follow_ups

    items = team_follow_ups(make_context(args))
    if args.json:
        json.dump(
            [
                {
                    "client_id": t.client_id,
                    "name": t.name,
                    "age_days": t.age,
                    **t.follow_up.model_dump(mode="json"),
                }
                for t in items
            ],
            sys.stdout,
            ensure_ascii=False,
            indent=1,
        )
        print()
        return 0
    if not items:
        print("No open follow-ups in the team.")
    for t in items:
        f = t.follow_up
        print(terminal_safe(f"{t.client_id} {t.name} · {f.id} · open {t.age} days · {f.reason}"))
        for r in f.reviews:
            print(terminal_safe(f"    {review_words(r)}"))
    return 0


def cmd_record(args: argparse.Namespace) -> int:
    from tui.services.clients.oversight import record_review
    from tui.services.dates import parse_day_or_none

    on = parse_day_or_none(args.on)
    if on is None:
        raise UserError(f"--on {args.on!r} is not a date (e.g. 2026-12-03 or 3/12/2026)")
    record_review(
        make_context(args),
        args.id,
        args.follow_up,
        discussed_on=on,
        decision=args.decision,
        action=args.action,
        shared_with=args.shared_with,
    )
    print("review recorded", file=sys.stderr)
    return 0


def cmd_countersign(args: argparse.Namespace) -> int:
    from tui.services.clients.access import validate_client_id
    from tui.services.clients.oversight import countersign

    cid = validate_client_id(args.id)

    def confirm(question: str) -> bool:
        """A countersignature stands: asked on a terminal, `--yes` anywhere else."""
        if args.yes:
            return True
        if not sys.stdin.isatty():
            raise UserError(
                f"not countersigning version {args.number} of the Keep Safe Plan of {cid} "
                "without confirmation: pass --yes"
            )
        try:
            answer = input(terminal_safe(question) + " [y/N] ")
        except EOFError:
            answer = ""
        return answer.strip().lower() in ("y", "yes")

    version = countersign(make_context(args), cid, args.number, confirm)
    print(
        terminal_safe(f"version {version.number} countersigned by {version.countersigned_by}"),
        file=sys.stderr,
    )
    return 0
