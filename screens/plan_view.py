"""Review a plan with the client: read it, agree it, set a review date, save a version, compare
versions, export it. Keyboard only; fits 80x24.

The plan is compiled by the caller's `compile` (off the UI thread) and shown in a Markdown widget
whose text is fully escaped, so nothing a person typed becomes a link or markup; link clicks are
refused anyway. Diffs are shown as plain text.
"""

from __future__ import annotations

import calendar
import difflib
from datetime import date
from pathlib import Path
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer, Input, Markdown, OptionList, Static
from textual.widgets.option_list import Option

from store.records import Agreement, PlanVersion
from store.text import clean_line
from tui.services import plans
from tui.services.clients import OpenClient
from tui.services.dates import parse_day_or_none
from tui.services.export import format_of
from tui.services.plan_compiler import Plan, day

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


def version_diff(older: PlanVersion, newer: PlanVersion) -> list[str]:
    """A unified diff of two versions' text, lines as plain strings."""
    return list(
        difflib.unified_diff(
            older.markdown.splitlines(),
            newer.markdown.splitlines(),
            fromfile=f"version {older.number}",
            tofile=f"version {newer.number}",
            lineterm="",
            n=1,
        )
    )


DIFF_WORDS = {"-": "removed ", "+": "added   "}


def readable_diff(lines: list[str]) -> str:
    """A diff with each changed line also marked in a word (a bare +/- is easy to miss)."""
    shown: list[str] = []
    for line in lines:
        if line.startswith(("---", "+++")):
            continue
        if line.startswith("@@"):
            if shown:
                shown.append("        ⋯")
            continue
        shown.append(DIFF_WORDS.get(line[:1], "        ") + line)
    return "\n".join(shown) or "No differences."


class AgreementDialog(ModalScreen[tuple[Agreement, str] | None]):
    """Agreed / not agreed / could not answer; a reason is required for the last two."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

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

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

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


class ExportDialog(ModalScreen[Path | None]):
    """A file name; its extension (.md, .txt, .html, .pdf) picks the format."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, suggested: Path) -> None:
        super().__init__()
        self.suggested = suggested

    def compose(self) -> ComposeResult:
        with Vertical(classes="plan-dialog"):
            yield Static("Export to a file (.md, .txt, .html or .pdf)", classes="plan-dialog-title")
            yield Input(str(self.suggested), id="export-path", max_length=1000)
            yield Static("", id="export-label", markup=False)
            yield Static("Enter: export · Esc: cancel", classes="plan-dialog-hint")

    @on(Input.Submitted, "#export-path")
    def _submit(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        if not text or format_of(text) is None:
            self.query_one("#export-label", Static).update(
                "End the name with .md, .txt, .html or .pdf."
            )
            return
        self.dismiss(Path(text).expanduser())

    def action_cancel(self) -> None:
        self.dismiss(None)


class DiffScreen(ModalScreen[None]):
    """One version compared with the one before it, as plain text (+ added, - removed)."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,q", "close", "Close")]

    def __init__(self, older: PlanVersion, newer: PlanVersion) -> None:
        super().__init__()
        self.older, self.newer = older, newer
        self.diff_lines = version_diff(older, newer)

    def compose(self) -> ComposeResult:
        with Vertical(classes="plan-dialog plan-diff"):
            yield Static(
                f"Version {self.newer.number} compared with version {self.older.number}",
                classes="plan-dialog-title",
                markup=False,
            )
            with VerticalScroll(id="diff-scroll"):
                yield Static(readable_diff(self.diff_lines), id="diff", markup=False)
            yield Footer()

    def action_close(self) -> None:
        self.dismiss(None)


class VersionsDialog(ModalScreen[None]):
    """Saved versions, newest first; Enter compares the chosen one with the one before it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close"),
        Binding("enter", "compare", "Compare with previous", show=True, priority=False),
    ]

    def __init__(self, versions: list[PlanVersion]) -> None:
        super().__init__()
        self.versions = sorted(versions, key=lambda v: v.number)

    def compose(self) -> ComposeResult:
        options = []
        for v in reversed(self.versions):
            when = v.saved_at.astimezone().strftime("%H:%M")
            review = f" · review {day(v.review_on)}" if v.review_on else ""
            label = (
                f"v{v.number}  {day(v.saved_at)} {when} · {clean_line(v.saved_by)[:20]}"
                f" · {AGREEMENTS.get(v.agreement, v.agreement)}{review}"
            )
            options.append(Option(label, id=str(v.number)))
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
            yield Footer()

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
        Binding("a", "agree", "Agreement"),
        Binding("d", "review_date", "Review date"),
        Binding("s", "save", "Save"),
        Binding("v", "versions", "Versions"),
        Binding("e", "export", "Export"),
        Binding("f5,ctrl+r", "refresh_plan", "Refresh", show=False),  # 80 columns: in help (f1)
        Binding("escape", "back", "Back"),
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
        yield Footer()

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
        await self.query_one("#plan-md", Markdown).update(self.plan.to_markdown())
        self._update_status()

    def _versions(self) -> list[PlanVersion]:
        return self.oc.plan_versions(self.kind)

    def _update_status(self) -> None:
        agreement = "not recorded (a)" if self.agreement is None else AGREEMENTS[self.agreement[0]]
        review = day(self.review_on) if self.review_on else "not set (d)"
        versions = self._versions()
        last = (
            f"v{versions[-1].number} saved {day(versions[-1].saved_at)}"
            if versions
            else "no version saved yet"
        )
        self.query_one("#plan-status", Static).update(
            f"Agreement: {agreement} · Review: {review} · {last}"
        )

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
        self._update_status()
        self.notify(f"Saved version {version.number}.", markup=False)

    # -- versions, export, back ------------------------------------------------------------------

    def action_versions(self) -> None:
        self.app.push_screen(VersionsDialog(self._versions()))

    def action_export(self) -> None:
        if self.plan is None:
            self.notify("The plan is still being compiled.", markup=False)
            return
        name = plans.export_name(self.plan.client_id, self.kind, "pdf", self.today)

        def chosen(path: Path | None) -> None:
            if path is not None and self.plan is not None:
                self._export_worker(self.plan.with_review(self.review_on), path)

        self.app.push_screen(ExportDialog(self.export_dir / name), chosen)

    @work(thread=True, group="plan-export")
    def _export_worker(self, plan: Plan, path: Path) -> None:
        fmt = format_of(path) or "pdf"
        try:  # audited before anything leaves; refused inside the data dir but its exports/
            written = plans.export_plan(self.oc, plan, fmt, path, printed_on=self.today)
        except Exception as exc:  # AuditError, UserError: nothing is written unaudited
            self.app.call_from_thread(
                self.notify, f"Not exported: {exc}", severity="error", markup=False
            )
            return
        self.app.call_from_thread(
            self.notify, f"Exported to {clean_line(str(written))}", markup=False
        )

    def action_back(self) -> None:
        self.dismiss(None)


__all__ = [
    "AgreementDialog",
    "DiffScreen",
    "ExportDialog",
    "PlanScreen",
    "ReviewDateDialog",
    "VersionsDialog",
    "add_months",
    "parse_date",
    "version_diff",
]
