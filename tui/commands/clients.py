"""`wellbeing client add|set|list` and `wellbeing demo`."""

from __future__ import annotations

import argparse
import json
import sys

from pydantic import ValidationError

from store.ids import validate_client_id
from store.records import Client
from tui.services.context import make_context
from tui.services.errors import UserError
from tui.services.rar import rar_summary
from tui.services.safe_text import terminal_safe


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    client = sub.add_parser("client", parents=[common], help="add, change and list clients")
    csub = client.add_subparsers(dest="client_command", metavar="ACTION", required=True)

    add = csub.add_parser("add", parents=[common], help="add a client")
    add.add_argument("id", metavar="ID", help="case reference: letters and digits")
    add.add_argument("--name", required=True, help="name or initials")
    add.set_defaults(func=cmd_add)

    set_ = csub.add_parser("set", parents=[common], help="change profile fields: FIELD=VALUE ...")
    set_.add_argument("id", metavar="ID")
    set_.add_argument("assignments", metavar="FIELD=VALUE", nargs="+")
    set_.set_defaults(func=cmd_set)

    list_ = csub.add_parser("list", parents=[common], help="list clients")
    list_.add_argument("--json", action="store_true", help="machine-readable output")
    list_.set_defaults(func=cmd_list)

    demo = sub.add_parser(
        "demo", parents=[common], help="write the sample client into the data dir"
    )
    demo.set_defaults(func=cmd_demo)


def cmd_add(args: argparse.Namespace) -> int:
    cid = validate_client_id(args.id)
    ctx = make_context(args)
    try:
        client = Client(id=cid, name=args.name)
    except ValidationError as exc:
        raise UserError(f"client {cid}: {exc.errors()[0]['msg']}") from None
    ctx.repo.add_client(client)
    print(f"added client {cid}")
    return 0


def cmd_set(args: argparse.Namespace) -> int:
    from tui.services.profile_fields import apply_profile_field

    cid = validate_client_id(args.id)
    ctx = make_context(args)
    pairs = []
    for item in args.assignments:
        field, sep, value = item.partition("=")
        if not sep or not field:
            raise UserError(f"expected FIELD=VALUE, got {item!r}")
        pairs.append((field.strip(), value))

    def change(client: Client) -> Client:
        for field, value in pairs:
            client = apply_profile_field(client, field, value)
        return client

    ctx.repo.update_client(cid, change)
    print(f"updated client {cid}: {', '.join(f for f, _ in pairs)}")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    ctx = make_context(args)
    repo = ctx.repo
    rows = []
    problems = []
    for cid in repo.client_ids():
        try:
            with repo.read(cid) as cf:
                client = cf.client()
                sessions = cf.sessions()
                open_follow_ups = sum(1 for f in cf.follow_ups() if f.is_open)
        except Exception as exc:  # a StoreError, or a broken file of any kind: name it, go on
            problems.append(exc)
            continue
        row = {
            "id": client.id,
            "name": client.name,
            "programme_stage": client.programme_stage.value if client.programme_stage else None,
            "sessions": len(sessions),
            "last_session": sessions[-1].date.isoformat() if sessions else None,
            "open_follow_ups": open_follow_ups,
            **rar_summary(client, sessions).as_json(),
        }
        rows.append(row)
    if args.json:
        json.dump(rows, sys.stdout, ensure_ascii=False, indent=2)
        print()
    elif not rows and not problems:
        print("no clients yet: add one with `wellbeing client add ID --name NAME`")
    else:
        for r in rows:
            last = r["last_session"] or "no sessions"
            print(f"{r['id']:<12} {terminal_safe(r['name']):<30} {last}")
    for exc in problems:
        print(f"wellbeing: {terminal_safe(str(exc))}", file=sys.stderr)
    return 1 if problems else 0


def cmd_demo(args: argparse.Namespace) -> int:
    from tui.services.demo import write_demo

    ctx = make_context(args)
    cid = write_demo(ctx)
    print(cid)
    return 0
