"""List steps: several short items, added and removed by key."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Input, Static

from screens.live_text import show
from screens.steps.base import StepEditor
from screens.steps.fields import LimitedInput


class ListEditor(StepEditor):
    """One field per item; enter or ctrl+o adds an item, ctrl+r removes the one with the cursor."""

    DEFAULT_CSS = """
    ListEditor .list-items {
        height: auto;
    }
    ListEditor LimitedInput {
        margin-bottom: 0;
    }
    ListEditor .step-count {
        color: $text-muted;
        height: 1;
        margin-top: 1;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+o", "add_item", "Add item", id="list.add-item"),
        Binding("ctrl+r", "remove_item", "Remove item", id="list.remove-item"),
    ]

    def compose(self) -> ComposeResult:
        items = [str(v) for v in self.value] if isinstance(self.value, list) else []
        with Vertical(classes="list-items"):
            for item in items or [""]:
                yield self._field(item)
        yield Static(self._count(len(items)), markup=False, classes="step-count")

    def _field(self, text: str = "") -> LimitedInput:
        return LimitedInput(
            text,
            limit=self.step.max_length,
            placeholder="Type an item, then enter for the next",
            compact=True,
            disabled=self.read_only,
        )

    def _fields(self) -> list[LimitedInput]:
        return list(self.query(LimitedInput))

    def _count(self, n: int) -> str:
        least = f", at least {self.step.min_items}" if self.step.min_items else ""
        return f"{n} item{'s' if n != 1 else ''} (up to {self.step.max_items}{least})"

    def _items(self) -> list[str]:
        return [f.value.strip() for f in self._fields() if f.value.strip()]

    def _update(self) -> None:
        items = self._items()
        show(self.query_one(".step-count", Static), self._count(len(items)))
        if items != (self.value or []):
            self.set_value(items)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("add_item", "remove_item"):
            return not self.read_only
        return super().check_action(action, parameters)

    def _focused_index(self) -> int:
        fields = self._fields()
        focused = self.screen.focused
        return fields.index(focused) if focused in fields else len(fields) - 1

    async def action_add_item(self) -> None:
        fields = self._fields()
        empty = next((f for f in fields if not f.value.strip()), None)
        if empty is not None:
            empty.focus()
            return
        if len(fields) >= self.step.max_items:
            self.post_message(self.Notice(f"This list holds at most {self.step.max_items} items."))
            return
        field = self._field()
        await self.query_one(".list-items").mount(field, after=fields[self._focused_index()])
        field.focus()

    async def action_remove_item(self) -> None:
        fields = self._fields()
        index = self._focused_index()
        if len(fields) == 1:
            fields[0].value = ""
        else:
            await fields[index].remove()
            self._fields()[min(index, len(fields) - 2)].focus()
        self._update()

    @on(Input.Submitted)
    async def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        await self.action_add_item()

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        event.stop()
        self._update()
