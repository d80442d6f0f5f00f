"""Table steps: rows with typed columns (text, choice, date); rules that warn and never block."""

from __future__ import annotations

from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import Input, Label, Static

from exercises.models import Column, Step
from screens.live_text import show
from screens.steps.base import StepEditor
from screens.steps.fields import LimitedInput, OptionCycler
from tui.services.dates import ACCEPTED, parse_day_or_none

Row = dict[str, str]


def _same(a: str, b: str) -> bool:
    return a.strip().casefold() == b.strip().casefold()


def row_warnings(step: Step, rows: list[Row]) -> list[str]:
    """The warnings a table's rules raise for these rows, and any date that does not read as one."""
    warnings: list[str] = []
    for rule in step.rules:
        scoped = rows
        if rule.when_column:
            scoped = [r for r in rows if _same(r.get(rule.when_column, ""), rule.when_value)]
        if scoped and not any(_same(r.get(rule.column, ""), rule.value) for r in scoped):
            warnings.append(rule.message)
    for n, row in enumerate(rows, 1):
        for column in step.columns:
            text = row.get(column.id, "").strip()
            if column.type == "date" and text and parse_day_or_none(text) is None:
                warnings.append(f"Row {n}: {column.label} is not {ACCEPTED}.")
    return warnings


def _filled(rows: list[Row]) -> list[Row]:
    """Rows with their empty cells left out (to compare what was typed)."""
    return [{k: v for k, v in row.items() if v} for row in rows]


def day_words(text: str) -> str:
    """A typed date as read, in words ("= Thu 3 Dec 2026"); "" when it reads as none."""
    day = parse_day_or_none(text)
    return f"= {day:%a} {day.day} {day:%b %Y}" if day is not None else ""


class RowEditor(Vertical):
    """One row: a heading, then one labelled field per column."""

    def __init__(self, columns: tuple[Column, ...], row: Row, number: int, read_only: bool):
        super().__init__(classes="table-row")
        self.columns = columns
        self.row = row
        self.number = number
        self.read_only = read_only

    def compose(self) -> ComposeResult:
        yield Label(f"Row {self.number}", classes="table-row-title", markup=False)
        for column in self.columns:
            with Horizontal(classes="table-cell"):
                yield Label(column.label, classes="table-cell-label", markup=False)
                value = self.row.get(column.id, "")
                yield self._field(column, value)
                if column.type == "date":
                    yield Static(day_words(value), classes="table-date-words", markup=False)

    def _field(self, column: Column, value: str) -> Widget:
        if column.type == "choice":
            field: Widget = OptionCycler(column.options, value, disabled=self.read_only)
        elif column.type == "date":  # the one date rule: 3/12/2026 or 2026-12-03
            field = LimitedInput(
                value,
                limit=10,
                restrict=r"[0-9/.-]*",
                placeholder="D/M/YYYY",
                compact=True,
                disabled=self.read_only,
                classes="-date",
            )
        else:
            field = LimitedInput(
                value, limit=column.max_length, compact=True, disabled=self.read_only
            )
        field.column_id = column.id  # type: ignore[attr-defined]
        field.column_type = column.type  # type: ignore[attr-defined]
        return field

    def renumber(self, number: int) -> None:
        self.number = number
        self.query_one(".table-row-title", Label).update(f"Row {number}")

    def values(self) -> Row:
        """The row as stored: a date that reads as one is kept as YYYY-MM-DD, whichever way it
        was typed (anything else is kept as typed, and warned about)."""
        out: Row = {}
        for field in self.query("LimitedInput, OptionCycler"):
            text = str(getattr(field, "value", "")).strip()
            if getattr(field, "column_type", "") == "date":
                day = parse_day_or_none(text)
                text = day.isoformat() if day is not None else text
            out[field.column_id] = text  # type: ignore[attr-defined]
        return out

    def show_dates(self) -> None:
        """Each date field's date in words beside it ("Thu 3 Dec 2026"): the reading is seen."""
        for words in self.query(".table-date-words").results(Static):
            field = words.parent.query_one(LimitedInput) if words.parent else None
            if field is not None:
                show(words, day_words(field.value))


