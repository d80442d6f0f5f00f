"""The exercise screen: one step at a time, answers saved as they are typed.

The screen knows no exercise by name: it walks `Exercise.steps` and asks the step registry for each
step's editor. Editors report changes with messages; the screen turns each into a debounced save on
the `AutoSaver` thread, opens follow-ups where content says so, and shows whether the save landed.
It dismisses with True when the last step is passed, False when the practitioner leaves early.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Label, Markdown, OptionList, Static
from textual.widgets.option_list import Option

from exercises.interventions import Intervention
from exercises.models import Exercise, Step
from screens.dialogs.choice import ConfirmScreen
from screens.follow_holder import follow_holder
from screens.host import host
from screens.key_bar import KeyBar
from screens.live_text import show
from screens.messages import Saved
from screens.steps import StepEditor, editor_for, voice
from screens.steps.fields import TooLong
from store.records import Answer, Session, SessionMode
from store.text import clean_line, clean_text
from tui.services.autosave import AutoSaver
from tui.services.clients import sessions
from tui.services.clients.access import OpenClient
from tui.services.clients.answers import (
    earlier_items,
    follow_up_reason,
    is_blank,
    proposes,
    summary,
)
from tui.services.references import related_programmes
from tui.services.safe_text import one_line
from tui.services.timing import Clock

if TYPE_CHECKING:
    from textual.dom import DOMNode

FOLLOW_UP_TOLD = (
    "Follow-up opened: discuss with the treatment manager; follow the information-sharing protocol."
)


def resume_index(exercise: Exercise, answered: set[str]) -> int:
    """The first unanswered step, backed up over the read steps that lead into it.

    An exercise with every step answered opens at the start, for review.
    """
    steps = exercise.steps
    first = next((i for i, s in enumerate(steps) if s.answerable and s.id not in answered), None)
    if first is None:
        return 0
    while first > 0 and not steps[first - 1].answerable:
        first -= 1
    return first


class ExerciseScreen(Screen[bool]):
    """Runs one exercise for one client in one session."""

    CSS_PATH = "exercise.tcss"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "ctrl+b",
            "back",
            "Back",
            tooltip="Go to the previous step",
            priority=True,
            id="exercise.back",
        ),
        Binding("pageup", "back", "Back", show=False, id="exercise.back-2"),
        Binding(
            "ctrl+n",
            "next",
            "Next",
            tooltip="Go to the next step",
            priority=True,
            id="exercise.next",
        ),
        Binding("pagedown", "next", "Next", show=False, id="exercise.next-2"),
        # ctrl+s means Save on every screen (answers save as you type; this saves at once)
        Binding(
            "ctrl+s",
            "save_now",
            "Save",
            tooltip="Save now (answers also save as you type)",
            priority=True,
            show=False,
            id="exercise.save",
        ),
        Binding(
            "escape",
            "leave",
            "Leave",
            tooltip="Leave the exercise (answers are kept)",
            id="exercise.leave",
        ),
    ]

    def __init__(
        self,
        exercise: Exercise,
        session: Session,
        client: OpenClient,
        saver: AutoSaver,
        practitioner: str,
        clock: Clock | None = None,
        interventions: Sequence[Intervention] = (),
    ) -> None:
        super().__init__()
        self.exercise = exercise
        #: the interventions directory, for the exercise's related programmes (its last step)
        self.related = related_programmes(exercise.references, interventions)
        self.session = session
        self.oc = client
        self.saver = saver
        self.practitioner = practitioner
        self.clock = clock
        self.read_only = client.read_only
        self.phone = session.mode == SessionMode.PHONE
        self.index = 0
        self._values: dict[str, Any] = {}
        self._disclosures: dict[str, bool] = {}
        self._earlier: dict[str, Answer] = {}
        self._open_follow_ups: set[tuple[str, str]] = set()
        self._proposed: set[str] = set()  # steps whose proposal was put to the practitioner
        self._pending: set[Hashable] = set()
        self._failed: str = ""
        self._was_on: str = ""

    # -- layout --

    def compose(self) -> ComposeResult:
        with Horizontal(id="exercise-top"):
            yield Label(one_line(self.exercise.title), id="exercise-title", markup=False)
            yield Label("", id="exercise-progress", markup=False)
            yield Label("", id="save-state", markup=False)
        yield Static("", id="exercise-banner", markup=False)
        yield Static("", id="step-title", markup=False)
        # One scrolling body: the guidance, the prompt (the Read aloud box) and the editor take the
        # height they need and scroll together, so no text is cut by a box of fixed height.
        with VerticalScroll(id="step-body"):
            yield Static("", id="step-guidance", markup=False)
            with Vertical(id="step-prompt-box"):
                yield Markdown("", id="step-prompt", open_links=False)
            yield Static("", id="step-hint", markup=False)
            yield Vertical(id="step-editor")
            with Vertical(id="related"):
                yield Static("", id="related-list", markup=False)
                yield OptionList(id="related-open")
        yield Static("", id="exercise-notice", markup=False)
        yield KeyBar()

    async def on_mount(self) -> None:
        self._load()
        answered = {s for s, v in self._values.items() if not is_blank(v)}
        self._show_save_state()
        start = resume_index(self.exercise, answered)
        # After a hang-up (or a kill) the screen never left normally: go back to the step it was
        # on, e.g. the answer being typed, unless an earlier step is still unanswered.
        was_on = next((i for i, s in enumerate(self.exercise.steps) if s.id == self._was_on), None)
        if was_on is not None:
            start = min(start, was_on)
        await self.show_step(start)
        follow_holder(self, self.oc, self._holder_saved)

    async def _holder_saved(self) -> None:
        """Read-only: the colleague holding the client saved; show what they typed."""
        self._values.clear()
        self._disclosures.clear()
        self._load()
        await self.show_step(self.index)

    def on_unmount(self) -> None:
        """Left normally (back, finished, quit): next time, start at the first unanswered step."""
        self._save_position("")

    def _load(self) -> None:
        ex = self.exercise.id
        for answer in self.oc.answers(self.session.id, ex):
            self._values[answer.step_id] = answer.value
            self._disclosures[answer.step_id] = answer.disclosure
        self._earlier = dict(self.oc.earlier_answers(ex, self.session.id))
        self._open_follow_ups = {
            (f.exercise_id, f.step_id) for f in self.oc.follow_ups(open_only=True)
        }
        self._was_on = self.oc.place(self.session.id, ex)

    def _save_position(self, step_id: str) -> None:
        """Where the exercise is, kept beside the record (not in it): a hang-up resumes here."""
        if self.read_only:
            return
        oc, session_id, exercise_id = self.oc, self.session.id, self.exercise.id
        try:
            self.saver.submit(
                ("position", session_id, exercise_id),
                lambda: sessions.remember_place(oc, session_id, exercise_id, step_id),
                delay=None if step_id else 0,
            )
        except RuntimeError:  # the saver has stopped: the app is going anyway
            pass

    @property
    def step(self) -> Step:
        return self.exercise.steps[self.index]

    async def show_step(self, index: int) -> None:
        """Show step `index`: its title, prompt, hint and editor."""
        self.index = max(0, min(index, len(self.exercise.steps) - 1))
        step = self.step
        total = len(self.exercise.steps)
        self.query_one("#exercise-progress", Label).update(f"Step {self.index + 1} of {total}")
        self.query_one("#step-title", Static).update(one_line(step.title))
        aloud = self.phone and step.aloud
        said = voice.banner(step, phone=self.phone, read_only=self.read_only)
        banner = self.query_one("#exercise-banner", Static)
        banner.update(said)
        banner.display = bool(said)
        banner.set_class(aloud, "-aloud")
        prompt_box = self.query_one("#step-prompt-box")
        prompt_box.set_class(aloud, "-aloud")
        prompt_box.border_title = "Read aloud" if aloud else None
        prompt_box.display = bool(step.body.strip())
        guidance = self.query_one("#step-guidance", Static)
        guidance.update(f"For you, not to read aloud: {clean_line(step.guidance)}")
        guidance.display = bool(step.guidance.strip())
        await self.query_one("#step-prompt", Markdown).update(clean_text(step.body))
        earlier = self._earlier.get(step.id)
        hint = summary(step, earlier.value) if earlier is not None else ""
        hint_widget = self.query_one("#step-hint", Static)
        hint_widget.update(
            one_line(f"Last time ({earlier.updated_at:%d %b %Y}): {hint}")
            if earlier is not None and hint
            else ""
        )
        hint_widget.display = bool(hint)
        self._tell("")
        area = self.query_one("#step-editor", Vertical)
        await area.remove_children()
        before = {step_id: a.value for step_id, a in self._earlier.items()}
        editor = editor_for(
            step,
            self._values.get(step.id),
            read_only=self.read_only,
            phone=self.phone,
            disclosure=self._disclosures.get(step.id, False),
            clock=self.clock,
            earlier=earlier_items(step, self._values, before),
        )
        await area.mount(editor)
        body = self.query_one("#step-body", VerticalScroll)
        body.scroll_home(animate=False, immediate=True)
        self._show_related()
        if not editor.focus_first():
            body.focus()  # nothing to type in: the arrows scroll the text
        self._save_position(step.id)
        if self._disclosures.get(step.id):
            self._tell("This answer is marked as a disclosure.")
        self.refresh_bindings()

    def _show_related(self) -> None:
        """On the last step: the exercise's programme cross-references; those the directory holds
        can be opened from here (Enter)."""
        box = self.query_one("#related")
        last = self.index == len(self.exercise.steps) - 1
        box.display = bool(last and self.related)
        if not box.display:
            return
        lines = ["Related programmes:"]
        lines += [
            f"• {r.text}" + (f" (in the directory: {one_line(r.entry.name)})" if r.entry else "")
            for r in self.related
        ]
        self.query_one("#related-list", Static).update("\n".join(lines))
        links = self.query_one("#related-open", OptionList)
        links.clear_options()
        seen: set[str] = set()
        for r in self.related:
            if r.entry is not None and r.entry.id not in seen:
                seen.add(r.entry.id)
                links.add_option(
                    Option(
                        Content(f"→ Open {one_line(r.entry.name)} in the directory (Enter)"),
                        id=r.entry.id,
                    )
                )
        links.display = bool(seen)
        if seen:
            links.highlighted = 0

    @on(OptionList.OptionSelected, "#related-open")
    def _open_related(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            from screens.directory import show_directory

            show_directory(self, event.option.id)

    # -- navigation --

    async def action_next(self) -> None:
        if self.index >= len(self.exercise.steps) - 1:
            self.dismiss(True)
            return
        await self.show_step(self.index + 1)

    def action_save_now(self) -> None:
        if not self.read_only:
            self.saver.flush()

    async def action_back(self) -> None:
        if self.index == 0:
            self._tell("This is the first step.")
            return
        await self.show_step(self.index - 1)

    def action_leave(self) -> None:
        self.dismiss(False)

    # -- answers --

    @on(StepEditor.Changed)
    def _changed(self, event: StepEditor.Changed) -> None:
        event.stop()
        step = self.exercise.step(event.step_id)
        if step is None or self.read_only:
            return
        self._values[step.id] = event.value
        self._save(step)
        self._maybe_propose(step, event.value)

    def _maybe_propose(self, step: Step, value: Any) -> None:
        """An option that proposes a follow-up (Red on the traffic light): ask, once per step."""
        where = (self.exercise.id, step.id)
        if not proposes(step, value) or where in self._open_follow_ups:
            self._proposed.discard(step.id)
            return
        if step.id in self._proposed:
            return
        self._proposed.add(step.id)

        def answered(accept: bool | None) -> None:
            if accept and where not in self._open_follow_ups:
                self._save(step, proposal_accepted=True)

        self.app.push_screen(
            ConfirmScreen(
                f"{one_line(step.title)}: {summary(step, value)}. Open a follow-up to discuss "
                "with the treatment manager (following the information-sharing protocol)?"
            ),
            answered,
        )

    @on(StepEditor.Disclosure)
    def _disclosure(self, event: StepEditor.Disclosure) -> None:
        event.stop()
        step = self.exercise.step(event.step_id)
        if step is None or self.read_only or not step.answerable:
            return
        self._disclosures[step.id] = event.marked
        told = self._save(step)
        if event.marked:
            if not told:
                self._tell("This answer is marked as a disclosure.")
        else:
            self._tell("Disclosure mark removed (any follow-up already opened stays open).")

    @on(StepEditor.Notice)
    def _notice(self, event: StepEditor.Notice) -> None:
        event.stop()
        self._tell(event.text)

    @on(TooLong)
    def _too_long(self, event: TooLong) -> None:
        event.stop()
        self._tell(event.text)

    def _save(self, step: Step, *, proposal_accepted: bool = False) -> bool:
        """A debounced save on the autosave thread; the service applies the follow-up rule,
        and the screen says so at once when this answer will open one (then True)."""
        key = (self.session.id, self.exercise.id, step.id)
        value = self._values.get(step.id)
        disclosure = self._disclosures.get(step.id, False)
        oc, session, exercise, by = self.oc, self.session, self.exercise, self.practitioner

        def save() -> None:
            try:
                sessions.save_answer(
                    oc,
                    session,
                    exercise,
                    step,
                    value,
                    disclosure=disclosure,
                    by=by,
                    proposal_accepted=proposal_accepted,
                )
            except Exception as exc:
                self.post_message(Saved(key, exc))
                raise
            self.post_message(Saved(key, None))

        self._submit(key, save)
        where = (exercise.id, step.id)
        why = follow_up_reason(step, value, disclosure, proposal_accepted=proposal_accepted)
        if why and where not in self._open_follow_ups:
            self._open_follow_ups.add(where)
            self._tell(FOLLOW_UP_TOLD)
            return True
        return False

    def _submit(self, key: Hashable, save: Any, delay: float | None = None) -> None:
        self._pending.add(key)
        self._show_save_state()
        self.saver.submit(key, save, delay=delay)

    @on(Saved)
    def _saved(self, event: Saved) -> None:
        self._pending.discard(event.key)
        if event.error is not None:
            self._failed = one_line(str(event.error), 60)
        elif not self._pending:
            self._failed = ""
        self._show_save_state()

    def _show_save_state(self) -> None:
        label = self.query_one("#save-state", Label)
        if self.read_only:
            text = "read only"
        elif self._failed:
            text = f"NOT SAVED: {self._failed}"
        elif self._pending and not host(self).low_bandwidth:
            text = "saving…"  # on a slow link this flicker costs bytes every keystroke: not shown
        else:
            text = "saved ✓"
        show(label, text)
        label.set_class(bool(self._failed), "-error")

    # -- telling --

    def _tell(self, text: str) -> None:
        notice = self.query_one("#exercise-notice", Static)
        notice.update(one_line(text))
        notice.display = bool(text)


def run_exercise(
    node: DOMNode,
    oc: OpenClient,
    session: Session,
    exercise_id: str,
    done: Callable[[Any], None] | None = None,
) -> None:
    """Show the exercise `exercise_id` of the content, within `session`; `done` gets its result."""
    app, state = node.app, host(node)
    exercise = state.ctx.library.get(exercise_id)
    if exercise is None:
        app.notify(f"Exercise {exercise_id} is not in the content", severity="error", markup=False)
        return
    app.push_screen(
        ExerciseScreen(
            exercise,
            session,
            oc,
            state.saver,
            state.ctx.practitioner,
            clock=state.clock,
            interventions=state.ctx.directory[0],
        ),
        done,
    )
