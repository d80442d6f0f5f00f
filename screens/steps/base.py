"""The common base of the step editors: one widget per step kind, chosen by the registry.

An editor is given its `Step` and the current value and tells its parent about changes with messages
(`Changed`, `Disclosure`); it never saves anything itself. The exercise screen decides what a change
means (an autosave, a follow-up) so an editor can be tested, and reused, on its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input, TextArea

from exercises.models import Step
from tui.services.timing import Clock, MonotonicClock


def at_end(widget: Widget) -> None:
    """The cursor after the last character of a text field (Textual starts a text area at its
    first)."""
    if isinstance(widget, TextArea):
        widget.move_cursor(widget.document.end)
    elif isinstance(widget, Input):
        widget.cursor_position = len(widget.value)


class StepEditor(Widget):
    """Edits the answer to one step. Subclasses set `value` through `set_value`."""

    DEFAULT_CSS = """
    StepEditor {
        height: auto;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "ctrl+g",
            "toggle_disclosure",
            "Disclosure",
            tooltip="Mark the answer as a disclosure",
            id="base.toggle-disclosure",
        ),
    ]

    class Changed(Message):
        """The answer to a step changed (sent on every edit; the screen debounces the save)."""

        def __init__(self, step_id: str, value: Any) -> None:
            super().__init__()
            self.step_id = step_id
            self.value = value

    class Disclosure(Message):
        """The answer was marked (or unmarked) as a disclosure."""

        def __init__(self, step_id: str, marked: bool) -> None:
            super().__init__()
            self.step_id = step_id
            self.marked = marked

    class Notice(Message):
        """Something the practitioner should be told (a limit reached, a value not understood)."""

        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    def __init__(
        self,
        step: Step,
        value: Any = None,
        *,
        read_only: bool = False,
        phone: bool = False,
        disclosure: bool = False,
        clock: Clock | None = None,
        earlier: Sequence[str] = (),
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.step = step
        #: the items of the earlier step this one takes its rows or options from (the content's
        #: rows_from / options_from), as answered
        self.earlier_items: tuple[str, ...] = tuple(earlier)
        self.value: Any = value
        self.read_only = read_only
        self.phone = phone
        self.marked = disclosure
        self.clock: Clock = clock or MonotonicClock()

    def set_value(self, value: Any) -> None:
        """Record a new value and tell the parent, unless nothing changed."""
        if value == self.value:
            return
        self.value = value
        self.post_message(self.Changed(self.step.id, value))

    def focus_first(self) -> bool:
        """Put the cursor in the editor's first field, at the end of what is there (screens call
        this on showing a step: resumed or gone back to, new words go after the saved ones).
        False when the editor has no field."""
        for widget in self.query("*"):
            if widget.focusable:
                widget.focus()
                at_end(widget)
                return True
        return False

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "toggle_disclosure":  # a client may disclose at any point
            return self.step.answerable and not self.read_only
        return True

    def action_toggle_disclosure(self) -> None:
        self.marked = not self.marked
        self.post_message(self.Disclosure(self.step.id, self.marked))
