"""`make bench`: the caseload benchmarks, each against a baseline from the same run.

Generates 2,000 clients and one heavy client (five years of weekly sessions, every exercise answered)
in a temp dir, measures, prints a table (figure, target, baseline with min/median/max, pass/miss)
and writes JSON to `--json`: startup until a key is answered at 200 / 2,000 / 20,000 clients,
plain and encrypted, with and without `.pyc`; a heavy client of 1 / 5 / 20 years; `--team N`
starts N instances at once on the caseload. Nothing here asserts: the figures are for people to
read (`bench/report.py` prints the table as markdown).
"""

from __future__ import annotations

import argparse
import asyncio
import atexit
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import pty_bytes  # noqa: E402
from bench.datagen import HEAVY_ID, make_dataset  # noqa: E402
from tests.pty_app import PtyApp  # noqa: E402
from tui.services.repository import repository  # noqa: E402

FIRST_ROW = b"C00001"
PACKAGES = ("tui", "screens", "store", "exercises")
PASSPHRASE = "bench passphrase, long enough"
MINIMAL = [sys.executable, str(ROOT / "bench" / "minimal_app.py")]
MINIMAL_READY = b"Minimal baseline ready"
#: a ratio is the median of this many paired runs (the baseline, then the app), with min and max
PAIRS = 5
#: a first start (no register yet) is measured this many times
FIRST_STARTS = 3


def compile_bytecode() -> None:
    """An installed app has its bytecode (pip compiles it); a checkout run with
    PYTHONDONTWRITEBYTECODE (as on the dev machine) would compile the app's own modules on every
    start, a cost the baseline (installed Textual) never pays."""
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", *(str(ROOT / p) for p in PACKAGES)],
        check=True,
        stdout=subprocess.DEVNULL,
    )


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


def spread(seconds: list[float]) -> dict[str, Any]:
    """Median, min and max of some timings, in ms."""
    return {
        "median_ms": _ms(statistics.median(seconds)),
        "min_ms": _ms(min(seconds)),
        "max_ms": _ms(max(seconds)),
        "runs_ms": [_ms(t) for t in seconds],
    }


def paired(baseline: list[float], measured: list[float]) -> dict[str, Any]:
    """The ratio of each pair (measured / its baseline, run just before it): median, min, max."""
    ratios = [m / b for b, m in zip(baseline, measured, strict=True)]
    return {
        "ratio": round(statistics.median(ratios), 2),
        "ratio_min": round(min(ratios), 2),
        "ratio_max": round(max(ratios), 2),
        "pairs": len(ratios),
    }


def ratio_text(r: dict[str, Any]) -> str:
    return f"{r['ratio']}x (min {r['ratio_min']}x, max {r['ratio_max']}x, {r['pairs']} pairs)"


def range_text(r: dict[str, Any], key: str) -> str:
    """ "median ms (min-max, N runs)" of the `key` figure of a `first_starts` summary."""
    return f"{r[key]:.0f} ms ({r[key + '_min']:.0f}-{r[key + '_max']:.0f}, {len(r['runs'])} runs)"


# -- startup and memory (real processes in a pseudo-terminal) -------------------------------------


def _started(
    args: list[str], argv0: list[str] | None, needle: bytes, env: dict[str, str]
) -> tuple[PtyApp, float]:
    """The process spawned in a pseudo-terminal, and the seconds until `needle` appeared on it
    (the caller closes it)."""
    start = time.perf_counter()
    app = PtyApp(args, argv0=argv0, env=env)
    if not pty_bytes.wait_text(app, needle, timeout=60):
        shown = pty_bytes.screen_text(bytes(app.output))[-300:]
        app.close()
        raise RuntimeError(f"{needle!r} never appeared: {shown!r}")
    return app, time.perf_counter() - start


def time_to_text(
    args: list[str], argv0: list[str] | None, needle: bytes, env: dict[str, str]
) -> float:
    """Seconds from spawning the process to `needle` appearing on its terminal."""
    app, seconds = _started(args, argv0, needle, env)
    app.close()
    return seconds


#: typed into the search after `/`: its echo means the app answered the keys
PROBE = b"Z"
#: the probe is sent again this often until it shows
PROBE_EVERY = 0.01


def time_to_answer(
    args: list[str], argv0: list[str] | None, needle: bytes, env: dict[str, str]
) -> tuple[float, float]:
    """Seconds from spawning the process to `needle` on its terminal (the first rows), and to
    the app having answered the keys a practitioner presses at once: `/` the moment the rows
    show, then a letter, sent again every 10 ms until it shows in the search field. (A plain
    Textual app hands a letter that arrives before its focus has moved to the table it had
    focused, so it is sent until one lands; this app holds keys until it has settled, so its
    first letter lands in the search.)"""
    start = time.perf_counter()
    app, rows = _started(args, argv0, needle, env)
    try:
        mark = len(app.output)
        app.send(b"/")
        deadline = sent = time.monotonic() + 60
        while PROBE not in pty_bytes.screen_text(bytes(app.output[mark:])):
            now = time.monotonic()
            if now > deadline or app.proc.poll() is not None:
                shown = pty_bytes.screen_text(bytes(app.output[mark:]))[-400:]
                raise RuntimeError(f"{PROBE!r} never showed in the search: {shown!r}")
            if abs(now - sent) >= PROBE_EVERY:
                app.send(PROBE)
                sent = now
            app.read_available(PROBE_EVERY)
        return rows, time.perf_counter() - start
    finally:
        app.close()


def _register_complete(data_dir: Path, clients: int) -> bool:
    try:
        doc = json.loads((data_dir / "register.json").read_bytes())
        return len(doc.get("clients", {})) >= clients
    except (OSError, ValueError):
        return False


