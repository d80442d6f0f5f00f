"""The contact record for the case system (issue 23): what a practitioner pastes into nDelius.

Goldens of the demo's record in every format (regenerate deliberately with
`UPDATE_GOLDEN=1 pytest tests/test_contact_record.py`, then read the diff); plain text within
1,500 characters; audited as produced; the command line; and a Pilot test of a record from a
session with a disclosure, carrying its words only when the practitioner chooses.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from textual.widgets import Checkbox, Input, Static, TextArea

from screens.contact_record import ContactRecordScreen
from store.records import SessionMode
from tui.services.clients import contact, sessions
from tui.services.clients.access import open_client, read_client
from tui.services.config import Config
from tui.services.context import Context
from tui.services.demo import DEMO_ID, write_demo
from tui.services.errors import UserError
from tui.services.privacy import audit_trail
from tui.shell.app import WellbeingApp

GOLDEN = Path(__file__).parent / "golden"
TODAY = date(2026, 11, 25)
DISCLOSED = "I've been looking at porn more, and I haven't been telling you the truth."


@pytest.fixture(autouse=True)
def utc() -> Iterator[None]:
    """Times print in the local zone: the goldens are made in UTC."""
    old = os.environ.get("TZ")
    os.environ["TZ"] = "UTC"
    time.tzset()
    yield
    if old is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = old
    time.tzset()


@pytest.fixture
def demo(tmp_path: Path) -> Context:
    ctx = Context(config=Config(practitioner_name="Pat Officer"), data_dir=tmp_path / "data")
    write_demo(ctx, today=TODAY)
    return ctx


def with_disclosure(ctx: Context) -> str:
    """A phone session today in which the client disclosed; its id."""
    with open_client(ctx, DEMO_ID) as oc:
        session = sessions.plan_session(
            oc,
            practitioner="Pat Officer",
            mode=SessionMode.PHONE,
            planned=["identify"],
            rar_activity=False,
        )
        sessions.begin_session(oc, session.id)
        exercise = ctx.library.get("identify")
        assert exercise is not None
        step = exercise.step("impact-thoughts")
        assert step is not None
        sessions.save_answer(
            oc, session, exercise, step, DISCLOSED, disclosure=True, by="Pat Officer"
        )
        sessions.end_session(oc, session.id)
        return session.id


@pytest.mark.parametrize("fmt", contact.FORMATS)
def test_demo_golden(demo: Context, fmt: str) -> None:
    with read_client(demo, DEMO_ID) as oc:
        record, text = contact.produce(oc, fmt=fmt)
    if fmt == "json":  # session ids are random: the golden holds them as "<session>"
        text = text.replace(record.session_id, "<session>")
    golden = GOLDEN / f"demo-contact.{fmt}"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(text, "utf-8")
    assert golden.exists(), f"missing {golden}: run with UPDATE_GOLDEN=1"
    assert text == golden.read_text("utf-8")


def test_the_record_holds_what_the_case_system_needs(demo: Context) -> None:
    with read_client(demo, DEMO_ID) as oc:
        record, text = contact.produce(oc)
    assert len(text) <= contact.LIMIT
    assert text.startswith("Contact: Telephone contact, Wednesday 11 November 2026, 10:00-11:00.")
    assert "Counts towards the RAR: yes." in text
    assert "- Breathing with timed prompts (all steps): Practised a breathing pattern" in text
    assert "Went through Emotional Collapse: what has changed;" in text
    assert "Risk:\n- Emotional Collapse: concern level: Clear concern." in text
    assert (
        "- Opened: Keep Safe review: Emotional Collapse marked as a clear concern, opened" in text
    )
    assert "Next appointment: Wednesday 25 November 2026 at 10:00." in text
    # what was done, never what was said: no answer of the session is in it
    assert "benefits letter" not in text and "Phone him on Friday" not in text
    # plain text: no markup, no symbol a case system's text box may not show
    assert not any(ch in text for ch in "*_#`●▲■“”")
    with read_client(demo, DEMO_ID) as oc:
        data = json.loads(contact.contact_record(oc).as_json())
    assert data["contact_type"] == "phone" and data["rar"] is True
    assert data["next_appointment"] == "2026-11-25T10:00+00:00"
    assert data["text"] == text


def test_every_record_produced_is_audited(demo: Context) -> None:
    with read_client(demo, DEMO_ID) as oc:
        contact.produce(oc)
        contact.produce(oc, fmt="json", include_disclosures=True)
    entries, _ = audit_trail.entries(demo, DEMO_ID)
    produced = [e for e in entries if e["action"] == "contact record produced"]
    assert len(produced) == 2
    assert produced[-1]["ids"]["format"] == "json" and produced[-1]["ids"]["disclosures"] == "True"


def test_a_long_record_is_kept_within_the_limit(demo: Context) -> None:
    with read_client(demo, DEMO_ID) as oc:
        full = contact.contact_record(oc, limit=0).text()
        short = contact.contact_record(oc, limit=600).text()
        tiny = contact.contact_record(oc, limit=300).text()
    assert len(full) > 600
    assert len(short) <= 600 and "- Keep Safe review (9 of 50 steps)." in short
    assert len(tiny) <= 300 and tiny.rstrip().endswith("in Wellbeing Guide.]")


def test_disclosure_words_only_when_chosen(demo: Context) -> None:
    sid = with_disclosure(demo)
    with read_client(demo, DEMO_ID) as oc:
        plain = contact.contact_record(oc, sid).text()
        chosen = contact.contact_record(oc, sid, include_disclosures=True).text()
    assert "marked as a disclosure" in plain and "porn" not in plain
    assert f'Disclosed: "{DISCLOSED}"' in chosen
    assert "Counts towards the RAR: no." in plain


def test_next_appointment_is_kept_on_the_session(demo: Context) -> None:
    sid = with_disclosure(demo)
    when = contact.parse_appointment("3/12/2026 14:30")
    assert when == datetime(2026, 12, 3, 14, 30, tzinfo=UTC)
    with open_client(demo, DEMO_ID) as oc:
        contact.set_next_appointment(oc, sid, when)
    with read_client(demo, DEMO_ID) as oc:
        assert oc.session(sid).next_appointment == when  # type: ignore[union-attr]
        assert (
            "Next appointment: Thursday 3 December 2026 at 14:30."
            in contact.contact_record(oc, sid).text()
        )
    for bad in ("tomorrow", "3/12/2026 25:00", "32/12/2026"):
        with pytest.raises(ValueError):
            contact.parse_appointment(bad)


def run(data: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TZ": "UTC"}
    return subprocess.run(
        [sys.executable, "-m", "tui", *args, "--data-dir", str(data)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def test_command_line(demo: Context) -> None:
    out = run(demo.data_dir, "contact", DEMO_ID)
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("Contact: Telephone contact") and "\x1b" not in out.stdout
    as_json = run(demo.data_dir, "contact", DEMO_ID, "--format", "json")
    assert json.loads(as_json.stdout)["client_id"] == DEMO_ID
    bad = run(demo.data_dir, "contact", DEMO_ID, "--session", "nope")
    assert (
        bad.returncode == 1 and bad.stderr == f"wellbeing: no session nope for client {DEMO_ID}\n"
    )
    with pytest.raises(UserError):
        with read_client(demo, DEMO_ID) as oc:
            contact.produce(oc, fmt="pdf")


async def wait_for(pilot: object, condition: object, timeout: float = 10.0) -> None:
    from tests.shell_fixtures import wait_for as wait

    await wait(pilot, condition, timeout)


async def test_pilot_contact_record_carries_disclosure_words_only_when_chosen(
    demo: Context,
) -> None:
    sid = with_disclosure(demo)
    app = WellbeingApp(demo, today=lambda: TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        with open_client(demo, DEMO_ID) as oc:
            await app.push_screen(ContactRecordScreen(oc, sid))

            def shown() -> str:
                return app.screen.query_one("#contact-text", TextArea).text

            await wait_for(pilot, lambda: "Contact: Telephone contact" in shown())
            assert "marked as a disclosure" in shown() and "porn" not in shown()
            assert app.clipboard == shown()  # offered to the terminal's clipboard (OSC 52)
            status = app.screen.query_one("#contact-status", Static)
            assert "Copied to the clipboard" in str(status.render())
            words = app.screen.query_one("#contact-words", Checkbox)
            assert words.display  # offered: this session holds a disclosure
            words.focus()
            await pilot.press("space")
            await wait_for(pilot, lambda: "porn" in shown())
            assert f'Disclosed: "{DISCLOSED}"' in shown()
            assert app.clipboard == shown()
            # the next appointment, typed in, is kept on the session and in the record
            field = app.screen.query_one("#contact-next", Input)
            field.focus()
            await pilot.press(*"4/12/2026 9:15", "enter")
            await wait_for(pilot, lambda: "Friday 4 December 2026 at 09:15" in shown())
            await pilot.press("escape")
            await wait_for(pilot, lambda: not isinstance(app.screen, ContactRecordScreen))
    with read_client(demo, DEMO_ID) as oc:
        assert oc.session(sid).next_appointment == datetime(2026, 12, 4, 9, 15, tzinfo=UTC)  # type: ignore[union-attr]
    entries, _ = audit_trail.entries(demo, DEMO_ID)
    assert sum(e["action"] == "contact record produced" for e in entries) >= 3
