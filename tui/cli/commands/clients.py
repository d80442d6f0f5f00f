"""`wellbeing client add|set|list|takeover` and `wellbeing demo`."""

from __future__ import annotations

import argparse
import json
import sys

from tui.cli.commands import Subcommands
from tui.services.clients.ids import validate_client_id
from tui.services.context import make_context
from tui.services.errors import UserError
from tui.services.safe_text import terminal_safe


def _fields_help() -> str:
    """Every settable field and what it accepts (the same list the profile form shows)."""
    from tui.services.clients.profile_fields import PROFILE_FIELDS

    lines = ["fields:"]
    for spec in PROFILE_FIELDS.values():
        lines.append(f"  {spec.name:<32} {spec.accepts}")
    return "\n".join(lines)


#: stands for the list of fields in `client set --help`, made only when help is shown
_FIELDS = "{fields}"


class _FieldsHelp(argparse.RawDescriptionHelpFormatter):
    """Help that lists the settable fields (read from the profile model only when asked for)."""

    def add_text(self, text: str | None) -> None:
        super().add_text(_fields_help() if text == _FIELDS else text)


def register(sub: Subcommands, common: argparse.ArgumentParser) -> None:
    client = sub.add_parser("client", parents=[common], help="add, change and list clients")
    csub = client.add_subparsers(dest="client_command", metavar="ACTION", required=True)

    add = csub.add_parser("add", parents=[common], help="add a client")
    add.add_argument("id", metavar="ID", help="case reference: letters and digits")
    add.add_argument("--name", required=True, help="name or initials")
    add.set_defaults(func=cmd_add)

    set_ = csub.add_parser(
        "set",
        parents=[common],
        help="change profile fields: FIELD=VALUE ...",
        epilog=_FIELDS,
        formatter_class=_FieldsHelp,
    )
    set_.add_argument("id", metavar="ID", help="the client's case reference")
    set_.add_argument(
        "assignments",
        metavar="FIELD=VALUE",
        nargs="+",
        help="one or more facts; an empty value or `unknown` clears one that may be unknown",
    )
    set_.set_defaults(func=cmd_set)

    list_ = csub.add_parser("list", parents=[common], help="list clients")
    list_.add_argument("--json", action="store_true", help="machine-readable output")
    list_.set_defaults(func=cmd_list)

    takeover = csub.add_parser(
        "takeover",
        parents=[common],
        help="ask the app holding a client to hand it over (audited), and wait until it has",
    )
    takeover.add_argument("id", metavar="ID", help="the client's case reference")
    takeover.add_argument(
        "--wait",
        metavar="SECONDS",
        type=float,
        default=60.0,
        help="how long to wait for the holder's app to save and let go (default 60)",
    )
    takeover.set_defaults(func=cmd_takeover)

    demo = sub.add_parser(
        "demo", parents=[common], help="write the sample client into the data dir"
    )
    demo.set_defaults(func=cmd_demo)


def cmd_add(args: argparse.Namespace) -> int:
    from pydantic import ValidationError

    from tui.services.clients.access import add_client

    cid = validate_client_id(args.id)
    ctx = make_context(args)
    try:
        add_client(ctx, cid, args.name)
    except ValidationError as exc:
        raise UserError(f"client {cid}: {exc.errors()[0]['msg']}") from None
    print(f"added client {cid}")
    return 0


def cmd_set(args: argparse.Namespace) -> int:
    from tui.services.clients.profile import update_profile
    from tui.services.clients.profile_fields import parse_assignment

    cid = validate_client_id(args.id)
    pairs = [parse_assignment(item) for item in args.assignments]
    update_profile(make_context(args), cid, dict(pairs))
    print(f"updated client {cid}: {', '.join(f for f, _ in pairs)}")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    from tui.services.clients.rows import list_clients

    rows = list_clients(make_context(args))
    good = [r for r in rows if not r.problem]
    problems = [r for r in rows if r.problem]
    if args.json:
        # one client a line, in one write (json.dump writes each of its many small pieces in
        # turn, and an indented dump takes json's slow Python encoder, not its C one); ASCII,
        # so nothing in a name is a character the cleaning stream strips or a line separator
        encode = json.JSONEncoder().encode
        lines = ",\n".join(f"  {encode(r.as_json())}" for r in good)
        sys.stdout.write(f"[\n{lines}\n]\n" if good else "[]\n")
    elif not rows:
        print("no clients yet: add one with `wellbeing client add ID --name NAME`")
    else:
        for r in good:
            last = r.last_session or "no sessions"
            print(f"{r.client_id:<12} {terminal_safe(r.name):<30} {last}")
    for r in problems:
        print(f"wellbeing: {terminal_safe(r.problem)}", file=sys.stderr)
    return 1 if problems else 0


def cmd_takeover(args: argparse.Namespace) -> int:
    from tui.services.clients.access import take_over

    cid = validate_client_id(args.id)
    if not 0 < args.wait <= 3600:
        raise UserError("--wait takes a number of seconds, at most 3600")
    held_by = take_over(make_context(args), cid, wait_seconds=args.wait)
    if not held_by:
        print(f"client {cid} is not open for editing anywhere: nothing to take over")
    else:
        print(f"client {cid} was handed over by {terminal_safe(held_by)}: saved and free now")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from tui.services.demo import write_demo

    ctx = make_context(args)
    cid = write_demo(ctx)
    print(cid)
    return 0