def measure_first_start(
    data_dir: Path, base: Path, clients: int, env: dict[str, str] | None = None
) -> dict[str, Any]:
    """A start with no register (a new caseload, or a new version of the summary): seconds to
    the first rows, and to the whole list read (the register written, or for an encrypted dir,
    where none is kept, the list's "Showing" line)."""
    (data_dir / "register.json").unlink(missing_ok=True)
    env = env or pty_bytes.isolated_env(base)
    encrypted = (data_dir / "keyinfo.json").exists()
    start = time.perf_counter()
    app = PtyApp(["--data-dir", str(data_dir)], env=env)
    try:
        if not pty_bytes.wait_text(app, FIRST_ROW, timeout=120):
            raise RuntimeError("no first row")
        first = time.perf_counter() - start
        deadline = time.monotonic() + 900
        while not (
            b"Showing 200 of" in pty_bytes.screen_text(bytes(app.output[-100_000:]))
            if encrypted
            else _register_complete(data_dir, clients)
        ):
            if time.monotonic() > deadline or app.proc.poll() is not None:
                raise RuntimeError("the list never completed")
            app.read_available(0.2)  # keep reading: an app whose terminal is full would stop
        whole = time.perf_counter() - start
    finally:
        app.close()
    return {"first_rows_ms": _ms(first), "whole_list_ms": _ms(whole)}


def first_starts(
    data_dir: Path, base: Path, clients: int, env: dict[str, str] | None = None
) -> dict[str, Any]:
    """`FIRST_STARTS` first starts (each with the register removed): the median of each figure,
    its min and max, and every run."""
    runs = [measure_first_start(data_dir, base, clients, env) for _ in range(FIRST_STARTS)]
    out: dict[str, Any] = {"runs": runs}
    for key in ("first_rows_ms", "whole_list_ms"):
        values = [r[key] for r in runs]
        out[key] = statistics.median(values)
        out[key + "_min"], out[key + "_max"] = min(values), max(values)
    return out


def paired_starts(
    data_dir: Path, env: dict[str, str], pairs: int, argv0: list[str] | None = None
) -> dict[str, Any]:
    """`pairs` starts of the minimal app, each followed by one of the app to its first rows
    (interleaved, so drift on a shared machine hits both alike)."""
    app_times, min_times, app_rows, min_rows = [], [], [], []
    for _ in range(pairs):
        rows, answered = time_to_answer([], MINIMAL, MINIMAL_READY, env)
        min_rows.append(rows)
        min_times.append(answered)
        rows, answered = time_to_answer(["--data-dir", str(data_dir)], argv0, FIRST_ROW, env)
        app_rows.append(rows)
        app_times.append(answered)
    return {
        "app_ms": _ms(statistics.median(app_times)),
        "minimal_ms": _ms(statistics.median(min_times)),
        **paired(min_times, app_times),
        "app_runs_ms": [_ms(t) for t in app_times],
        "minimal_runs_ms": [_ms(t) for t in min_times],
        "rows": {
            "app_ms": _ms(statistics.median(app_rows)),
            "minimal_ms": _ms(statistics.median(min_rows)),
            **paired(min_rows, app_rows),
        },
    }


def measure_startup(
    data_dir: Path,
    base: Path,
    pairs: int,
    clients: int = 2000,
    env: dict[str, str] | None = None,
) -> dict[str, Any]:
    first = first_starts(data_dir, base, clients, env)
    env = env or pty_bytes.isolated_env(base)
    return {**paired_starts(data_dir, env, pairs), "first": first}


def measure_startup_without_pyc(data_dir: Path, base: Path, pairs: int) -> dict[str, Any]:
    """Starts with no `.pyc` of the app's own: a copy of its packages without `__pycache__`, run
    with PYTHONDONTWRITEBYTECODE (as `make run` starts from a checkout on a machine that sets it),
    so every start compiles them again. The baseline is Textual as installed (its `.pyc` made by
    pip), which is what a minimal app gets on that machine too."""
    copy = base / "no-pyc"
    for package in PACKAGES:
        shutil.copytree(
            ROOT / package, copy / package, ignore=shutil.ignore_patterns("__pycache__", "*.pyc")
        )
    env = pty_bytes.isolated_env(base / "env") | {
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONPATH": str(copy),
    }
    argv0 = [sys.executable, "-P", "-m", "tui"]  # -P: the checkout (the cwd) is not on the path
    out = paired_starts(data_dir, env, pairs, argv0)
    if any(copy.rglob("*.pyc")):
        raise RuntimeError("the app wrote .pyc files in its copy")
    return out


def encrypted_copy(data_dir: Path, base: Path) -> tuple[Path, dict[str, str]]:
    """The same caseload, encrypted at rest with `wellbeing init --encrypt`; the env that
    unlocks it from a passphrase file (as a team server's wrapper would)."""
    target = base / "encrypted"
    shutil.copytree(data_dir / "clients", target / "clients")
    os.chmod(target, 0o700)
    secret = base / "passphrase"
    secret.write_text(PASSPHRASE + "\n")
    secret.chmod(0o600)
    env = pty_bytes.isolated_env(base / "enc-env") | {"WELLBEING_PASSPHRASE_FILE": str(secret)}
    subprocess.run(
        [sys.executable, "-m", "tui", "--data-dir", str(target), "init", "--encrypt"],
        env={**os.environ, **env, "PYTHONPATH": str(ROOT)},
        check=True,
        capture_output=True,
        cwd=ROOT,
    )
    return target, env


def measure_encrypted(data_dir: Path, base: Path, pairs: int) -> dict[str, Any]:
    """The same caseload encrypted, unlocked from a passphrase file: its first starts, then
    paired starts until a key is answered, against the minimal app."""
    target, env = encrypted_copy(data_dir, base)
    whole = first_starts(target, base, 2000, env)
    return {**paired_starts(target, env, pairs), "whole": whole}


def measure_client_list_json(data_dir: Path, base: Path, runs: int) -> dict[str, Any]:
    """`wellbeing client list --json` on the caseload (register warm), paired with `import
    textual` in a process of its own (the issue's baseline: a command pays for what it does, not
    for the app), and the same command on an empty data dir beside it."""
    env = {**os.environ, **pty_bytes.isolated_env(base), "PYTHONPATH": str(ROOT)}
    empty = base / "empty-data"

    def timed(where: Path) -> float:
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "tui", "client", "list", "--json", "--data-dir", str(where)],
            env=env,
            check=True,
            capture_output=True,
            cwd=ROOT,
        )
        return time.perf_counter() - start

    def textual() -> float:
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import textual"], env=env, check=True, cwd=ROOT)
        return time.perf_counter() - start

    lists, bare, baseline = [], [], []
    for _ in range(runs):
        baseline.append(textual())
        bare.append(timed(empty))
        lists.append(timed(data_dir))
    return {
        "list_ms": _ms(statistics.median(lists)),
        "empty_ms": _ms(statistics.median(bare)),
        "import_textual_ms": _ms(statistics.median(baseline)),
        **paired(baseline, lists),
    }


