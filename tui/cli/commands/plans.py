"""`wellbeing plan ID --kind ...` and `wellbeing worksheet EXERCISE_ID`: print or write a document.

Without `-o`, md, txt and html go to stdout; a PDF needs `-o FILE`. The format is the one the
file name asks for (`-o plan.pdf` is a PDF), or `--format`; a name that asks for another format
is refused. `-o FOLDER` writes the document under its default name there (the client, kind,
layout, version and date). An existing file is never replaced without `--force`. Every problem
a user can cause is one line on stderr and exit 1.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from exercises.plan_templates import plan_kinds
from tui.cli.commands import Subcommands
from tui.services.clients.ids import validate_client_id
from tui.services.context import make_context
from tui.services.errors import UserError
from tui.services.export import FORMATS, can_print, exporter, format_for
from tui.services.plans.document import LAYOUTS
from tui.services.safe_text import one_line, terminal_safe


def register(sub: Subcommands, common: argparse.ArgumentParser) -> None:
    plan = sub.add_parser(
        "plan", parents=[common], help="print or write a client's Wellbeing Plan or Keep Safe Plan"
    )
    plan.add_argument("id", metavar="ID", help="the client's case reference")
    plan.add_argument(
        "--kind",
        required=True,
        metavar="KIND",
        help=f"which plan: {', '.join(plan_kinds())}, or one a content pack adds",
    )
    which = plan.add_mutually_exclusive_group()
    which.add_argument(
        "--saved",
        type=int,
        metavar="N",
        help="saved version N (default: the latest saved version, else a draft)",
    )
    which.add_argument(
        "--draft",
        action="store_true",
        help="the plan as it stands now, marked as a draft on every page",
    )
    plan.add_argument(
        "--layout",
        choices=LAYOUTS,
        help="standard, large (large print) or easy-read (default: what the client's "
        "recorded needs call for)",
    )
    _output_options(plan)
    plan.set_defaults(func=cmd_plan)

    sheet = sub.add_parser(
        "worksheet", parents=[common], help="a blank worksheet of an exercise, to post to a client"
    )
    sheet.add_argument("exercise", metavar="EXERCISE_ID", help="see `wellbeing content list`")
    _output_options(sheet)
    sheet.set_defaults(func=cmd_worksheet)


def _output_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--format",
        choices=FORMATS,
        default=None,
        help="output format (default: what FILE's name ends with, else md)",
    )
    parser.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="write to FILE, or into a folder under the default name (required for pdf; "
        "text formats default to stdout)",
    )
    parser.add_argument("--force", action="store_true", help="replace FILE if it exists")


def _emit(result: Path | bytes) -> None:
    if isinstance(result, bytes):
        sys.stdout.write(result.decode("utf-8"))
        sys.stdout.flush()
    else:
        print(f"wrote {terminal_safe(result)}", file=sys.stderr)


def _dest(output: str | None) -> Path | None:
    return None if output in (None, "-") else Path(output)


def cmd_plan(args: argparse.Namespace) -> int:
    from tui.services.clients.access import read_client
    from tui.services.plans.service import compile_plan, export_plan, saved_plan

    ctx = make_context(args)
    kinds = plan_kinds(ctx.content_dirs)  # the plan templates there are: ours and the packs'
    if args.kind not in kinds:  # a usage error, as argparse says one
        print(
            f"wellbeing: argument --kind: invalid choice: {one_line(args.kind, 40)!r} "
            f"(choose from {', '.join(kinds)}) (see --help)",
            file=sys.stderr,
        )
        return 2
    cid = validate_client_id(args.id)
    dest = _dest(args.output)
    fmt = format_for(args.format, dest)
    if dest is None and not can_print(fmt):
        raise UserError(f"a {exporter(fmt).words} cannot go to the terminal; give -o FILE")
    if fmt == "pdf":  # the PDF maker imports its renderer while the plan is read and compiled
        from tui.services.export.pdf_child import start_early

        start_early()
    today = date.today()
    with read_client(ctx, cid) as oc:
        plan = None if args.draft else saved_plan(oc, args.kind, args.saved)
        if plan is None:
            if args.saved is not None:  # saved before versions kept their plan
                raise UserError(
                    f"version {args.saved} of the {args.kind} plan was saved before versions "
                    "kept their plan; use --draft, or see it in the app (v)"
                )
            plan = compile_plan(oc, args.kind, today)
        result = export_plan(
            oc, plan, args.format, dest, printed_on=today, layout=args.layout, force=args.force
        )
    _emit(result)
    return 0


def cmd_worksheet(args: argparse.Namespace) -> int:
    from tui.services.plans.service import worksheet

    ctx = make_context(args)
    dest = _dest(args.output)
    _emit(
        worksheet(ctx, args.exercise, args.format, dest, printed_on=date.today(), force=args.force)
    )
    return 0
