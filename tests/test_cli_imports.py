"""A command pays only for what it uses (issue 27): the command line imports the module of the
command given, and `client list` imports nothing heavy. Checked as imports, never as time."""

from __future__ import annotations

import argparse
import importlib
import json
import subprocess
import sys

from tests.conftest import ROOT, cli_env
from tests.test_fast_start import HEAVY
from tui.cli.commands import COMMANDS, MODULES


def _registered(module: str) -> set[str]:
    sub = argparse.ArgumentParser().add_subparsers()
    importlib.import_module(module).register(sub, argparse.ArgumentParser(add_help=False))
    return set(sub.choices)


def test_every_command_word_names_the_module_that_registers_it() -> None:
    for module in MODULES:
        assert _registered(module) == {w for w, m in COMMANDS.items() if m == module}, module


def test_client_list_imports_only_its_own_command_and_nothing_heavy(tmp_path: object) -> None:
    env = cli_env()
    env["WELLBEING_DATA_DIR"] = str(tmp_path)
    code = (
        "import sys, json, io, contextlib\n"
        "from tui.cli.main import main\n"
        "out = io.StringIO()\n"
        "with contextlib.redirect_stdout(out):\n"
        "    rc = main(['client', 'list', '--json'])\n"
        f"heavy = [m for m in {HEAVY + ('textual',)!r} if m in sys.modules]\n"
        "commands = sorted(m for m in sys.modules if m.startswith('tui.cli.commands.'))\n"
        "print(json.dumps([rc, out.getvalue(), heavy, commands]))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
        check=True,
    )
    rc, printed, heavy, commands = json.loads(done.stdout)
    assert (rc, json.loads(printed)) == (0, [])
    assert heavy == []
    assert commands == ["tui.cli.commands.clients"]


def test_help_still_lists_every_command() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "tui", "--help"],
        capture_output=True,
        text=True,
        env=cli_env(),
        cwd=ROOT,
        timeout=120,
    )
    assert done.returncode == 0
    for word in COMMANDS:
        assert word in done.stdout, word