def _timed_key(app: PtyApp, keys: str, needle: bytes, what: str) -> float:
    """Seconds from sending `keys` to `needle` appearing in what the app draws after them."""
    mark = len(app.output)
    start = time.perf_counter()
    app.send(keys)
    deadline = time.monotonic() + 60
    while needle not in pty_bytes.screen_text(bytes(app.output[mark:])):
        if time.monotonic() > deadline or app.proc.poll() is not None:
            raise RuntimeError(f"{what}: {needle.decode()!r} did not appear")
        app.read_available(0.005)
    return time.perf_counter() - start


def measure_cli_pdf(data_dir: Path, base: Path, runs: int) -> dict[str, Any]:
    """`wellbeing plan HEAVY --kind wellbeing --format pdf -o FILE` (the heavy client's plan as a
    PDF, from the command line), each after `import textual` in a process of its own."""
    env = {**os.environ, **pty_bytes.isolated_env(base), "PYTHONPATH": str(ROOT)}
    out = base / "cli-plan.pdf"
    plans, textual = [], []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import textual"], env=env, check=True, cwd=ROOT)
        textual.append(time.perf_counter() - start)
        out.unlink(missing_ok=True)
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "tui", "plan", HEAVY_ID, "--kind", "wellbeing"]
            + ["--format", "pdf", "-o", str(out), "--data-dir", str(data_dir)],
            env=env,
            check=True,
            capture_output=True,
            cwd=ROOT,
        )
        plans.append(time.perf_counter() - start)
    return {"pdf": spread(plans), "import_textual": spread(textual)}


def measure_due(data_dir: Path, base: Path, runs: int) -> dict[str, Any]:
    """In one app on the 2,000 clients (register warm, as after any start): `t` to the Due list
    shown, each after a switch to another list screen in the same app (`d`, the interventions
    directory, to its search field shown)."""
    env = pty_bytes.isolated_env(base)
    due_times, switch_times = [], []
    app = PtyApp(["--data-dir", str(data_dir)], env=env)
    try:
        if not pty_bytes.wait_text(app, FIRST_ROW, timeout=60):
            raise RuntimeError("the client list did not appear")
        app.settle(1.0)
        for _ in range(runs):
            switch_times.append(_timed_key(app, "d", b"Search by name", "the directory (d)"))
            app.settle(0.5)
            _step(app, "\x1b", b"Find client", "back to the list")
            app.settle(0.5)
            due_times.append(_timed_key(app, "t", b"due today", "the Due list"))
            app.settle(0.5)
            _step(app, "\x1b", b"Find client", "back to the list")
            app.settle(0.5)
    finally:
        app.close()
    return {
        "due_ms": _ms(statistics.median(due_times)),
        "switch_ms": _ms(statistics.median(switch_times)),
        **paired(switch_times, due_times),
        "due_runs_ms": [_ms(t) for t in due_times],
        "switch_runs_ms": [_ms(t) for t in switch_times],
    }


def peak_rss_mb(pid: int) -> float:
    """The process's peak resident set (VmHWM, the live ru_maxrss) in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    raise RuntimeError("no VmHWM")


def _children(pid: int) -> list[int]:
    out: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        try:
            out += [int(c) for c in task.read_text().split()]
        except OSError:
            continue
    return out


class ChildPeak:
    """The largest peak resident set of any child of `pid` (the PDF renderer), polled every 10 ms
    on a thread while the path runs: a child's VmHWM is readable only while it lives."""

    def __init__(self, pid: int) -> None:
        import threading

        self.pid, self.mb, self.seen = pid, 0.0, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)
        self._thread.start()

    def _poll(self) -> None:
        seen: set[int] = set()
        while not self._stop.wait(0.01):
            for child in _children(self.pid):
                try:
                    # only once it runs the PDF maker: a child just forked (before its exec)
                    # still shows the app's own memory as its peak
                    if b"pdf_child" not in Path(f"/proc/{child}/cmdline").read_bytes():
                        continue
                    self.mb = max(self.mb, peak_rss_mb(child))
                    seen.add(child)
                except (OSError, RuntimeError):
                    continue
        self.seen = len(seen)

    def stop(self) -> float:
        self._stop.set()
        self._thread.join()
        return self.mb


def _step(app: PtyApp, keys: str, needle: bytes, what: str, timeout: float = 30.0) -> None:
    """Send `keys`, then read until `needle` appears in what the app draws after them."""
    mark = len(app.output)
    app.send(keys)
    end = time.monotonic() + timeout
    while needle not in pty_bytes.screen_text(bytes(app.output[mark:])):
        if time.monotonic() > end or app.proc.poll() is not None:
            raise RuntimeError(f"{what}: {needle.decode()!r} did not appear")
        app.read_available(0.05)
    app.settle(0.5)


def _hogs(n: int) -> list[subprocess.Popen[bytes]]:
    """`n` processes that keep a core busy each: a loaded server."""
    return [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(n)]


def measure_plan_keys(data_dir: Path, base: Path) -> dict[str, Any]:
    """On the heavy client, from the key to the result on screen: its Wellbeing Plan (w), a
    version saved (a, Enter, then s), a PDF export (e, Enter); on a quiet machine, then with
    every core kept busy by another process. Each also says whether the UI answered a key
    typed while the work ran (Escape on the progress-free export dialog is not asked: the
    figure is the time, the progress line shows after a second)."""
    out: dict[str, Any] = {}
    for label, hogs in (("quiet", 0), ("loaded", os.cpu_count() or 2)):
        shutil.rmtree(data_dir / "exports", ignore_errors=True)
        busy = _hogs(hogs)
        app = PtyApp(
            ["--data-dir", str(data_dir), "--client", HEAVY_ID], env=pty_bytes.isolated_env(base)
        )
        try:
            if not pty_bytes.wait_text(app, b"Resume", timeout=120):
                raise RuntimeError("the heavy dashboard did not appear")
            app.settle(1.0, timeout=30)
            plan = _timed_key(app, "w", b"My concerns right now", "the Wellbeing Plan")
            app.settle(0.5, timeout=30)
            _step(app, "a", b"Agreed", "the agreement question")
            _step(app, "\r", b"Save", "the agreement recorded")
            save = _timed_key(app, "s", b"Saved version", "a version saved")
            app.settle(0.5, timeout=30)
            _step(app, "e", b"Export the plan", "the export dialog")
            export = _timed_key(app, "\r", b"Exported to", "the PDF export")
        finally:
            app.close()
            for hog in busy:
                hog.kill()
                hog.wait()
        out[label] = {"plan_ms": _ms(plan), "save_ms": _ms(save), "pdf_ms": _ms(export)}
    return out


