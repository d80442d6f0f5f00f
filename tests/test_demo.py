"""The sample client is realistic enough that both plans compile with every section filled."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from exercises.plan_templates import load_plan_template
from tui.services.config import Config
from tui.services.context import Context
from tui.services.demo import DEMO_ID, write_demo
from tui.services.plans.compiler import PlanInputs, compile_plan
from tui.services.plans.service import plan_references
from tui.services.repository import repository

TODAY = date(2026, 11, 25)


@pytest.mark.parametrize("kind", ["wellbeing", "keep-safe"])
def test_demo_plans_compile_with_every_section_filled(tmp_path: Path, kind: str) -> None:
    ctx = Context(config=Config(), data_dir=tmp_path / "data")
    assert write_demo(ctx, today=TODAY) == DEMO_ID
    with repository(ctx).read(DEMO_ID) as cf:
        plan = compile_plan(
            kind,
            load_plan_template(kind),
            ctx.library,
            PlanInputs.from_client_file(cf),
            ctx.config,
            TODAY,
            references=plan_references(ctx, kind),
        )
    empty = [s.title for s in plan.sections if s.fixed != "review" and s.is_empty]
    assert empty == []
    assert not plan.orphans  # no answer outside the content


def test_demo_answers_all_name_real_steps(tmp_path: Path) -> None:
    """Every answer in the demo history belongs to a step of the shipped content."""
    ctx = Context(config=Config(), data_dir=tmp_path / "data")
    write_demo(ctx, today=TODAY)
    import yaml

    from tui.services.demo import HISTORY

    history = yaml.safe_load(HISTORY.read_text("utf-8"))
    for session in history["sessions"]:
        for exercise_id, steps in session["answers"].items():
            exercise = ctx.library.get(exercise_id)
            assert exercise is not None, exercise_id
            for step_id in steps:
                assert exercise.step(step_id) is not None, (exercise_id, step_id)
    with repository(ctx).read(DEMO_ID) as cf:
        assert len(cf.sessions()) == len(history["sessions"])
        assert [f for f in cf.follow_ups() if f.is_open]
