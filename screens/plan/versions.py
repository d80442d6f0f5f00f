"""A plan's saved versions: the list (countersign, compare) and the difference between two."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from screens.dialogs.choice import ConfirmScreen
from screens.key_bar import KeyBar
from screens.plan.agreement import AGREEMENTS
from store.records import PlanVersion
from store.text import clean_line
from tui.services.clients.oversight import countersign_question
from tui.services.plans.changes import described
from tui.services.plans.compiler import day
from tui.services.safe_text import one_line


class DiffScreen(ModalScreen[None]):
    """One version compared with the one before it: each change named by its section, in words."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "close", "Close", id="plan-view.close")
    ]

    def __init__(self, older: PlanVersion, newer: PlanVersion) -> None:
        super().__init__()
        self.older, self.newer = older, newer
        self.text = described(older, newer)

    def compose(self) -> ComposeResult:
        with Vertical(classes="plan-dialog plan-diff"):
            yield Static(
                f"Version {self.newer.number} compared with version {self.older.number}",
                classes="plan-dialog-title",
                markup=False,
            )
            with VerticalScroll(id="diff-scroll"):
                yield Static(self.text, id="diff", markup=False)
            yield KeyBar()

    def action_close(self) -> None:
        self.dismiss(None)


class VersionsDialog(ModalScreen[None]):
    """Saved versions, newest first; Enter compares the chosen one with the one before it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", id="plan-view.close-2"),
        Binding("c", "countersign", "Countersign", id="plan-view.countersign"),
        Binding(
            "enter",
            "compare",
            "Compare with previous",
            show=True,
            priority=False,
            id="plan-view.compare",
        ),
    ]

    def __init__(
        self,
        versions: Sequence[PlanVersion],
        countersign: Callable[[int], PlanVersion] | None = None,
        *,
        plan_name: str = "plan",
        client_name: str = "the client",
    ) -> None:
        super().__init__()
        self.versions = sorted(versions, key=lambda v: v.number)
        #: a plan countersigned (its template says so), for a treatment manager: countersign the
        #: highlighted version
        self.countersign = countersign
        #: what the plan is called ("Keep Safe Plan"), in the question before countersigning
        self.plan_name = plan_name
        #: whose plan it is, named in that question
        self.client_name = client_name

    @staticmethod
    def label(v: PlanVersion) -> str:
        """One version as the list shows it (marked when countersigned)."""
        when = v.saved_at.astimezone().strftime("%H:%M")
        review = f" · review {day(v.review_on)}" if v.review_on else ""
        signed = " · countersigned" if v.countersigned_by else ""
        return (
            f"v{v.number}  {day(v.saved_at)} {when} · {clean_line(v.saved_by)[:20]}"
            f" · {AGREEMENTS.get(v.agreement, v.agreement)}{review}{signed}"
        )

    def compose(self) -> ComposeResult:
        options = [Option(self.label(v), id=str(v.number)) for v in reversed(self.versions)]
        with Vertical(classes="plan-dialog"):
            yield Static("Saved versions", classes="plan-dialog-title")
            if options:
                yield OptionList(*options, id="versions")
            else:
                yield Static("No version saved yet: press s on the plan to save one.")
            yield Static("", id="versions-label", markup=False)
            if options:
                yield Static(
                    "Enter: compare with the version before · Esc: close",
                    classes="plan-dialog-hint",
                    markup=False,
                )
            yield KeyBar()

    @on(OptionList.OptionSelected, "#versions")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.compare(int(event.option.id or 0))

    def action_compare(self) -> None:
        options = self.query(OptionList)
        chosen = options.first().highlighted_option if options else None
        if chosen is not None:
            self.compare(int(chosen.id or 0))

    def compare(self, number: int) -> None:
        newer = next((v for v in self.versions if v.number == number), None)
        older = max(
            (v for v in self.versions if v.number < number), key=lambda v: v.number, default=None
        )
        if newer is None:
            return
        if older is None:
            self.query_one("#versions-label", Static).update(
                f"Version {number} is the first: there is nothing before it to compare."
            )
            return
        self.app.push_screen(DiffScreen(older, newer))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "countersign":
            return self.countersign is not None
        return True

    def action_countersign(self) -> None:
        """Asks first, naming the version (who saved it, when): a countersignature stands."""
        options = self.query(OptionList)
        chosen = options.first().highlighted_option if options else None
        if chosen is None or self.countersign is None:
            return
        v = next((v for v in self.versions if str(v.number) == chosen.id), None)
        if v is None:
            return
        number = v.number
        # the command line asks the same question (one wording: `countersign_question`)
        question = (
            f"{countersign_question(self.client_name, v, self.plan_name)} "
            "A countersignature cannot be taken back."
        )

        def answered(yes: bool | None) -> None:
            if yes:
                self._countersign(number)

        self.app.push_screen(ConfirmScreen(question), answered)

    def _countersign(self, number: int) -> None:
        label = self.query_one("#versions-label", Static)
        if self.countersign is None:
            return
        try:
            signed = self.countersign(number)
        except Exception as exc:  # not a manager, the author, countersigned already: one line
            label.update(one_line(str(exc), 150))
            return
        self.versions = [signed if v.number == number else v for v in self.versions]
        listed = self.query_one("#versions", OptionList)
        listed.replace_option_prompt(str(number), self.label(signed))
        label.update(
            f"Version {signed.number} countersigned by {clean_line(signed.countersigned_by)}."
        )

    def action_close(self) -> None:
        self.dismiss(None)
