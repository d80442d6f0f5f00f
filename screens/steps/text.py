"""Text steps: a free answer in a multi-line field with a length limit and a running count."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.widgets import Static, TextArea

from screens.live_text import show
from screens.steps.base import StepEditor
from screens.steps.fields import LimitedTextArea


class TextEditor(StepEditor):
    """A `LimitedTextArea`; the value is the text as typed (cleaned)."""

    DEFAULT_CSS = """
    TextEditor LimitedTextArea {
        height: 8;
        min-height: 3;
    }
    TextEditor .step-count {
        color: $text-muted;
        height: 1;
    }
    """

    def compose(self) -> ComposeResult:
        text = self.value if isinstance(self.value, str) else ""
        yield LimitedTextArea(
            text,
            limit=self.step.max_length,
            read_only=self.read_only,
            soft_wrap=True,
            show_line_numbers=False,
            tab_behavior="focus",
            edited=self._show_count,
        )
        yield Static(self._count(text), markup=False, classes="step-count")

    def _count(self, text: str) -> str:
        return f"{len(text)} of {self.step.max_length} characters"

    def _show_count(self, text: str) -> None:
        show(self.query_one(".step-count", Static), self._count(text))

    @on(TextArea.Changed)
    def _changed(self, event: TextArea.Changed) -> None:
        event.stop()
        text = event.text_area.text
        self._show_count(text)  # already shown after a typed edit; an undo or a load comes here
        if text != (self.value or ""):
            self.set_value(text)
