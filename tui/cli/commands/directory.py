"""`wellbeing directory [--json]` and `wellbeing eligibility ID [--json]`.

The eligibility check is advisory - professional judgement decides; every output says so.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from exercises.interventions import Intervention, load_directory
from tui.cli.commands import Subcommands
from tui.services.clients.ids import validate_client_id
from tui.services.clients.profile_fields import PROFILE_FIELDS
from tui.services.context import make_context
from tui.services.eligibility import ADVISORY, STATUS_TEXT, eligibility_report
from tui.services.safe_text import one_line


def register(sub: Subcommands, common: argparse.ArgumentParser) -> None:
    directory = sub.add_parser(
        "directory", parents=[common], help="list the probation interventions directory"
    )
    directory.add_argument("--json", action="store_true", help="machine-readable output")
    directory.set_defaults(func=cmd_directory)

    check = sub.add_parser(
        "eligibility",
        parents=[common],
        help="advisory eligibility check of one client against the directory",
    )
    check.add_argument("id", metavar="ID", help="client case reference")
    check.add_argument("--json", action="store_true", help="machine-readable output")
    check.set_defaults(func=cmd_eligibility)


def _load() -> list[Intervention]:
    items, problems = load_directory()
    for problem in problems:
        print(f"wellbeing: {one_line(problem)}", file=sys.stderr)
    return items


def directory_rows(items: list[Intervention]) -> list[dict[str, Any]]:
    """What `directory --json` prints for each intervention."""
    return [
        {
            "id": item.id,
            "name": item.name,
            "short_name": item.short_name,
            "section": item.section,
            "section_label": item.section_label,
            "type": item.type,
            "type_label": item.type_label,
            "need_areas": list(item.need_areas),
            "genders": list(item.genders),
            "delivery": item.delivery.summary(),
            "summary": item.summary,
        }
        for item in items
    ]


def cmd_directory(args: argparse.Namespace) -> int:
    items = _load()
    if args.json:
        print(json.dumps(directory_rows(items), indent=2, ensure_ascii=False))
        return 0
    width = max((len(i.id) for i in items), default=10)
    section = None
    for item in items:
        if item.section != section:
            section = item.section
            print(one_line(item.section_label))
        print(f"  {one_line(item.id):<{width}}  {one_line(item.name, 60)}  ({item.type_label})")
    return 0


def cmd_eligibility(args: argparse.Namespace) -> int:
    from tui.services.clients.access import read_client

    cid = validate_client_id(args.id)
    with read_client(make_context(args), cid) as oc:  # audited as viewed
        client = oc.client()
    report = eligibility_report(client, _load())
    if args.json:
        print(json.dumps(report, indent=2, ensure_ascii=False))
        return 0
    print(f"Eligibility check for {cid} ({one_line(client.name, 40)}): {ADVISORY}.")
    if report["missing"]:
        print("Missing facts (set with 'wellbeing client set ID FIELD=VALUE'):")
        for name in report["missing"]:
            spec = PROFILE_FIELDS[name]
            print(f"  {name} ({spec.label}): {spec.accepts}")
    for entry in report["interventions"]:
        print()
        symbol = entry["headline"].split(" ", 1)[0]
        print(f"{one_line(entry['name'])}: {symbol} {one_line(entry['verdict_text'])}")
        for criterion in entry["criteria"]:
            symbol, word = STATUS_TEXT[criterion["status"]]
            print(f"    {symbol} {word:<9} {criterion['label']}: {one_line(criterion['reason'])}")
        if entry["missing"]:
            print(f"    Needs: {', '.join(entry['missing'])}")
        for note in entry["notes"]:
            print(f"    · {one_line(note)}")
    return 0
