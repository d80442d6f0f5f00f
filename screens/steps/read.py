"""Read steps: information, or a script read aloud. Nothing to answer; the screen shows the text."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Static

from screens.steps.base import StepEditor


class ReadEditor(StepEditor):
    """Says there is nothing to type, and how to go on."""

    def compose(self) -> ComposeResult:
        text = "Read this through together, then go on to the next step."
        if self.step.aloud:
            text = "Read the script aloud, then go on to the next step."
        yield Static(text, markup=False, classes="step-read-note")
