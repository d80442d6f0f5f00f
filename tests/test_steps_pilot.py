"""Completing each kind of step with the keyboard, and finding the answer in the client's file."""

from __future__ import annotations

from pathlib import Path

from textual import events

from exercises.models import StepKind
from screens.exercise import FOLLOW_UP_TOLD
from store.records import SessionMode
from tests.exercise_fixtures import (
    KEEP_SAFE,
    ExerciseApp,
    new_session,
    open_client,
    settle,
    single,
)
from tui.services.writers import writer_of


def answer_of(cf, step_id: str):
    found = [a for a in cf.answers("s1") if a.step_id == step_id]
    assert len(found) == 1, found
    return found[0]


def text_of(app: ExerciseApp, selector: str) -> str:
    return str(app.screen.query_one(selector).render())


async def test_read_step_moves_on_and_finishes(tmp_path: Path) -> None:
    cf = open_client(tmp_path)
    app = ExerciseApp(single(StepKind.READ), new_session(cf), cf)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "Step 1 of 2" in text_of(app, "#exercise-progress")
        await pilot.press("ctrl+n")
        assert "Step 2 of 2" in text_of(app, "#exercise-progress")
        await pilot.press("ctrl+b")
        assert "Step 1 of 2" in text_of(app, "#exercise-progress")
        await pilot.press("ctrl+n", "ctrl+n")
        await settle(app, pilot)
    assert app.result is True
    assert cf.answers("s1") == ()


async def test_text_step_saves_while_typing(tmp_path: Path) -> None:
    cf = open_client(tmp_path)
    app = ExerciseApp(single(StepKind.TEXT), new_session(cf), cf)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*"Losing my job")
        await settle(app, pilot)
        assert answer_of(cf, "worry").value == "Losing my job"
        assert "saved" in text_of(app, "#save-state")
        assert "13 of 200" in text_of(app, ".step-count")
        await pilot.press("escape")
    assert app.result is False
    a = answer_of(cf, "worry")
    assert a.recorded_by == "pat" and not a.on_behalf and not a.disclosure


async def test_the_count_is_shown_with_the_edit_in_one_frame(tmp_path: Path) -> None:
    """The running count changes in the same call as the text (before the field's `Changed`
    message is handled), so one frame draws both: never the letter, then the count a frame
    later. An undo goes through `Changed` and still updates it."""
    from screens.steps.fields import LimitedTextArea

    cf = open_client(tmp_path)
    app = ExerciseApp(single(StepKind.TEXT), new_session(cf), cf)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*"Job")
        await settle(app, pilot)
        field = app.screen.query_one(LimitedTextArea)
        field.insert("s")  # no await: nothing else has run since the edit
        assert "4 of 200" in text_of(app, ".step-count")
        field.undo()
        await settle(app, pilot)
        assert field.text != "Jobs"
        assert f"{len(field.text)} of 200" in text_of(app, ".step-count")


async def test_text_step_refuses_an_over_long_paste(tmp_path: Path) -> None:
    cf = open_client(tmp_path)
    app = ExerciseApp(single(StepKind.TEXT), new_session(cf), cf)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*"abc")
        area = app.screen.query_one("LimitedTextArea")
        app.post_message(events.Paste("x" * 250))
        await settle(app, pilot)
        notice = text_of(app, "#exercise-notice")
        assert "Paste refused" in notice and "253" in notice and "200" in notice
        assert area.text == "abc"
        assert answer_of(cf, "worry").value == "abc"


async def test_disclosure_marks_the_answer_and_opens_one_follow_up(tmp_path: Path) -> None:
    cf = open_client(tmp_path)
    app = ExerciseApp(single(StepKind.TEXT), new_session(cf), cf)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*"something happened")
        await pilot.press("ctrl+g")
        await settle(app, pilot)
        assert FOLLOW_UP_TOLD in text_of(app, "#exercise-notice")
        await pilot.press("ctrl+g", "ctrl+g")  # unmark and mark again: still one follow-up
        await settle(app, pilot)
    assert answer_of(cf, "worry").disclosure is True
    follow_ups = cf.follow_ups()
    assert len(follow_ups) == 1
    f = follow_ups[0]
    assert (f.exercise_id, f.step_id, f.session_id) == ("one-text", "worry", "s1")
    assert "What worries you most?" in f.reason and f.is_open


async def test_list_step_adds_and_removes_items(tmp_path: Path) -> None:
    cf = open_client(tmp_path)
    app = ExerciseApp(single(StepKind.LIST), new_session(cf), cf)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*"walk", "enter", *"music", "enter", *"tv", "enter")
        await settle(app, pilot)
        assert answer_of(cf, "helps").value == ["walk", "music", "tv"]
        await pilot.press("up", "shift+tab")  # to "tv"
        await pilot.press("ctrl+r")
        await settle(app, pilot)
        assert answer_of(cf, "helps").value == ["walk", "music"]
        assert "2 items" in text_of(app, ".step-count")


async def test_list_step_says_when_full(tmp_path: Path) -> None:
    cf = open_client(tmp_path)
    app = ExerciseApp(single(StepKind.LIST), new_session(cf), cf)
    async with app.run_test(size=(80, 24)) as pilot:
        for word in ("a", "b", "c", "d", "e"):
            await pilot.press(word, "enter")
        await settle(app, pilot)
        assert "at most 5 items" in text_of(app, "#exercise-notice")
        assert answer_of(cf, "helps").value == ["a", "b", "c", "d", "e"]


