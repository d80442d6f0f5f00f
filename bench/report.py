"""The figures of one `make bench` run as markdown, for the READMEs: `python bench/report.py
[bench/results.json]`. Both READMEs show this output of one run, with its date, never a pick of
several runs' best."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any


def _cells(row: dict[str, Any]) -> str:
    verdict = {True: "pass", False: "MISS", None: "-"}[row["pass"]]
    cells = [row["figure"], row["measured"], row["target"], row["baseline"], verdict]
    return "| " + " | ".join(str(c).replace("|", "/") for c in cells) + " |"


def report(result: dict[str, Any]) -> str:
    machine = result.get("machine", {})
    lines = [
        f"One run of `{result.get('command', 'bench/run.py')}` on {result.get('date', '?')}"
        f" (Python {machine.get('python', '?')}, {machine.get('cpus', '?')} cores, load average"
        f" at its start {machine.get('load', '?')}):",
        "",
        "| figure | measured | target | baseline (same run) | |",
        "|---|---|---|---|---|",
        *(_cells(r) for r in result["table"]),
    ]
    missed = [r["figure"] for r in result["table"] if r["pass"] is False]
    lines += ["", f"Missed: {'; '.join(missed)}." if missed else "Nothing missed."]
    return "\n".join(lines)


if __name__ == "__main__":
    path = Path(sys.argv[1] if len(sys.argv) > 1 else "bench/results.json")
    print(report(json.loads(path.read_text())))