def measure_memory(data_dir: Path, base: Path) -> dict[str, Any]:
    """A session's path on the 2,000 clients: open the heavy client, resume today's session and
    type an answer (saved as typed), both plans, a PDF export. The app's peak resident set, and
    the PDF child's beside it (polled while it lives)."""
    env = pty_bytes.isolated_env(base)
    app = PtyApp(["--data-dir", str(data_dir), "--client", HEAVY_ID], env=env)
    children = ChildPeak(app.proc.pid)
    try:
        if not pty_bytes.wait_text(app, b"Resume", timeout=60):
            raise RuntimeError("the heavy dashboard did not appear")
        app.settle(1.0)
        _step(app, "r", b"Session notes", "today's session")
        _step(app, "\r", b"Step 1 of", "its exercise")
        _step(app, "\x0e", b"Step 2 of", "its first question (ctrl+n)")
        for word in "She would tell a friend to rest and to be kind to himself today".split():
            app.send(word + " ")
            app.settle(0.05)
        app.settle(2.0)  # saved as typed (the autosave's pause, then the write)
        typed = peak_rss_mb(app.proc.pid)
        _step(app, "\x1b", b"Session notes", "back to the session")
        _step(app, "\x1b", b"New session", "back to the dashboard")
        _step(app, "k", b"Agreement", "the Keep Safe Plan")
        _step(app, "\x1b", b"New session", "back to the dashboard")
        _step(app, "w", b"Agreement", "the Wellbeing Plan")
        app.settle(1.0)
        before_export = peak_rss_mb(app.proc.pid)
        _step(app, "e", b"Export the plan", "the export dialog")  # a PDF in the exports folder
        _step(app, "\r", b"Exported to", "the PDF export", timeout=60)
        app.settle(1.0)
        app_mb = peak_rss_mb(app.proc.pid)
    finally:
        child_mb = children.stop()
        app.close()
    saved = b"".join(f.read_bytes() for f in (data_dir / "clients").glob(f"{HEAVY_ID}.*"))
    if b"kind to himself today" not in saved:
        raise RuntimeError("the answer typed on the memory path was not saved")
    plain = PtyApp([], argv0=MINIMAL, env=env)
    try:
        pty_bytes.wait_text(plain, MINIMAL_READY, timeout=60)
        plain.settle(0.5)
        min_mb = peak_rss_mb(plain.proc.pid)
    finally:
        plain.close()
    return {
        "app_mb": app_mb,
        "after_typing_mb": typed,
        "before_export_mb": before_export,
        "pdf_child_mb": child_mb,
        "children_seen": children.seen,
        "minimal_mb": min_mb,
    }


# -- in-process: dashboard, saves, plans -----------------------------------------------------------


def _context(data_dir: Path) -> Any:
    from tui.services.config import Config
    from tui.services.context import Context

    return Context(config=Config(), data_dir=data_dir)


def _bare_dashboard() -> Any:
    """The dashboard's widgets and key bindings with no client data: what Textual alone costs to
    show that screen here, so the dashboard's figure can be read against it."""
    from textual.screen import Screen
    from textual.widgets import DataTable, Footer, Header, Static

    from screens.dashboard import DashboardScreen

    class BareDashboard(Screen[None]):
        CSS_PATH = str(ROOT / "screens" / "dashboard.tcss")
        BINDINGS = DashboardScreen.BINDINGS

        def compose(self) -> Any:
            yield Header(show_clock=False)
            for name in ("profile", "rar", "level", "follow-ups", "trends"):
                yield Static(name, id=name)
            yield DataTable(id="sessions", cursor_type="row")
            yield Footer()

        def on_mount(self) -> None:
            table = self.query_one("#sessions", DataTable)
            for label in ("Date", "Mode", "Status", "Exercises", "RAR"):
                table.add_column(label)

        def action_back(self) -> None:
            self.dismiss(None)

    return BareDashboard()


#: first opens of the heavy client, each in an app of its own, at once and found with /
FIRST_OPENS = 3


def _spread(d: dict[str, Any], key: str) -> str:
    """The spread of a median `key` of `d` measured FIRST_OPENS times: " (min A, max B, N runs)"."""
    if f"{key}_min" not in d:  # a results file from before first opens were repeated
        return ""
    return f" (min {d[key + '_min']:.0f}, max {d[key + '_max']:.0f}, {FIRST_OPENS} runs)"


async def _dashboard(data_dir: Path, opens: int) -> dict[str, Any]:
    from screens.dashboard import DashboardScreen
    from tui.shell.app import WellbeingApp

    app = WellbeingApp(_context(data_dir), low_bandwidth=True)
    times, bare, fills = [], [], []
    refresh = DashboardScreen.refresh_data

    def timed_refresh(screen: DashboardScreen) -> None:  # how much of an open is our own work
        start = time.perf_counter()
        try:
            refresh(screen)
        finally:
            fills.append(time.perf_counter() - start)

    DashboardScreen.refresh_data = timed_refresh  # type: ignore[method-assign]
    firsts: dict[str, float] = {}
    at_once: list[float] = []
    found: list[float] = []
    try:
        await _open_dashboards(app, opens, times, bare, firsts)
        at_once.append(firsts["at_once"])
        # The other first open, in an app of its own (a first open is one per app); then both
        # again in apps of their own, for FIRST_OPENS runs of each.
        await _found_first(WellbeingApp(_context(data_dir), low_bandwidth=True), firsts)
        found.append(firsts["found"])
        for _ in range(FIRST_OPENS - 1):
            again: dict[str, float] = {}
            fresh = WellbeingApp(_context(data_dir), low_bandwidth=True)
            await _open_dashboards(fresh, 0, [], [], again)
            await _found_first(WellbeingApp(_context(data_dir), low_bandwidth=True), again)
            at_once.append(again["at_once"])
            found.append(again["found"])
    finally:
        DashboardScreen.refresh_data = refresh  # type: ignore[method-assign]
    return {
        "median_ms": _ms(statistics.median(times)),
        "first_ms": _ms(statistics.median(found)),
        "first_ms_min": _ms(min(found)),
        "first_ms_max": _ms(max(found)),
        "first_at_once_ms": _ms(statistics.median(at_once)),
        "first_at_once_ms_min": _ms(min(at_once)),
        "first_at_once_ms_max": _ms(max(at_once)),
        "max_ms": _ms(max(times)),
        "runs_ms": [_ms(t) for t in times],
        "bare_screen_median_ms": _ms(statistics.median(bare)),
        "bare_screen_runs_ms": [_ms(t) for t in bare],
        "refresh_data_median_ms": _ms(statistics.median(fills)) if fills else None,
        "refresh_data_runs_ms": [_ms(t) for t in fills],
    }


