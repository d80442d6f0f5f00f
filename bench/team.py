"""`make bench` (with `--team`): a team on one server, on a real caseload.

The data dir holds the bench's caseload (2,000 clients and a heavy client of five years) and one
client per practitioner with a session begun on a text step. N app instances start at once, each
in its own pseudo-terminal, each opens its own client and resumes on the text step, in normal
mode and again in low-bandwidth mode. Reports the time until all show their client, total and
per-instance RSS, CPU and bytes while all sit idle (beside as many minimal apps, at rest in the
same window), and keystroke-to-echo latency (p50/p95) with all typing at once: from sending a
letter to that letter appearing on the terminal (never just the first byte back), against one
instance alone in the same run. Also one instance started
after a colleague saved the heavy client: its memory beside one started before. Every child is
killed when the bench ends or is interrupted (`PtyApp.kill_all`).
"""

from __future__ import annotations

import os
import random
import select
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.datagen import HEAVY_ID, make_dataset, make_typing_client  # noqa: E402
from bench.pty_bytes import STEP_TITLE, isolated_env, screen_text  # noqa: E402
from tests.pty_app import PtyApp  # noqa: E402
from tui.shell.cursor_rest import BLINK_SECONDS  # noqa: E402

TICKS = os.sysconf("SC_CLK_TCK")
#: one key every this many seconds per practitioner (a brisk typist), each started at random
KEY_GAP = 0.2
#: letters no screen of the app shows on its own, so one appearing is the echo of the key typed
TEXT = "QXZJKVWXQZJVKW"


#: seconds of rest measured while the text cursors still blink (they stop after BLINK_SECONDS
#: without a key; the last key was two seconds before): the rest is measured after these
BLINKING = BLINK_SECONDS - 2.0


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
    (used, sent), _ = _rest_beside(apps, [], seconds)
    return (used, sent) if with_bytes else used


def _rest_beside(
    apps: list[PtyApp], beside: list[PtyApp], seconds: float
) -> tuple[tuple[float, int], float]:
    """`apps` and `beside` at rest together for the same `seconds`: the percent of one core
    `apps` use and the bytes they send, and the percent `beside` use (measured in one window,
    the two figures meet the same machine: nothing else can move one and not the other)."""
    everyone = [*apps, *beside]
    cpu0 = {a.proc.pid: _cpu_seconds(a.proc.pid) for a in everyone}
    start = time.perf_counter()
    sent = 0
    ours = {a.master for a in apps}
    fds = {a.master: a for a in everyone}
    while (left := start + seconds - time.perf_counter()) > 0:
        ready, _, _ = select.select(list(fds), [], [], left)
        for fd in ready:
            got = len(fds[fd].read_available(0))
            sent += got if fd in ours else 0
    wall = time.perf_counter() - start

    def used(group: list[PtyApp]) -> float:
        return sum(_cpu_seconds(a.proc.pid) - cpu0[a.proc.pid] for a in group) / wall * 100

    return (used(apps), sent), used(beside)


def _minimal_apps(base: Path, instances: int) -> list[PtyApp]:
    """As many minimal Textual apps as instances, each shown and at rest (the baseline)."""
    minimals = [
        PtyApp(
            [],
            argv0=[sys.executable, str(ROOT / "bench" / "minimal_app.py")],
            env=isolated_env(base),
        )
        for _ in range(instances)
    ]
    _wait_all(minimals, b"Minimal baseline ready", 120)
    return minimals


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
    """Every app types `keys` letters, one per KEY_GAP, starting at random offsets; the latency
    of each key is from sending it to its letter appearing in what that app draws after it."""
    rng = random.Random(17)
    now = time.perf_counter()
    next_at = {a.master: now + rng.uniform(0, KEY_GAP) for a in apps}
    sent = dict.fromkeys(next_at, 0)
    #: fd -> (sent at, the letter, where the app's output stood when it was sent)
    pending: dict[int, tuple[float, bytes, int]] = {}
    by_fd = {a.master: a for a in apps}
    latencies: list[float] = []
    while any(n < keys for n in sent.values()) or pending:
        now = time.perf_counter()
        for fd, at in next_at.items():
            if sent[fd] < keys and fd not in pending and now >= at:
                letter = TEXT[sent[fd] % len(TEXT)].encode()
                app = by_fd[fd]
                pending[fd] = (time.perf_counter(), letter, len(app.output))
                app.send(letter)
                sent[fd] += 1
                next_at[fd] = at + KEY_GAP
        ready, _, _ = select.select(list(by_fd), [], [], 0.002)
        for fd in ready:
            app = by_fd[fd]
            app.read_available(0)
            if fd in pending:
                t, letter, mark = pending[fd]
                if letter in screen_text(bytes(app.output[mark:])):
                    latencies.append(time.perf_counter() - t)
                    del pending[fd]
        for fd, (t, _, _) in list(pending.items()):
            if time.perf_counter() - t > 5:  # a key that never echoed counts as 5 s
                latencies.append(5.0)
                del pending[fd]
    return latencies


def _pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(q * (len(values) - 1)))]


def _start(data_dir: Path, base: Path, ids: list[str], low_bandwidth: bool) -> list[PtyApp]:
    env = isolated_env(base)
    mode = ["--low-bandwidth"] if low_bandwidth else []
    return [PtyApp(["--data-dir", str(data_dir), "--client", cid, *mode], env=env) for cid in ids]


