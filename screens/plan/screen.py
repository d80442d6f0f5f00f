"""Review a plan with the client: read it, agree it, set a review date, save a version, compare
versions, export it. Keyboard only; fits 80x24.

The plan is compiled by the caller's `compile` (off the UI thread) and shown in a Markdown widget
whose text is fully escaped, so nothing a person typed becomes a link or markup; link clicks are
refused anyway. Diffs are shown as plain text.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Markdown, Static

from screens.dialogs.choice import ConfirmScreen
from screens.host import host
from screens.key_bar import KeyBar
from screens.off_ui import off_ui
from screens.plan.agreement import AGREEMENTS, agreement_dialog, review_date_dialog
from screens.plan.export import ExportChoice, ExportDialog, replace_question
from screens.plan.versions import VersionsDialog
from screens.plan.wording import Rewordable, reword_dialog
from store.records import Agreement, PlanVersion
from store.text import clean_line
from tui.services.clients import oversight
from tui.services.clients.access import OpenClient
from tui.services.export import EXPORTERS
from tui.services.plans import service as plans
from tui.services.plans.compiler import Plan, day
from tui.services.plans.document import plan_markdown, status_lines
from tui.services.safe_text import one_line

if TYPE_CHECKING:
    from textual.dom import DOMNode


class PlanMarkdown(Markdown, can_focus=True):
    """The plan text, focused and scrolled from the keyboard (a plain Markdown cannot take focus,
    so nothing below the first screen could be read without a mouse)."""

    BINDINGS: ClassVar[list[BindingType]] = list(VerticalScroll.BINDINGS)


class PlanScreen(Screen[None]):
    """Review one plan with the client.

    The plan is compiled, saved and exported through `tui.services.plans.service` (in worker threads);
    `client` must be writable to save versions; `export_dir` is where exports are suggested;
    `today` is fixed in tests.
    """

    CSS_PATH = "plan.tcss"
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

    def _compile_worker(self) -> None:
        def compiled() -> Plan:
            # audited before it is shown: if the log cannot be written, the plan is not shown
            plan = plans.compile_plan(self.oc, self.kind, self.today)
            if not self._review_chosen:  # unchanged since saved: exports say which version
                plan = plans.as_saved(self.oc, plan)
            return plan

        off_ui(
            self,
            compiled,
            self._show,
            failed="Cannot compile the plan",
            group="plan-compile",
            exclusive=True,
            working="Compiling the plan",
        )

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
        await self.query_one("#plan-md", Markdown).update(plan_markdown(self.plan))
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

        self.app.push_screen(agreement_dialog(), chosen)

    def action_review_date(self) -> None:
        def chosen(result: date | None) -> None:
            if result is not None:
                self.review_on = result
                self._review_chosen = True
                if self.plan is not None:
                    self.plan = self.plan.with_review(result)
                    self.run_worker(
                        self.query_one("#plan-md", Markdown).update(plan_markdown(self.plan))
                    )
                self._update_status()

        self.app.push_screen(review_date_dialog(self.today), chosen)

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

    def _save_worker(
        self, plan: Plan, agreement: Agreement, reason: str, review_on: date | None
    ) -> None:
        def saved() -> PlanVersion:
            return plans.save_version(
                self.oc,
                plan,
                agreement=agreement,
                reason=reason,
                review_on=review_on,
                by=self.practitioner,
            )

        off_ui(
            self,
            saved,
            self._saved,
            failed="Not saved",
            group="plan-save",
            exclusive=True,
            working="Saving the version",
            told=lambda version: f"Saved version {version.number}.",
        )

    def _saved(self, version: PlanVersion) -> None:
        self.agreement = None  # each version is agreed on its own
        if self.plan is not None:  # exported from here on as the version it now is
            self.plan = self.plan.with_status(plans.status_of(version))
        self._update_status()
        self.notify(f"Saved version {version.number}.", markup=False)  # (told, the same)

    # -- versions, export, back ------------------------------------------------------------------

    def action_versions(self) -> None:
        sign = None
        traits = plans.traits_of(self.oc.ctx, self.kind)
        if traits.countersigned and oversight.is_manager(self.oc.ctx):

            def sign(number: int) -> PlanVersion:
                return oversight.countersign_open(self.oc, number, self.kind)

        dialog = VersionsDialog(
            self._versions(),
            sign,
            plan_name=traits.plan_name,
            client_name=self.oc.client().name,
        )
        self.app.push_screen(dialog, self._after_versions)

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

    def _export_worker(self, plan: Plan, choice: ExportChoice, force: bool = False) -> None:
        def exported() -> Path | bytes:
            # audited before anything leaves; refused inside the data dir but its exports/
            return plans.export_plan(
                self.oc,
                plan,
                choice.fmt,
                choice.path,
                printed_on=self.today,
                layout=choice.layout,
                force=force,
            )

        def said(written: Path | bytes) -> str:
            return f"Exported to {clean_line(str(written))}"

        off_ui(
            self,
            exported,
            lambda written: self.notify(said(written), markup=False),
            told=said,
            failed="Not exported",
            group="plan-export",
            exists=lambda path: self._ask_replace(plan, choice, path),
            working=f"Exporting the plan ({choice.fmt})",
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

        self.app.push_screen(reword_dialog(self.plan), chosen)

    def _reword_worker(self, plan: Plan, entry: Rewordable, words: str) -> None:
        def reworded() -> None:
            plans.reword(self.oc, plan, entry.item, entry.index, words, by=self.practitioner)

        def done(_: None) -> None:
            self.notify("Reworded: the answer stays as given.", markup=False)
            self.action_refresh_plan()

        off_ui(
            self,
            reworded,
            done,
            failed="Not reworded",
            group="plan-save",
            exclusive=True,
            working="Saving the new words",
            told=lambda _: "Reworded: the answer stays as given.",
        )

    def action_back(self) -> None:
        self.dismiss(None)


def show_plan(node: DOMNode, oc: OpenClient, kind: str) -> None:
    """The client's plan of `kind` (wellbeing, crisis, …)."""
    state = host(node)
    node.app.push_screen(
        PlanScreen(kind, oc, state.ctx.practitioner, state.ctx.export_dir, today=state.today())
    )
