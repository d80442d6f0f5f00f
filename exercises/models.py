"""Typed, frozen models of exercise content.

These are the contract between the parser (which builds them from markdown), the screens (which
pick a widget by `Step.kind`) and the plan compiler (which follows `Step.feeds`). Nothing here knows
Textual.

Answer values, by step kind (what the store keeps in `Answer.value`):

- read: no answer (the step is only shown or read aloud)
- text: ``str``
- list: ``list[str]``
- table: ``list[dict[str, str]]`` keyed by column id
- choice: ``str`` (single) or ``list[str]`` (``multiple``)
- scale: ``int``
- timed: ``dict`` with ``pattern`` (pattern id), ``cycles`` (int), ``completed`` (int cycles
  finished) and, for a custom pattern, ``phases`` (list of ``{"label": str, "seconds": int}``)
"""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from store.records import SessionMode


class Frozen(BaseModel):
    """Base for content models: immutable, and unknown fields are an error."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class StepKind(StrEnum):
    READ = "read"
    TEXT = "text"
    LIST = "list"
    TABLE = "table"
    CHOICE = "choice"
    SCALE = "scale"
    TIMED = "timed"


class Option(Frozen):
    """One option of a choice step or a choice column.

    `symbol` and `word` make sure meaning never rests on colour alone (a traffic light is
    "● GREEN", "▲ AMBER", "■ RED"); `tone` is a colour hint the theme may use.
    """

    value: str
    label: str
    symbol: str = ""
    description: str = ""
    tone: Literal["", "green", "amber", "red"] = ""
    #: choosing this option opens a follow-up on the client (Keep Safe "clear concern").
    opens_follow_up: bool = False
    #: choosing this option offers to open one, and the practitioner decides (Wellbeing Traffic
    #: Light "red").
    proposes_follow_up: bool = False
    #: false for an option whose label is not words anyone said ("Something in my own words",
    #: which points to the next step): plans leave it out rather than print it as the answer.
    in_plan: bool = True


class Column(Frozen):
    """A typed column of a table step."""

    id: str
    label: str
    type: Literal["text", "choice", "date"] = "text"
    options: tuple[Option, ...] = ()
    max_length: int = 500
    #: how a cell reads in a plan, in the answer's voice, with `{}` for the cell ("I feel {},").
    #: A row is its cells' phrases in column order; a blank cell leaves its phrase out. Without
    #: a phrase a cell reads "Label: value.".
    phrase: str = ""

    def reads(self, value: str) -> str:
        """`value` in this column's phrase."""
        return self.phrase.replace("{}", value) if self.phrase else f"{self.label}: {value}."


class Phase(Frozen):
    """One phase of a timed pattern: what to do, for how long."""

    label: str
    seconds: int = Field(ge=1, le=600)
    #: what the practitioner says aloud at the start of the phase (phone sessions).
    cue: str = ""


class Pattern(Frozen):
    """A named sequence of phases, repeated for a number of cycles."""

    id: str
    label: str
    phases: tuple[Phase, ...]


class RowRule(Frozen):
    """A soft check on a table: warn (never block) unless some row has `column` equal to `value`.

    Scoped by `when_column`/`when_value` when given (e.g. only rows at the crisis level).
    """

    column: str
    value: str
    message: str
    when_column: str = ""
    when_value: str = ""


class RowsFrom(Frozen):
    """Where a table's first rows come from: one row per item of an earlier list step's answer,
    the item written in `column` (Identify: each concern just listed starts a row)."""

    step: str
    column: str


class Step(Frozen):
    """One step of an exercise."""

    id: str
    kind: StepKind
    title: str
    #: markdown prompt shown to the practitioner (and read aloud where `aloud`).
    body: str = ""
    #: the step is a script to be read aloud: shown prominently in phone sessions.
    aloud: bool = False
    #: guidance for the practitioner only: shown apart from the prompt, never read aloud.
    guidance: str = ""
    #: whose words the answer is: the client's, or the practitioner's judgement (a Keep Safe
    #: concern level). Stored with the answer and shown as such. On a read step, whose text it
    #: is: "practitioner" is guidance for the practitioner alone (never aloud).
    voice: Literal["client", "practitioner"] = "client"
    #: plan sections this answer feeds, as "PLAN.SECTION" (e.g. "wellbeing.traffic-light").
    feeds: tuple[str, ...] = ()
    optional: bool = False
    #: the answer may be marked as a disclosure, which opens a follow-up.
    disclosure: bool = False
    #: the answer records practice in the session (the things seen in 5-4-3-2-1, distress
    #: before and after breathing), not a strategy: plans leave it out of their sections.
    practice: bool = False
    #: a named series this answer belongs to, shown as a trend on the dashboard
    #: (e.g. "wellbeing-level", "distress-before", "distress-after"). Content decides, not screens.
    trend: str = ""
    #: the traffic-light level this step is about: a plan shows a section's items of each level
    #: side by side, always Green, Amber, Red (a reading of one day, a `trend`, is never in a plan).
    tone: Literal["", "green", "amber", "red"] = ""
    #: line of the step's heading in its source file (for error messages).
    line: int = 0
    max_length: int = 2000
    # choice
    options: tuple[Option, ...] = ()
    multiple: bool = False
    #: an earlier list step whose items are offered as options, before `options`
    options_from: str = ""
    # list
    min_items: int = 0
    max_items: int = 20
    # table
    columns: tuple[Column, ...] = ()
    #: the earlier list step whose items start the table's rows, and the column they go in
    rows_from: RowsFrom | None = None
    max_rows: int = 50
    rules: tuple[RowRule, ...] = ()
    # scale
    scale_min: int = 0
    scale_max: int = 10
    low_label: str = ""
    high_label: str = ""
    # timed
    patterns: tuple[Pattern, ...] = ()
    cycles: int = Field(default=4, ge=1, le=50)
    allow_custom: bool = False

    @property
    def answerable(self) -> bool:
        return self.kind is not StepKind.READ

    @property
    def takes_from(self) -> str:
        """The id of the earlier step this one takes its rows or options from ("" for none)."""
        return self.rows_from.step if self.rows_from is not None else self.options_from


class Reference(Frozen):
    """A pointer into programme materials (the guide's left-hand column).

    `directory` names the interventions directory entry it is about, by id, where there is one
    (a reference that names an entry's name is matched to it without this)."""

    text: str
    directory: str = ""


class Exercise(Frozen):
    """An exercise: front matter plus ordered steps."""

    id: str
    title: str
    pack: str = "wellbeing"
    #: the guide step: one a plan template says feeds it (`PlanTraits.guide_steps`): 1-4 (the
    #: Wellbeing Plan's), or a slug such as "keep-safe" (practitioner-led Keep Safe work).
    guide_step: int | str
    area: str
    minutes: int = Field(ge=1, le=240)
    modes: tuple[SessionMode, ...]  # the ways of holding a session it suits
    references: tuple[Reference, ...] = ()
    source: str
    summary: str = ""
    #: what a contact record says was done, in the past tense and without what was said
    #: ("Went through his green, amber and red signs and what he will do at each.").
    recorded_as: str = ""
    #: practitioner-led (Keep Safe) exercises are not shown to the client or printed as worksheets.
    practitioner_only: bool = False
    #: position within its guide step (lower first); ties are ordered by title.
    order: int = Field(default=0, ge=0, le=9999)
    steps: tuple[Step, ...]
    path: str = ""

    def step(self, step_id: str) -> Step | None:
        return next((s for s in self.steps if s.id == step_id), None)

    @property
    def answerable_steps(self) -> tuple[Step, ...]:
        return tuple(s for s in self.steps if s.answerable)