class TableEditor(StepEditor):
    """Rows of typed fields; ctrl+o adds a row, ctrl+r removes the row with the cursor."""

    DEFAULT_CSS = """
    TableEditor .table-rows {
        height: auto;
    }
    TableEditor .table-row {
        height: auto;
        margin-bottom: 1;
    }
    TableEditor .table-row-title {
        text-style: bold;
    }
    TableEditor .table-cell {
        height: auto;
    }
    TableEditor .table-cell-label {
        width: 22;
        height: auto;
        padding-right: 1;
    }
    TableEditor .table-warnings {
        height: auto;
        text-style: bold;
    }
    TableEditor LimitedInput.-date {
        width: 12;
    }
    TableEditor .table-date-words {
        width: auto;
        padding-left: 1;
        color: $text-muted;
    }
    TableEditor .step-count {
        color: $text-muted;
        height: 1;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+o", "add_row", "Add row", id="table.add-row"),
        Binding("ctrl+r", "remove_row", "Remove row", id="table.remove-row"),
    ]

    def compose(self) -> ComposeResult:
        rows = self._initial_rows()
        rows += self._seeded(rows)
        yield Static("", markup=False, classes="table-warnings")
        with Vertical(classes="table-rows"):
            for n, row in enumerate(rows or [{}], 1):
                yield RowEditor(self.step.columns, row, n, self.read_only)
        yield Static("", markup=False, classes="step-count")

    def on_mount(self) -> None:
        self._show(self._rows())

    def _initial_rows(self) -> list[Row]:
        if not isinstance(self.value, list):
            return []
        return [
            {str(k): str(v) for k, v in row.items()} for row in self.value if isinstance(row, dict)
        ]

    def _seeded(self, rows: list[Row]) -> list[Row]:
        """A row for each item of the earlier step (rows_from) the table does not hold yet, the
        item in its column; within the table's row limit. Only a start: saved once edited."""
        into = self.step.rows_from.column if self.step.rows_from is not None else ""
        if not into:
            return []
        held = {r.get(into, "").strip().casefold() for r in rows}
        new: list[Row] = []
        for item in dict.fromkeys(i.strip() for i in self.earlier_items):
            if item and item.casefold() not in held and len(rows) + len(new) < self.step.max_rows:
                new.append({into: item})
                held.add(item.casefold())
        self._seed_rows = [*rows, *new] if new else None
        return new

    def _row_editors(self) -> list[RowEditor]:
        return list(self.query(RowEditor))

    def _rows(self) -> list[Row]:
        return [r for r in (e.values() for e in self._row_editors()) if any(r.values())]

    def _show(self, rows: list[Row]) -> None:
        warnings = row_warnings(self.step, rows)
        show(self.query_one(".table-warnings", Static), "\n".join(f"⚠ {w}" for w in warnings))
        self.query_one(".table-warnings", Static).display = bool(warnings)
        show(
            self.query_one(".step-count", Static),
            f"{len(rows)} row{'s' if len(rows) != 1 else ''} (up to {self.step.max_rows})",
        )

    def _update(self) -> None:
        rows = self._rows()
        self._show(rows)
        value: Any = rows
        seeded = getattr(self, "_seed_rows", None)
        if seeded is not None:
            if _filled(rows) == _filled(seeded):
                return  # as shown, with the rows the earlier step started: nothing typed yet
            self._seed_rows = None  # typed in: from now on every change is saved
        if value != (self.value or []):
            self.set_value(value)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("add_row", "remove_row"):
            return not self.read_only
        return super().check_action(action, parameters)

    def _focused_row(self) -> int:
        editors = self._row_editors()
        node = self.screen.focused
        while node is not None and node is not self:
            if isinstance(node, RowEditor) and node in editors:
                return editors.index(node)
            node = node.parent  # type: ignore[assignment]
        return len(editors) - 1

    async def action_add_row(self) -> None:
        editors = self._row_editors()
        if len(editors) >= self.step.max_rows:
            self.post_message(self.Notice(f"This table holds at most {self.step.max_rows} rows."))
            return
        editor = RowEditor(self.step.columns, {}, len(editors) + 1, self.read_only)
        await self.query_one(".table-rows").mount(editor)
        editor.query("LimitedInput, OptionCycler").first().focus()
        editor.scroll_visible()

    async def action_remove_row(self) -> None:
        editors = self._row_editors()
        index = self._focused_row()
        if len(editors) == 1:
            await editors[0].remove()
            await self.query_one(".table-rows").mount(
                RowEditor(self.step.columns, {}, 1, self.read_only)
            )
        else:
            await editors[index].remove()
        editors = self._row_editors()
        for n, editor in enumerate(editors, 1):
            editor.renumber(n)
        editors[min(index, len(editors) - 1)].query("LimitedInput, OptionCycler").first().focus()
        self._update()

    @on(Input.Changed)
    @on(OptionCycler.Changed)
    def _changed(self, event: Input.Changed | OptionCycler.Changed) -> None:
        event.stop()
        if self.is_mounted:
            for row in self._row_editors():
                row.show_dates()
            self._update()
