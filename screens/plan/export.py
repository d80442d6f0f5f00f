"""Exporting a plan or a worksheet: the choice of format and destination, and the replace question."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, RadioButton, RadioSet, Static

from tui.services.export import EXPORTERS, exporter, format_of
from tui.services.plans.document import LAYOUTS
from tui.services.safe_text import one_line

LAYOUT_WORDS = {"standard": "Standard", "large": "Large print", "easy-read": "Easy Read"}


#: the default file name for a format and a layout
NameFor = Callable[[str, str], str]


@dataclass(frozen=True)
class ExportChoice:
    path: Path
    fmt: str
    layout: str


class ExportDialog(ModalScreen[ExportChoice | None]):
    """Format, layout (the client's recorded needs choose the first one offered) and file name.

    The name offered is the default one (`name_for`: it carries the kind, layout, version and
    date) and follows the format and the layout as they are chosen, until the practitioner
    edits it; then only its ending follows the format."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="plan-view.cancel-3"),
        Binding("enter", "export", "Export", priority=True, id="plan-view.export"),
    ]

    def __init__(
        self,
        suggested: Path,
        layout: str = "standard",
        *,
        layouts: bool = True,
        title: str = "Export the plan",
        name_for: NameFor | None = None,
    ) -> None:
        super().__init__()
        self.suggested = suggested
        self.layouts = layouts
        self.title_text = title
        self.plan_layout = layout if layout in LAYOUTS else "standard"
        self.fmt = format_of(suggested) or EXPORTERS[0].id
        self.name_for = name_for
        #: the name last offered: while the field still holds it, the offer follows the choices
        self.offered = str(suggested)

    def compose(self) -> ComposeResult:
        with Vertical(classes="plan-dialog"):
            yield Static(self.title_text, classes="plan-dialog-title", markup=False)
            yield Static("Format", classes="plan-dialog-label")
            with RadioSet(id="export-format"):
                for export in EXPORTERS:
                    yield RadioButton(export.words, value=export.id == self.fmt, name=export.id)
            if self.layouts:
                yield Static("Layout", classes="plan-dialog-label")
                with RadioSet(id="export-layout"):
                    for layout in LAYOUTS:
                        yield RadioButton(
                            LAYOUT_WORDS[layout], value=layout == self.plan_layout, name=layout
                        )
            yield Input(
                str(self.suggested), id="export-path", max_length=1000, select_on_focus=False
            )
            yield Static("", id="export-label", markup=False)
            yield Static(
                "Tab: next · ←→ then Space: choose · Enter: export · Esc: cancel",
                classes="plan-dialog-hint",
            )

    def _offer(self) -> bool:
        """Offer the default name for the format and layout chosen, if the field still holds
        the last one offered; True when it did."""
        field = self.query_one("#export-path", Input)
        if self.name_for is None or field.value.strip() != self.offered:
            return False
        folder = Path(self.offered).parent
        self.offered = field.value = str(folder / self.name_for(self.fmt, self.plan_layout))
        field.cursor_position = len(field.value)
        return True

    @on(RadioSet.Changed, "#export-format")
    def _format(self, event: RadioSet.Changed) -> None:
        self.fmt = event.pressed.name or EXPORTERS[0].id
        if self._offer():
            return
        field = self.query_one("#export-path", Input)
        path = Path(field.value.strip() or str(self.suggested))
        field.value = str(path.with_suffix("." + exporter(self.fmt).suffixes[0]))
        field.cursor_position = len(field.value)

    @on(RadioSet.Changed, "#export-layout")
    def _layout(self, event: RadioSet.Changed) -> None:
        self.plan_layout = event.pressed.name or "standard"
        self._offer()

    def action_export(self) -> None:
        text = self.query_one("#export-path", Input).value.strip()
        fmt = format_of(text) if text else None
        if fmt is None:
            self.query_one("#export-label", Static).update(
                "End the name with " + ", ".join("." + e.suffixes[0] for e in EXPORTERS) + "."
            )
            return
        self.dismiss(ExportChoice(Path(text).expanduser(), fmt, self.plan_layout))

    def action_cancel(self) -> None:
        self.dismiss(None)


def replace_question(path: Path) -> str:
    """What the app asks before it writes over a file: the file's name, and where it is."""
    return (
        f"A file named {one_line(path.name, 80)} is already in {one_line(path.parent, 80)}. "
        "Replace it?"
    )
