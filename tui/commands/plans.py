"""`wellbeing plan ID --kind ...` and `wellbeing worksheet EXERCISE_ID`: print or write a document.

Without `-o`, md, txt and html go to stdout; a PDF needs `-o FILE`. Every problem a user can cause
is one line on stderr and exit 1.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date

from exercises.plan_templates import PLAN_KINDS, load_plan_template
from store.ids import validate_client_id
from store.text import clean_line
from tui.services.context import make_context
from tui.services.errors import UserError
from tui.services.export import FORMATS, Document, render_bytes, write_file


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    plan = sub.add_parser(
        "plan", parents=[common], help="print or write a client's Wellbeing Plan or Keep Safe Plan"
    )
    plan.add_argument("id", metavar="ID", help="the client's case reference")
    plan.add_argument("--kind", required=True, choices=PLAN_KINDS, help="which plan")
    _output_options(plan)
    plan.set_defaults(func=cmd_plan)

    sheet = sub.add_parser(
        "worksheet", parents=[common], help="a blank worksheet of an exercise, to post to a client"
    )
    sheet.add_argument("exercise", metavar="EXERCISE_ID", help="see `wellbeing content list`")
    _output_options(sheet)
    sheet.set_defaults(func=cmd_worksheet)


def _output_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=FORMATS, default="md", help="output format (md)")
    parser.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="write to FILE (required for pdf; text formats default to stdout)",
    )


def check_output(fmt: str, output: str | None) -> None:
    """Refuse a destination that cannot take `fmt` (a PDF to the terminal) before any work."""
    if fmt == "pdf" and (output is None or output == "-"):
        raise UserError("a PDF cannot go to the terminal; give -o FILE")


def write_output(doc: Document, fmt: str, output: str | None) -> str | None:
    """Write `doc` to `output` (atomically, private) or stdout; return the path written, if any."""
    check_output(fmt, output)
    if output is None or output == "-":
        sys.stdout.write(render_bytes(doc, fmt).decode("utf-8"))
        sys.stdout.flush()
        return None
    try:
        path = write_file(doc, output, fmt)
    except OSError as exc:
        raise UserError(f"cannot write {clean_line(output)}: {exc.strerror or exc}") from None
    return str(path)


def cmd_plan(args: argparse.Namespace) -> int:
    from tui.services.plan_compiler import PlanInputs, compile_plan

    cid = validate_client_id(args.id)
    check_output(args.format, args.output)
    ctx = make_context(args)
    if not ctx.repo.exists(cid):
        raise UserError(f"no client {cid} in {ctx.repo.data_dir}")
    with ctx.repo.read(cid) as cf:  # audited "viewed"; a read-only open may still record
        data = PlanInputs.from_client_file(cf)
        template = load_plan_template(args.kind, ctx.content_dirs)
        today = date.today()
        plan = compile_plan(args.kind, template, ctx.library, data, ctx.config, today)
        doc = plan.document(printed_on=today)
        # Audited before anything leaves: if the log cannot be written, nothing is output.
        # Kind and format only; never the file name, which may hold a name.
        cf.record("plan compiled", [args.kind])
        to = "stdout" if args.output in (None, "-") else "file"
        cf.record("exported", [args.kind], {"format": args.format, "to": to})
    written = write_output(doc, args.format, args.output)
    if written:
        print(f"wrote {written}", file=sys.stderr)
    return 0


def cmd_worksheet(args: argparse.Namespace) -> int:
    from tui.services.export.worksheet import worksheet_document
    from tui.services.plan_compiler import day

    ctx = make_context(args)
    exercise = ctx.library.get(args.exercise)
    if exercise is None:
        name = clean_line(args.exercise)[:60]
        raise UserError(f"no exercise '{name}' (see `wellbeing content list`)")
    doc = worksheet_document(exercise, printed_on=day(date.today()))
    written = write_output(doc, args.format, args.output)
    if written:
        print(f"wrote {written}", file=sys.stderr)
    return 0
