"""The `wellbeing` command line (`python -m tui` does the same).

With no subcommand it starts the app. Every error a user can cause ends as one line on stderr and a
non-zero exit; tracebacks only for bugs, and those go to the log file (see `tui.shell.crash`).
"""

from __future__ import annotations

import argparse
import gc
import importlib
import sys
from collections.abc import Sequence

from exercises.errors import ContentError
from store.errors import StoreError
from tui import __version__
from tui.cli.commands import COMMANDS, MODULES
from tui.services.errors import UserError
from tui.services.safe_text import cleaned_output, one_line


class _Parser(argparse.ArgumentParser):
    """argparse that reports usage errors in one line (exit 2)."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"wellbeing: {one_line(message)} (see --help)\n")


def common_options() -> argparse.ArgumentParser:
    """Options every subcommand accepts, before or after its name."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--data-dir",
        metavar="DIR",
        default=argparse.SUPPRESS,
        help="data directory (default: WELLBEING_DATA_DIR or the user data dir)",
    )
    common.add_argument(
        "--content-dir",
        metavar="DIR",
        action="append",
        default=argparse.SUPPRESS,
        help="extra exercise pack folder (repeatable)",
    )
    return common


def build_parser(*, commands: bool = True, word: str | None = None) -> argparse.ArgumentParser:
    """The parser; without `commands` (starting the app) no command module is imported, and with
    a known command `word` only that command's module (help and mistakes import them all)."""
    common = common_options()
    parser = _Parser(
        prog="wellbeing",
        parents=[common],
        description="Wellbeing Guide: guided wellbeing exercises, plans and the interventions directory.",
    )
    parser.add_argument("--version", action="version", version=f"wellbeing {__version__}")
    parser.add_argument("--client", metavar="ID", help="open this client at start")
    parser.add_argument(
        "--demo", action="store_true", help="run on a throwaway data dir with a sample client"
    )
    parser.add_argument(
        "--low-bandwidth",
        action="store_true",
        default=None,
        help="no cursor blink, animations or clock (default on over SSH)",
    )
    parser.add_argument(
        "--no-mouse", action="store_true", default=None, help="do not capture the mouse"
    )
    if not commands:
        parser.set_defaults(command=None)
        return parser
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in [COMMANDS[word]] if word in COMMANDS else MODULES:
        importlib.import_module(name).register(sub, common)
    return parser


def parse(argv: list[str]) -> argparse.Namespace:
    """Starting the app needs only the global options; a command needs its module's parser."""
    if "-h" in argv or "--help" in argv:  # help lists the commands, or a command's options
        return build_parser().parse_args(argv)
    app_only = build_parser(commands=False)
    args, rest = app_only.parse_known_args(argv)
    if not rest:
        return args
    word = next((a for a in rest if not a.startswith("-")), None)
    return build_parser(word=word).parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Start the app, or run a command with all it prints cleaned for the terminal by one
    function (`cleaned_output`; its one-line errors through `one_line`, the same cleaner)."""
    args = parse(list(sys.argv[1:] if argv is None else argv))
    args.data_dir = getattr(args, "data_dir", None)
    args.content_dir = getattr(args, "content_dir", None) or []
    try:
        if args.command is None:
            # The app's imports make nothing for the collector to find, but make it run again
            # and again (~30 ms of a start): `launch` freezes what they made and collects again.
            gc.disable()
            from tui.shell.launch import launch

            return launch(args)
        with cleaned_output():
            return int(args.func(args) or 0)
    except (UserError, StoreError, ContentError) as exc:
        print(f"wellbeing: {one_line(exc)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("wellbeing: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 1
    except OSError as exc:  # the file system refused (permissions, a full disk): one line, no trace
        where = f": {exc.filename}" if exc.filename else ""
        print(f"wellbeing: {one_line(f'{exc.strerror or exc}{where}')}", file=sys.stderr)
        return 1
    finally:
        gc.enable()  # (a launch that failed before it could)


if __name__ == "__main__":
    sys.exit(main())