async def _open_dashboards(
    app: Any, opens: int, times: list[float], bare: list[float], firsts: dict[str, float]
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await _list_read(app, pilot)
        firsts["at_once"] = await _open_at_once(app, pilot)
        for _ in range(opens):  # interleaved, so drift on a shared machine hits both alike
            times.append(await _open_at_once(app, pilot))
            start = time.perf_counter()
            screen = _bare_dashboard()
            app.push_screen(screen)
            bare.append(await _opened(app, start, type(screen)))
            await pilot.press("escape")
            await _settle(app, pilot)


async def _list_read(app: Any, pilot: Any) -> None:
    """The list on screen a moment (someone reads it): by then the app has loaded its content
    and built the dashboard off screen."""
    await pilot.pause(1.0)
    await app.workers.wait_for_complete()
    await pilot.pause(0.5)


async def _open_at_once(app: Any, pilot: Any) -> float:
    """The heavy client opened the way Enter does (Pilot's key delivery adds waits), until its
    dashboard is drawn; then back to the list."""
    start = time.perf_counter()
    app.open_client(HEAVY_ID)
    took = await _opened(app, start)
    await pilot.press("escape")
    await _settle(app, pilot)
    return took


async def _opened(app: Any, start: float, kind: type | None = None) -> float:
    """Seconds until the screen (the dashboard by default) is current and drawn (its first
    refresh done): what the practitioner sees. (Pilot's pause would also wait for the app's
    background workers.)"""
    from screens.dashboard import DashboardScreen

    kind = kind or DashboardScreen
    while not (isinstance(app.screen, kind) and app.screen.is_mounted):
        await asyncio.sleep(0)
    drawn = asyncio.Event()
    app.screen.call_after_refresh(drawn.set)
    await drawn.wait()
    return time.perf_counter() - start


async def _first_open_at_once(data_dir: Path) -> float:
    """The heavy client's first open, at once, in an app of its own (ms)."""
    from tui.shell.app import WellbeingApp

    app = WellbeingApp(_context(data_dir), low_bandwidth=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await _list_read(app, pilot)
        took = await _open_at_once(app, pilot)
    return _ms(took)


async def _found_first(app: Any, firsts: dict[str, float]) -> None:
    """A first open as a practitioner makes it: find the client (/, its ID, Enter), the cursor
    rests on it a moment, Enter."""
    async with app.run_test(size=(80, 24)) as pilot:
        await _list_read(app, pilot)
        await pilot.press("slash", *HEAVY_ID, "enter")
        await pilot.pause(0.6)
        await app.workers.wait_for_complete()
        start = time.perf_counter()
        app.screen.action_open_client()  # what Enter does there
        firsts["found"] = await _opened(app, start)
        await pilot.press("escape")
        await _settle(app, pilot)


async def _settle(app: Any, pilot: Any) -> None:
    """Back on the client list: let its refresh (a worker thread reading the register) finish, as
    it would before anyone picks the next client, so it does not compete with the next open."""
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


def measure_saves(data_dir: Path, count: int, client_id: str = HEAVY_ID) -> dict[str, Any]:
    """Saves on the heavy client in a fresh process (bench/saves.py): the first save after
    opening included, nothing collected or warmed first."""
    out = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "saves.py"), str(data_dir), client_id, str(count)],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    return json.loads(out.stdout)  # type: ignore[no-any-return]


def measure_plans(data_dir: Path, runs: int) -> dict[str, Any]:
    """Both plans for the heavy client, as the app compiles them (template, records, compile)."""
    from exercises.plan_templates import load_plan_template
    from tui.services.plans.compiler import PlanInputs, compile_plan

    ctx = _context(data_dir)
    library = ctx.library
    cf = repository(ctx).open(HEAVY_ID, edit=False)
    times = []
    try:
        for _ in range(runs):
            start = time.perf_counter()
            for kind in ("wellbeing", "keep-safe"):
                compile_plan(
                    kind,
                    load_plan_template(kind),
                    library,
                    PlanInputs.from_client_file(cf),
                    ctx.config,
                    date.today(),
                )
            times.append(time.perf_counter() - start)
    finally:
        cf.close()
    return {
        "first_ms": _ms(times[0]),
        "median_ms": _ms(statistics.median(times)),
        "runs_ms": [_ms(t) for t in times],
    }


# -- the table ------------------------------------------------------------------------------------


#: figure, measured, target, baseline, pass (None: a figure with no target, shown as "-")
Row = tuple[str, str, str, str, bool | None]


