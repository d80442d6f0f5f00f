"""`make bench` (with `--team`): a team on one server.

Starts N app instances at once, each in its own pseudo-terminal, on one shared data dir in
low-bandwidth mode; each opens its own client and resumes a session on a text step. Reports the
time until all show their client, total and per-instance RSS, CPU and bytes while all sit idle,
and keystroke-to-echo latency (p50/p95) with all typing at once, against one instance alone in
the same run. Every child is killed when the bench ends or is interrupted (`PtyApp.kill_all`).
"""

from __future__ import annotations

import os
import random
import select
import statistics
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.datagen import make_typing_client  # noqa: E402
from bench.pty_bytes import STEP_TITLE, isolated_env, screen_text  # noqa: E402
from tests.pty_app import PtyApp  # noqa: E402

TICKS = os.sysconf("SC_CLK_TCK")
#: one key every this many seconds per practitioner (a brisk typist), each started at random
KEY_GAP = 0.2
TEXT = "she said the walk by the canal helps when things get loud "


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime + stime


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _wait_all(apps: list[PtyApp], needle: bytes, timeout: float) -> float:
    """Read from every app until each has shown `needle`; seconds it took."""
    start = time.perf_counter()
    waiting = {a.master: a for a in apps if needle not in screen_text(bytes(a.output))}
    end = time.monotonic() + timeout
    while waiting:
        if time.monotonic() > end:
            raise RuntimeError(f"{len(waiting)} of {len(apps)} never showed {needle!r}")
        ready, _, _ = select.select(list(waiting), [], [], 0.2)
        for fd in ready:
            app = waiting[fd]
            app.read_available(0)
            if needle in screen_text(bytes(app.output[-100_000:])):
                del waiting[fd]
    return time.perf_counter() - start


def _drain(apps: list[PtyApp], seconds: float) -> int:
    """Read from all for `seconds`; how many bytes they sent."""
    got = 0
    end = time.monotonic() + seconds
    fds = {a.master: a for a in apps}
    while (left := end - time.monotonic()) > 0:
        ready, _, _ = select.select(list(fds), [], [], left)
        for fd in ready:
            got += len(fds[fd].read_available(0))
    return got


def _idle_cpu(apps: list[PtyApp], seconds: float, *, with_bytes: bool = False) -> Any:
    """Percent of one core all of `apps` use while nobody types for `seconds` (and the bytes
    they send meanwhile, with `with_bytes`)."""
    cpu0 = {a.proc.pid: _cpu_seconds(a.proc.pid) for a in apps}
    start = time.perf_counter()
    sent = _drain(apps, seconds)
    wall = time.perf_counter() - start
    used = sum(_cpu_seconds(a.proc.pid) - cpu0[a.proc.pid] for a in apps) / wall * 100
    return (used, sent) if with_bytes else used


def _to_text_step(app: PtyApp) -> None:
    app.send("r")
    if not app.wait_for(b"Treat", 60) and b"Treat" not in screen_text(bytes(app.output)):
        raise RuntimeError("the session did not open")
    app.settle(0.3)
    app.send("\r")
    deadline = time.monotonic() + 60
    while STEP_TITLE not in screen_text(bytes(app.output[-100_000:])):
        if time.monotonic() > deadline:
            raise RuntimeError("the text step did not appear")
        app.read_available(0.2)


def _type_all(apps: list[PtyApp], keys: int) -> list[float]:
    """Every app types `keys` characters, one per KEY_GAP, starting at random offsets; the
    latency of each key is from sending it to the first byte its app sends back."""
    rng = random.Random(17)
    now = time.perf_counter()
    next_at = {a.master: now + rng.uniform(0, KEY_GAP) for a in apps}
    sent = dict.fromkeys(next_at, 0)
    pending: dict[int, float] = {}
    by_fd = {a.master: a for a in apps}
    latencies: list[float] = []
    while any(n < keys for n in sent.values()) or pending:
        now = time.perf_counter()
        for fd, at in next_at.items():
            if sent[fd] < keys and fd not in pending and now >= at:
                by_fd[fd].send(TEXT[sent[fd] % len(TEXT)])
                pending[fd] = time.perf_counter()
                sent[fd] += 1
                next_at[fd] = at + KEY_GAP
        ready, _, _ = select.select(list(by_fd), [], [], 0.002)
        for fd in ready:
            chunk = by_fd[fd].read_available(0)
            if chunk and fd in pending:
                latencies.append(time.perf_counter() - pending.pop(fd))
        for fd, t in list(pending.items()):
            if time.perf_counter() - t > 5:  # a key that never echoed counts as 5 s
                latencies.append(5.0)
                del pending[fd]
    return latencies


