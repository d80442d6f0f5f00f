"""Key scripts a practitioner could type, generated from the content, and two ways to replay them.

A script starts at the client list and walks what a session is: find a client (search, or the
cursor) and open them, a dialog or two, a new session with an exercise picked, the privacy check,
then the exercise's steps, answering the one under test with the keys its kind takes (text, list
items, table rows and dates, a choice, a scale, the timer), moving on, back, out and in again.

`replay` runs a script through the real App in Pilot: `slow` posts one key at a time, each once
the app has settled; `burst` posts every key before the app runs at all, as one read from a slow
link brings them. Both end with what was saved (the client's file) and what is on the screen,
which must come out the same.
"""

from __future__ import annotations

import asyncio
import random
import re
import shutil
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from textual import events
from textual.app import App
from textual.keys import _character_to_key

from exercises.library import load_library
from exercises.models import Exercise, Step
from screens.exercise import resume_index
from store.clients import Repository
from store.profile import Client
from tests.settling import settled
from tui.services.timing import FakeClock

#: the day every replay runs on (the screens show dates)
TODAY = date(2026, 3, 2)
#: the clients on the list, sorted as the list shows them
CLIENTS = (("C100", "Ana Lane"), ("C200", "Ben Moss"), ("C300", "Cal Reid"))
#: the step kinds the differential covers: each is a shipped exercise and the step in it
TARGETS: dict[str, tuple[tuple[str, str], ...]] = {
    "text": (("treat-a-friend", "friend"), ("live-moment-to-moment", "emotion-name")),
    "list": (("window-of-tolerance", "signs-inside"), ("identify", "concerns")),
    "table": (("good-life-goals", "goals"), ("connection-traffic-light", "contacts")),
    "choice": (("wellbeing-traffic-light", "today"), ("live-moment-to-moment", "emotion-feel")),
    "scale": (("breathing", "distress-before"), ("live-moment-to-moment", "emotion-strength")),
    "date": (("mindfulness-diary", "diary"),),
    "timed": (("breathing", "practice"), ("self-compassion-break", "practice")),
}
WORDS = (
    (
        "losing my job at the warehouse, my mum is ill and I cannot visit her; calmer after "
        "a walk, slept by ten, rang my sister, tight chest, shaky hands, kind words, hope"
    )
    .replace(",", " ,")
    .split()
)
#: keys that are typed as themselves (the rest are names: enter, tab, ctrl+n, ...)
NAMED = {
    "enter",
    "tab",
    "shift+tab",
    "escape",
    "backspace",
    "space",
    "up",
    "down",
    "left",
    "right",
    "f1",
}

#: the kinds typed in a real terminal (tests/test_burst_tmux.py; between them their scripts press
#: every key the scripts of all kinds do, as the escape sequences a terminal sends); the others
#: are typed in Pilot (tests/test_burst_equals_slow.py). Each kind, slowly and in one burst, in
#: every `make test`; `make soak` types many more scripts of every kind in Pilot.
IN_A_TERMINAL = ("text", "list", "choice", "scale")


@dataclass
class Script:
    """The keys, and what they were for (shown when a replay differs)."""

    kind: str
    exercise_id: str
    step_id: str
    seed: int
    keys: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return f"{self.kind}/{self.exercise_id}/{self.step_id} seed {self.seed}: {shown(self.keys)}"


def shown(keys: Iterable[str]) -> str:
    """`abc<tab>de<ctrl+n>`: a script as one line."""
    return "".join(k if len(k) == 1 else f"<{k}>" for k in keys)


