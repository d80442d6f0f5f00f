"""Small fields the step editors are built from: length-limited text, and option pickers.

Every text field has a limit and says so: typing past it rings the bell and a paste that would not
fit is refused whole with a `TooLong` message (never cut short silently). Text is cleaned of
control characters and escape sequences as it goes in. Options show symbol and word, never
colour alone.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual import events
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.geometry import Region
from textual.message import Message
from textual.reactive import Reactive, reactive
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Input, TextArea
from textual.widgets.text_area import Edit, EditResult, Location, Selection

from exercises.models import Option
from store.text import clean_line, clean_text
from tui.services.clients.answers import option_symbol

TONE_STYLES = {"green": "$text-success", "amber": "$text-warning", "red": "$text-error"}


def option_content(option: Option, *, bold: bool = True) -> Content:
    """ "● GREEN": symbol and word, coloured by tone where colour is available (never markup)."""
    symbol = option_symbol(option)
    style = TONE_STYLES.get(option.tone, "")
    label = clean_line(option.label)
    word = Content.styled(label, "bold") if bold else Content(label)
    if not symbol:
        return word
    return Content.assemble(Content.styled(symbol, style) if style else Content(symbol), " ", word)


class TooLong(Message):
    """Text would not fit in a field: `attempted` characters against `limit`."""

    def __init__(self, limit: int, attempted: int, pasted: bool) -> None:
        super().__init__()
        self.limit = limit
        self.attempted = attempted
        self.pasted = pasted

    @property
    def text(self) -> str:
        over = self.attempted - self.limit
        if self.pasted:
            return (
                f"Paste refused: it would make {self.attempted} characters, {over} over the "
                f"limit of {self.limit}. Shorten it and paste again."
            )
        return f"Limit reached: this answer holds at most {self.limit} characters."


class LimitedInput(Input):
    """A one-line field with a length limit that refuses, and reports, what would not fit."""

    def __init__(self, value: str = "", *, limit: int, **kwargs: object) -> None:
        # a saved answer is never selected on focus, for one key to replace it
        kwargs.setdefault("select_on_focus", False)
        super().__init__(clean_line(value)[:limit] if value else "", **kwargs)  # type: ignore[arg-type]
        self.limit = limit

    def _on_paste(self, event: events.Paste) -> None:
        # Textual keeps only the first line of a paste; join the lines instead of dropping them.
        event.stop()
        event.prevent_default()  # and do not let Input's own handler paste it a second time
        if event.text:
            self.replace(event.text, *self.selection)

    def replace(self, text: str, start: int, end: int) -> None:
        text = clean_text(text).replace("\n", " ")
        start, end = sorted((max(0, start), min(len(self.value), end)))
        attempted = len(self.value) - (end - start) + len(text)
        if attempted > self.limit and text:
            self.app.bell()
            self.post_message(TooLong(self.limit, attempted, len(text) > 1))
            return
        super().replace(text, start, end)


class LimitedTextArea(TextArea):
    """A multi-line field with a length limit that refuses, and reports, what would not fit.

    `edited`, when given, is called with the text at once after each edit, before the `Changed`
    message is handled: what shows the text's length is then drawn in the same frame as the
    letter, not one frame after it (a second frame per key, on a team server 30 times over)."""

    #: a moved cursor or selection repaints the rows it touched (`_watch_selection`), not the
    #: whole field: a key in a tall bordered field redrew every line, 2 KB a key over SSH
    selection: Reactive[Selection] = reactive(
        Selection(), init=False, always_update=True, repaint=False
    )

    def __init__(
        self,
        text: str = "",
        *,
        limit: int,
        edited: Callable[[str], None] | None = None,
        **kwargs: object,
    ) -> None:
        super().__init__(clean_text(text)[:limit] if text else "", **kwargs)  # type: ignore[arg-type]
        # a client's words, not code: no matching-bracket highlight (it would also sit on a row
        # the cursor never touched, which a move here does not repaint)
        self.set_reactive(TextArea.match_cursor_bracket, False)
        self.limit = limit
        self.edited = edited
        #: (theme, app theme) the field's theme was last given its CSS under (`render_lines`)
        self._styled_for: tuple[str, str] | None = None

    def notify_style_update(self) -> None:
        self._styled_for = None  # new CSS (focus, a class, the app's theme): apply it again
        super().notify_style_update()

    def render_lines(self, crop: Region) -> list[Strip]:
        """TextArea gives its theme the field's CSS at every render, a dozen style lookups a key;
        that can change only when the styles or the theme do, so it is done only then."""
        styled_for = (self.theme, self.app.theme)
        if self._styled_for == styled_for:
            return Widget.render_lines(self, crop)
        self._styled_for = styled_for
        return super().render_lines(crop)

    def edit(self, edit: Edit) -> EditResult:
        height, was_empty = self.wrapped_document.height, self._empty()
        result = super().edit(edit)
        text = self.text  # built once per key: the document joins its lines for it
        one_row = edit.top[0] == edit.bottom[0] == result.end_location[0]
        if one_row and self.wrapped_document.height == height and was_empty == (not text):
            self._refresh_rows(edit.top, result.end_location)
        else:  # lines moved (a new line, a joined line, a wrap) or a placeholder came or went
            self.refresh()
        if self.edited is not None:
            self.edited(text)
        return result

    def _empty(self) -> bool:
        return self.document.line_count == 1 and not self.document[0]

    def undo(self) -> None:
        super().undo()
        self.refresh()

    def redo(self) -> None:
        super().redo()
        self.refresh()

    def load_text(self, text: str) -> None:
        super().load_text(text)
        self.refresh()

    def _watch_selection(self, previous_selection: Selection, selection: Selection) -> None:
        super()._watch_selection(previous_selection, selection)
        if self.is_mounted:
            self._refresh_rows(*previous_selection, *selection)

    def _refresh_rows(self, *locations: Location) -> None:
        """Repaint the visual lines of the document rows from the first to the last of
        `locations` (a row wrapped over several lines repaints them all)."""
        last_row = self.document.line_count - 1
        top = min(min(row for row, _ in locations), last_row)
        bottom = min(max(row for row, _ in locations), last_row)
        wrapped = self.wrapped_document
        try:
            first = wrapped.location_to_offset((top, 0)).y
            last = wrapped.location_to_offset((bottom, len(self.document[bottom]))).y
        except (IndexError, ValueError):  # not wrapped yet (a document being set): all of it
            self.refresh()
            return
        self.refresh_lines(first, last - first + 1)

    def _replace_via_keyboard(
        self, insert: str, start: Location, end: Location
    ) -> EditResult | None:
        if self.read_only:
            return None
        insert = clean_text(insert)
        removed = len(self.get_text_range(start, end))
        attempted = len(self.text) - removed + len(insert)
        if attempted > self.limit and insert:
            self.app.bell()
            self.post_message(TooLong(self.limit, attempted, len(insert) > 1))
            return None
        return super()._replace_via_keyboard(insert, start, end)


class OptionCycler(Widget, can_focus=True):
    """The chosen option ("‹ ● GREEN ›", then its description, wrapped); left/right or space to
    change it."""

    DEFAULT_CSS = """
    OptionCycler {
        height: auto;
        width: 1fr;
        padding: 0 1;
        background: $boost;
    }
    OptionCycler:focus {
        /* reverse, not only a colour, so focus shows in monochrome too */
        text-style: bold reverse;
    }
    OptionCycler:disabled {
        opacity: 0.6;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("right,space", "move(1)", "Next option", show=False, id="fields.move-1"),
        Binding("left", "move(-1)", "Previous option", show=False, id="fields.move-1-2"),
    ]

    index: reactive[int] = reactive(0, layout=True)

    class Changed(Message):
        def __init__(self, cycler: OptionCycler, value: str) -> None:
            super().__init__()
            self.cycler = cycler
            self.value = value

        @property
        def control(self) -> OptionCycler:
            return self.cycler

    def __init__(
        self,
        options: tuple[Option, ...],
        value: str = "",
        *,
        blank: str = "(not chosen)",
        allow_blank: bool = True,
        id: str | None = None,
        disabled: bool = False,
    ) -> None:
        super().__init__(id=id, disabled=disabled)
        self.options = options
        self.blank = blank
        self.allow_blank = allow_blank
        self._values = ([""] if allow_blank else []) + [o.value for o in options]
        index = self._values.index(value) if value in self._values else 0
        self.set_reactive(OptionCycler.index, index)

    @property
    def value(self) -> str:
        return self._values[self.index] if self._values else ""

    def render(self) -> Content:
        option = next((o for o in self.options if o.value == self.value), None)
        shown = option_content(option) if option is not None else Content(self.blank)
        cycler = Content.assemble("‹ ", shown, " ›")
        if option is not None and option.description:  # what the option means, in full
            cycler = Content.assemble(
                cycler, " ", Content.styled(clean_line(option.description), "dim")
            )
        return cycler

    def action_move(self, step: int) -> None:
        if self._values:
            self.index = (self.index + step) % len(self._values)

    def watch_index(self) -> None:
        self.post_message(self.Changed(self, self.value))
