"""Scale steps: a number from `scale_min` to `scale_max` with labelled ends, chosen by keys."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import Static

from screens.live_text import show
from screens.steps.base import StepEditor
from store.text import clean_line


class ScaleBar(Widget, can_focus=True):
    """ "0 1 2 [3] 4 ...": the chosen number in brackets, so it shows without colour."""

    DEFAULT_CSS = """
    ScaleBar {
        height: 1;
        width: auto;
        padding: 0 1;
    }
    ScaleBar:focus {
        background: $boost;
        text-style: bold;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("right,up", "move(1)", "Higher", show=False, id="scale.move-1"),
        Binding("left,down", "move(-1)", "Lower", show=False, id="scale.move-1-2"),
        Binding("home", "jump('low')", "Lowest", show=False, id="scale.jump-low"),
        Binding("end", "jump('high')", "Highest", show=False, id="scale.jump-high"),
        *[Binding(str(d), f"digit({d})", show=False) for d in range(10)],
    ]

    value: reactive[int | None] = reactive(None)

    class Changed(Message):
        def __init__(self, value: int) -> None:
            super().__init__()
            self.value = value

    def __init__(self, low: int, high: int, value: int | None, *, disabled: bool = False):
        super().__init__(disabled=disabled)
        self.low, self.high = low, high
        self._last_digit = -1
        self.set_reactive(ScaleBar.value, value)

    def render(self) -> Content:
        parts = []
        for n in range(self.low, self.high + 1):
            parts.append(f"[{n}]" if n == self.value else f" {n} ")
        return Content("".join(parts))

    def _set(self, value: int) -> None:
        value = max(self.low, min(self.high, value))
        if value != self.value:
            self.value = value
            self.post_message(self.Changed(value))

    def action_move(self, step: int) -> None:
        if self.value is None:
            self._set(self.low if step > 0 else self.high)
        else:
            self._set(self.value + step)

    def action_jump(self, end: str) -> None:
        self._set(self.low if end == "low" else self.high)

    def action_digit(self, digit: int) -> None:
        # "1" then "0" makes 10 when the scale reaches it.
        if self._last_digit == 1 and digit == 0 and self.value == 1 and self.high >= 10:
            self._set(10)
        else:
            self._set(digit)
        self._last_digit = digit


class ScaleEditor(StepEditor):
    """The labelled ends above the bar, and the chosen value in words below it."""

    DEFAULT_CSS = """
    ScaleEditor .scale-ends {
        height: 1;
    }
    ScaleEditor .scale-value {
        height: 1;
        color: $text-muted;
    }
    """

    def compose(self) -> ComposeResult:
        value = self.value if isinstance(self.value, int) else None
        yield Static(self._ends(), markup=False, classes="scale-ends")
        yield ScaleBar(self.step.scale_min, self.step.scale_max, value, disabled=self.read_only)
        yield Static(self._said(value), markup=False, classes="scale-value")

    def _ends(self) -> str:
        low = clean_line(self.step.low_label) or "lowest"
        high = clean_line(self.step.high_label) or "highest"
        return f"{self.step.scale_min} = {low}    {self.step.scale_max} = {high}"

    def _said(self, value: int | None) -> str:
        if value is None:
            return "Not chosen yet: left/right or a digit to choose."
        return f"Chosen: {value} out of {self.step.scale_max}"

    def on_scale_bar_changed(self, event: ScaleBar.Changed) -> None:
        event.stop()
        show(self.query_one(".scale-value", Static), self._said(event.value))
        self.set_value(event.value)
