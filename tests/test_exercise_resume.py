"""Quitting mid-exercise and coming back: the answers are there and the exercise resumes."""

from __future__ import annotations

from pathlib import Path

from exercises.models import StepKind
from screens.exercise import resume_index
from store.records import Answer
from tests.exercise_fixtures import (
    STEPS,
    ExerciseApp,
    every_kind,
    exercise_of,
    new_session,
    open_client,
    step,
)
from tui.services.writers import writer_of


def progress(app: ExerciseApp) -> str:
    return str(app.screen.query_one("#exercise-progress").render())


async def test_quit_mid_exercise_and_resume(tmp_path: Path) -> None:
    cf = open_client(tmp_path)
    session = new_session(cf)
    first = ExerciseApp(every_kind(), session, cf, delay=5.0)  # nothing saved before the quit...
    async with first.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+n", *"Money", "ctrl+n")
        await pilot.press(*"walk", "enter", *"call Sam")
        await pilot.pause()
        assert "Step 3 of 7" in progress(first)
        await first.action_quit()  # ...but quitting flushes what was typed
    cf.close()

    cf2 = open_client(tmp_path)
    assert not cf2.read_only
    values = {a.step_id: a.value for a in cf2.answers(session.id)}
    assert values == {"worry": "Money", "helps": ["walk", "call Sam"]}

    second = ExerciseApp(every_kind(), cf2.session(session.id), cf2)
    async with second.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "Step 4 of 7" in progress(second)  # the table, first unanswered
        await pilot.press("ctrl+b")
        items = [i.value for i in second.screen.query("ListEditor LimitedInput")]
        assert items == ["walk", "call Sam"]
        await pilot.press("ctrl+b")
        assert second.screen.query_one("LimitedTextArea").text == "Money"
    cf2.close()


async def test_a_new_session_starts_afresh_with_last_time_as_a_hint(tmp_path: Path) -> None:
    cf = open_client(tmp_path)
    writer_of(cf).save_answer(
        Answer(
            session_id="old",
            exercise_id="every-kind",
            step_id="level",
            value="amber",
            recorded_by="pat",
        )
    )
    session = new_session(cf, id="s2")
    app = ExerciseApp(every_kind(), session, cf)
    async with app.run_test(size=(80, 24)) as pilot:
        assert "Step 1 of 7" in progress(app)
        for _ in range(4):
            await pilot.press("ctrl+n")
        assert "Step 5 of 7" in progress(app)
        hint = str(app.screen.query_one("#step-hint").render())
        assert "Last time" in hint and "▲ AMBER" in hint


def test_resume_index_backs_up_over_read_steps() -> None:
    read = step(StepKind.READ, "script", "Script", "Say this.")
    ex = exercise_of(STEPS[StepKind.READ], STEPS[StepKind.TEXT], read, STEPS[StepKind.SCALE])
    assert resume_index(ex, set()) == 0
    assert resume_index(ex, {"worry"}) == 2  # the script that leads into the scale
    assert resume_index(ex, {"worry", "distress"}) == 0  # all done: open at the start
    assert resume_index(ex, {"distress"}) == 0  # skipped text: back at the intro before it


async def test_finishing_dismisses_with_true(tmp_path: Path) -> None:
    cf = open_client(tmp_path)
    app = ExerciseApp(exercise_of(STEPS[StepKind.SCALE]), new_session(cf), cf)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("5", "ctrl+n")
        await pilot.pause()
    assert app.result is True
    assert [a.value for a in cf.answers("s1")] == [5]


async def test_moving_between_steps_leaves_the_record_and_its_audit_alone(tmp_path: Path) -> None:
    """The resume position is UI state, not clinical record: kept beside the client's file,
    never in it, and never an audit line; it still brings the exercise back after a restart."""
    cf = open_client(tmp_path)
    session = new_session(cf)
    record = tmp_path / "clients" / "T1.json"
    audit = tmp_path / "audit" / "T1.jsonl"
    before = (record.read_bytes(), len(audit.read_bytes().splitlines()))
    app = ExerciseApp(every_kind(), session, cf)
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(3):
            await pilot.press("ctrl+n")
        await pilot.pause()
        app.saver.flush()
        assert "Step 4 of 7" in progress(app)
        assert cf.place(session.id, "every-kind") == "contacts"  # on disk, for a hang-up
        assert (record.read_bytes(), len(audit.read_bytes().splitlines())) == before
        assert (tmp_path / "clients" / "T1.json.position").exists()
    cf.close()


def test_the_position_file_is_encrypted_when_the_data_dir_is(tmp_path: Path) -> None:
    from store import crypto
    from store.positions import Positions

    codec = crypto.create_keyinfo(tmp_path, "correct horse battery staple")
    (tmp_path / "clients").mkdir(mode=0o700)
    places = Positions(tmp_path / "clients", "T1", codec)
    places.put("s1", "breathing", "practice")
    blob = (tmp_path / "clients" / "T1.json.position").read_bytes()
    assert crypto.is_encrypted_blob(blob) and b"breathing" not in blob
    assert places.get("s1", "breathing") == "practice"
    places.put("s1", "breathing", "")
    assert places.get("s1", "breathing") == ""
