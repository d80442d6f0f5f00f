"""The plan sections an answer may feed, read from the plan templates (content, not code).

Ids read `PLAN.SECTION`. A content pack that adds a section to its own `plans/<kind>.md` can feed it
at once; a typo in a `feeds` list is still caught by `wellbeing content check`.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from exercises.errors import ContentError

#: the plans, by the prefix of their section ids.
PLANS: tuple[str, ...] = ("wellbeing", "keep-safe")


def plan_of(section: str) -> str:
    """The plan a section id belongs to ("wellbeing.goals" -> "wellbeing")."""
    return section.split(".", 1)[0]


def plan_sections(extra_dirs: Iterable[Path] = ()) -> dict[str, str]:
    """Section id -> title, for every answer section of every plan template, in plan order.

    A template that does not load contributes nothing here; `content check` reports it.
    """
    from exercises.plan_templates import PLAN_KINDS, load_plan_template

    sections: dict[str, str] = {}
    for kind in PLAN_KINDS:
        try:
            template = load_plan_template(kind, list(extra_dirs))
        except ContentError:
            continue
        for section in template.sections:
            if not section.fixed:
                sections[section.id] = section.title
    return sections
