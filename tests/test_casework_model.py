"""The casework state machine (`tests.casework_model`) in `make test`: at least 300 steps across
its examples, every one checked against the model. `make soak` runs the same machine for longer."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, Phase, settings

from tests.casework_model import Casework

pytestmark = pytest.mark.xdist_group("casework")

#: 12 examples of up to 30 steps: 300 or more steps in all (hypothesis stops an example early
#: only when a rule's assumptions leave nothing to do, which the first client rules out)
Casework.TestCase.settings = settings(
    max_examples=12,
    stateful_step_count=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    derandomize=True,
    phases=[Phase.explicit, Phase.generate, Phase.shrink],  # no explain: slow here
)
TestCasework = Casework.TestCase
