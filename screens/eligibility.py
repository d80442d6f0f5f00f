"""The advisory eligibility check for one client, with forms for missing facts and referrals.

Advisory - professional judgement decides. The screen is given the client and the directory, and
two callbacks: `on_save_profile(client)` when facts are added, `on_record_referral(referral)` when
a decision is recorded. It never touches the store itself. Verdicts and criteria are always a
symbol and a word, never colour alone.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Header, Input, Label, Static

from exercises.interventions import Intervention
from screens.host import host
from screens.key_bar import KeyBar
from screens.profile_form import ProfileFormScreen
from store.profile import Client
from store.records import Referral
from tui.services.clients.profile_fields import PROFILE_FIELDS
from tui.services.eligibility import (
    ADVISORY,
    STATUS_TEXT,
    VERDICT_TEXT,
    Assessment,
    assess_all,
    missing_facts,
    verdict_text,
)
from tui.services.safe_text import one_line

if TYPE_CHECKING:
    from textual.dom import DOMNode

    from tui.services.clients.access import OpenClient

VERDICT_FILTERS = ("", *VERDICT_TEXT)


def assessment_text(assessment: Assessment, referral: Referral | None = None) -> Text:
    """One intervention's verdict and every criterion with its reason (no markup parsed)."""
    item = assessment.intervention
    text = Text()
    text.append(one_line(item.name) + "\n", style="bold")
    text.append(assessment.headline(why=True) + "\n", style="bold")
    text.append(f"{ADVISORY}.\n\n", style="italic")
    if not assessment.criteria:
        text.append("The brochure sets no conditions the profile can check.\n")
    for c in assessment.criteria:
        symbol, word = STATUS_TEXT[c.status]
        text.append(f"{symbol} {word} ", style="bold")
        text.append(f"{one_line(c.label)}: {one_line(c.reason)}\n")
    for note in item.criteria.notes:
        text.append(f" • {one_line(note)}\n", style="italic")
    if assessment.missing:
        labels = [PROFILE_FIELDS[m].label for m in assessment.missing]
        text.append("\nNeeds: " + "; ".join(labels) + "  (press i to add)\n")
    if assessment.local:
        labels = [one_line(c.label) for c in assessment.local]
        text.append("\nTo judge locally: " + "; ".join(labels) + "\n")
    if referral is not None:
        word = "Referred" if referral.decision == "refer" else "Not referred"
        text.append(f"\n{word}", style="bold")
        text.append(" against the advice" if referral.against_advice else "")
        text.append(f" by {one_line(referral.recorded_by)}")
        if referral.reason:
            text.append(f": {one_line(referral.reason)}")
        text.append("\n")
    return text


