"""Review a plan with the client: read it, agree it, set a review date, save a version, compare
versions, export it. Keyboard only; fits 80x24.

The plan is compiled by the caller's `compile` (off the UI thread) and shown in a Markdown widget
whose text is fully escaped, so nothing a person typed becomes a link or markup; link clicks are
refused anyway. Diffs are shown as plain text.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Input, Markdown, OptionList, RadioButton, RadioSet, Static
from textual.widgets.option_list import Option

from screens.key_bar import KeyBar
from screens.messages import ConfirmScreen
from store.records import Agreement, PlanVersion
from store.text import clean_line
from tui.services import outbox, oversight, plans
from tui.services.clients import OpenClient
from tui.services.dates import parse_day_or_none
from tui.services.export import EXPORTERS, exporter, format_of
from tui.services.plan_changes import described
from tui.services.plan_compiler import Plan, PlanItem, day
from tui.services.plan_document import LAYOUTS, status_lines
from tui.services.safe_text import one_line

AGREEMENTS: dict[Agreement, str] = {
    "agreed": "Agreed",
    "not_agreed": "Not agreed",
    "could_not_answer": "Could not answer",
}


def add_months(start: date, months: int) -> date:
    """`start` plus whole months, on the same day or the month's last day (31 Jan + 1 = 28 Feb)."""
    month0 = start.month - 1 + months
    year, month = start.year + month0 // 12, month0 % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def parse_date(text: str) -> date | None:
    """A typed date by the product's one rule (`tui.services.dates`), or None."""
    return parse_day_or_none(text)


class AgreementDialog(ModalScreen[tuple[Agreement, str] | None]):
    """Agreed / not agreed / could not answer; a reason is required for the last two."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="plan-view.cancel")
    ]

    def __init__(self) -> None:
        super().__init__()
        self.choice: Agreement | None = None

    def compose(self) -> ComposeResult:
        with Vertical(classes="plan-dialog"):
            yield Static("Did the client agree this plan?", classes="plan-dialog-title")
            yield OptionList(
                *(Option(label, id=key) for key, label in AGREEMENTS.items()),
                id="agreement-options",
            )
            yield Static("", id="reason-label", markup=False)
            yield Input(placeholder="Reason (required)", id="reason", max_length=500, disabled=True)
            yield Static("Enter: choose · Esc: cancel", classes="plan-dialog-hint")

    @on(OptionList.OptionSelected, "#agreement-options")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.choice = next((k for k in AGREEMENTS if k == event.option.id), None)
        if self.choice is None:
            return
        if self.choice == "agreed":
            self.dismiss(("agreed", ""))
            return
        reason = self.query_one("#reason", Input)
        reason.disabled = False
        self.query_one("#reason-label", Static).update(
            f"{AGREEMENTS[self.choice]}: why? Type a reason, then Enter."
        )
        reason.focus()

    @on(Input.Submitted, "#reason")
    def _reason(self, event: Input.Submitted) -> None:
        reason = clean_line(event.value)
        if not reason:
            self.query_one("#reason-label", Static).update("A reason is required.")
            return
        if self.choice is not None:
            self.dismiss((self.choice, reason))

    def action_cancel(self) -> None:
        self.dismiss(None)


class ReviewDateDialog(ModalScreen[date | None]):
    """In 3, 6 or 12 months, or a typed date."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="plan-view.cancel-2")
    ]

    def __init__(self, today: date) -> None:
        super().__init__()
        self.today = today

    def compose(self) -> ComposeResult:
        options = [
            Option(f"In {n} months ({day(add_months(self.today, n))})", id=str(n))
            for n in (3, 6, 12)
        ]
        options.append(Option("On a date I type", id="typed"))
        with Vertical(classes="plan-dialog"):
            yield Static("When will you review this plan together?", classes="plan-dialog-title")
            yield OptionList(*options, id="review-options")
            yield Static("", id="date-label", markup=False)
            yield Input(
                placeholder="e.g. 2020-09-03 or 3/9/2020",
                id="review-date",
                max_length=20,
                disabled=True,
            )
            yield Static("Enter: choose · Esc: cancel", classes="plan-dialog-hint")

    @on(OptionList.OptionSelected, "#review-options")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        if event.option.id == "typed":
            field = self.query_one("#review-date", Input)
            field.disabled = False
            field.focus()
            return
        self.dismiss(add_months(self.today, int(event.option.id or 3)))

    @on(Input.Submitted, "#review-date")
    def _typed(self, event: Input.Submitted) -> None:
        when = parse_date(event.value)
        label = self.query_one("#date-label", Static)
        if when is None:
            label.update("Not a date I can read: try 2020-09-03 or 3/9/2020.")
        elif when < self.today:
            label.update("The review date cannot be in the past.")
        else:
            self.dismiss(when)

    def action_cancel(self) -> None:
        self.dismiss(None)