def rows(r: dict[str, Any]) -> list[Row]:
    s, d, sv, p, b, m = (
        r["startup"],
        r["dashboard"],
        r["save"],
        r["plans"],
        r["bytes"],
        r["memory"],
    )
    first, enc, cl = s["first"], r["encrypted"], r["client_list_json"]
    cold = r["startup_without_pyc"]
    app_b, plain_b = b["app"], b["plain_input"]
    return [
        (
            "2,000 clients: start until / and a letter are answered",
            f"{s['app_ms']:.0f} ms = {ratio_text(s)}",
            "<= 1.3x",
            f"minimal app {s['minimal_ms']:.0f} ms (Header, Input, 40-row DataTable, Footer);"
            f" rows drawn at {s['rows']['app_ms']:.0f} ms = {s['rows']['ratio']}x",
            s["ratio"] <= 1.3,
        ),
        *scale_rows(r.get("scale")),
        (
            "the same without .pyc files (none of the app's, none written)",
            f"{cold['app_ms']:.0f} ms = {ratio_text(cold)}",
            "- (make run compiles them first)",
            f"minimal app {cold['minimal_ms']:.0f} ms (Textual's .pyc as installed)",
            None,
        ),
        (
            "first start on a new caseload: first rows",
            range_text(first, "first_rows_ms"),
            "within 1 s of a warm start",
            f"warm start {s['app_ms']:.0f} ms",
            first["first_rows_ms"] <= s["app_ms"] + 1000,
        ),
        (
            "first start on a new caseload: whole list read",
            range_text(first, "whole_list_ms"),
            "(the list fills meanwhile)",
            f"warm start {s['app_ms']:.0f} ms",
            None,
        ),
        (
            "encrypted, 2,000 clients (unlocked from a file): start until / is answered",
            f"{enc['app_ms']:.0f} ms = {ratio_text(enc)}",
            "<= 1.3x",
            f"minimal app {enc['minimal_ms']:.0f} ms; rows drawn at {enc['rows']['app_ms']:.0f} ms"
            f" = {enc['rows']['ratio']}x",
            enc["ratio"] <= 1.3,
        ),
        (
            "encrypted data dir, first start: first rows",
            range_text(enc["whole"], "first_rows_ms"),
            "within 1 s of a warm start",
            f"encrypted warm start {enc['rows']['app_ms']:.0f} ms",
            enc["whole"]["first_rows_ms"] <= enc["rows"]["app_ms"] + 1000,
        ),
        (
            "encrypted data dir, first start: whole list read",
            range_text(enc["whole"], "whole_list_ms"),
            "(the list fills meanwhile)",
            f"plain first start {first['whole_list_ms']:.0f} ms",
            None,
        ),
        (
            "first open of the heavy client, found with / then Enter",
            f"{d['first_ms']:.0f} ms{_spread(d, 'first_ms')}",
            "< 150 ms",
            "its summary read as it opens (an app of its own)",
            d["first_ms"] < 150,
        ),
        (
            "first open of the heavy client, at once",
            f"{d['first_at_once_ms']:.0f} ms{_spread(d, 'first_at_once_ms')}",
            "< 150 ms",
            "its summary read as it opens, never its 8 MB history",
            d["first_at_once_ms"] < 150,
        ),
        (
            "open heavy dashboard (median of reopens)",
            f"{d['median_ms']:.0f} ms",
            "< 150 ms",
            f"filling it {d.get('refresh_data_median_ms') or 0:.0f} ms;"
            f" a new screen, no data {d.get('bare_screen_median_ms', 0):.0f} ms",
            d["median_ms"] < 150,
        ),
        (
            "first save after opening the heavy client",
            f"{sv['first_ms']:.0f} ms",
            "< 1000 ms",
            f"opening it {sv['open_ms']:.0f} ms",
            sv["first_ms"] < 1000,
        ),
        ("save one answer, p50", f"{sv['p50_ms']:.0f} ms", "< 1000 ms", "-", sv["p50_ms"] < 1000),
        (
            "save one answer, p95 (first save included)",
            f"{sv['p95_ms']:.0f} ms",
            "< 1000 ms",
            f"max {sv['max_ms']:.0f} ms",
            sv["p95_ms"] < 1000,
        ),
        (
            "UI loop blocked during saves (max gap)",
            f"{sv['blocked_ms']:.1f} ms",
            "<= 16 ms",
            f"idle loop {sv['idle_loop_max_gap_ms']:.1f} ms",
            sv["blocked_ms"] <= 16,
        ),
        (
            "both plans, heavy client (median)",
            f"{p['median_ms']:.0f} ms",
            "< 100 ms",
            f"first {p['first_ms']:.0f} ms",
            p["median_ms"] < 100,
        ),
        (
            "bytes per keystroke (median)",
            f"{app_b['bytes_per_key_median']:.0f} B",
            "<= plain Input",
            f"plain Input {plain_b['bytes_per_key_median']:.0f} B",
            app_b["bytes_per_key_median"] <= plain_b["bytes_per_key_median"],
        ),
        (
            f"bytes idle {app_b['idle_seconds']:g} s, --low-bandwidth",
            f"{app_b['idle_bytes']} B",
            "0 B",
            f"plain Input {plain_b['idle_bytes']} B",
            app_b["idle_bytes"] == 0,
        ),
        (
            "Due screen, 2,000 clients: t to the list shown",
            f"{r['due']['due_ms']:.0f} ms = {ratio_text(r['due'])}",
            "<= 1.3x a screen switch",
            f"to the interventions list (d) in the same app {r['due']['switch_ms']:.0f} ms",
            r["due"]["ratio"] <= 1.3,
        ),
        (
            "`client list --json`, 2,000 clients",
            f"{cl['list_ms']:.0f} ms = {ratio_text(cl)}",
            "<= 1.3x import textual",
            f"import textual {cl['import_textual_ms']:.0f} ms; the same command on an empty"
            f" data dir {cl['empty_ms']:.0f} ms",
            cl["ratio"] <= 1.3,
        ),
        (
            "`wellbeing plan` as a PDF, heavy client",
            f"{r['cli_pdf']['pdf']['median_ms']:.0f} ms (min {r['cli_pdf']['pdf']['min_ms']:.0f},"
            f" max {r['cli_pdf']['pdf']['max_ms']:.0f})",
            "< 1500 ms",
            f"import textual {r['cli_pdf']['import_textual']['median_ms']:.0f} ms",
            r["cli_pdf"]["pdf"]["median_ms"] < 1500,
        ),
        *plan_key_rows(r["plan_keys"]),
        (
            "peak memory: heavy client, an answer typed and saved, both plans, PDF",
            f"{m['app_mb']:.0f} MB",
            "< 120 MB",
            f"after typing {m['after_typing_mb']:.0f} MB; minimal app {m['minimal_mb']:.0f} MB",
            m["app_mb"] < 120,
        ),
        (
            "peak memory of the PDF child (beside the app)",
            f"{m['pdf_child_mb']:.0f} MB",
            "-",
            f"app and child at once at most {m['app_mb'] + m['pdf_child_mb']:.0f} MB",
            None,
        ),
    ]


def plan_key_rows(keys: dict[str, Any]) -> list[Row]:
    """From the key to the result on screen, quiet and with every core busy elsewhere: no target
    but the UI's (it answers keys meanwhile, and says what it is doing after a second)."""
    out: list[Row] = []
    for what, key, words in (
        ("plan_ms", "w", "its Wellbeing Plan shown"),
        ("save_ms", "s", "a version saved"),
        ("pdf_ms", "e, Enter", "a PDF exported"),
    ):
        quiet, loaded = keys["quiet"][what], keys["loaded"][what]
        out.append(
            (
                f"heavy client: {key} to {words}",
                f"{quiet:.0f} ms",
                "- (progress shown after 1 s)",
                f"every core busy elsewhere: {loaded:.0f} ms",
                None,
            )
        )
    return out