class ReferralScreen(ModalScreen[Referral | None]):
    """Records a decision on one intervention; a reason is required when it goes against advice."""

    CSS_PATH = "eligibility.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+r", "decide('refer')", "Refer", id="eligibility.decide-refer"),
        Binding("ctrl+n", "decide('not_refer')", "Do not refer", id="eligibility.decide-not-refer"),
        Binding("ctrl+s", "save", "Save decision", id="eligibility.save"),
        Binding("escape", "cancel", "Cancel", id="eligibility.cancel"),
    ]

    def __init__(self, assessment: Assessment, recorded_by: str) -> None:
        super().__init__()
        self.assessment = assessment
        self.recorded_by = recorded_by or "practitioner"
        self.decision = "refer"

    @property
    def against_advice(self) -> bool:
        return (self.decision == "refer") != (self.assessment.verdict == "suitable")

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static("Record a referral decision", classes="dialog-title", markup=False)
            yield Static(Text(one_line(self.assessment.intervention.name)), id="ref-name")
            yield Static(Text(f"Advice: {self.assessment.headline()} ({ADVISORY})"))
            yield Static("", id="decision", markup=False)
            yield Label("Reason", id="reason-label")
            yield Input(
                id="reason", placeholder="why (required when against the advice)", max_length=4000
            )
            yield Static("", id="ref-error", classes="error", markup=False)
            yield Static(
                "ctrl+r refer · ctrl+n do not refer · ctrl+s save · esc cancel",
                classes="hint",
                markup=False,
            )
        yield KeyBar()

    def on_mount(self) -> None:
        self._show_decision()
        self.query_one("#reason", Input).focus()

    def _show_decision(self) -> None:
        word = "→ Refer" if self.decision == "refer" else "✗ Do not refer"
        note = "  (against the advice: a reason is required)" if self.against_advice else ""
        self.query_one("#decision", Static).update(f"Decision: {word}{note}")

    def action_decide(self, decision: str) -> None:
        self.decision = decision
        self._show_decision()

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Input.Submitted, "#reason")
    def _submitted(self) -> None:
        self.action_save()

    def action_save(self) -> None:
        reason = self.query_one("#reason", Input).value.strip()
        if self.against_advice and not reason:
            error = self.query_one("#ref-error", Static)
            error.update("✗ A reason is needed: this decision goes against the advisory check.")
            error.set_class(True, "shown")
            return
        self.dismiss(
            Referral(
                intervention_id=self.assessment.intervention.id,
                decision=self.decision,
                advice=self.assessment.verdict,
                against_advice=self.against_advice,
                reason=reason,
                recorded_by=self.recorded_by,
            )
        )


