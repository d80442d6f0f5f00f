"""Synthetic caseload for the benchmarks: 2,000 clients and one heavy client.

The heavy client has five years of weekly sessions (260) and every exercise of the shipped content
answered in every session, each value of the shape its step kind takes (see `exercises.models`).
Files are written directly in the store's TinyDB layout (no fsync, no audit) so generation is quick;
the app reads them exactly as it reads its own files.
"""

from __future__ import annotations

import json
import os
import random
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from exercises.library import load_library
from exercises.models import Exercise, Step, StepKind
from store import summary
from store.fold import folded_through
from store.profile import Client
from store.records import Answer, FollowUp, PlanVersion, Session, SessionStatus

HEAVY_ID = "HEAVY1"
TYPING_ID = "TYPE1"
WORDS = (
    "rent",
    "sister",
    "walk",
    "canal",
    "job",
    "sleep",
    "phone",
    "gym",
    "breathing",
    "list",
    "worried",
    "calm",
    "evening",
    "letter",
    "money",
    "friend",
    "meal",
    "routine",
    "music",
)


def _sentence(rng: random.Random, n: int = 12) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."


def answer_value(step: Step, rng: random.Random) -> Any:
    """A value of the right shape for `step`'s kind."""
    kind = step.kind
    if kind is StepKind.TEXT:
        return _sentence(rng, rng.randint(8, 30))
    if kind is StepKind.LIST:
        return [_sentence(rng, 4) for _ in range(max(step.min_items, 3))]
    if kind is StepKind.CHOICE:
        values = [o.value for o in step.options]
        return rng.sample(values, min(2, len(values))) if step.multiple else rng.choice(values)
    if kind is StepKind.SCALE:
        return rng.randint(step.scale_min, step.scale_max)
    if kind is StepKind.TABLE:
        rows = []
        for _ in range(3):
            row: dict[str, str] = {}
            for col in step.columns:
                if col.type == "choice" and col.options:
                    row[col.id] = rng.choice(col.options).value
                elif col.type == "date":
                    row[col.id] = (
                        date(2024, 1, 1) + timedelta(days=rng.randint(0, 365))
                    ).isoformat()
                else:
                    row[col.id] = _sentence(rng, 5)
            rows.append(row)
        return rows
    if kind is StepKind.TIMED:
        cycles = step.cycles
        pattern = step.patterns[0].id if step.patterns else "box"
        return {"pattern": pattern, "cycles": cycles, "completed": cycles}
    return None


#: write each client's summary beside its file, as the app's writer does (`store.clients`); off
#: (`make_dataset(summaries=False)`) for files from before summaries (a first open after an update).
_SUMMARIES = [True]


def _write(path: Path, tables: dict[str, dict[str, Any]]) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(json.dumps(tables, ensure_ascii=False, separators=(",", ":")).encode())
    if _SUMMARIES[0]:
        st = path.stat()
        summary.save(
            path.with_name(path.stem + summary.SUFFIX),
            None,
            summary.Summary.build(tables, folded_through(tables)),
            [st.st_ino, st.st_size, st.st_mtime_ns],
        )


