"""Saves on one client, in a fresh process (`python bench/saves.py DATA_DIR CLIENT COUNT`).

The client is opened as the app opens it, the first answer saved straight after (no head start),
and each answer goes through the `AutoSaver` thread while an asyncio loop ticks every 1 ms (the
largest gap between ticks is how long the UI would be blocked). The first save is timed with the
rest: nothing is collected first, and no other work ran in this process before it. Prints JSON.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import sys
import threading
import time
from pathlib import Path
from typing import Any

from tui.services.repository import repository

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


def _pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(q * (len(values) - 1)))]


def measure(data_dir: Path, client_id: str, count: int) -> dict[str, Any]:
    from store.records import Answer, SessionStatus
    from tui.services.autosave import AutoSaver
    from tui.services.config import Config
    from tui.services.context import Context

    repo = repository(Context(config=Config(), data_dir=data_dir))
    start = time.perf_counter()
    cf = repo.open(client_id)
    # the last completed session (today's, begun, is the memory path's: it types there)
    session = [s for s in cf.sessions() if s.status == SessionStatus.COMPLETED][-1]
    opened = time.perf_counter() - start
    # no head start: the first save comes straight after the open (the store appends each save
    # to the client's journal; there is nothing to ready first)
    done = threading.Event()
    walls: list[float] = []

    async def ticker(stop: asyncio.Event, gaps: list[float]) -> None:
        last = time.perf_counter()
        while not stop.is_set():
            await asyncio.sleep(0.001)
            now = time.perf_counter()
            gaps.append(now - last)
            last = now

    async def run(saves: int) -> list[float]:
        gaps: list[float] = []
        stop = asyncio.Event()
        task = asyncio.create_task(ticker(stop, gaps))
        saver = AutoSaver(delay=0, on_done=lambda key, error: done.set())
        for i in range(saves):
            done.clear()
            answer = Answer(
                session_id=session.id,
                exercise_id="treat-a-friend",
                step_id="friend",
                value=f"What I would say to a friend, take {i}.",
                recorded_by="bench",
            )
            begin = time.perf_counter()
            saver.submit("friend", lambda a=answer: cf.save_answer(a))
            while not done.is_set():
                await asyncio.sleep(0.001)
            walls.append(time.perf_counter() - begin)
        if not saves:
            await asyncio.sleep(1.0)
        saver.stop()
        stop.set()
        await task
        return gaps

    try:
        gaps = asyncio.run(run(count))
        idle_gaps = asyncio.run(run(0))
    finally:
        cf.close()
    return {
        "count": count,
        "open_ms": _ms(opened),
        "first_ms": _ms(walls[0]),
        "p50_ms": _ms(statistics.median(walls)),
        "p95_ms": _ms(_pct(walls, 0.95)),
        "max_ms": _ms(max(walls)),
        "loop_max_gap_ms": _ms(max(gaps)),
        "idle_loop_max_gap_ms": _ms(max(idle_gaps)),
        "blocked_ms": _ms(max(gaps) - 0.001),
        "file_bytes": repo.path(client_id).stat().st_size,
    }


if __name__ == "__main__":
    print(json.dumps(measure(Path(sys.argv[1]), sys.argv[2], int(sys.argv[3]))))
