"""The plan sections an answer may feed: the one list the parser checks `feeds` against.

Ids read `PLAN.SECTION`. The plan compiler (tui) lays the plans out; this module only fixes the
names, so a typo in a content file is caught by `wellbeing content check` rather than silently
feeding nothing.
"""

from __future__ import annotations

from typing import Final

#: section id -> heading, in plan order.
SECTIONS: Final[dict[str, str]] = {
    "wellbeing.concerns": "My concerns",
    "wellbeing.impact": "How they affect me",
    "wellbeing.traffic-light": "My wellbeing traffic light",
    "wellbeing.toolkit-grounding": "My toolkit: grounding",
    "wellbeing.toolkit-breathing": "My toolkit: breathing",
    "wellbeing.toolkit-mindfulness": "My toolkit: mindfulness",
    "wellbeing.kindness": "Being kind to myself",
    "wellbeing.people": "My people",
    "wellbeing.goals": "My Good Life goals",
    "keep-safe.victim-access": "Victim Access",
    "keep-safe.hostility": "Hostility",
    "keep-safe.sexual-preoccupation": "Sexual Preoccupation",
    "keep-safe.rejection-of-supervision": "Rejection of Supervision",
    "keep-safe.emotional-collapse": "Emotional Collapse",
    "keep-safe.collapse-of-social-supports": "Collapse of Social Supports",
    "keep-safe.substance-abuse": "Substance Abuse",
}

#: the plans, by the prefix of their section ids.
PLANS: Final[tuple[str, ...]] = ("wellbeing", "keep-safe")


def plan_of(section: str) -> str:
    """The plan a section id belongs to ("wellbeing.goals" -> "wellbeing")."""
    return section.split(".", 1)[0]
