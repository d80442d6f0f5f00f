"""The plan sections an answer may feed, and the guide steps an exercise may belong to, read from
the plan templates (content, not code).

Ids read `PLAN.SECTION`. A content pack that adds a section to its own `plans/<kind>.md`, or a
whole plan as a new file, can feed it at once; a typo in a `feeds` list is still caught by
`wellbeing content check`.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path


def plan_of(section: str) -> str:
    """The plan a section id belongs to ("wellbeing.goals" -> "wellbeing")."""
    return section.split(".", 1)[0]


def plan_sections(extra_dirs: Iterable[Path] = ()) -> dict[str, str]:
    """Section id -> title, for every answer section of every plan template, in plan order.

    A template that does not load contributes nothing here; `content check` reports it.
    """
    from exercises.plan_templates import plan_templates

    sections: dict[str, str] = {}
    for template in plan_templates(extra_dirs):
        for section in template.sections:
            if not section.fixed:
                sections[section.id] = section.title
    return sections


def guide_steps(extra_dirs: Iterable[Path] = ()) -> dict[int | str, str]:
    """Guide step -> what the content list calls it, for every step a plan template says feeds
    it, in plan order (the shipped ones: 1, 2, 3, 4 and keep-safe)."""
    from exercises.plan_templates import plan_templates

    steps: dict[int | str, str] = {}
    for template in plan_templates(extra_dirs):
        for step, words in template.guide_steps.items():
            steps.setdefault(step, words)
    return steps


def step_labels(extra_dirs: Iterable[Path] = ()) -> dict[int | str, str]:
    """Guide step -> its short label beside an exercise ("Step 2"; a named step: what its plan
    template calls the work, "Keep Safe")."""
    from exercises.plan_templates import plan_templates

    labels: dict[int | str, str] = {}
    for template in plan_templates(extra_dirs):
        for step in template.guide_steps:
            labels.setdefault(step, f"Step {step}" if isinstance(step, int) else template.work_name)
    return labels
