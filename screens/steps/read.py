"""Read steps: information, or a script read aloud. Nothing to answer; the screen shows the text."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Static

from screens.steps.base import StepEditor
from screens.steps.voice import read_note


class ReadEditor(StepEditor):
    """Says there is nothing to type, and how to go on (worded with the banner, `steps.voice`)."""

    def compose(self) -> ComposeResult:
        yield Static(read_note(self.step, phone=self.phone), markup=False, classes="step-read-note")
