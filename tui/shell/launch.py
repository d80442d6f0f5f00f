"""Starting the app from the command line: terminal checks, logging, signals, then `App.run`."""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import signal
import sys
import tempfile
import threading
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING

from tui.services import locations
from tui.services.context import Context, make_context
from tui.services.errors import UserError
from tui.services.privacy.unlock import PASSPHRASE_ENV, UnlockOnThread
from tui.shell.crash import setup_logging

if TYPE_CHECKING:
    from tui.shell.app import WellbeingApp


#: on a signal to go, the longest the app waits for what was typed to reach its field first
SIGNAL_SETTLE_SECONDS = 2.0


def refuse_remote_commands() -> None:
    """An account that runs only the app (ForceCommand) never runs a command given on the ssh
    line (nor sftp): it says so in one line, before anything else."""
    if os.environ.get("SSH_ORIGINAL_COMMAND") and not locations.user_has_shell():
        raise UserError(
            "this account runs Wellbeing Guide only: commands and file transfers are not "
            "accepted; connect with `ssh -t` and no command"
        )


def check_terminal() -> None:
    term = os.environ.get("TERM", "")
    if term in ("", "dumb") and sys.stdout.isatty():
        raise UserError(
            f"this terminal (TERM={term or 'unset'}) cannot show the app; "
            "set TERM=xterm-256color (or linux, or vt100) and run it again"
        )
    if not sys.stdin.isatty() or not sys.stdout.isatty():
        raise UserError(
            "the app needs a terminal; for scripts use the subcommands (see --help)"
            if locations.user_has_shell()
            else "the app needs a terminal: connect with `ssh -t`"
        )


def demo_context(args: argparse.Namespace) -> Context:
    from tui.services.demo import write_demo

    base = Path(tempfile.mkdtemp(prefix="wellbeing-demo-"))
    args.data_dir = str(base / "data")
    ctx = make_context(args)
    args.client = write_demo(ctx)
    return ctx


def install_signal_handlers(app: WellbeingApp) -> None:
    """SIGHUP, SIGTERM and SIGQUIT save what was typed and release locks before the process goes.

    Textual installs no handler, so by default a hang-up kills the process mid-save. The handler
    hands the signal to the app's loop (`WellbeingApp.leave_on_signal`: what was typed lands
    first); a guard thread saves and ends the process if the loop does not go in time.
    """

    def hangup(signum: int, frame: FrameType | None) -> None:
        guard = threading.Timer(SIGNAL_SETTLE_SECONDS + 3.0, _last_resort, args=(app, signum))
        guard.daemon = True  # the process does not wait for it once the app has ended
        guard.start()
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # not running (yet, or any more): save and go now
            _last_resort(app, signum)
            return
        loop.call_soon_threadsafe(app.leave_on_signal, signum)

    signal.signal(signal.SIGHUP, hangup)
    signal.signal(signal.SIGTERM, hangup)
    signal.signal(signal.SIGQUIT, hangup)  # ctrl+\ : saved and restored, never a core dump


def _last_resort(app: WellbeingApp, signum: int) -> None:
    """Save and end the process from outside the loop (it is stuck, or not running)."""
    try:
        app.shutdown()
    finally:
        os._exit(128 + signum)


def launch(args: argparse.Namespace) -> int:
    refuse_remote_commands()
    check_terminal()
    setup_logging()
    ctx = demo_context(args) if args.demo else make_context(args)
    ctx.check_encryption_policy()
    # Create and check the data dir now: a problem is one line, before the screen opens. An
    # encrypted data dir is unlocked in the app (or from WELLBEING_PASSPHRASE_FILE) first.
    ctx.prepare_data_dir(sweep=False)  # the temp files of killed saves: after the first frame
    unlocking = None
    if ctx.encrypted and os.environ.get(PASSPHRASE_ENV):
        # unlocked now from the file (a wrong one is a one-line error): the key derived on a
        # thread while the app's modules load (scrypt lets go of the interpreter, so the two
        # overlap), the codec made from it once they have
        unlocking = UnlockOnThread(ctx)

    from tui.shell.app import WellbeingApp

    if unlocking is not None:
        unlocking.wait()  # (and cryptography imported)

    # Collected from here on (`tui.cli.main` stops the collector for the imports): what they
    # made lives as long as the app, so it is frozen out of every later collection, which would
    # otherwise walk it again and again while the first frame is drawn.
    gc.freeze()
    gc.enable()

    app = WellbeingApp(
        ctx,
        low_bandwidth=ctx.config.low_bandwidth_on(args.low_bandwidth),
        start_client=args.client,
    )
    install_signal_handlers(app)
    app.run(mouse=not args.no_mouse and ctx.config.mouse)
    return app.return_code or 0
