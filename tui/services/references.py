"""An exercise's programme cross-references, matched to the interventions directory.

The one way a reference (front matter `references:`) is linked to a directory entry, for every
place that shows them: the entry the reference names by id (`directory: horizon`), else the entry
whose name (or short name) the reference's words contain. No match is a plain reference: the
guide's references are mostly to programme materials (manual pages), which the directory does not
hold, and a guess would send a practitioner to the wrong programme.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from exercises.interventions import Intervention
from exercises.models import Reference
from store.text import clean_line


@dataclass(frozen=True)
class Related:
    """One cross-reference, and the directory entry it points to (None where none matches)."""

    text: str
    entry: Intervention | None


def _names(item: Intervention) -> list[str]:
    return [n for n in (item.name, item.short_name) if len(n.strip()) >= 3]


def _mentions(text: str, name: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(name.casefold())}(?!\w)", text.casefold()) is not None


def related_programmes(
    references: Sequence[Reference], interventions: Sequence[Intervention]
) -> list[Related]:
    """Each reference, in the content's order, with its directory entry where one matches."""
    by_id = {i.id: i for i in interventions}
    out = []
    for ref in references:
        entry = by_id.get(ref.directory) if ref.directory else None
        if entry is None and not ref.directory:
            entry = next(
                (i for i in interventions if any(_mentions(ref.text, n) for n in _names(i))), None
            )
        out.append(Related(clean_line(ref.text), entry))
    return out
