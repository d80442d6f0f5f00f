"""`wellbeing init|audit|export|delete|retention`: encryption at rest and data protection duties.

- ``init [--encrypt]`` makes the data dir; with ``--encrypt`` it sets up a key (passphrase twice, or
  ``WELLBEING_PASSPHRASE_FILE``) and encrypts any existing client files in place, client by client.
- ``audit ID [--verify]`` prints a client's audit trail, or checks its hash chain.
- ``export ID -o FILE`` writes everything held on one client (subject access): FILE as JSON and
  FILE.txt as readable text, with the audit trail and a list of entries naming other people.
- ``delete ID [--yes]`` erases a client, leaving an audit tombstone with no content.
- ``retention`` lists clients with no activity within the configured retention period.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path

from tui.cli.commands import Subcommands
from tui.services.clients.ids import validate_client_id
from tui.services.context import make_context
from tui.services.errors import UserError
from tui.services.privacy.audit_entries import format_entry
from tui.services.safe_text import terminal_safe


def register(sub: Subcommands, common: argparse.ArgumentParser) -> None:
    init = sub.add_parser("init", parents=[common], help="create the data dir, or encrypt it")
    init.add_argument(
        "--encrypt",
        action="store_true",
        help="encrypt at rest; existing client files are encrypted in place",
    )
    init.set_defaults(func=cmd_init)

    audit = sub.add_parser("audit", parents=[common], help="show or check a client's audit trail")
    audit.add_argument("id", metavar="ID")
    audit.add_argument(
        "--verify",
        action="store_true",
        help="check the hash chain: exit 0 if intact, 1 naming the first bad entry",
    )
    audit.add_argument("--json", action="store_true", help="print the entries as JSON lines")
    audit.set_defaults(func=cmd_audit)

    export = sub.add_parser(
        "export", parents=[common], help="everything held on a client, as FILE (JSON) and FILE.txt"
    )
    export.add_argument("id", metavar="ID")
    export.add_argument("-o", "--output", metavar="FILE", required=True)
    export.add_argument("--force", action="store_true", help="replace FILE and FILE.txt if present")
    export.set_defaults(func=cmd_export)

    delete = sub.add_parser(
        "delete", parents=[common], help="erase a client, leaving an audit tombstone"
    )
    delete.add_argument("id", metavar="ID")
    delete.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    delete.set_defaults(func=cmd_delete)

    retention = sub.add_parser(
        "retention", parents=[common], help="clients with no activity within the retention period"
    )
    retention.add_argument("--json", action="store_true", help="machine-readable output")
    retention.set_defaults(func=cmd_retention)


# -- init -----------------------------------------------------------------------------------------


def cmd_init(args: argparse.Namespace) -> int:
    from tui.services.privacy.encryption import encrypt_data_dir

    ctx = make_context(args)
    data_dir = ctx.data_dir
    if not args.encrypt:
        state = "encrypted" if ctx.prepare_data_dir() else "not encrypted"
        print(f"data dir {terminal_safe(data_dir)} is ready ({state})")
        return 0
    done = encrypt_data_dir(ctx)
    print(f"data dir {terminal_safe(data_dir)} is encrypted ({done.files} files encrypted now)")
    print("Keep the passphrase safe: without it the client files cannot be read by anyone.")
    if done.plain_exports:
        print(
            f"{len(done.plain_exports)} exported plans or worksheets in the exports folder are "
            "documents for people and are not encrypted; delete those no longer needed:"
        )
        for path in done.plain_exports:
            print(f"  {terminal_safe(path)}")
    return 0


# -- audit ----------------------------------------------------------------------------------------


def cmd_audit(args: argparse.Namespace) -> int:
    from tui.services.privacy import audit_trail

    cid = validate_client_id(args.id)
    ctx = make_context(args)
    if args.verify:
        verdict = audit_trail.verify(ctx, cid)
        if verdict.problems:
            problems = verdict.problems
            more = f" ({len(problems) - 1} more problems)" if len(problems) > 1 else ""
            print(
                f"wellbeing: audit log of client {cid} is not intact: "
                f"{terminal_safe(problems[0])}{more}",
                file=sys.stderr,
            )
            return 1
        print(
            f"audit log of client {cid} is intact: {verdict.entries} entries, head {verdict.head}"
        )
        return 0
    found, head = audit_trail.entries(ctx, cid)
    for entry in found:
        if args.json:
            print(json.dumps(entry, ensure_ascii=True))
        else:
            print(format_entry(entry))
    if not args.json:
        print(f"head {head}")
    return 0


# -- subject access export -------------------------------------------------------------------------


def cmd_export(args: argparse.Namespace) -> int:
    from tui.services.privacy.subject_access import export_subject_access

    cid = validate_client_id(args.id)
    ctx = make_context(args)
    out, txt, review = export_subject_access(ctx, cid, Path(args.output), force=args.force)
    print(
        f"exported client {cid} to {terminal_safe(out)} and {terminal_safe(txt)} "
        f"({review} entries listed for redaction review)"
    )
    return 0


# -- deletion -------------------------------------------------------------------------------------


def cmd_delete(args: argparse.Namespace) -> int:
    cid = validate_client_id(args.id)
    ctx = make_context(args)
    from tui.services.plans.service import exports_of
    from tui.services.privacy.erasure import client_files, delete_client

    if not client_files(ctx, cid) and not exports_of(ctx, cid):
        raise UserError(f"no client {cid} in {ctx.data_dir}")
    if not args.yes:
        if not sys.stdin.isatty():
            raise UserError(f"not deleting client {cid} without confirmation: pass --yes")
        try:
            answer = input(
                f"Erase client {cid} and everything held on them? This cannot be undone."
                f" Type {cid} to confirm: "
            )
        except EOFError:
            answer = ""
        if answer.strip().upper() != cid:
            print(f"client {cid} was not deleted", file=sys.stderr)
            return 1
    try:
        removed = delete_client(ctx, cid)
    except OSError as exc:
        raise UserError(
            f"deleting client {cid} stopped: {exc.strerror or exc}; run the command again"
        ) from None
    print(f"deleted client {cid}: {len(removed)} files removed; the audit log keeps a tombstone")
    return 0


# -- retention ------------------------------------------------------------------------------------


def cmd_retention(args: argparse.Namespace) -> int:
    from tui.services.privacy.erasure import past_retention

    ctx = make_context(args)
    years = ctx.config.retention_years
    cutoff, rows, problems = past_retention(ctx, date.today())
    if args.json:
        json.dump(
            {"retention_years": years, "cutoff": cutoff.isoformat(), "clients": rows},
            sys.stdout,
            indent=2,
        )
        print()
    elif not rows:
        print(f"no client is past the retention period ({years} years; nothing since {cutoff})")
    else:
        print(f"clients with no activity since {cutoff} (retention {years} years):")
        for row in rows:
            flag = "  restricted" if row["restricted"] else ""
            print(f"{row['id']:<12} last activity {row['last_activity']}{flag}")
    for exc in problems:
        print(f"wellbeing: {terminal_safe(str(exc))}", file=sys.stderr)
    return 1 if problems else 0
