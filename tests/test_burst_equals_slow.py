"""Burst equals slow (issue 22): a key script typed in one read comes out as the same keys typed
one at a time.

Each script is generated from the shipped content for one step kind (text, list, table rows,
choice, scale, date, timed): a client found and opened (search, the cursor, or added through the
form), dialogs opened and closed (help, the new session, the privacy check, a follow-up, ending
the session), the exercise walked with Tab, shift+Tab, Enter, ctrl+o, ctrl+n, ctrl+b, Escape,
ctrl+s. It runs through the real App twice, on copies of the same data: once a key at a time,
each after the app has settled; once with every key posted before the app runs, as one read
from a slow link brings them. What was saved and what is on the screen must be the same.

`python -m tests.key_scripts --help` runs many more (the soak).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.key_scripts import IN_A_TERMINAL, TARGETS, Outcome, Script, generate, make_data, replay

#: every kind is typed slowly and in one burst in each run: here the kinds that are not typed in a
#: real terminal (tests/test_burst_tmux.py types the rest, whose scripts between them press every
#: key the scripts of all kinds do); `make soak` types many more scripts of every kind here
KINDS = tuple(kind for kind in TARGETS if kind not in IN_A_TERMINAL)
SEEDS = (1,)


def differences(slow: Outcome, burst: Outcome) -> list[str]:
    found = []
    for name in ("answers", "notes", "follow_ups", "told"):
        a, b = getattr(slow, name), getattr(burst, name)
        if a != b:
            found.append(f"{name}:\n  slow : {a}\n  burst: {b}")
    if slow.screen != burst.screen:
        lines = [
            f"  line {i}:\n    slow : {a.rstrip()}\n    burst: {b.rstrip()}"
            for i, (a, b) in enumerate(
                zip(slow.screen.splitlines(), burst.screen.splitlines(), strict=False)
            )
            if a != b
        ]
        found.append("screen:\n" + "\n".join(lines))
    return found


async def check(script: Script, data: Path) -> None:
    slow = await replay(script, data, "slow")
    burst = await replay(script, data, "burst")
    found = differences(slow, burst)
    assert not found, f"{script}\n" + "\n".join(found)
    assert slow.answers, f"{script}\nthe script saved nothing: it never reached a step"


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("kind", KINDS)
async def test_a_burst_comes_out_as_slow_typing(tmp_path: Path, kind: str, seed: int) -> None:
    await check(generate(kind, seed), make_data(tmp_path / "data"))
