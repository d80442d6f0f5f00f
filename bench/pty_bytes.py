"""Bytes sent to the terminal, measured in a real pseudo-terminal (issues 5 and 8).

- per keystroke while typing an answer into a text step of the app (`--low-bandwidth`), against a
  plain Textual `Input` (cursor blink off) typed the same way in the same run;
- while idle for 10 s on that text step in `--low-bandwidth` mode (target: zero), and the same for
  the plain `Input`.

Standalone: `python bench/pty_bytes.py [--json FILE] [--idle SECONDS] [--keys N]`. It builds its
own throwaway data dir with one client whose session is in progress on a text step.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.datagen import TYPING_ID, make_typing_client  # noqa: E402
from tests.pty_app import PtyApp  # noqa: E402

TEXT = "walking by the canal"
STEP_TITLE = b"When I am struggling"


def isolated_env(base: Path) -> dict[str, str]:
    """Config, logs and data under `base`, nothing from the user's own setup."""
    for name in ("config", "state", "home"):
        (base / name).mkdir(parents=True, exist_ok=True, mode=0o700)
    return {
        "WELLBEING_CONFIG": str(base / "config" / "config.toml"),
        "WELLBEING_STATE_DIR": str(base / "state"),
        "HOME": str(base / "home"),
        "XDG_CONFIG_HOME": str(base / "config"),
        "XDG_STATE_HOME": str(base / "state"),
        "SSH_CONNECTION": "",
        "NO_COLOR": "",
    }


_ESCAPES = re.compile(rb"\x1b(?:\[[0-9;?<>=$]*[ -/]*[@-~]|\][^\x07]*\x07|[()][A-Z0-9]|[=>])")


def screen_text(data: bytes) -> bytes:
    """Terminal output with the escape sequences removed (text split by styling joins up)."""
    return _ESCAPES.sub(b"", data)


def wait_text(app: PtyApp, needle: bytes, timeout: float = 30.0) -> bool:
    """Read until `needle` appears in the text sent so far (escapes removed), or time out."""
    end = time.monotonic() + timeout
    while needle not in screen_text(bytes(app.output[-200_000:])):
        if time.monotonic() > end or app.proc.poll() is not None:
            return False
        app.read_available(0.05)  # back as soon as anything arrives: no polling delay
    return True


def _type(app: PtyApp, text: str, quiet: float = 0.6) -> list[int]:
    """Send one key at a time; after each, read until the terminal has been quiet for `quiet`."""
    counts = []
    for ch in text:
        app.send(ch)
        got = 0
        while True:
            chunk = app.read(quiet)
            if not chunk:
                break
            got += len(chunk)
        counts.append(got)
    return counts


def _figures(counts: list[int], idle: bytes, seconds: float) -> dict[str, Any]:
    return {
        "keystrokes": len(counts),
        "bytes_per_key_median": statistics.median(counts),
        "bytes_per_key_mean": round(statistics.fmean(counts), 1),
        "bytes_per_key_max": max(counts),
        "idle_seconds": seconds,
        "idle_bytes": len(idle),
    }


def measure_app(base: Path, text: str, idle_seconds: float) -> dict[str, Any]:
    """The real app: resume the session, land on the text step, type, then sit idle."""
    data_dir = base / "data"
    (data_dir / "clients").mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(data_dir, 0o700)
    make_typing_client(data_dir / "clients", None, date.today())
    app = PtyApp(
        ["--data-dir", str(data_dir), "--client", TYPING_ID, "--low-bandwidth"],
        env=isolated_env(base),
    )
    try:
        if not wait_text(app, b"Resume"):
            raise RuntimeError("the dashboard did not appear")
        app.settle(0.5)
        app.send("r")
        if not wait_text(app, b"Treat"):
            raise RuntimeError("the session screen did not appear")
        app.settle(0.5)
        app.send("\r")
        if not wait_text(app, STEP_TITLE):
            raise RuntimeError("the text step did not appear")
        app.settle(1.0)
        counts = _type(app, text)
        app.settle(1.5)  # the debounced save and its "saved" mark
        idle = app.read(idle_seconds)
        return _figures(counts, idle, idle_seconds)
    finally:
        app.close()


def measure_plain(base: Path, text: str, idle_seconds: float) -> dict[str, Any]:
    """The baseline: a plain Textual Input, typed the same way."""
    app = PtyApp(
        [],
        argv0=[sys.executable, str(ROOT / "bench" / "plain_input_app.py")],
        env=isolated_env(base),
    )
    try:
        if not wait_text(app, b"Plain input ready"):
            raise RuntimeError("the plain Input app did not start")
        app.settle(1.0)
        counts = _type(app, text)
        app.settle(1.0)
        idle = app.read(idle_seconds)
        return _figures(counts, idle, idle_seconds)
    finally:
        app.close()


def measure(text: str = TEXT, idle_seconds: float = 10.0) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="wellbeing-pty-") as tmp:
        base = Path(tmp)
        plain = measure_plain(base / "plain", text, idle_seconds)
        app = measure_app(base / "app", text, idle_seconds)
    return {
        "app": app,
        "plain_input": plain,
        "ratio_per_key": round(
            app["bytes_per_key_median"] / max(plain["bytes_per_key_median"], 1), 2
        ),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--idle", type=float, default=10.0, help="idle seconds (default 10)")
    parser.add_argument("--keys", type=int, default=len(TEXT), help="keystrokes to send")
    args = parser.parse_args(argv)
    text = (TEXT * (args.keys // len(TEXT) + 1))[: args.keys]
    result = measure(text, args.idle)
    app, plain = result["app"], result["plain_input"]
    print(f"{'':32}{'app (--low-bandwidth)':>24}{'plain Textual Input':>22}")
    for label, key in (
        ("bytes per keystroke (median)", "bytes_per_key_median"),
        ("bytes per keystroke (mean)", "bytes_per_key_mean"),
        ("bytes per keystroke (max)", "bytes_per_key_max"),
        (f"bytes while idle {args.idle:g} s", "idle_bytes"),
    ):
        print(f"{label:32}{app[key]:>24}{plain[key]:>22}")
    ok_keys = app["bytes_per_key_median"] <= plain["bytes_per_key_median"]
    ok_idle = app["idle_bytes"] == 0
    print(
        f"per keystroke within the plain Input: {'pass' if ok_keys else 'MISS'}; "
        f"idle traffic zero: {'pass' if ok_idle else 'MISS'}"
    )
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
