"""A colleague's read-only view follows the holder: new answers appear as they are saved."""

from __future__ import annotations

from pathlib import Path

import pytest

from exercises.models import StepKind
from screens import follow_holder
from tests.exercise_fixtures import ExerciseApp, new_session, open_client, single
from tests.shell_fixtures import wait_for
from tui.services.clients.sessions import save_answer


async def test_a_read_only_exercise_shows_what_the_holder_types(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(follow_holder, "POLL_SECONDS", 0.05)
    holder = open_client(tmp_path)
    session = new_session(holder)
    watcher = open_client(tmp_path)  # the lock is held: a read-only view
    assert watcher.read_only and not holder.read_only
    exercise = single(StepKind.TEXT)
    app = ExerciseApp(exercise, session, watcher)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        editor = app.screen.query_one("LimitedTextArea")
        assert editor.text == ""  # type: ignore[attr-defined]
        step = exercise.steps[0]
        save_answer(holder, session, exercise, step, "Losing my flat", disclosure=False, by="pat")

        def shown() -> str:  # (the field is put up again as the step is redrawn: none meanwhile)
            editors = app.screen.query("LimitedTextArea")
            return editors.first().text if editors else ""  # type: ignore[attr-defined,no-any-return]

        await wait_for(pilot, lambda: shown() == "Losing my flat", timeout=30)
        assert "READ ONLY" in str(app.screen.query_one("#exercise-banner").render())
    holder.close()