class _Builder:
    """Generates a script, keeping just enough of a model (which screen, which step, which steps
    hold an answer) for the keys to be ones a practitioner would press there."""

    def __init__(self, rng: random.Random, exercise: Exercise, target: Step) -> None:
        self.rng = rng
        self.exercise = exercise
        self.target = target
        self.keys: list[str] = []
        self.index = 0
        self.answered: set[str] = set()

    # -- typing --

    def press(self, *keys: str) -> None:
        self.keys.extend(keys)

    def type(self, text: str) -> None:
        self.keys.extend(text)

    def words(self, low: int = 1, high: int = 4) -> str:
        start = self.rng.randrange(len(WORDS))
        n = self.rng.randint(low, high)
        return " ".join(WORDS[(start + i) % len(WORDS)] for i in range(n))

    def maybe(self, p: float) -> bool:
        return self.rng.random() < p

    # -- the way in --

    def open_client(self, how: str) -> None:
        """`search` (/ and part of an ID or name), `cursor` (the arrows), or `add` (a new client
        through the form: Tab between fields, Enter or ctrl+s to save)."""
        cid, name = self.rng.choice(CLIENTS)
        if how == "search":  # now and then with a slip put right
            self.press("slash")
            term = self.rng.choice([cid.lower(), name.split()[0].lower(), name.split()[1][:3]])
            if self.maybe(0.3):
                self.type(term[:-1] + "x")
                self.press("backspace")
                self.type(term[-1])
            else:
                self.type(term)
            self.press("enter", "enter")
        elif how == "cursor":
            row = [c for c, _ in CLIENTS].index(cid)
            self.press(*["down"] * row, "enter")
        else:
            self.press("a")
            self.type(f"N{self.rng.randint(100, 999)}")
            self.press("tab")
            self.type(self.rng.choice(["Jamie Smith", "Dee O'Neill", "Ra"]))
            if self.maybe(0.5):
                self.press("tab")
                self.type(
                    f"19{self.rng.randint(60, 99)}-0{self.rng.randint(1, 9)}-1{self.rng.randint(0, 9)}"
                )
            self.press(self.rng.choice(["enter", "ctrl+s"]))

    def start_session(self) -> None:
        if self.maybe(0.3):
            self.press("f1", "escape")  # help opened and closed
        self.press("n", "tab", "tab")  # the dialog opens at its top; two tabs reach the list
        ids = [e.id for e in load_library([]).exercises]
        at = ids.index(self.exercise.id)
        if self.maybe(0.3):  # another picked, then unpicked
            other = (at + 1) % len(ids)
            self.press(*["down"] * other, "space")
            self.press(*(["up"] * (other - at) if other > at else ["down"] * (at - other)))
            self.press("space")
            self.press(*(["down"] * (other - at) if other > at else ["up"] * (at - other)))
            self.press("space")
            self.press(*(["up"] * (other - at) if other > at else ["down"] * (at - other)))
        else:
            self.press(*["down"] * at, "space")
        self.press("ctrl+s")
        self.press("space", "tab", "space", "tab", "space", "ctrl+s")  # the privacy check
        self.press("enter")  # the exercise, from the session's list

    # -- the steps --

    def to_step(self, index: int) -> None:
        while self.index < index:
            self.leave_step()
            self.press("ctrl+n")
            self.index += 1
        while self.index > index:
            self.press("ctrl+b")
            self.index -= 1

    def leave_step(self) -> None:
        """What may happen on any step before moving on."""
        roll = self.rng.random()
        if roll < 0.15:
            self.press("ctrl+s")
        elif roll < 0.25:
            self.press("f1", "escape")
        elif roll < 0.35 and self.index > 0:
            self.press("ctrl+b", "ctrl+n")

    def answer(self, step: Step, rich: bool) -> None:
        kind = "date" if any(c.type == "date" for c in step.columns) else step.kind.value
        getattr(self, f"_{kind}")(step, rich)

    def _read(self, step: Step, rich: bool) -> None:
        pass

    def _text(self, step: Step, rich: bool) -> None:
        text = self.words(2, 6)
        self.type(text)
        if rich and self.maybe(0.5):
            self.press("enter")  # a new line in the text area
            self.type(self.words())
        if rich and self.maybe(0.4):
            self.press("backspace", "backspace")
            self.type("ok")
        if rich and self.maybe(0.2):
            self.press("ctrl+g")  # marked as a disclosure
        self.answered.add(step.id)

    def _list(self, step: Step, rich: bool) -> None:
        n = self.rng.randint(2, 4) if rich else 1
        for i in range(n):
            self.type(self.words(2, 6))
            if i < n - 1:
                self.press(self.rng.choice(["enter", "enter", "ctrl+o"]))
        if rich and self.maybe(0.4):  # back to the item before, more words, and on again
            self.press("shift+tab")
            self.type(" too")
            self.press("tab")
            self.type(" also")
        if rich and self.maybe(0.2):
            self.press("enter")
            self.press("ctrl+r")  # the empty item just added, removed
        self.answered.add(step.id)

    def _row(self, step: Step) -> None:
        for i, column in enumerate(step.columns):
            if column.type == "date":
                self.type(f"2026-0{self.rng.randint(1, 9)}-{self.rng.randint(10, 28)}")
            elif column.type == "choice":
                self.press(*[self.rng.choice(["space", "right"])] * self.rng.randint(1, 3))
            elif self.maybe(0.8) or i == 0:
                self.type(self.words(1, 4))
            if i < len(step.columns) - 1:
                self.press("tab")

    def _table(self, step: Step, rich: bool) -> None:
        rows = self.rng.randint(2, 3) if rich else 1
        for r in range(rows):
            self._row(step)
            if r < rows - 1:
                self.press("ctrl+o")  # a new row: the keys after it go into it
        if rich and self.maybe(0.3):
            self.press("shift+tab")
            self.type(" then")
        self.answered.add(step.id)

    def _date(self, step: Step, rich: bool) -> None:
        self._table(step, rich)

    def _choice(self, step: Step, rich: bool) -> None:
        n = len(step.options)
        pick = self.rng.randrange(n)
        if rich and self.maybe(0.5):  # wander first
            self.press(*["down"] * self.rng.randrange(n), *["up"] * self.rng.randrange(n))
        self.press(*["up"] * n, *["down"] * pick, self.rng.choice(["enter", "space"]))
        option = step.options[pick]
        if option.proposes_follow_up:
            self.press(self.rng.choice(["y", "n"]))  # the dialog it opens, answered
        self.answered.add(step.id)

    def _scale(self, step: Step, rich: bool) -> None:
        self.type(str(self.rng.randint(step.scale_min, min(step.scale_max, 9))))
        if rich:
            self.press(*[self.rng.choice(["left", "right"])] * self.rng.randint(1, 3))
            if self.maybe(0.4):
                self.type(str(self.rng.randint(0, 9)))
        self.answered.add(step.id)

    def _timed(self, step: Step, rich: bool) -> None:
        if rich and self.maybe(0.5):  # the cycles, in their field, and back to the timer
            self.press("shift+tab", "backspace", "backspace")
            self.type(str(self.rng.randint(2, 6)))
            self.press("tab")
        self.press("s")
        if rich:
            self.press(*self.rng.choice([["p"], ["p", "p"], ["space"], []]))
        self.press("x")
        self.answered.add(step.id)

    # -- out and back in --

    def leave_and_return(self) -> None:
        """Escape out of the exercise to the session, then Enter back in: where it resumes."""
        self.press("escape", "enter")
        self.index = resume_index(self.exercise, self.answered)

    def session_notes(self) -> None:
        self.press("escape", "ctrl+o")
        self.type(self.words(2, 5))

    def end_session(self) -> None:
        """ctrl+e on the session: the dialog about unanswered steps, answered."""
        self.press("escape", "ctrl+e", self.rng.choice(["y", "n", "escape"]))