def _pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(q * (len(values) - 1)))]


def _start(data_dir: Path, base: Path, ids: list[str]) -> list[PtyApp]:
    env = isolated_env(base)
    return [
        PtyApp(["--data-dir", str(data_dir), "--client", cid, "--low-bandwidth"], env=env)
        for cid in ids
    ]


def _latency_figures(latencies: list[float]) -> dict[str, float]:
    return {
        "keys": len(latencies),
        "p50_ms": round(statistics.median(latencies) * 1000, 1),
        "p95_ms": round(_pct(latencies, 0.95) * 1000, 1),
        "max_ms": round(max(latencies) * 1000, 1),
    }


def measure_team(
    base: Path, instances: int = 30, keys: int = 40, idle: float = 10.0
) -> dict[str, Any]:
    data_dir = base / "data"
    clients = data_dir / "clients"
    clients.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(data_dir, 0o700)
    ids = [f"TEAM{n}" for n in range(1, instances + 2)]
    for cid in ids:
        make_typing_client(clients, None, date.today(), client_id=cid)
    # one instance alone: the baseline
    (alone,) = _start(data_dir, base / "alone", ids[-1:])
    try:
        _wait_all([alone], b"Resume", 60)
        alone.settle(0.5)
        _to_text_step(alone)
        alone.settle(1.0)
        alone_latency = _type_all([alone], keys)
        alone.settle(1.5)
        alone_rss = _rss_mb(alone.proc.pid)
        alone_cpu = _idle_cpu([alone], idle)
    finally:
        alone.close()
    minimal = PtyApp(
        [],
        argv0=[sys.executable, str(ROOT / "bench" / "minimal_app.py")],
        env=isolated_env(base / "minimal"),
    )
    try:
        _wait_all([minimal], b"Minimal baseline ready", 60)
        minimal.settle(1.0)
        minimal_cpu = _idle_cpu([minimal], idle)
    finally:
        minimal.close()
    apps = _start(data_dir, base / "team", ids[:instances])
    try:
        all_shown = _wait_all(apps, b"Resume", 300)
        _drain(apps, 1.0)
        for app in apps:
            _to_text_step(app)
        _drain(apps, 2.0)
        idle_cpu, idle_bytes = _idle_cpu(apps, idle, with_bytes=True)
        rss = [_rss_mb(a.proc.pid) for a in apps]
        latencies = _type_all(apps, keys)
        _drain(apps, 2.0)
    finally:
        for app in apps:
            app.close()
    return {
        "instances": instances,
        "all_shown_s": round(all_shown, 1),
        "rss_total_mb": round(sum(rss)),
        "rss_each_mb": round(statistics.mean(rss), 1),
        "alone_rss_mb": round(alone_rss, 1),
        "idle_cpu_percent": round(idle_cpu, 2),
        "alone_idle_cpu_percent": round(alone_cpu, 2),
        "minimal_idle_cpu_percent": round(minimal_cpu, 2),
        "idle_seconds": idle,
        "idle_bytes": idle_bytes,
        "typing": _latency_figures(latencies),
        "alone_typing": _latency_figures(alone_latency),
    }


if __name__ == "__main__":
    import json
    import tempfile

    n = int(sys.argv[1]) if len(sys.argv) > 1 else 30
    with tempfile.TemporaryDirectory(prefix="wellbeing-team-") as tmp:
        print(json.dumps(measure_team(Path(tmp), n), indent=2))
