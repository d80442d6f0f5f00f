"""The banner over a step agrees with the step's voice, over every step of the content (issue 23).

Keep Safe step 1 ("Practitioner only. ...") was shown under "type what the client says" and over
"Read this through together": a rule that looked only at the session's mode. The rule now reads
the step (kind, aloud, voice) and words the banner and a read step's note together.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from exercises.errors import ContentError
from exercises.library import load_library
from exercises.models import StepKind
from exercises.parser import parse_exercise
from screens.steps import voice
from store.records import SessionMode
from tests.exercise_fixtures import ExerciseApp, new_session, open_client

LIBRARY = load_library([])
STEPS = [(e, s) for e in LIBRARY.exercises for s in e.steps]


@pytest.mark.parametrize("phone", [False, True], ids=["office", "phone"])
def test_banner_and_note_agree_on_every_step(phone: bool) -> None:
    for exercise, step in STEPS:
        where = f"{exercise.id}/{step.id}"
        said = voice.banner(step, phone=phone)
        if step.kind is StepKind.READ:
            note = voice.read_note(step, phone=phone)
            assert "type" not in said.casefold(), where  # nothing to type on a read step
            if voice.for_practitioner(step):
                assert said == voice.FOR_YOU, where
                assert not {"together", "aloud"} & set(note.casefold().split()), where
            elif step.aloud:
                assert "aloud" in note and said in ("", voice.READ_ALOUD), where
            else:
                assert said != voice.FOR_YOU and "yourself" not in note, where
        elif step.voice == "practitioner":
            assert said == voice.JUDGEMENT, where
        elif step.aloud and phone:
            assert said == voice.READ_ALOUD_TYPING, where
        else:
            assert said == (voice.PHONE_TYPING if phone else ""), where


def test_a_practitioner_only_exercise_keeps_its_guidance_to_the_practitioner() -> None:
    keep_safe = LIBRARY.get("keep-safe-review")
    assert keep_safe is not None and keep_safe.practitioner_only
    first = keep_safe.steps[0]
    assert first.body.startswith("Practitioner only") and voice.for_practitioner(first)
    # the questions are still read aloud to the client
    assert not voice.for_practitioner(keep_safe.step("hostility-questions"))  # type: ignore[arg-type]


@pytest.mark.parametrize("mode", [SessionMode.OFFICE, SessionMode.PHONE])
async def test_keep_safe_step_1_is_shown_as_the_practitioners(
    tmp_path: Path, mode: SessionMode
) -> None:
    keep_safe = LIBRARY.get("keep-safe-review")
    assert keep_safe is not None
    cf = open_client(tmp_path)
    app = ExerciseApp(keep_safe, new_session(cf, mode), cf)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        banner = str(app.screen.query_one("#exercise-banner").render())
        note = str(app.screen.query_one(".step-read-note").render())
        assert banner == voice.FOR_YOU
        assert "yourself" in note and "together" not in note
        assert "client says" not in banner


HEAD = """---
id: x
title: X
guide_step: 1
area: a
minutes: 5
modes: [office]
source: s
{extra}---

## Read me

```step
id: r
kind: read
{step}```

Some text.
"""


def test_a_read_step_for_the_practitioner_is_never_aloud() -> None:
    text = HEAD.format(extra="", step="aloud: true\nvoice: practitioner\n")
    with pytest.raises(ContentError) as err:
        parse_exercise(text, "x.md")
    assert str(err.value).startswith("x.md:17:") and "never read aloud" in str(err.value)


def test_in_a_practitioner_only_exercise_a_read_step_is_the_practitioners_unless_it_says() -> None:
    mine = parse_exercise(HEAD.format(extra="practitioner_only: true\n", step=""), "x.md")
    assert mine.steps[0].voice == "practitioner"
    theirs = parse_exercise(
        HEAD.format(extra="practitioner_only: true\n", step="voice: client\n"), "x.md"
    )
    assert theirs.steps[0].voice == "client"
    ordinary = parse_exercise(HEAD.format(extra="", step=""), "x.md")
    assert ordinary.steps[0].voice == "client"
