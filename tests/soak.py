"""`make soak`: the sequences of `make test`, for much longer (a time budget, 10 minutes unless
SOAK_SECONDS says otherwise).

It runs the casework state machine (`tests.casework_model`) with fresh random examples until its
share of the budget is spent, then the burst/slow key differential over every exercise in the
content (`tests.key_scripts`). It prints the steps and examples it ran and, on a
failure, the shrunk reproduction hypothesis gives, then exits 1. Not part of `make test`.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
import traceback
from pathlib import Path

from hypothesis import HealthCheck, Phase, settings
from hypothesis.stateful import run_state_machine_as_test

ROOT = Path(__file__).resolve().parent.parent


def isolated() -> None:
    """Never the user's config, state or data: a throwaway home for everything."""
    home = Path(tempfile.mkdtemp(prefix="wellbeing-soak-"))
    os.environ["WELLBEING_CONFIG"] = str(home / "config.toml")
    os.environ["WELLBEING_STATE_DIR"] = str(home / "state")
    os.environ.pop("SSH_CONNECTION", None)


def soak_casework(until: float) -> int:
    from tests.casework_model import Casework

    batch = settings(
        max_examples=5,
        stateful_step_count=50,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
        phases=[Phase.generate, Phase.shrink],
    )
    while time.monotonic() < until:
        try:
            run_state_machine_as_test(Casework, settings=batch)
        except BaseException as exc:  # the reproduction is in the exception and its notes
            print(
                "casework: FAILED after",
                Casework.steps_run,
                "steps in",
                Casework.examples_run,
                "examples",
            )
            traceback.print_exception(exc)
            return 1
        print(
            f"casework: {Casework.steps_run} steps in {Casework.examples_run} examples so far",
            flush=True,
        )
    print(f"casework: {Casework.steps_run} steps in {Casework.examples_run} examples, no failure")
    return 0


def soak_keys(until: float) -> int:
    from tests.key_scripts import soak as soak_key_scripts

    return soak_key_scripts(until)


def main() -> int:
    budget = float(os.environ.get("SOAK_SECONDS", "600"))
    isolated()
    start = time.monotonic()
    print(
        f"soak: {budget:.0f} s: the casework state machine, then every exercise's key scripts",
        flush=True,
    )
    failed = soak_casework(start + budget * 0.6)
    if not failed:
        failed = soak_keys(start + budget)
    print(f"soak: {'FAILED' if failed else 'passed'} in {time.monotonic() - start:.0f} s")
    return failed


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