async def test_table_step_rows_and_warning(tmp_path: Path) -> None:
    cf = open_client(tmp_path)
    app = ExerciseApp(single(StepKind.TABLE), new_session(cf), cf)
    async with app.run_test(size=(80, 24)) as pilot:
        # Row 1: GREEN, Sam, Yes, a date.
        await pilot.press("space", "tab", *"Sam", "tab", "space", "tab", *"2024-01-02")
        await pilot.press("ctrl+o")
        # Row 2: RED, Mum, no professional: a warning, never a block.
        await pilot.press("left", "tab", *"Mum")
        await settle(app, pilot)
        assert "Crisis contact names no professional." in text_of(app, ".table-warnings")
        value = answer_of(cf, "contacts").value
        assert value == [
            {"level": "green", "who": "Sam", "professional": "yes", "when": "2024-01-02"},
            {"level": "red", "who": "Mum", "professional": "", "when": ""},
        ]
        await pilot.press("tab", "space")  # professional: yes clears the warning
        await settle(app, pilot)
        assert not app.screen.query_one(".table-warnings").display
        await pilot.press("ctrl+r")  # remove row 2
        await settle(app, pilot)
        assert len(answer_of(cf, "contacts").value) == 1
        assert "1 row " in text_of(app, ".step-count")


async def test_table_step_warns_on_a_bad_date(tmp_path: Path) -> None:
    cf = open_client(tmp_path)
    app = ExerciseApp(single(StepKind.TABLE), new_session(cf), cf)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("tab", "tab", "tab", *"2024-13-99")
        await settle(app, pilot)
        assert "not a date" in text_of(app, ".table-warnings")
        assert answer_of(cf, "contacts").value[0]["when"] == "2024-13-99"


async def test_choice_step_saves_the_option(tmp_path: Path) -> None:
    cf = open_client(tmp_path)
    app = ExerciseApp(single(StepKind.CHOICE), new_session(cf), cf)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("down", "down", "enter")
        await settle(app, pilot)
        assert answer_of(cf, "level").value == "red"
        prompts = [str(o.prompt) for o in app.screen.query_one("ChoiceList").options]
        assert prompts[2].startswith("› (•) ■ RED")
        assert prompts[0].startswith("  ( ) ● GREEN")
        await pilot.press("up", "space")
        await settle(app, pilot)
        assert answer_of(cf, "level").value == "amber"
    assert cf.follow_ups() == ()


async def test_choice_that_opens_a_follow_up(tmp_path: Path) -> None:
    cf = open_client(tmp_path)
    app = ExerciseApp(KEEP_SAFE, new_session(cf), cf)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("down", "down", "enter")
        await settle(app, pilot)
        assert FOLLOW_UP_TOLD in text_of(app, "#exercise-notice")
        await pilot.press("up", "enter", "down", "enter")  # choose clear again: no second one
        await settle(app, pilot)
    assert answer_of(cf, "concern").value == "clear"
    assert len(cf.follow_ups()) == 1


async def test_scale_step_by_digit_and_arrows(tmp_path: Path) -> None:
    cf = open_client(tmp_path)
    app = ExerciseApp(single(StepKind.SCALE), new_session(cf), cf)
    async with app.run_test(size=(80, 24)) as pilot:
        assert "0 = calm" in text_of(app, ".scale-ends")
        assert "10 = most distressed" in text_of(app, ".scale-ends")
        await pilot.press("7")
        await settle(app, pilot)
        assert answer_of(cf, "distress").value == 7
        await pilot.press("right", "right", "right", "right")
        await settle(app, pilot)
        assert answer_of(cf, "distress").value == 10
        assert "[10]" in text_of(app, "ScaleBar")
        await pilot.press("1", "0")
        await settle(app, pilot)
        assert answer_of(cf, "distress").value == 10


async def test_phone_session_reads_aloud_and_records_on_behalf(tmp_path: Path) -> None:
    cf = open_client(tmp_path)
    session = new_session(cf, SessionMode.PHONE)
    from tests.exercise_fixtures import STEPS, exercise_of

    app = ExerciseApp(exercise_of(STEPS[StepKind.READ], STEPS[StepKind.SCALE]), session, cf)
    async with app.run_test(size=(80, 24)) as pilot:
        assert "READ ALOUD" in text_of(app, "#exercise-banner")
        assert app.screen.query_one("#step-prompt-box").has_class("-aloud")
        await pilot.press("ctrl+n", "4")
        await settle(app, pilot)
        assert "type what the client says" in text_of(app, "#exercise-banner")
    a = answer_of(cf, "distress")
    assert a.value == 4 and a.on_behalf is True and a.recorded_by == "pat"


async def test_read_only_file_shows_but_does_not_save(tmp_path: Path) -> None:
    cf = open_client(tmp_path)
    session = new_session(cf)
    from store.records import Answer

    writer_of(cf).save_answer(
        Answer(
            session_id="s1", exercise_id="one-scale", step_id="distress", value=3, recorded_by="pat"
        )
    )
    other = open_client(tmp_path)  # the lock is held by `cf`: opened read-only
    assert other.read_only
    app = ExerciseApp(single(StepKind.SCALE), session, other)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "READ ONLY" in text_of(app, "#exercise-banner")
        assert "[3]" in text_of(app, "ScaleBar")
        await pilot.press("tab", "9")
        await settle(app, pilot)
        assert "read only" in text_of(app, "#save-state")
    assert answer_of(cf, "distress").value == 3