def heavy_rows(heavy: list[dict[str, Any]]) -> list[Row]:
    """The heavy-client curve's targets: an open, a save and memory that follow the change, not
    the history."""
    by = {h["years"]: h for h in heavy}
    out: list[Row] = [
        (
            f"first open at once, {y}-year client ({by[y]['file_mb']:.0f} MB)",
            f"{by[y]['dashboard']['first_at_once_ms']:.0f} ms"
            f"{_spread(by[y]['dashboard'], 'first_at_once_ms')}",
            "< 150 ms",
            f"found with / first: {by[y]['dashboard']['first_ms']:.0f} ms"
            f"{_spread(by[y]['dashboard'], 'first_ms')}",
            by[y]["dashboard"]["first_at_once_ms"] < 150 and by[y]["dashboard"]["first_ms"] < 150,
        )
        for y in sorted(by)
    ]
    one, twenty = by[1]["save"], by[20]["save"]
    out.append(
        (
            "save one answer at 20 years, p50 (p95)",
            f"{twenty['p50_ms']:.1f} ms ({twenty['p95_ms']:.1f})",
            "the same as at 1 year, within noise",
            f"1 year: {one['p50_ms']:.1f} ms ({one['p95_ms']:.1f})",
            twenty["p50_ms"] <= one["p95_ms"] + 1.0,
        )
    )
    five = by[5]["memory"]
    out.append(
        (
            "memory after typing into the 5-year client",
            f"{five['after_typing_mb']:.0f} MB",
            "< 120 MB",
            f"at 20 years {by[20]['memory']['after_typing_mb']:.0f} MB",
            five["after_typing_mb"] < 120,
        )
    )
    return out


def team_rows(team: dict[str, Any]) -> list[Row]:
    n = team["instances"]
    out: list[Row] = [
        (
            "one instance on the list after a colleague saved the heavy client",
            f"{team['list_rss_after_heavy_saved_mb']:.0f} MB",
            "stays small: within 10 MB of before",
            f"before the save {team['list_rss_mb']:.0f} MB",
            team["list_rss_after_heavy_saved_mb"] <= team["list_rss_mb"] + 10,
        )
    ]
    for mode, words in (("normal", "normal"), ("low_bandwidth", "low-bandwidth")):
        t = team[mode]
        typing, alone = t["typing"], t["alone_typing"]
        out += [
            (
                f"{n} instances ({words}): until all show their client",
                f"{t['all_shown_s']:.1f} s",
                "-",
                f"{team['clients']:,} clients in the data dir",
                None,
            ),
            (
                f"{n} instances ({words}): RSS in all (each)",
                f"{t['rss_total_mb']:.0f} MB ({t['rss_each_mb']:.0f})",
                "-",
                f"one alone {t['alone_rss_mb']:.0f} MB",
                None,
            ),
            (
                f"{n} instances ({words}): CPU at rest, cursors still blinking",
                f"{t['blinking_cpu_percent']:.1f}% of a core"
                f" ({t['blinking_bytes']} B in {t['blinking_seconds']:g} s)",
                "- (a cursor blinks for 10 s after the last key)",
                "-",
                None,
            ),
            (
                f"{n} instances ({words}): CPU while idle {team['idle_seconds']:g} s",
                f"{t['idle_cpu_percent']:.1f}% of a core",
                "each no more than 1.5x a minimal app",
                f"{n} minimal apps at rest in the same {team['idle_seconds']:g} s"
                f" {t['minimal_idle_cpu_percent']:.1f}%;"
                f" one of ours alone {t['alone_idle_cpu_percent']:.2f}%",
                t["idle_cpu_percent"] <= t["minimal_idle_cpu_percent"] * 1.5,
            ),
            (
                f"{n} instances ({words}): bytes while idle",
                f"{t['idle_bytes']} B",
                "0 B",
                "-",
                t["idle_bytes"] == 0,
            ),
            (
                f"{n} typing at once ({words}): echo p50",
                f"{typing['p50_ms']:.0f} ms",
                "-",
                f"one alone {alone['p50_ms']:.0f} ms",
                None,
            ),
            (
                f"{n} typing at once ({words}): echo p95 (the letter on screen)",
                f"{typing['p95_ms']:.0f} ms (max {typing['max_ms']:.0f})",
                "< 50 ms",
                f"one alone {alone['p95_ms']:.0f} ms",
                typing["p95_ms"] < 50,
            ),
        ]
    return out


def print_table(table: list[Row]) -> None:
    head = ("figure", "measured", "target", "baseline (same run)", "")
    widths = [max(len(str(r[i])) for r in [head, *table]) for i in range(4)]
    print("  ".join(h.ljust(w) for h, w in zip(head, widths, strict=False)))
    for r in table:
        print(
            "  ".join(str(c).ljust(w) for c, w in zip(r[:4], widths, strict=True))
            + "  "
            + ("-" if r[4] is None else "pass" if r[4] else "MISS")
        )


def _cleanup_on_signals() -> None:
    """Every child runs in its own process group; an interrupted bench (ctrl+c, SIGTERM, a
    hang-up) kills them all before it goes, so nothing is left spinning."""

    def stop(signum: int, _frame: object) -> None:
        PtyApp.kill_all()
        raise SystemExit(128 + signum)

    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, stop)
    atexit.register(PtyApp.kill_all)


def measure_heavy_curve(base: Path) -> list[dict[str, Any]]:
    """A heavy client of 1 / 5 / 20 years of weekly sessions (every exercise answered in each),
    each with 200 other clients: its first open (at once and found), reopens, saves, both plans
    and the memory path. At 20 years, also the first open of a file with no summary yet (a
    caseload from before summaries, read once after the update)."""
    out = []
    for years in (1, 5, 20):
        where = base / f"heavy-{years}"
        data = make_dataset(where / "data", clients=200, years=years)
        figures = {
            "years": years,
            "file_mb": round(data["heavy_file_bytes"] / 1e6, 1),
            "answers": data["heavy_answers"],
            "dashboard": asyncio.run(_dashboard(where / "data", 3)),
            "save": measure_saves(where / "data", 20),
            "plans": measure_plans(where / "data", 3),
            "memory": measure_memory(where / "data", where / "env"),
        }
        if years == 20:
            (where / "data" / "clients" / f"{HEAVY_ID}.json.summary").unlink()
            figures["no_summary_first_ms"] = asyncio.run(_first_open_at_once(where / "data"))
        out.append(figures)
        print("heavy", years, "years", figures, flush=True)
        shutil.rmtree(where)
    return out