OPENINGS = ("search", "cursor", "add")


def generate(kind: str, seed: int, which: int | None = None) -> Script:
    """A script for step kind `kind` (a key of TARGETS), from `seed`: each seed takes the
    kind's targets and the ways to open a client in turn."""
    rng = random.Random(f"{kind}/{seed}")
    targets = TARGETS[kind]
    exercise_id, step_id = targets[which if which is not None else seed % len(targets)]
    exercise = load_library([]).get(exercise_id)
    assert exercise is not None
    target_index = next(i for i, s in enumerate(exercise.steps) if s.id == step_id)
    b = _Builder(rng, exercise, exercise.steps[target_index])
    b.open_client(OPENINGS[(list(TARGETS).index(kind) + seed) % len(OPENINGS)])
    b.start_session()
    # the steps before the target: some answered briefly, some passed
    for i in range(target_index):
        b.to_step(i)
        if exercise.steps[i].answerable and b.maybe(0.3):
            b.answer(exercise.steps[i], rich=False)
    b.to_step(target_index)
    b.answer(exercise.steps[target_index], rich=True)
    if b.maybe(0.4):
        b.leave_and_return()
        b.to_step(target_index)
        b.answer(exercise.steps[target_index], rich=False)
    if target_index + 1 < len(exercise.steps) and b.maybe(0.5):
        b.leave_step()
        b.press("ctrl+n")
        b.index += 1
        if exercise.steps[b.index].answerable:
            b.answer(exercise.steps[b.index], rich=False)
    ending = rng.random()
    if ending < 0.35:
        b.session_notes()
    elif ending < 0.6:
        b.end_session()
    return Script(kind, exercise_id, step_id, seed, b.keys)


