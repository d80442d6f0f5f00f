"""What changed between two saved versions of a plan, each change named by its section.

Versions that keep their plan (`PlanVersion.content`) are compared item by item: an item is an
answer to one step, so a changed answer reads "changed", a rewording agreed with the client
"reworded" (both wordings shown), and when an answer was given is never a change. Older versions
keep only their Markdown: those are compared line by line under their section headings, with the
"given on" dates taken out first.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from exercises.plan_templates import PlanTraits
from store.records import PlanVersion
from store.text import clean_line
from tui.services.plans.compiler import ORPHANS_TITLE, Plan, PlanItem, day

PLAN = "The plan itself"
AGREEMENT_WORDS = {
    "agreed": "agreed",
    "not_agreed": "not agreed",
    "could_not_answer": "could not answer",
}


@dataclass(frozen=True)
class Change:
    """One change: in which section, what kind, and the words before and after."""

    section: str
    what: str  # "added", "removed", "changed", "reworded"
    before: str = ""
    after: str = ""

    def lines(self) -> list[str]:
        """The change as plain lines for a screen or a terminal (the words say what changed)."""
        head = f"{self.section}: {self.what}"
        if self.what == "added":
            return [head, f"    now:  {self.after}"]
        if self.what == "removed":
            return [head, f"    was:  {self.before}"]
        return [head, f"    was:  {self.before}", f"    now:  {self.after}"]


def _item_words(item: PlanItem) -> str:
    parts = [item.text] if item.text else []
    parts += list(item.items)
    return f"{item.title}: {'; '.join(parts)}"


def _status_changes(older: PlanVersion, newer: PlanVersion) -> list[Change]:
    found = []
    before = AGREEMENT_WORDS.get(older.agreement, older.agreement)
    after = AGREEMENT_WORDS.get(newer.agreement, newer.agreement)
    if older.agreement_reason:
        before += f" ({clean_line(older.agreement_reason)})"
    if newer.agreement_reason:
        after += f" ({clean_line(newer.agreement_reason)})"
    if before != after:
        found.append(Change(PLAN, "agreement changed", before, after))
    if older.review_on != newer.review_on:
        found.append(
            Change(
                PLAN,
                "review date changed",
                day(older.review_on) if older.review_on else "none",
                day(newer.review_on) if newer.review_on else "none",
            )
        )
    return found


def _sections(plan: Plan) -> dict[str, tuple[str, dict[tuple[str, str], PlanItem], set[str]]]:
    out = {}
    for s in plan.sections:
        title = f"{s.domain}: {s.title}" if s.domain else s.title
        out[s.id] = (title, {(i.exercise_id, i.step_id): i for i in s.items}, set(s.lines))
    out["orphans"] = (ORPHANS_TITLE, {(i.exercise_id, i.step_id): i for i in plan.orphans}, set())
    return out


def _content_changes(older: Plan, newer: Plan) -> list[Change]:
    found: list[Change] = []
    old, new = _sections(older), _sections(newer)
    for sid in [*new, *(k for k in old if k not in new)]:
        title = (new.get(sid) or old[sid])[0]
        old_items = old[sid][1] if sid in old else {}
        new_items = new[sid][1] if sid in new else {}
        for key in [*old_items, *(k for k in new_items if k not in old_items)]:
            a, b = old_items.get(key), new_items.get(key)
            if a is None and b is not None:
                found.append(Change(title, "added", after=_item_words(b)))
            elif b is None and a is not None:
                found.append(Change(title, "removed", before=_item_words(a)))
            elif a is not None and b is not None and _item_words(a) != _item_words(b):
                what = (
                    "reworded with the client" if set(b.reworded) - set(a.reworded) else "changed"
                )
                found.append(Change(title, what, _item_words(a), _item_words(b)))
        old_lines = old[sid][2] if sid in old else set()
        new_lines = new[sid][2] if sid in new else set()
        for line in sorted(old_lines - new_lines):
            found.append(Change(title, "removed", before=line))
        for line in sorted(new_lines - old_lines):
            found.append(Change(title, "added", after=line))
    return found


_GIVEN = re.compile(r",?\s*given(?: on)? \d{1,2} [A-Z][a-z]{2} \d{4}")
_EMPTY_BRACKETS = re.compile(r"\s*\(\s*\)")


def _without_dates(markdown: str) -> list[str]:
    lines = []
    for line in markdown.splitlines():
        line = _EMPTY_BRACKETS.sub("", _GIVEN.sub("", line)).rstrip()
        if line.strip():
            lines.append(line)
    return lines


def _markdown_changes(older: str, newer: str) -> list[Change]:
    """Line changes under the section heading they fall in (versions without their plan)."""
    a, b = _without_dates(older), _without_dates(newer)
    headings_b = [(i, ln.lstrip("# ").strip()) for i, ln in enumerate(b) if ln.startswith("#")]
    headings_a = [(i, ln.lstrip("# ").strip()) for i, ln in enumerate(a) if ln.startswith("#")]

    def section(headings: list[tuple[int, str]], index: int) -> str:
        title = PLAN
        for at, words in headings:
            if at > index:
                break
            title = words
        return title

    found: list[Change] = []
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        for line in a[i1:i2]:
            found.append(Change(section(headings_a, i1), "removed", before=line.strip("-* ")))
        for line in b[j1:j2]:
            found.append(Change(section(headings_b, j1), "added", after=line.strip("-* ")))
    return found


def compare(older: PlanVersion, newer: PlanVersion) -> list[Change]:
    """The changes from `older` to `newer`, status first, then section by section."""
    changes = _status_changes(older, newer)
    if older.content is not None and newer.content is not None:
        traits = PlanTraits(kind=newer.kind, title="")  # a comparison reads only the sections
        before = Plan.from_content(older.content, None, traits)
        after = Plan.from_content(newer.content, None, traits)
        return changes + _content_changes(before, after)
    return changes + _markdown_changes(older.markdown, newer.markdown)


def described(older: PlanVersion, newer: PlanVersion) -> str:
    """The comparison as plain text (what the versions screen shows)."""
    lines = [line for change in compare(older, newer) for line in change.lines()]
    return "\n".join(lines) or "No differences: the two versions say the same."
