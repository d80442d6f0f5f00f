"""`wellbeing contact ID`: the contact record of a session, for pasting into the case system.

Printed on stdout (plain text or JSON). On a terminal the text is also offered to the clipboard
with OSC 52, which many terminals (and tmux with `set-clipboard on`) accept; the text stays on
screen for selecting where they do not. Audited as "contact record produced".
"""

from __future__ import annotations

import argparse
import base64
import sys

from tui.cli.commands import Subcommands
from tui.services.clients.ids import validate_client_id
from tui.services.context import make_context


def register(sub: Subcommands, common: argparse.ArgumentParser) -> None:
    contact = sub.add_parser(
        "contact",
        parents=[common],
        help="the contact record of a session, for the case system (nDelius)",
    )
    contact.add_argument("id", metavar="ID", help="the client's case reference")
    contact.add_argument(
        "--session", metavar="S", help="the session's id (default: the latest session)"
    )
    contact.add_argument("--format", choices=("txt", "json"), default="txt", help="output (txt)")
    contact.add_argument(
        "--disclosures",
        action="store_true",
        help="include the words of any disclosure (left out unless you choose them)",
    )
    contact.add_argument(
        "--limit",
        type=int,
        default=None,
        metavar="CHARS",
        help="the most characters of text (default 1500, as a case note box takes; 0: no limit)",
    )
    contact.set_defaults(func=cmd_contact)


def osc52(text: str) -> str:
    """The escape sequence that asks a terminal to put `text` on the clipboard."""
    return "\x1b]52;c;" + base64.b64encode(text.encode("utf-8")).decode("ascii") + "\x07"


def cmd_contact(args: argparse.Namespace) -> int:
    from tui.services.clients.access import read_client
    from tui.services.clients.contact import LIMIT, produce

    cid = validate_client_id(args.id)
    ctx = make_context(args)
    with read_client(ctx, cid) as oc:
        record, text = produce(
            oc,
            args.session,
            fmt=args.format,
            include_disclosures=args.disclosures,
            limit=LIMIT if args.limit is None else args.limit,
        )
    if sys.stdout.isatty():
        sys.stdout.flush()  # the clipboard escape, on purpose, around the output's cleaner
        sys.stdout.buffer.write(osc52(record.text()).encode("ascii"))
        sys.stdout.buffer.flush()
        print("(copied to the clipboard where the terminal allows it)", file=sys.stderr)
    sys.stdout.write(text)
    sys.stdout.flush()
    return 0
