"""The step editors, one per step kind, and the registry that picks one by `Step.kind`.

No screen names an exercise: the exercise screen asks `editor_for(step, ...)` and gets the widget.
"""

from __future__ import annotations

from typing import Any

from exercises.models import Step, StepKind
from screens.steps.base import StepEditor
from screens.steps.choice import ChoiceEditor
from screens.steps.list import ListEditor
from screens.steps.read import ReadEditor
from screens.steps.scale import ScaleEditor
from screens.steps.table import TableEditor
from screens.steps.text import TextEditor
from screens.steps.timed import TimedEditor

EDITORS: dict[StepKind, type[StepEditor]] = {
    StepKind.READ: ReadEditor,
    StepKind.TEXT: TextEditor,
    StepKind.LIST: ListEditor,
    StepKind.TABLE: TableEditor,
    StepKind.CHOICE: ChoiceEditor,
    StepKind.SCALE: ScaleEditor,
    StepKind.TIMED: TimedEditor,
}


def editor_for(step: Step, value: Any = None, **options: Any) -> StepEditor:
    """The editor widget for a step (options: read_only, phone, disclosure, clock, earlier)."""
    return EDITORS[step.kind](step, value, **options)


__all__ = ["EDITORS", "StepEditor", "editor_for"]
