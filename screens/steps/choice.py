"""Choice steps: one option (or several), each shown as symbol and word, never colour alone."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.widgets import OptionList

from exercises.models import Option
from screens.steps.base import StepEditor
from screens.steps.fields import option_content
from store.text import clean_line


class ChoiceList(OptionList):
    """An option list whose prompts carry their own cursor and selection marks (monochrome-safe)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "select", "Choose", id="choice.select"),
    ]


class ChoiceEditor(StepEditor):
    """Up/down to move, enter or space to choose (or, when several are allowed, to tick)."""

    DEFAULT_CSS = """
    ChoiceEditor ChoiceList {
        height: auto;
        max-height: 14;
    }
    """

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.options: tuple[Option, ...] = self._options()
        self._chosen: list[str] = self._initial()

    def _options(self) -> tuple[Option, ...]:
        """The earlier step's items (options_from), then the step's own options; an item chosen
        before and no longer among them stays offered (a saved choice is never dropped)."""
        if not self.step.options_from:
            return self.step.options
        declared = {o.value for o in self.step.options}
        saved = self.value if isinstance(self.value, list) else [self.value]
        items = [
            i
            for i in dict.fromkeys([*self.earlier_items, *(v for v in saved if isinstance(v, str))])
            if i.strip() and i not in declared
        ]
        return (*(Option(value=i, label=i) for i in items), *self.step.options)

    def _initial(self) -> list[str]:
        known = {o.value for o in self.options}
        if self.step.multiple and isinstance(self.value, list):
            return [v for v in self.value if v in known]
        if isinstance(self.value, str) and self.value in known:
            return [self.value]
        return []

    def compose(self) -> ComposeResult:
        yield ChoiceList(
            *(self._prompt(o, i == 0) for i, o in enumerate(self.options)),
            markup=False,
            disabled=False,
        )

    def on_mount(self) -> None:
        chosen = [i for i, o in enumerate(self.options) if o.value in self._chosen]
        if chosen:
            self.query_one(ChoiceList).highlighted = chosen[0]
        self._refresh_prompts()

    def _prompt(self, option: Option, current: bool) -> Content:
        chosen = option.value in self._chosen
        if self.step.multiple:
            mark = "[x]" if chosen else "[ ]"
        else:
            mark = "(•)" if chosen else "( )"
        cursor = "›" if current else " "
        line = Content.assemble(f"{cursor} {mark} ", option_content(option))
        if option.description:
            desc = Content.styled(clean_line(option.description), "dim")
            line = Content.assemble(line, "\n      ", desc)
        return line

    def _refresh_prompts(self) -> None:
        options = self.query_one(ChoiceList)
        for i, option in enumerate(self.options):
            prompt = self._prompt(option, i == options.highlighted)
            options.replace_option_prompt_at_index(i, prompt)

    @on(OptionList.OptionHighlighted)
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        self._refresh_prompts()

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if self.read_only:
            return
        value = self.options[event.option_index].value
        if self.step.multiple:
            if value in self._chosen:
                self._chosen.remove(value)
            else:
                self._chosen.append(value)
            order = [o.value for o in self.options]
            self._chosen.sort(key=order.index)
            self.set_value(list(self._chosen))
        else:
            self._chosen = [value]
            self.set_value(value)
        self._refresh_prompts()
