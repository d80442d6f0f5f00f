"""`wellbeing transfer out ID -o FILE --to WHERE` and `wellbeing transfer in FILE`.

The transfer passphrase comes from a prompt (twice when sealing) or from the file named by
WELLBEING_TRANSFER_PASSPHRASE_FILE (private, as for the store's passphrase file).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tui.cli.commands import Subcommands
from tui.services.context import make_context
from tui.services.safe_text import terminal_safe


def register(sub: Subcommands, common: argparse.ArgumentParser) -> None:
    transfer = sub.add_parser(
        "transfer", parents=[common], help="move a client to another area: a sealed bundle"
    )
    tsub = transfer.add_subparsers(dest="transfer_command", metavar="ACTION", required=True)
    out = tsub.add_parser(
        "out",
        parents=[common],
        help="seal a client's whole record into FILE, then erase them here (a tombstone stays)",
    )
    out.add_argument("id", metavar="ID", help="the client's case reference")
    out.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        required=True,
        help="the bundle to write (a folder: ID-transfer-DATE.bundle in it; FOLDER/ is made "
        "if missing); never replaced",
    )
    out.add_argument("--to", required=True, help="where the client is going (kept here)")
    out.add_argument(
        "--force", action="store_true", help="replace FILE if it exists (it may be another bundle)"
    )
    out.set_defaults(func=cmd_out)
    into = tsub.add_parser("in", parents=[common], help="restore a client from a bundle")
    into.add_argument("bundle", metavar="FILE", help="a bundle from `transfer out`")
    into.set_defaults(func=cmd_in)


def cmd_out(args: argparse.Namespace) -> int:
    from tui.services.clients.access import validate_client_id
    from tui.services.privacy.transfer import PASSPHRASE_ENV, transfer_out
    from tui.services.privacy.unlock import read_passphrase

    cid = validate_client_id(args.id)
    ctx = make_context(args)
    passphrase = read_passphrase(
        "Transfer passphrase (tell the receiving area separately): ",
        confirm=True,
        env=PASSPHRASE_ENV,
    )
    written = transfer_out(ctx, cid, args.output, passphrase, to=args.to, force=args.force)
    print(
        terminal_safe(f"wrote {written}; {cid} is erased here (the audit log keeps a tombstone)"),
        file=sys.stderr,
    )
    return 0


def cmd_in(args: argparse.Namespace) -> int:
    from tui.services.privacy.transfer import PASSPHRASE_ENV, transfer_in
    from tui.services.privacy.unlock import read_passphrase

    ctx = make_context(args)
    passphrase = read_passphrase("Transfer passphrase: ", env=PASSPHRASE_ENV)
    cid = transfer_in(ctx, Path(args.bundle), passphrase)
    print(terminal_safe(f"restored {cid}; its audit trail verifies"), file=sys.stderr)
    return 0
