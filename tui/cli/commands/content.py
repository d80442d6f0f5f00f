"""`wellbeing content check [DIR ...]` and `wellbeing content list`.

`check` is what a service runs after editing a pack: one `FILE:LINE: message` line per problem on
stdout (so editors and CI can jump to it) and exit 1, or exit 0 when clean.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from exercises.errors import ContentError
from exercises.library import Library, load_library
from exercises.sections import guide_steps
from tui.cli.commands import Subcommands
from tui.services.context import make_context
from tui.services.safe_text import one_line


def register(sub: Subcommands, common: argparse.ArgumentParser) -> None:
    content = sub.add_parser("content", parents=[common], help="check and list exercise content")
    csub = content.add_subparsers(dest="content_command", metavar="ACTION", required=True)

    check = csub.add_parser(
        "check",
        parents=[common],
        help="check content files: shipped content plus DIRs (or --content-dir / config packs)",
    )
    check.add_argument("dirs", metavar="DIR", nargs="*", type=Path, help="pack folder to check")
    check.set_defaults(func=cmd_check)

    list_ = csub.add_parser("list", parents=[common], help="list exercises by pack and guide step")
    list_.set_defaults(func=cmd_list)


def _dirs(args: argparse.Namespace) -> list[Path]:
    """The configured and --content-dir packs."""
    return list(make_context(args).content_dirs)


def _report(library: Library) -> None:
    for problem in library.problems:
        print(one_line(problem))


def other_problems(dirs: list[Path]) -> tuple[list[ContentError], int, int]:
    """Problems in the interventions directory and the plan templates; and how many of each."""
    from exercises.interventions import load_directory
    from exercises.plan_templates import load_plan_template, plan_kinds

    interventions, problems = load_directory(
        [d / "directory" for d in dirs if (d / "directory").is_dir()]
    )
    plans = 0
    for kind in plan_kinds(dirs):
        try:
            load_plan_template(kind, dirs)
            plans += 1
        except ContentError as exc:
            problems.append(exc)
    return list(problems), len(interventions), plans


def cmd_check(args: argparse.Namespace) -> int:
    dirs = list(args.dirs) if args.dirs else _dirs(args)
    library = load_library(dirs)
    extra, interventions, plans = other_problems(dirs)
    problems = [*library.problems, *extra]
    if problems:
        for problem in problems:
            print(one_line(problem))
        print(f"wellbeing: {len(problems)} content problem(s)", file=sys.stderr)
        return 1
    packs = library.by_pack()
    print(
        f"content ok: {len(library.exercises)} exercises in {len(packs)} pack(s), "
        f"{interventions} interventions, {plans} plan templates"
    )
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    dirs = _dirs(args)
    library = load_library(dirs)
    names = guide_steps(dirs)  # what the plan templates call the guide steps that feed them
    width = max((len(e.id) for e in library.exercises), default=10)
    for pack, exercises in library.by_pack().items():
        print(one_line(pack))
        step: object = None
        for exercise in exercises:
            if exercise.guide_step != step:
                step = exercise.guide_step
                print(f"  {names.get(step, step)}")
            extra = "  (practitioner only)" if exercise.practitioner_only else ""
            print(
                f"    {one_line(exercise.id):<{width}}  {one_line(exercise.title, 44):<44}"
                f"  {exercise.minutes:>3} min{extra}"
            )
    if library.problems:
        print(
            f"wellbeing: {len(library.problems)} content problem(s) left out; "
            "run 'wellbeing content check'",
            file=sys.stderr,
        )
    return 0