LAYOUT_WORDS = {"standard": "Standard", "large": "Large print", "easy-read": "Easy Read"}


@dataclass(frozen=True)
class ExportChoice:
    path: Path
    fmt: str
    layout: str


#: the default file name for a format and a layout
NameFor = Callable[[str, str], str]


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


@dataclass(frozen=True)
class Rewordable:
    """One piece of a plan the client can reword: an item's text (index -1) or a list entry."""

    section: str
    item: PlanItem
    index: int
    words: str


def rewordable(plan: Plan) -> list[Rewordable]:
    found = []
    for section in plan.sections:
        for item in section.items:
            if item.text:
                found.append(Rewordable(section.title, item, -1, item.text))
            for index, words in enumerate(item.items):
                found.append(Rewordable(section.title, item, index, words))
    return found


class RewordDialog(ModalScreen[tuple[Rewordable, str] | None]):
    """Pick an item, then change its words with the client (the answer stays as given)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="plan-view.cancel-4")
    ]

    def __init__(self, plan: Plan) -> None:
        super().__init__()
        self.entries = rewordable(plan)
        self.chosen: Rewordable | None = None

    def compose(self) -> ComposeResult:
        with Vertical(classes="plan-dialog"):
            yield Static("Reword an item with the client", classes="plan-dialog-title")
            if self.entries:
                yield OptionList(
                    *(
                        Option(
                            one_line(f"{e.section} · {e.item.title}: {e.words}", 70)
                            + (" (reworded)" if e.index in e.item.reworded else ""),
                            id=str(n),
                        )
                        for n, e in enumerate(self.entries)
                    ),
                    id="reword-items",
                )
            else:
                yield Static("Nothing to reword: the plan has no answers yet.", markup=False)
            yield Static("", id="reword-label", markup=False)
            yield Input(id="reword-text", max_length=2000, disabled=True, select_on_focus=False)
            yield Static(
                "Enter: choose, then Enter to keep the new words · Esc: cancel",
                classes="plan-dialog-hint",
            )

    @on(OptionList.OptionSelected, "#reword-items")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.chosen = self.entries[int(event.option.id or 0)]
        self.query_one("#reword-label", Static).update(
            f"{self.chosen.item.title}: in the client's new words (the answer stays as given)"
        )
        field = self.query_one("#reword-text", Input)
        field.disabled = False
        field.value = self.chosen.words
        field.cursor_position = len(field.value)
        field.focus()

    @on(Input.Submitted, "#reword-text")
    def _submit(self, event: Input.Submitted) -> None:
        words = clean_line(event.value)
        if self.chosen is None:
            return
        if not words:
            self.query_one("#reword-label", Static).update(
                "A rewording needs some words; Esc keeps the answer as it is."
            )
            return
        self.dismiss((self.chosen, words))

    def action_cancel(self) -> None:
        self.dismiss(None)


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
    ) -> None:
        super().__init__()
        self.versions = sorted(versions, key=lambda v: v.number)
        #: a Keep Safe Plan, for a treatment manager: countersign the highlighted version
        self.countersign = countersign

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
        question = (
            f"Countersign version {v.number} of the Keep Safe Plan, saved by "
            f"{clean_line(v.saved_by)[:40]} on {day(v.saved_at)}? A countersignature cannot "
            "be taken back."
        )
        self.app.push_screen(
            ConfirmScreen(question), lambda yes: self._countersign(v.number) if yes else None
        )

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


class PlanMarkdown(Markdown, can_focus=True):
    """The plan text, focused and scrolled from the keyboard (a plain Markdown cannot take focus,
    so nothing below the first screen could be read without a mouse)."""

    BINDINGS: ClassVar[list[BindingType]] = list(VerticalScroll.BINDINGS)


class PlanScreen(Screen[None]):
    """Review one plan with the client.

    The plan is compiled, saved and exported through `tui.services.plans` (in worker threads);
    `client` must be writable to save versions; `export_dir` is where exports are suggested;
    `today` is fixed in tests.
    """

    CSS_PATH = "plan_view.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "agree", "Agreement", id="plan-view.agree"),
        Binding("d", "review_date", "Review date", id="plan-view.review-date"),
        Binding("s", "save", "Save", id="plan-view.save"),
        Binding("w", "reword", "Reword", id="plan-view.reword"),
        Binding("v", "versions", "Versions", id="plan-view.versions"),
        Binding("e", "export", "Export", id="plan-view.export-2"),
        Binding(
            "f5,ctrl+r", "refresh_plan", "Refresh", show=False, id="plan-view.refresh-plan"
        ),  # 80 columns: in help (f1)
        Binding("escape", "back", "Back", id="plan-view.back"),
    ]

    def __init__(
        self,
        kind: str,
        client: OpenClient,
        practitioner: str,
        export_dir: Path,
        *,
        today: date | None = None,
    ) -> None:
        super().__init__()
        self.kind = kind
        self.oc = client
        self.practitioner = practitioner
        self.export_dir = Path(export_dir)
        self.today = today or date.today()
        self.plan: Plan | None = None
        self.agreement: tuple[Agreement, str] | None = None
        self.review_on: date | None = None
        self._review_chosen = False

    def compose(self) -> ComposeResult:
        yield Static("", id="plan-status", markup=False)
        yield PlanMarkdown("_Compiling the plan…_", id="plan-md", open_links=False)
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#plan-md", Markdown).focus()
        self.action_refresh_plan()

    # -- compiling and showing ------------------------------------------------------------------

    def action_refresh_plan(self) -> None:
        self._compile_worker()

    @work(thread=True, exclusive=True, group="plan-compile")
    def _compile_worker(self) -> None:
        try:
            # audited before it is shown: if the log cannot be written, the plan is not shown
            plan = plans.compile_plan(self.oc, self.kind, self.today)
            if not self._review_chosen:  # unchanged since saved: exports say which version
                plan = plans.as_saved(self.oc, plan)
        except Exception as exc:  # a content or store problem: say so, never crash the review
            self.app.call_from_thread(
                self.notify, f"Cannot compile the plan: {exc}", severity="error", markup=False
            )
            return
        self.app.call_from_thread(self._show, plan)  # type: ignore[arg-type]  # (awaited by it)

    async def _show(self, plan: Plan) -> None:
        if not self._review_chosen:
            self.review_on = plan.review_on
        self.plan = plan.with_review(self.review_on)
        if self.plan.stale_edits:
            self.notify(
                f"{self.plan.stale_edits} rewording(s) no longer apply: the answer has changed "
                "since, so the client's answer shows again.",
                severity="warning",
                markup=False,
            )
        await self.query_one("#plan-md", Markdown).update(self.plan.to_markdown())
        self._update_status()

    def _versions(self) -> tuple[PlanVersion, ...]:
        return self.oc.plan_versions(self.kind)

    def _update_status(self) -> None:
        if self.plan is not None and self.plan.status is not None:
            shown = " ".join(status_lines(self.plan)[:2])
        else:
            agreement = (
                "not recorded (a)" if self.agreement is None else AGREEMENTS[self.agreement[0]]
            )
            versions = self._versions()
            last = f" · last saved v{versions[-1].number}" if versions else ""
            shown = f"Draft, not saved (s){last} · Agreement: {agreement}"
        review = day(self.review_on) if self.review_on else "not set (d)"
        self.query_one("#plan-status", Static).update(f"{shown} · Review: {review}")

    @on(Markdown.LinkClicked)
    def _no_links(self, event: Markdown.LinkClicked) -> None:
        event.stop()
        event.prevent_default()
        self.notify("Links are not opened from a plan.", markup=False)

    # -- agreement and review date ----------------------------------------------------------------

    def action_agree(self) -> None:
        def chosen(result: tuple[Agreement, str] | None) -> None:
            if result is not None:
                self.agreement = result
                self._update_status()

        self.app.push_screen(AgreementDialog(), chosen)

    def action_review_date(self) -> None:
        def chosen(result: date | None) -> None:
            if result is not None:
                self.review_on = result
                self._review_chosen = True
                if self.plan is not None:
                    self.plan = self.plan.with_review(result)
                    self.run_worker(
                        self.query_one("#plan-md", Markdown).update(self.plan.to_markdown())
                    )
                self._update_status()

        self.app.push_screen(ReviewDateDialog(self.today), chosen)

    # -- saving -----------------------------------------------------------------------------------

    def action_save(self) -> None:
        if self.plan is None:
            self.notify("The plan is still being compiled.", markup=False)
            return
        if self.agreement is None:
            self.notify(
                "Record whether the client agreed first (press a).",
                severity="warning",
                markup=False,
            )
            return
        if self.oc.read_only:
            self.notify(self.oc.why_read_only(), severity="error", markup=False)
            return
        agreement, reason = self.agreement
        self._save_worker(self.plan, agreement, reason, self.review_on)

    @work(thread=True, exclusive=True, group="plan-save")
    def _save_worker(
        self, plan: Plan, agreement: Agreement, reason: str, review_on: date | None
    ) -> None:
        try:
            version = plans.save_version(
                self.oc,
                plan,
                agreement=agreement,
                reason=reason,
                review_on=review_on,
                by=self.practitioner,
            )
        except Exception as exc:
            self.app.call_from_thread(
                self.notify, f"Not saved: {exc}", severity="error", markup=False
            )
            return
        self.app.call_from_thread(self._saved, version)

    def _saved(self, version: PlanVersion) -> None:
        self.agreement = None  # each version is agreed on its own
        if self.plan is not None:  # exported from here on as the version it now is
            self.plan = self.plan.with_status(plans.status_of(version))
        self._update_status()
        self.notify(f"Saved version {version.number}.", markup=False)

    # -- versions, export, back ------------------------------------------------------------------

    def action_versions(self) -> None:
        sign = None
        if self.kind == "keep-safe" and oversight.is_manager(self.oc.ctx):

            def sign(number: int) -> PlanVersion:
                return oversight.countersign_open(self.oc, number)

        self.app.push_screen(VersionsDialog(self._versions(), sign), self._after_versions)

    def _after_versions(self, _: object = None) -> None:
        """A countersignature may have been added: the plan's status (and exports) say so."""
        if self.plan is not None and self.plan.status is not None:
            self.plan = plans.as_saved(self.oc, self.plan)
            self._update_status()

    def action_export(self) -> None:
        if self.plan is None:
            self.notify("The plan is still being compiled.", markup=False)
            return
        layout = plans.layout_for(self.oc, self.kind)
        plan = self.plan

        def name_for(fmt: str, chosen: str) -> str:
            return plans.plan_export_name(self.oc, plan, fmt, self.today, chosen)

        def chosen(choice: ExportChoice | None) -> None:
            if choice is not None and self.plan is not None:
                self._export_worker(self.plan.with_review(self.review_on), choice)

        suggested = self.export_dir / name_for(EXPORTERS[0].id, layout)
        self.app.push_screen(ExportDialog(suggested, layout, name_for=name_for), chosen)

    @work(thread=True, group="plan-export")
    def _export_worker(self, plan: Plan, choice: ExportChoice, force: bool = False) -> None:
        try:  # audited before anything leaves; refused inside the data dir but its exports/
            written = plans.export_plan(
                self.oc,
                plan,
                choice.fmt,
                choice.path,
                printed_on=self.today,
                layout=choice.layout,
                force=force,
            )
        except outbox.Exists as exc:  # never over a file without asking, naming it
            self.app.call_from_thread(self._ask_replace, plan, choice, exc.path)
            return
        except Exception as exc:  # AuditError, UserError: nothing is written unaudited
            self.app.call_from_thread(
                self.notify, f"Not exported: {exc}", severity="error", markup=False
            )
            return
        self.app.call_from_thread(
            self.notify, f"Exported to {clean_line(str(written))}", markup=False
        )

    def _ask_replace(self, plan: Plan, choice: ExportChoice, path: Path) -> None:
        def answered(replace: bool | None) -> None:
            if replace:
                self._export_worker(plan, choice, force=True)
            else:
                self.notify(f"Not exported: {one_line(path.name, 80)} is kept.", markup=False)

        self.app.push_screen(ConfirmScreen(replace_question(path)), answered)

    # -- rewording ----------------------------------------------------------------------------

    def action_reword(self) -> None:
        if self.plan is None:
            self.notify("The plan is still being compiled.", markup=False)
            return
        if self.oc.read_only:
            self.notify(self.oc.why_read_only(), severity="error", markup=False)
            return

        def chosen(result: tuple[Rewordable, str] | None) -> None:
            if result is not None and self.plan is not None:
                self._reword_worker(self.plan, *result)

        self.app.push_screen(RewordDialog(self.plan), chosen)

    @work(thread=True, exclusive=True, group="plan-save")
    def _reword_worker(self, plan: Plan, entry: Rewordable, words: str) -> None:
        try:
            plans.reword(self.oc, plan, entry.item, entry.index, words, by=self.practitioner)
        except Exception as exc:
            self.app.call_from_thread(
                self.notify, f"Not reworded: {exc}", severity="error", markup=False
            )
            return
        self.app.call_from_thread(self.notify, "Reworded: the answer stays as given.", markup=False)
        self.app.call_from_thread(self.action_refresh_plan)

    def action_back(self) -> None:
        self.dismiss(None)


__all__ = [
    "AgreementDialog",
    "DiffScreen",
    "ExportDialog",
    "PlanScreen",
    "ReviewDateDialog",
    "VersionsDialog",
    "RewordDialog",
    "add_months",
    "parse_date",
]