def _table(records: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {str(i): r for i, r in enumerate(records, 1)}


def _client(cid: str, name: str, rng: random.Random) -> dict[str, Any]:
    return Client(
        id=cid,
        name=name,
        programme_stage=rng.choice(["pre_group", "group", "post_group"]),
        order_type="Community order",
        rar_days=20,
        date_of_birth=date(
            1980 + rng.randint(0, 20), 1 + rng.randint(0, 11), 1 + rng.randint(0, 27)
        ),
    ).model_dump(mode="json")


def _session(day: date, planned: list[str], status: SessionStatus) -> Session:
    at = datetime(day.year, day.month, day.day, 10, tzinfo=UTC)
    return Session(
        date=day,
        practitioner="bench",
        planned=planned,
        status=status,
        rar_activity=True,
        started_at=at,
        ended_at=at + timedelta(hours=1) if status is SessionStatus.COMPLETED else None,
    )


def _answers(
    session: Session, exercises: list[Exercise], rng: random.Random
) -> list[dict[str, Any]]:
    out = []
    at = session.started_at or datetime.now(UTC)
    for minute, exercise in enumerate(exercises):
        for step in exercise.answerable_steps:
            out.append(
                Answer(
                    session_id=session.id,
                    exercise_id=exercise.id,
                    step_id=step.id,
                    value=answer_value(step, rng),
                    recorded_by="bench",
                    updated_at=at + timedelta(minutes=minute),
                ).model_dump(mode="json")
            )
    return out


def make_heavy(
    clients_dir: Path, exercises: list[Exercise], today: date, rng: random.Random, years: int = 5
) -> int:
    """`years` of weekly sessions (five by default), every exercise answered in each; returns
    the answer count."""
    sessions, answers = [], []
    ids = [e.id for e in exercises]
    for week in range(52 * years, 0, -1):
        s = _session(today - timedelta(weeks=week), ids, SessionStatus.COMPLETED)
        sessions.append(s.model_dump(mode="json"))
        answers += _answers(s, exercises, rng)
    # Today's session, begun and not yet answered: the memory path resumes it and types.
    sessions.append(
        _session(today, ["treat-a-friend"], SessionStatus.IN_PROGRESS).model_dump(mode="json")
    )
    follow_ups = [
        FollowUp(
            opened_at=datetime(2023, 1, 1, tzinfo=UTC) + timedelta(weeks=i),
            reason=_sentence(rng, 6),
            exercise_id="keep-safe-review",
            step_id="hostility-concern",
            closed_on=None if i % 5 == 0 else date(2024, 1, 1),
        ).model_dump(mode="json")
        for i in range(20)
    ]
    plans = [
        PlanVersion(
            kind=k, number=n, saved_by="bench", markdown=_sentence(rng, 200), agreement="agreed"
        ).model_dump(mode="json")
        for k in ("wellbeing", "keep-safe")
        for n in range(1, 11)
    ]
    _write(
        clients_dir / f"{HEAVY_ID}.json",
        {
            "client": _table([_client(HEAVY_ID, "Heavy History", rng)]),
            "sessions": _table(sessions),
            "answers": _table(answers),
            "follow_ups": _table(follow_ups),
            "plans": _table(plans),
        },
    )
    return len(answers)


def make_typing_client(
    clients_dir: Path, library: Any, today: date, client_id: str = TYPING_ID
) -> None:
    """A client with an in-progress session on 'treat-a-friend', its first text step answered, so
    resuming lands on a text field (used by the terminal-bytes measurement)."""
    rng = random.Random(5)
    s = _session(today, ["treat-a-friend"], SessionStatus.IN_PROGRESS)
    first = Answer(
        session_id=s.id,
        exercise_id="treat-a-friend",
        step_id="friend",
        value="Be kind to them.",
        recorded_by="bench",
    ).model_dump(mode="json")
    _write(
        clients_dir / f"{client_id}.json",
        {
            "client": _table([_client(client_id, "Typing Test", rng)]),
            "sessions": _table([s.model_dump(mode="json")]),
            "answers": _table([first]),
        },
    )


def make_dataset(
    data_dir: Path,
    *,
    clients: int = 2000,
    heavy: bool = True,
    today: date | None = None,
    seed: int = 8,
    years: int = 5,
    summaries: bool = True,
) -> dict[str, Any]:
    """Write the caseload into `data_dir` (created 0700); returns counts for the report.
    `summaries`: each file's summary beside it, as the app keeps them (False: as an update from
    before summaries finds them)."""
    _SUMMARIES[0] = summaries
    rng = random.Random(seed)
    today = today or date.today()
    clients_dir = data_dir / "clients"
    clients_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(data_dir, 0o700)
    os.chmod(clients_dir, 0o700)
    library = load_library([])
    exercises = list(library.exercises)
    made = 0
    for n in range(1, clients + 1 - (1 if heavy else 0)):
        cid = f"C{n:05d}"
        sessions, answers = [], []
        for week in range(rng.randint(0, 6), 0, -1):
            ex = rng.sample(exercises, 2)
            s = _session(today - timedelta(weeks=week), [e.id for e in ex], SessionStatus.COMPLETED)
            sessions.append(s.model_dump(mode="json"))
            answers += _answers(s, ex, rng)
        _write(
            clients_dir / f"{cid}.json",
            {
                "client": _table([_client(cid, f"Client {n}", rng)]),
                "sessions": _table(sessions),
                "answers": _table(answers),
            },
        )
        made += 1
    heavy_answers = make_heavy(clients_dir, exercises, today, rng, years) if heavy else 0
    heavy_path = clients_dir / f"{HEAVY_ID}.json"
    return {
        "clients": made + (1 if heavy else 0),
        "heavy_answers": heavy_answers,
        "heavy_sessions": 52 * years if heavy else 0,
        "heavy_file_bytes": heavy_path.stat().st_size if heavy else 0,
    }


if __name__ == "__main__":
    import sys
    import time

    t = time.perf_counter()
    print(make_dataset(Path(sys.argv[1])), f"{time.perf_counter() - t:.1f}s")