class EligibilityScreen(Screen[None]):
    """Each intervention's advisory verdict for one client, and every criterion with its reason."""

    CSS_PATH = "eligibility.tcss"
    TITLE = "Eligibility check"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="eligibility.back"),
        Binding("i", "add_facts", "Add facts", id="eligibility.add-facts"),
        Binding("r", "referral", "Record referral", id="eligibility.referral"),
        Binding("v", "verdict_filter", "Filter verdicts", id="eligibility.verdict-filter"),
        Binding("d", "detail", "Read detail", show=False, id="eligibility.detail"),
    ]

    def __init__(
        self,
        client: Client,
        interventions: Sequence[Intervention],
        *,
        on_save_facts: Callable[[dict[str, str]], Client],
        on_record_referral: Callable[[Referral], None],
        recorded_by: str = "",
        referrals: Sequence[Referral] = (),
        today: date | None = None,
    ) -> None:
        super().__init__()
        self.client = client
        self.interventions = list(interventions)
        self.on_save_facts = on_save_facts
        self.on_record_referral = on_record_referral
        self.recorded_by = recorded_by
        self.referrals: dict[str, Referral] = {r.intervention_id: r for r in referrals}
        self.today = today
        self.verdict_filter = ""
        self.assessments: list[Assessment] = []

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        yield Static("", id="advisory", markup=False)
        yield Static("", id="missing", markup=False)
        with Vertical(id="body"):
            yield DataTable(id="verdicts", cursor_type="row", zebra_stripes=False)
            with VerticalScroll(id="criteria-scroll", can_focus=True):
                yield Static("", id="criteria", markup=False)
        yield KeyBar()

    def on_mount(self) -> None:
        table = self.query_one("#verdicts", DataTable)
        table.add_column("Verdict", width=37)
        table.add_column("Intervention", width=35)
        self.recheck()
        table.focus()

    # -- state ----------------------------------------------------------------------------------

    def recheck(self) -> None:
        """Assess every intervention again (after the profile changed) and redraw."""
        self.assessments = assess_all(self.client, self.interventions, self.today)
        self.sub_title = f"{self.client.id} {one_line(self.client.name, 30)}"
        self.query_one("#advisory", Static).update(f"⚠ {ADVISORY} · {self.client.id}")
        missing = missing_facts(self.assessments)
        self.query_one("#missing", Static).update(
            f"Missing facts: {len(missing)} (press i to add)"
            if missing
            else "✓ Every fact the check uses is recorded"
        )
        self._fill()

    def shown(self) -> list[Assessment]:
        if not self.verdict_filter:
            return self.assessments
        return [a for a in self.assessments if a.verdict == self.verdict_filter]

    def _fill(self) -> None:
        table = self.query_one("#verdicts", DataTable)
        row = table.cursor_row
        table.clear()
        for a in self.shown():
            mark = " →" if a.intervention.id in self.referrals else ""
            table.add_row(
                Text(a.headline()),
                Text(one_line(a.intervention.name) + mark),
                key=a.intervention.id,
            )
        if table.row_count:
            table.move_cursor(row=min(row, table.row_count - 1))
        self._show_current()

    def current(self) -> Assessment | None:
        table = self.query_one("#verdicts", DataTable)
        shown = self.shown()
        if not shown or not table.row_count:
            return None
        return shown[min(table.cursor_row, len(shown) - 1)]

    def _show_current(self) -> None:
        current = self.current()
        box = self.query_one("#criteria", Static)
        if current is None:
            box.update(Text("Nothing to show with this filter. Press v to change it."))
            return
        box.update(assessment_text(current, self.referrals.get(current.intervention.id)))

    @on(DataTable.RowHighlighted, "#verdicts")
    def _highlighted(self) -> None:
        self._show_current()
        self.query_one("#criteria-scroll", VerticalScroll).scroll_home(animate=False)

    # -- actions --------------------------------------------------------------------------------

    def action_back(self) -> None:
        if self.focused is self.query_one("#criteria-scroll"):
            self.query_one("#verdicts").focus()
        else:
            self.dismiss()

    def action_detail(self) -> None:
        self.query_one("#criteria-scroll").focus()

    def action_verdict_filter(self) -> None:
        i = VERDICT_FILTERS.index(self.verdict_filter)
        self.verdict_filter = VERDICT_FILTERS[(i + 1) % len(VERDICT_FILTERS)]
        shown = verdict_text(self.verdict_filter) if self.verdict_filter else "all"
        self.notify(f"Showing: {shown}", timeout=2, markup=False)
        self._fill()

    def action_add_facts(self) -> None:
        current = self.current()
        first = current.missing if current is not None else ()
        fields = list(dict.fromkeys([*first, *missing_facts(self.assessments)]))
        if not fields:
            self.notify("Every fact the check uses is already recorded.")
            return
        form = ProfileFormScreen(
            self.client, self.on_save_facts, fields=fields, title="Facts the check is missing"
        )
        self.app.push_screen(form, self._facts_done)

    def _facts_done(self, client: Client | None) -> None:
        if client is None or client == self.client:
            return
        self.client = client
        self.recheck()
        self.notify("Profile saved; the check is updated.")

    def action_referral(self) -> None:
        current = self.current()
        if current is not None:
            self.app.push_screen(ReferralScreen(current, self.recorded_by), self._referral_done)

    def _referral_done(self, referral: Referral | None) -> None:
        if referral is None:
            return
        self.on_record_referral(referral)
        self.referrals[referral.intervention_id] = referral
        self._fill()
        self.notify("Decision recorded.")


def show_eligibility(node: DOMNode, oc: OpenClient) -> None:
    """What the client may be referred to, on the facts known; facts and referrals saved to `oc`."""
    from tui.services.clients.profile import update_open_profile
    from tui.services.clients.sessions import record_referral

    state = host(node)
    interventions, _ = state.ctx.directory

    def save(changes: dict[str, str]) -> Client:
        return update_open_profile(oc, changes)

    def refer(referral: Referral) -> None:
        record_referral(oc, referral)

    node.app.push_screen(
        EligibilityScreen(
            oc.client(),
            interventions,
            on_save_facts=save,
            on_record_referral=refer,
            recorded_by=state.ctx.practitioner,
            referrals=oc.referrals(),
            today=state.today(),
        )
    )