# -- replaying in Pilot ---------------------------------------------------------------------------


def make_data(path: Path) -> Path:
    """A data dir with the clients of CLIENTS and nothing else."""
    repo = Repository(path, user="pat")
    repo.ensure()
    for cid, name in CLIENTS:
        repo.add_client(Client(id=cid, name=name))
    return path


def key_event(key: str) -> events.Key:
    """The event Textual's driver makes for `key` (a character, or a key's name), as its parser
    makes it from what the terminal sent."""
    if len(key) == 1:
        return events.Key(key if key.isalnum() else _character_to_key(key), key)
    control = {"enter": "\r", "tab": "\t", "escape": "\x1b", "backspace": "\x7f", "space": " "}
    control["slash"] = "/"
    if key in control:
        return events.Key(key, control[key])
    if key.startswith("ctrl+") and len(key) == 6:
        return events.Key(key, chr(ord(key[-1]) - ord("a") + 1))
    return events.Key(key, None)


def screen_text(app: App[Any]) -> str:
    """The characters on the screen, without styling, a line each."""
    update = app.screen._compositor.render_update(full=True)
    assert update is not None
    output = update.render_segments(app.console)
    text = re.sub(r"\x1b\[[0-9;:?]*[A-Za-z]", "", output)
    return masked(text)


def masked(screen: str) -> str:
    """A screen with its clock times as hh:mm: a slow run ends a minute after a burst may (a
    session's start and end shown on the contact record), and that is no difference of keys."""
    return re.sub(r"\b\d{2}:\d{2}\b", "hh:mm", screen)


@dataclass
class Outcome:
    answers: dict[tuple[str, str], tuple[Any, bool]]
    notes: list[str]
    follow_ups: list[tuple[str, str]]
    screen: str
    told: list[str]


def record_of(data: Path) -> tuple[dict[Any, Any], list[str], list[Any]]:
    answers: dict[tuple[str, str], tuple[Any, bool]] = {}
    notes: list[str] = []
    follow_ups: list[tuple[str, str]] = []
    repo = Repository(data, user="pat")
    clients, problems = repo.list_clients()
    assert not problems, problems
    for cid in sorted(c.id for c in clients):
        with repo.read(cid) as cf:
            for a in cf.answers():
                answers[(f"{cid}/{a.exercise_id}", a.step_id)] = (a.value, a.disclosure)
            notes += [s.notes for s in cf.sessions() if s.notes]
            follow_ups += [(f.exercise_id, f.step_id) for f in cf.follow_ups()]
    return answers, notes, sorted(follow_ups)


async def replay(script: Script | list[str], data: Path, mode: str) -> Outcome:
    """Run the keys through the real App on a copy of `data`: `slow` or `burst`."""
    from tui.services.config import Config
    from tui.services.context import Context
    from tui.shell.app import WellbeingApp

    keys = script.keys if isinstance(script, Script) else script
    work = data.parent / "replay" / data.name  # one path for both: the list's header shows it
    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(data, work)
    ctx = Context(config=Config(privacy_check=True, idle_minutes=0), data_dir=work)
    app = WellbeingApp(ctx, clock=FakeClock(), today=lambda: TODAY)
    told: list[str] = []
    notify = app.notify

    def remember(message: str, **kw: Any) -> None:
        told.append(message)
        notify(message, **kw)

    app.notify = remember  # type: ignore[method-assign]
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await settled(app, pilot)
        if mode == "burst":
            for key in keys:  # all queued before the app runs: one read
                app.post_message(key_event(key))
        else:
            for key in keys:
                app.post_message(key_event(key))
                await settled(app, pilot)
        await settled(app, pilot)
        app.saver.flush()
        await settled(app, pilot)
        app.clear_notifications()
        await settled(app, pilot)
        screen = screen_text(app)
    answers, notes, follow_ups = record_of(work)
    return Outcome(answers, notes, follow_ups, screen, told)