def _latency_figures(latencies: list[float]) -> dict[str, float]:
    return {
        "keys": len(latencies),
        "p50_ms": round(statistics.median(latencies) * 1000, 1),
        "p95_ms": round(_pct(latencies, 0.95) * 1000, 1),
        "max_ms": round(max(latencies) * 1000, 1),
    }


def _alone(data_dir: Path, base: Path, cid: str, keys: int, idle: float, low: bool) -> Any:
    (alone,) = _start(data_dir, base, [cid], low)
    try:
        _wait_all([alone], b"Resume", 60)
        alone.settle(0.5)
        _to_text_step(alone)
        alone.settle(1.0)
        latency = _type_all([alone], keys)
        alone.settle(1.5)
        _idle_cpu([alone], BLINKING)  # the cursor still blinks: see `_team`
        return latency, _rss_mb(alone.proc.pid), _idle_cpu([alone], idle)
    finally:
        alone.close()


def _team(data_dir: Path, base: Path, ids: list[str], keys: int, idle: float, low: bool) -> Any:
    """The team's figures; at rest beside as many minimal apps, both measured in one window
    (the minimal apps are closed before anyone types)."""
    minimals = _minimal_apps(base / "minimal", len(ids))
    apps: list[PtyApp] = []
    try:
        apps = _start(data_dir, base, ids, low)
        all_shown = _wait_all(apps, b"Resume", 300)
        _drain([*apps, *minimals], 1.0)
        for app in apps:
            _to_text_step(app)
        _drain([*apps, *minimals], 2.0)
        # at rest: first while the cursors still blink (they stop BLINKING s after the last key,
        # tui/shell/cursor_rest.py), then once they have stopped
        blinking, _ = _rest_beside(apps, minimals, BLINKING)
        (idle_cpu, idle_bytes), minimal_cpu = _rest_beside(apps, minimals, idle)
        for minimal in minimals:
            minimal.close()
        rss = [_rss_mb(a.proc.pid) for a in apps]
        latencies = _type_all(apps, keys)
        _drain(apps, 2.0)
    finally:
        for app in [*apps, *minimals]:
            app.close()
    return all_shown, blinking, idle_cpu, idle_bytes, minimal_cpu, rss, latencies


def _list_rss(data_dir: Path, base: Path) -> float:
    """One instance on the client list, its register checked against every file: its RSS."""
    (app,) = [PtyApp(["--data-dir", str(data_dir)], env=isolated_env(base))]
    try:
        _wait_all([app], b"C00001", 60)
        app.settle(3.0, timeout=60)
        return _rss_mb(app.proc.pid)
    finally:
        app.close()


def measure_team(
    base: Path, instances: int = 30, keys: int = 40, idle: float = 10.0, clients: int = 2000
) -> dict[str, Any]:
    data_dir = base / "data"
    make_dataset(data_dir, clients=clients)
    ids = [f"TEAM{n}" for n in range(1, instances + 2)]
    for cid in ids:
        make_typing_client(data_dir / "clients", None, date.today(), client_id=cid)
    # one instance on the list, then a colleague saves the heavy client, then another
    before = _list_rss(data_dir, base / "list-before")
    saves = ROOT / "bench" / "saves.py"
    subprocess.run(
        [sys.executable, str(saves), str(data_dir), HEAVY_ID, "5"],
        check=True,
        capture_output=True,
        cwd=ROOT,
    )
    after = _list_rss(data_dir, base / "list-after")
    out: dict[str, Any] = {
        "instances": instances,
        "clients": clients + 1 + len(ids),
        "idle_seconds": idle,
        "list_rss_mb": round(before, 1),
        "list_rss_after_heavy_saved_mb": round(after, 1),
    }
    for mode, low in (("normal", False), ("low_bandwidth", True)):
        alone_latency, alone_rss, alone_cpu = _alone(
            data_dir, base / f"alone-{mode}", ids[-1], keys, idle, low
        )
        all_shown, blinking, idle_cpu, idle_bytes, minimal_cpu, rss, latencies = _team(
            data_dir, base / f"team-{mode}", ids[:instances], keys, idle, low
        )
        out[mode] = {
            "all_shown_s": round(all_shown, 1),
            "rss_total_mb": round(sum(rss)),
            "rss_each_mb": round(statistics.mean(rss), 1),
            "alone_rss_mb": round(alone_rss, 1),
            "idle_cpu_percent": round(idle_cpu, 2),
            # all `instances` of the minimal app, at rest in the same window as the team
            "minimal_idle_cpu_percent": round(minimal_cpu, 2),
            "alone_idle_cpu_percent": round(alone_cpu, 2),
            "idle_bytes": idle_bytes,
            "blinking_seconds": BLINKING,
            "blinking_cpu_percent": round(blinking[0], 2),
            "blinking_bytes": blinking[1],
            "typing": _latency_figures(latencies),
            "alone_typing": _latency_figures(alone_latency),
        }
    return out


if __name__ == "__main__":
    import json
    import tempfile

    n = int(sys.argv[1]) if len(sys.argv) > 1 else 30
    c = int(sys.argv[2]) if len(sys.argv) > 2 else 2000
    with tempfile.TemporaryDirectory(prefix="wellbeing-team-") as tmp:
        print(json.dumps(measure_team(Path(tmp), n, clients=c), indent=2))
