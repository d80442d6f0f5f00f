"""Risk is never silent and every answer says whose words it is (issue 13), with the keyboard.

A disclosure can be marked on any answer; an option can propose a follow-up (Red on the
Wellbeing Traffic Light); a practitioner's judgement is stored as theirs; keys can be remapped by
binding id; a burst of keys after Tab lands in the next field.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from textual.widgets import Input

from exercises.library import load_library
from exercises.models import Option, StepKind
from screens.dialogs.choice import ConfirmScreen
from screens.exercise import FOLLOW_UP_TOLD
from store.records import SessionMode
from tests.exercise_fixtures import (
    ExerciseApp,
    exercise_of,
    new_session,
    open_client,
    settle,
    step,
)
from tests.key_scripts import key_event
from tests.settling import settled
from tui.services.clients.answers import follow_up_reason
from tui.services.config import Config
from tui.services.context import Context
from tui.shell.app import WellbeingApp

RED = (
    Option(value="green", label="Green", symbol="●", tone="green"),
    Option(value="red", label="Red", symbol="■", tone="red", proposes_follow_up=True),
)


def answer_of(cf, step_id: str):  # noqa: ANN001, ANN201
    (found,) = [a for a in cf.answers("s1") if a.step_id == step_id]
    return found


async def test_a_disclosure_on_any_step_opens_a_follow_up(tmp_path: Path) -> None:
    cf = open_client(tmp_path)
    exercise = exercise_of(step(StepKind.TEXT, "worry", "What worries you most?"))
    assert not exercise.steps[0].disclosure  # nothing in the content asks for it
    app = ExerciseApp(exercise, new_session(cf), cf)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*"I went near the school", "ctrl+g")
        await settle(app, pilot)
        assert FOLLOW_UP_TOLD in str(app.screen.query_one("#exercise-notice").render())
    assert answer_of(cf, "worry").disclosure is True
    (follow_up,) = cf.follow_ups()
    assert follow_up.step_id == "worry" and "disclosure" in follow_up.reason


async def test_red_proposes_a_follow_up_and_the_practitioner_decides(tmp_path: Path) -> None:
    cf = open_client(tmp_path)
    today = step(StepKind.CHOICE, "today", "Where are you today?", options=RED)
    app = ExerciseApp(exercise_of(today), new_session(cf), cf)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("down", "enter")  # Red
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")  # not now: nothing opened, the answer kept
        await settle(app, pilot)
        assert cf.follow_ups() == () and answer_of(cf, "today").value == "red"
        await pilot.press("up", "enter", "down", "enter")  # Green, then Red again: asked again
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(app, pilot)
    (follow_up,) = cf.follow_ups()
    assert follow_up.step_id == "today" and "practitioner opened" in follow_up.reason


def test_the_shipped_traffic_light_proposes_on_red() -> None:
    lights = load_library([]).get("wellbeing-traffic-light")
    assert lights is not None
    today = lights.step("today")
    assert today is not None
    assert follow_up_reason(today, "red", False) is None  # proposed, not opened by itself
    assert follow_up_reason(today, "red", False, proposal_accepted=True) is not None
    assert follow_up_reason(today, "green", False, proposal_accepted=True) is None


async def test_a_practitioner_judgement_is_stored_as_theirs(tmp_path: Path) -> None:
    cf = open_client(tmp_path)
    keep_safe = load_library([]).get("keep-safe-review")
    assert keep_safe is not None
    concern = keep_safe.step("victim-access-concern")
    assert concern is not None and concern.voice == "practitioner"
    session = new_session(cf, SessionMode.PHONE)
    app = ExerciseApp(exercise_of(concern), session, cf)
    async with app.run_test(size=(80, 24)) as pilot:
        banner = str(app.screen.query_one("#exercise-banner").render())
        assert "YOUR JUDGEMENT" in banner and "behalf" not in banner
        await pilot.press("enter")  # No concern
        await settle(app, pilot)
    a = answer_of(cf, "victim-access-concern")
    assert a.voice == "practitioner" and a.on_behalf is False


async def test_guidance_is_never_in_the_read_aloud_box(tmp_path: Path) -> None:
    cf = open_client(tmp_path)
    keep_safe = load_library([]).get("keep-safe-review")
    assert keep_safe is not None
    questions = keep_safe.step("hostility-questions")
    assert questions is not None and "Focus on how" in questions.guidance
    assert "Focus on" not in questions.body
    app = ExerciseApp(exercise_of(questions), new_session(cf, SessionMode.PHONE), cf)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        guidance = app.screen.query_one("#step-guidance")
        assert guidance.display and "not to read aloud" in str(guidance.render())
        assert app.screen.query_one("#step-prompt-box").border_title == "Read aloud"


def _app(tmp_path: Path, **config: object) -> WellbeingApp:
    ctx = Context(
        config=Config(privacy_check=False, idle_minutes=0, **config),  # type: ignore[arg-type]
        data_dir=tmp_path / "data",
    )
    return WellbeingApp(ctx)


async def test_a_keymap_moves_a_key(tmp_path: Path) -> None:
    app = _app(tmp_path, keymap={"client-list.add-client": "f2"})
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("a")  # no longer the key
        await pilot.pause()
        assert not app.screen.query("#cid")
        await pilot.press("f2")
        await pilot.pause()
        assert app.screen.query("#cid")


async def test_keys_in_one_burst_after_tab_land_in_the_next_field(tmp_path: Path) -> None:
    """All the keys of `X123<Tab>Jamie Smith` posted at once, as one read of a slow link."""
    app = _app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("a")
        await pilot.pause()
        keys = [*"X123", "tab", *"Jamie Smith"]
        for key in keys:  # no pause between them: queued together (one read)
            app.post_message(key_event(key))
        await settled(app, pilot)
        fields = list(app.screen.query(Input))
        assert [f.value for f in fields[:2]] == ["X123", "Jamie Smith"]


async def test_a_warning_goes_with_the_screen_it_was_about(tmp_path: Path) -> None:
    from screens.plan.screen import PlanScreen
    from store.clients import Repository
    from tests.plan_fixtures import CLIENT, plan_client
    from tests.test_plan_review import settle as plan_settle

    repo = Repository(tmp_path / "data", user="pat")
    repo.ensure()
    repo.add_client(CLIENT)
    app = _app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        with repo.open(CLIENT.id) as cf:
            plan = PlanScreen("wellbeing", plan_client(cf, tmp_path), "pat", tmp_path)
            app.push_screen(plan)
            await plan_settle(app, pilot)
            await pilot.press("s")  # not agreed yet: a warning
            await pilot.pause()
            assert any(n.severity == "warning" for n in app._notifications)
            await pilot.press("escape")  # leave the plan: the warning goes with it
            await pilot.pause()
            assert not any(n.severity == "warning" for n in app._notifications)


async def test_text_then_ctrl_n_in_one_burst_keeps_the_text(tmp_path: Path) -> None:
    """`kind words<ctrl+n>` read at once: the words land in the step, then it moves on (ctrl+n
    is a priority binding, which would act before the words had landed)."""
    cf = open_client(tmp_path)
    first = step(StepKind.TEXT, "worry", "What worries you most?")
    second = step(StepKind.TEXT, "hope", "What do you hope for?")
    app = ExerciseApp(exercise_of(first, second), new_session(cf), cf)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        for key in [*"kind", "ctrl+n", *"hope"]:
            app.post_message(key_event(key))
        await settled(app, pilot)
        await settle(app, pilot)
        assert "Step 2 of 2" in str(app.screen.query_one("#exercise-progress").render())
    assert answer_of(cf, "worry").value == "kind"
    assert answer_of(cf, "hope").value == "hope"


async def test_text_then_ctrl_q_in_one_burst_saves_all_the_text(tmp_path: Path) -> None:
    """`kind words<ctrl+q>` read at once: every word lands (and is saved) before the app quits."""
    cf = open_client(tmp_path)
    app = ExerciseApp(
        exercise_of(step(StepKind.TEXT, "worry", "What worries you?")), new_session(cf), cf
    )
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        for key in [*"kind words", "ctrl+q"]:
            app.post_message(key_event(key))
        while not app._exit:  # until ctrl+q, the last key, has been acted on
            await asyncio.sleep(0.002)
    assert answer_of(cf, "worry").value == "kind words"
