"""Blank worksheets to post to a client, printed from the app (not only from the command line).

Pick an exercise (practitioner-led ones are never printed for a client), then the format and the
file, as for a plan. A worksheet names nobody: it is written by `tui.services.plans.service.worksheet`.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from exercises.models import Exercise
from screens.dialogs.choice import ConfirmScreen
from screens.off_ui import off_ui
from screens.plan.export import ExportChoice, ExportDialog, replace_question
from store.text import clean_line
from tui.services.context import Context
from tui.services.export import EXPORTERS
from tui.services.plans import service as plans
from tui.services.privacy import outbox
from tui.services.safe_text import one_line


class WorksheetsScreen(ModalScreen[None]):
    """Exercises that print as worksheets; Enter chooses one, then where to write it."""

    CSS_PATH = "plan.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", id="worksheets.close")
    ]

    def __init__(self, ctx: Context, export_dir: Path, today: date) -> None:
        super().__init__()
        self.ctx = ctx
        self.export_dir = Path(export_dir)
        self.today = today
        self.exercises: list[Exercise] = [
            e for e in ctx.library.exercises if not e.practitioner_only
        ]

    def compose(self) -> ComposeResult:
        with Vertical(classes="plan-dialog"):
            yield Static("Print a blank worksheet to post", classes="plan-dialog-title")
            yield OptionList(
                *(
                    Option(one_line(f"{e.title} (about {e.minutes} min)", 70), id=e.id)
                    for e in self.exercises
                ),
                id="worksheet-exercises",
            )
            yield Static("Enter: choose · Esc: close", classes="plan-dialog-hint", markup=False)

    @on(OptionList.OptionSelected, "#worksheet-exercises")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        exercise_id = event.option.id or ""

        def name_for(fmt: str, _layout: str) -> str:
            return outbox.worksheet_name(exercise_id, fmt, self.today)

        def chosen(choice: ExportChoice | None) -> None:
            if choice is not None:
                self._write(exercise_id, choice)

        self.app.push_screen(
            ExportDialog(
                self.export_dir / name_for(EXPORTERS[0].id, ""),
                layouts=False,
                title="Print the worksheet",
                name_for=name_for,
            ),
            chosen,
        )

    def _write(self, exercise_id: str, choice: ExportChoice, force: bool = False) -> None:
        def written() -> Path | bytes:
            return plans.worksheet(
                self.ctx, exercise_id, choice.fmt, choice.path, printed_on=self.today, force=force
            )

        def said(path: Path | bytes) -> str:
            return f"Worksheet written to {clean_line(str(path))}"

        off_ui(
            self,
            written,
            lambda path: self.notify(said(path), markup=False),
            told=said,
            failed="Not written",
            group="worksheet",
            exists=lambda path: self._ask_replace(exercise_id, choice, path),
            working="Writing the worksheet",
        )

    def _ask_replace(self, exercise_id: str, choice: ExportChoice, path: Path) -> None:
        def answered(replace: bool | None) -> None:
            if replace:
                self._write(exercise_id, choice, force=True)
            else:
                self.notify(f"Not written: {one_line(path.name, 80)} is kept.", markup=False)

        self.app.push_screen(ConfirmScreen(replace_question(path)), answered)

    def action_close(self) -> None:
        self.dismiss(None)
