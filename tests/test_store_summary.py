"""The summary kept up to date change by change (`Summary.apply`, what every save and every read
of the journal does) says what a summary built from the folded file (`Summary.build`) says:
the same small tables, the same answers per step in the same order, the same answers of every
session it keeps whole. And stock TinyDB reads a folded client file as the store wrote it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import hypothesis.strategies as st
from hypothesis import given, settings
from tinydb import TinyDB

from store.clients import Repository
from store.fold import folded_through, replay
from store.journal import Change
from store.profile import Client
from store.records import Session
from store.summary import Summary, step_key

SESSION_IDS = ["a", "b", "c", "d", "e", "f", "g", "h", "i"]
DAYS = ["2026-01-05", "2026-01-05", "2026-02-01", "2026-03-09"]


@st.composite
def changes(draw: st.DrawFn) -> list[Change]:
    out: list[Change] = []
    known: list[str] = []
    for seq in range(1, draw(st.integers(1, 60)) + 1):
        if not known or draw(st.integers(0, 3)) == 0:
            sid = draw(st.sampled_from(SESSION_IDS))
            if sid not in known:
                known.append(sid)
            doc = Session(
                id=sid,
                date=draw(st.sampled_from(DAYS)),
                practitioner="p",
                status=draw(st.sampled_from(["planned", "in_progress", "completed"])),
            ).model_dump(mode="json")
            out.append(Change(seq, "sessions", doc, f"h{seq}"))
        else:
            doc = {
                "session_id": draw(st.sampled_from(known)),
                "exercise_id": draw(st.sampled_from(["x", "y"])),
                "step_id": draw(st.sampled_from(["one", "two", "three"])),
                "value": draw(st.text(max_size=5)),
                "recorded_by": "p",
            }
            out.append(Change(seq, "answers", doc, f"h{seq}"))
    return out


def comparable(summary: Summary) -> dict[str, Any]:
    return {"tables": summary.tables, "history": summary.history, "through": summary.through}


@settings(max_examples=150, deadline=None)
@given(changes=changes(), split=st.integers(0, 60))
def test_a_summary_kept_change_by_change_is_the_folded_files(
    changes: list[Change], split: int
) -> None:
    start: dict[str, dict[str, Any]] = {
        "client": {"1": Client(id="X1", name="A").model_dump(mode="json")},
        "folded": {"1": {"through": 0}},
    }
    # some changes already folded into the file, the rest applied one by one
    folded = replay(start, changes[:split])
    kept = Summary.build(folded, folded_through(folded))
    for change in changes[split:]:
        kept.apply([change])
    whole = Summary.build(replay(folded, changes[split:]), len(changes))
    assert comparable(kept) == comparable(whole)
    for sid, answers in kept.recent.items():  # a session kept whole holds every answer of it
        assert answers == whole.recent[sid]
    # sessions kept from their start are kept in the built one too; one kept only in the built
    # summary (an old session back in use) is read from the file by the reader
    assert set(kept.recent) <= set(whole.recent)


def test_the_current_answer_is_the_first_of_its_history() -> None:
    doc: dict[str, dict[str, Any]] = {"folded": {"1": {"through": 0}}}
    steps = [
        Change(
            1, "answers", {"session_id": "a", "exercise_id": "x", "step_id": "s", "value": 1}, "h"
        ),
        Change(
            2, "answers", {"session_id": "b", "exercise_id": "x", "step_id": "s", "value": 2}, "h"
        ),
        Change(
            3, "answers", {"session_id": "a", "exercise_id": "x", "step_id": "s", "value": 3}, "h"
        ),
    ]
    summary = Summary.build(replay(doc, steps), 3)
    assert [d["value"] for d in summary.history[step_key("x", "s")]] == [3, 2]


def test_stock_tinydb_reads_a_folded_client_file(tmp_path: Path) -> None:
    """Stock TinyDB (its own JSONStorage, read-only) sees the records the store wrote."""
    repo = Repository(tmp_path / "data")
    repo.ensure()
    repo.add_client(Client(id="X1", name="Alex"))
    with repo.open("X1") as cf:
        session = Session(practitioner="p")
        cf.save_session(session)
    with repo.read("X1") as cf:
        ours = {n: list(t.values()) for n, t in cf.document().items()}
    db = TinyDB(repo.path("X1"), access_mode="r")
    try:
        theirs = {name: db.table(name).all() for name in db.tables()}
    finally:
        db.close()
    assert theirs == ours
    assert theirs["sessions"][0]["id"] == session.id
