"""The clock behind timed steps (breathing patterns, guided pauses), with no Textual in it.

A `PhaseTimer` is told a sequence of phases, a number of cycles and a `Clock`; asked at any moment,
it says which phase is running, how many seconds are left in it, which cycle this is and what the
practitioner should say next. It keeps no thread and no timer of its own: the widget asks it once a
second, and tests move a `FakeClock` instead of sleeping through a breathing cycle.
"""

from __future__ import annotations

import math
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from exercises.models import Phase

CUSTOM_PATTERN_ID = "custom"
MAX_CUSTOM_PHASES = 12
MAX_PHASE_SECONDS = 600
MAX_LABEL = 30

# Short words a practitioner may type for a custom pattern, and what the screen says for them.
_WORDS = {
    "in": "Breathe in",
    "inhale": "Breathe in",
    "out": "Breathe out",
    "exhale": "Breathe out",
    "hold": "Hold",
    "pause": "Pause",
    "rest": "Rest",
}


class Clock(Protocol):
    """Anything that tells the time in seconds (only differences matter)."""

    def now(self) -> float: ...


class MonotonicClock:
    """The real clock: `time.monotonic`, immune to the wall clock being changed."""

    def now(self) -> float:
        return time.monotonic()


class FakeClock:
    """A clock that moves only when told to, for tests."""

    def __init__(self, start: float = 1000.0):
        self._t = start

    def now(self) -> float:
        return self._t

    def advance(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError("a clock cannot go backwards")
        self._t += seconds


class TimerState(StrEnum):
    READY = "ready"
    RUNNING = "running"
    PAUSED = "paused"
    STOPPED = "stopped"
    FINISHED = "finished"


@dataclass(frozen=True)
class TimerStatus:
    """What the timer says at one moment."""

    state: TimerState
    #: index of the current phase within the pattern (0 before start).
    phase_index: int
    phase_label: str
    #: whole seconds left in the current phase, rounded up (0 when finished).
    seconds_left: int
    #: the cycle in progress, 1-based (the last cycle once finished).
    cycle: int
    cycles: int
    #: cycles fully completed.
    completed: int
    #: what to say aloud now, for the current phase ("" when not running).
    cue: str
    #: what to say aloud at the start of the next phase ("" when nothing follows).
    next_cue: str

    @property
    def progress(self) -> str:
        return f"Cycle {self.cycle} of {self.cycles}"


def cue_for(phase: Phase) -> str:
    """The line to say for a phase: its cue, or else its label and length."""
    return phase.cue or f"{phase.label} for {phase.seconds}"


class PhaseTimer:
    """A pausable countdown through `phases`, repeated `cycles` times."""

    def __init__(self, phases: Sequence[Phase], cycles: int, clock: Clock):
        if not phases:
            raise ValueError("a timed pattern needs at least one phase")
        if cycles < 1:
            raise ValueError("cycles must be at least 1")
        self.phases = tuple(phases)
        self.cycles = cycles
        self.clock = clock
        self.cycle_seconds = sum(p.seconds for p in self.phases)
        self._state = TimerState.READY
        self._elapsed = 0.0  # running time banked before the current run
        self._started_at: float | None = None  # clock time the current run began

    @property
    def total_seconds(self) -> int:
        return self.cycle_seconds * self.cycles

    def elapsed(self) -> float:
        """Seconds spent running (pauses excluded), capped at the total."""
        running = 0.0
        if self._started_at is not None:
            running = max(0.0, self.clock.now() - self._started_at)
        return min(self._elapsed + running, float(self.total_seconds))

    @property
    def state(self) -> TimerState:
        if self._state is TimerState.RUNNING and self.elapsed() >= self.total_seconds:
            self._bank()
            self._state = TimerState.FINISHED
        return self._state

    # -- controls --

    def start(self) -> None:
        """Start from the beginning (from ready, stopped or finished); resume when paused."""
        state = self.state
        if state is TimerState.PAUSED:
            self.resume()
            return
        if state is TimerState.RUNNING:
            return
        self._elapsed = 0.0
        self._started_at = self.clock.now()
        self._state = TimerState.RUNNING

    def pause(self) -> None:
        if self.state is TimerState.RUNNING:
            self._bank()
            self._state = TimerState.PAUSED

    def resume(self) -> None:
        if self.state is TimerState.PAUSED:
            self._started_at = self.clock.now()
            self._state = TimerState.RUNNING

    def toggle(self) -> None:
        """Start when ready/stopped/finished, pause when running, resume when paused."""
        if self.state is TimerState.RUNNING:
            self.pause()
        else:
            self.start()

    def stop(self) -> None:
        if self.state in (TimerState.RUNNING, TimerState.PAUSED):
            self._bank()
            self._state = TimerState.STOPPED

    def _bank(self) -> None:
        self._elapsed = self.elapsed()
        self._started_at = None

    # -- reading --

    def status(self) -> TimerStatus:
        state = self.state
        elapsed = self.elapsed()
        completed = min(int(elapsed // self.cycle_seconds), self.cycles)
        if state is TimerState.READY:
            first = self.phases[0]
            return TimerStatus(
                state, 0, first.label, first.seconds, 1, self.cycles, 0, "", cue_for(first)
            )
        if state is TimerState.FINISHED:
            last = self.phases[-1]
            return TimerStatus(
                state,
                len(self.phases) - 1,
                last.label,
                0,
                self.cycles,
                self.cycles,
                self.cycles,
                "",
                "",
            )
        cycle_index = min(int(elapsed // self.cycle_seconds), self.cycles - 1)
        within = elapsed - cycle_index * self.cycle_seconds
        end = 0
        index = len(self.phases) - 1
        for i, phase in enumerate(self.phases):
            end += phase.seconds
            if within < end:
                index = i
                break
        phase = self.phases[index]
        left = max(0, math.ceil(end - within - 1e-9))
        last_phase = index == len(self.phases) - 1
        if last_phase and cycle_index == self.cycles - 1:
            next_cue = ""
        else:
            next_cue = cue_for(self.phases[0 if last_phase else index + 1])
        running = state in (TimerState.RUNNING, TimerState.PAUSED)
        return TimerStatus(
            state,
            index,
            phase.label,
            left,
            cycle_index + 1,
            self.cycles,
            completed,
            cue_for(phase) if running else "",
            next_cue if running else "",
        )


def parse_custom(text: str) -> tuple[Phase, ...]:
    """Phases typed as "in 4, hold 4, out 6": a label then whole seconds, separated by commas.

    Raises ValueError with a message to show when the text cannot be read.
    """
    parts = [p.strip() for p in re.split(r"[,;\n]", text) if p.strip()]
    if not parts:
        raise ValueError('type phases as a word and seconds, e.g. "in 4, hold 4, out 6"')
    if len(parts) > MAX_CUSTOM_PHASES:
        raise ValueError(f"at most {MAX_CUSTOM_PHASES} phases")
    phases = []
    for part in parts:
        m = re.fullmatch(r"(.+?)\s*(\d+)\s*(?:s|sec|secs|seconds?)?", part, re.IGNORECASE)
        if m is None:
            raise ValueError(f'"{part[:20]}" needs a word and a number of seconds, e.g. "in 4"')
        word = " ".join(m.group(1).split())
        seconds = int(m.group(2))
        if not 1 <= seconds <= MAX_PHASE_SECONDS:
            raise ValueError(f'"{part[:20]}": seconds must be 1 to {MAX_PHASE_SECONDS}')
        label = _WORDS.get(word.lower(), word[:1].upper() + word[1:])[:MAX_LABEL]
        phases.append(Phase(label=label, seconds=seconds))
    return tuple(phases)


def describe_phases(phases: Sequence[Phase]) -> str:
    """ "Breathe in 4 · Hold 4 · Breathe out 6": a one-line summary of a pattern."""
    return " · ".join(f"{p.label} {p.seconds}" for p in phases)