def measure_scale(base: Path, pairs: int) -> dict[str, Any]:
    """Time until a key is answered at 200 and 20,000 clients (2,000 is the main figure): one
    first start to make the register, then paired starts."""
    out: dict[str, Any] = {"clients": []}
    for n in (200, 20000):
        where = base / f"clients-{n}"
        make_dataset(where / "data", clients=n, heavy=False)
        env = pty_bytes.isolated_env(where / "env")
        first = measure_first_start(where / "data", where / "env", n, env)
        startup = {**paired_starts(where / "data", env, pairs), "first": first}
        out["clients"].append({"clients": n, **startup})
        print("scale", n, "clients", startup, flush=True)
        shutil.rmtree(where)
    return out


def scale_rows(scale: dict[str, Any] | None) -> list[Row]:
    return [
        (
            f"{c['clients']:,} clients: start until / and a letter are answered",
            f"{c['app_ms']:.0f} ms = {ratio_text(c)}",
            "<= 1.3x",
            f"minimal app {c['minimal_ms']:.0f} ms; rows drawn at {c['rows']['app_ms']:.0f} ms"
            f" = {c['rows']['ratio']}x",
            c["ratio"] <= 1.3,
        )
        for c in (scale or {}).get("clients", [])
    ]


def print_heavy(heavy: list[dict[str, Any]]) -> None:
    print(
        "\nheavy client  file      first open: at once / found  reopen  save first / p50 / p95"
        "  UI blocked  both plans  memory: typed / app peak / PDF child"
    )
    for h in heavy:
        d, sv, m = h["dashboard"], h["save"], h["memory"]
        print(
            f"{h['years']:>2} years     {h['file_mb']:>5.1f} MB  {d['first_at_once_ms']:>9.0f} ms"
            f" / {d['first_ms']:.0f} ms  {d['median_ms']:>5.0f} ms"
            f"  {sv['first_ms']:>6.1f} / {sv['p50_ms']:.1f} / {sv['p95_ms']:.1f} ms"
            f"  {sv['blocked_ms']:>7.1f} ms  {h['plans']['median_ms']:>7.0f} ms"
            f"  {m['after_typing_mb']:>4.0f} / {m['app_mb']:.0f} / {m['pdf_child_mb']:.0f} MB"
        )
    for h in heavy:
        if "no_summary_first_ms" in h:
            print(
                f"first open of the {h['years']}-year client with no summary yet (once, after"
                f" an update from before summaries): {h['no_summary_first_ms']:.0f} ms"
            )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, help="write the figures here")
    parser.add_argument("--clients", type=int, default=2000)
    parser.add_argument("--quick", action="store_true", help="fewer repeats (a smoke run)")
    parser.add_argument(
        "--team", type=int, default=0, metavar="N", help="also N instances at once (e.g. 30)"
    )
    args = parser.parse_args(argv)
    _cleanup_on_signals()
    compile_bytecode()
    runs = 1 if args.quick else 3
    pairs = 2 if args.quick else PAIRS
    result: dict[str, Any] = {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "command": " ".join(["bench/run.py", *(argv if argv is not None else sys.argv[1:])]),
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "load": " ".join(f"{x:.2f}" for x in os.getloadavg()),
        },
    }
    with tempfile.TemporaryDirectory(prefix="wellbeing-bench-") as tmp:
        base = Path(tmp)
        t = time.perf_counter()
        result["data"] = make_dataset(base / "data", clients=args.clients)
        print(f"data: {result['data']} ({time.perf_counter() - t:.1f} s)", flush=True)
        result["startup"] = measure_startup(base / "data", base / "env", pairs, args.clients)
        print("startup", result["startup"], flush=True)
        result["startup_without_pyc"] = measure_startup_without_pyc(
            base / "data", base / "no-pyc-env", pairs
        )
        print("startup without .pyc", result["startup_without_pyc"], flush=True)
        result["encrypted"] = measure_encrypted(base / "data", base / "enc", pairs)
        print("encrypted", result["encrypted"], flush=True)
        result["dashboard"] = asyncio.run(_dashboard(base / "data", 2 if args.quick else 5))
        print("dashboard", result["dashboard"], flush=True)
        result["save"] = measure_saves(base / "data", 5 if args.quick else 20)
        print("save", result["save"], flush=True)
        result["plans"] = measure_plans(base / "data", runs + 2)
        print("plans", result["plans"], flush=True)
        result["due"] = measure_due(base / "data", base / "env", pairs)
        print("due", result["due"], flush=True)
        result["client_list_json"] = measure_client_list_json(base / "data", base / "env", pairs)
        print("client list --json", result["client_list_json"], flush=True)
        result["cli_pdf"] = measure_cli_pdf(base / "data", base / "env", runs)
        print("cli pdf", result["cli_pdf"], flush=True)
        result["memory"] = measure_memory(base / "data", base / "env")
        print("memory", result["memory"], flush=True)
        result["plan_keys"] = measure_plan_keys(base / "data", base / "env")
        print("plan keys", result["plan_keys"], flush=True)
        if args.team:
            from bench.team import measure_team

            result["team"] = measure_team(
                base / "team", args.team, idle=3.0 if args.quick else 10.0, clients=args.clients
            )
            print("team", result["team"], flush=True)
        result["scale"] = measure_scale(base / "scale", pairs)
        result["heavy"] = measure_heavy_curve(base / "heavy")
    result["bytes"] = pty_bytes.measure(idle_seconds=3.0 if args.quick else 10.0)
    table = rows(result) + heavy_rows(result["heavy"])
    table += team_rows(result["team"]) if "team" in result else []
    print()
    print_table(table)
    print_heavy(result["heavy"])
    result["table"] = [
        dict(zip(("figure", "measured", "target", "baseline", "pass"), r, strict=True))
        for r in table
    ]
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
