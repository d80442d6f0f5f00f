"""The casework state machine (`tests.casework_model`) in `make test`: at least 300 steps across
its examples, every one checked against the model. `make soak` runs the same machine for longer."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, Phase, settings
from hypothesis.stateful import run_state_machine_as_test

from tests.casework_model import Casework

pytestmark = pytest.mark.xdist_group("casework")

SETTINGS = settings(
    max_examples=12,
    stateful_step_count=32,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate, Phase.shrink],  # no explain phase: slow here
)


def test_a_practitioners_week_holds_against_the_model() -> None:
    steps = Casework.steps_run
    run_state_machine_as_test(Casework, settings=SETTINGS)
    ran = Casework.steps_run - steps
    print(f"casework: {ran} steps checked against the model")
    assert ran >= 300, f"only {ran} steps: the machine stopped early"
