"""Toggles whose state shows as a mark, not only as a colour.

Textual's Checkbox, RadioButton and SelectionList draw the same "X" whether on or off and tell the
two apart by colour alone, which is invisible in monochrome (NO_COLOR, TERM=linux, some SSH clients).
These draw "✓" when on and a blank when off.
"""

from __future__ import annotations

from rich.segment import Segment
from textual.strip import Strip
from textual.widgets import Checkbox, RadioButton, SelectionList
from textual.widgets._toggle_button import ToggleButton
from textual.widgets.option_list import OptionDoesNotExist

ON, OFF = "✓", " "


class MarkedCheckbox(Checkbox):
    @property
    def BUTTON_INNER(self) -> str:  # type: ignore[override]  # noqa: N802 - Textual's name
        return ON if self.value else OFF


class MarkedRadioButton(RadioButton):
    @property
    def BUTTON_INNER(self) -> str:  # type: ignore[override]  # noqa: N802
        return "●" if self.value else OFF


class MarkedSelectionList(SelectionList[str]):
    def render_line(self, y: int) -> Strip:
        strip = super().render_line(y)
        try:
            selection = self.get_option_at_index(self.scroll_offset.y + y)
        except OptionDoesNotExist:
            return strip
        segments = list(strip)
        if len(segments) > 1 and segments[1].text == ToggleButton.BUTTON_INNER:
            mark = ON if selection.value in self._selected else OFF
            segments[1] = Segment(mark, segments[1].style)
            return Strip(segments, strip.cell_length)
        return strip