# -- replaying in a real terminal -----------------------------------------------------------------

_TMUX_NAMES = {
    "enter": "Enter",
    "tab": "Tab",
    "shift+tab": "BTab",
    "escape": "Escape",
    "backspace": "BSpace",
    "space": "Space",
    "up": "Up",
    "down": "Down",
    "left": "Left",
    "right": "Right",
    "f1": "F1",
    "slash": "/",
}
#: words tmux would read as a key's name rather than as text
_TMUX_KEYWORDS = {
    "up", "down", "left", "right", "enter", "tab", "btab", "space", "escape", "bspace", "home",
    "end", "ic", "dc", "npage", "ppage", "pgup", "pgdn", "any",
}  # fmt: skip


def tmux_keys(keys: Iterable[str]) -> list[str]:
    """The script as `tmux send-keys` arguments, for one send-keys of it all: runs of characters
    as text (a `;` that ends one escaped, or tmux reads it as the end of a command), named keys
    by tmux's names (C-n, BTab, ...)."""
    args: list[str] = []
    run = ""

    def flush() -> None:
        nonlocal run
        if run:
            parts = list(run) if run.casefold() in _TMUX_KEYWORDS or "-" in run[:1] else [run]
            args.extend(p[:-1] + "\\;" if p.endswith(";") else p for p in parts)
        run = ""

    for key in keys:
        if len(key) == 1:
            run += key
            continue
        flush()
        if key in _TMUX_NAMES:
            args.append(_TMUX_NAMES[key])
        elif key.startswith("ctrl+") and len(key) == 6:
            args.append(f"C-{key[-1]}")
        else:
            raise ValueError(f"no tmux name for {key!r}")
    flush()
    return args


def soak(until: float, kinds: list[str] | None = None, first_seed: int = 100) -> int:
    """Scripts of every kind, seed after seed, slow and in one burst, until `until` (monotonic):
    prints each difference and the totals; 1 when any script differed."""
    import os
    import tempfile
    import time

    kinds = kinds or list(TARGETS)
    with tempfile.TemporaryDirectory(prefix="key-soak-") as tmp:
        base = Path(tmp)
        os.environ.setdefault("WELLBEING_STATE_DIR", str(base / "state"))
        os.environ.setdefault("WELLBEING_CONFIG", str(base / "none.toml"))
        data = make_data(base / "template" / "data")
        runs = keys = 0
        failures: list[str] = []
        seed = first_seed
        while time.monotonic() < until:
            for kind in kinds:
                if time.monotonic() >= until:
                    break
                script = generate(kind, seed)
                slow = asyncio.run(replay(script, data, "slow"))
                fast = asyncio.run(replay(script, data, "burst"))
                runs += 1
                keys += len(script.keys)
                same = all(
                    getattr(slow, n) == getattr(fast, n)
                    for n in ("answers", "notes", "follow_ups", "told", "screen")
                )
                if not same:
                    failures.append(str(script))
                    print(f"keys: DIFFERENT: {script}", flush=True)
            seed += 1
            print(f"keys: {runs} scripts ({keys} keys) so far", flush=True)
        print(
            f"keys: {runs} scripts ({keys} keys) replayed slow and in one burst; "
            f"{len(failures)} differed"
        )
    return 1 if failures else 0


def main(argv: list[str] | None = None) -> int:
    """The key soak alone: `python -m tests.key_scripts --seconds N`."""
    import argparse
    import time

    parser = argparse.ArgumentParser(
        prog="python -m tests.key_scripts",
        description="Replay generated key scripts slow and in one burst; report any difference.",
    )
    parser.add_argument("--seconds", type=float, default=600.0, help="time budget (600)")
    parser.add_argument("--kinds", default=",".join(TARGETS), help="step kinds, comma-separated")
    parser.add_argument("--first-seed", type=int, default=100, help="seeds from here (100)")
    args = parser.parse_args(argv)
    kinds = [k for k in args.kinds.split(",") if k]
    unknown = [k for k in kinds if k not in TARGETS]
    if unknown:
        parser.error(f"unknown kind(s): {', '.join(unknown)}; known: {', '.join(TARGETS)}")
    return soak(time.monotonic() + args.seconds, kinds, args.first_seed)


if __name__ == "__main__":
    raise SystemExit(main())
