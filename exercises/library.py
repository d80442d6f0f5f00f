"""All exercises the app can run: the shipped content plus any packs a service adds.

Loading never raises for a bad file. A broken or clashing file is recorded in `Library.problems` and
left out, so one typo in a service's pack cannot stop a practitioner's session; `wellbeing content
check` and the app show the problems instead.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from exercises.errors import ContentError
from exercises.models import Exercise
from exercises.parser import parse_exercise
from exercises.sections import guide_steps, plan_sections, step_labels
from exercises.source import read_source

#: files in a pack folder that are not exercises.
SKIPPED = frozenset({"readme.md", "license.md", "changelog.md"})


def shipped_dir() -> Path:
    """The content shipped inside the package (found next to this module, so a wheel works)."""
    return Path(__file__).resolve().parent / "content"


def sort_key(exercise: Exercise) -> tuple[int, int, str, str]:
    """Guide steps 1-4 in order, Keep Safe work last; then `order`, then title."""
    step = exercise.guide_step if isinstance(exercise.guide_step, int) else 5
    return (step, exercise.order, exercise.title.casefold(), exercise.id)


@dataclass(frozen=True)
class Library:
    """Exercises in guide order, and the problems met while loading them."""

    exercises: tuple[Exercise, ...] = ()
    problems: tuple[ContentError, ...] = ()
    #: each guide step's short label ("Step 2", "Keep Safe"), from the plan templates.
    step_labels: dict[int | str, str] = field(default_factory=dict, compare=False)
    _by_id: dict[str, Exercise] = field(default_factory=dict, repr=False, compare=False)

    def get(self, exercise_id: str) -> Exercise | None:
        return self._by_id.get(exercise_id)

    def by_pack(self) -> dict[str, tuple[Exercise, ...]]:
        """Exercises grouped by pack, packs in first-seen order, each in guide order."""
        packs: dict[str, list[Exercise]] = {}
        for exercise in self.exercises:
            packs.setdefault(exercise.pack, []).append(exercise)
        return {pack: tuple(items) for pack, items in packs.items()}


def load_file(
    path: Path,
    sections: dict[str, str] | None = None,
    steps: Iterable[int | str] | None = None,
) -> Exercise:
    """One exercise from one file; raises ContentError only. The file is read every time (a
    pack may change); the same text is parsed once. `sections` and `steps`: see `parse_exercise`."""
    known = tuple(sorted(sections.items())) if sections is not None else None
    return _parsed(read_source(path), str(path), known, tuple(steps) if steps is not None else None)


@functools.lru_cache(maxsize=256)
def _parsed(
    text: str,
    path: str,
    sections: tuple[tuple[str, str], ...] | None,
    steps: tuple[int | str, ...] | None,
) -> Exercise:
    return parse_exercise(text, path, dict(sections) if sections is not None else None, steps)


def content_files(folder: Path) -> list[Path]:
    """The `*.md` files of a pack folder (not recursive), by name; README and the like skipped."""
    if not folder.is_dir():
        raise ContentError(str(folder), 1, "not a content folder")
    return sorted(
        p
        for p in folder.glob("*.md")
        if p.name.lower() not in SKIPPED and not p.name.startswith((".", "_"))
    )


def _id_line(path: Path) -> int:
    """Line of the front matter `id:` (for a duplicate-id problem)."""
    try:
        for number, line in enumerate(read_source(path).splitlines(), start=1):
            if re.match(r"^id\s*:", line):
                return number
    except ContentError:
        pass
    return 1


def load_dirs(
    folders: Iterable[Path],
    sections: dict[str, str] | None = None,
    pause: Callable[[], None] | None = None,
) -> Library:
    """Exercises from these folders only, in the order given; the first of a duplicate id wins.

    `sections` are the plan sections `feeds` may name (by default from the plan templates of the
    shipped content and these folders); an exercise feeding any other is a problem, left out.
    So is one whose guide step no plan template (ours, these folders') says feeds it. `pause` is
    called before each file: a worker's way to let the UI answer a key first.
    """
    folders = [Path(f) for f in folders]
    if sections is None:
        sections = plan_sections(folders)
    steps = tuple(guide_steps(folders))
    found: dict[str, Exercise] = {}
    problems: list[ContentError] = []
    for folder in folders:
        try:
            files = content_files(folder)
        except ContentError as exc:
            problems.append(exc)
            continue
        for path in files:
            if pause is not None:
                pause()
            try:
                exercise = load_file(path, sections, steps)
            except ContentError as exc:
                problems.append(exc)
                continue
            first = found.get(exercise.id)
            if first is not None:
                problems.append(
                    ContentError(
                        str(path),
                        _id_line(path),
                        f"duplicate exercise id '{exercise.id}' (already in {first.path}); left out",
                    )
                )
                continue
            found[exercise.id] = exercise
    ordered = tuple(sorted(found.values(), key=sort_key))
    return Library(
        exercises=ordered,
        problems=tuple(problems),
        step_labels=step_labels(folders),
        _by_id={e.id: e for e in ordered},
    )


def load_library(extra_dirs: list[Path], pause: Callable[[], None] | None = None) -> Library:
    """The shipped content, then each `--content-dir` pack in the order given (`pause`: as
    `load_dirs`)."""
    return load_dirs([shipped_dir(), *(Path(d) for d in extra_dirs)], pause=pause)
