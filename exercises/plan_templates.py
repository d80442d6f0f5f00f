"""Plan templates: the plans there are, and the layout of each, read from content.

A template is a markdown file (``exercises/plans/<kind>.md``, or ``plans/<kind>.md`` in a content
pack): YAML front matter for the plan, then one ``## Heading`` per section. The front matter says
what the plan is and everything that differs from one kind of plan to another (see `PlanTraits`):

```yaml
kind: keep-safe                 # the file's name: plans/keep-safe.md
title: Keep Safe Plan           # the plan's heading
intro: ...                      # printed under it
name: Keep Safe Plan            # what practitioners call it (the Due list); default: the title
work: Keep Safe                 # what the work that feeds it is called; default: the name
led_by: practitioner            # client (default) or practitioner: whose document it is
names_subject: true             # its title and items name who it is about ("He said ...")
countersigned: true             # a treatment manager countersigns a saved version
order: 2                        # where it comes among the plans
guide_steps:                    # the guide steps whose exercises feed it, as `content list` says
  keep-safe: Keep Safe (practitioner-led)
```

The plan kinds are the templates there are: a pack adds a plan by adding a file. Code asks a
template what it declares; it never compares a kind with a name.

Each section's heading is its title in the client's own words; the first thing under it is a
fenced block with the info string ``section``:

```section
id: wellbeing.concerns          # PLAN.SECTION, the id that steps name in `feeds`
empty: Nothing written here yet.  # shown while the section has no answers
steps: [identify/concerns]      # optional: steps named here as well as those that feed the section
domain: Victim Access           # a formal name (the acute domain's), shown beside the title
fixed: crisis-lines             # a section filled by the compiler, not by answers (see FIXED)
```

Any markdown after the block is a short introduction printed under the heading. Adding a section is
an edit to the file, nothing more. Every problem is a `ContentError` at its line in the file.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from exercises.errors import ContentError
from exercises.frontmatter import (
    key_lines,
    load_yaml,
    markdown,
    normalise,
    split_front_matter,
    validate_model,
)
from exercises.source import read_source

#: a plan kind: a slug, the name of its template file (``plans/<kind>.md``).
PlanKind = str
KIND = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

#: sections the compiler fills: the national crisis lines (config), the review date (plan versions),
#: the open follow-ups (the client's record), the programme materials the guide cross-references
#: for the exercises that feed the plan (their `references`, matched to the directory).
FIXED: tuple[str, ...] = ("crisis-lines", "review", "follow-ups", "references")

SECTION_INFO = "section"
_SECTION_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*\.[a-z0-9]+(?:-[a-z0-9]+)*$")
_STEP_REF = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*/[a-z0-9]+(?:-[a-z0-9]+)*$")

#: where the shipped templates live (package data).
PLANS_DIR = Path(__file__).parent / "plans"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class SectionTemplate(_Frozen):
    """One section of a plan, as the content declares it."""

    id: str
    #: the heading, in the client's words.
    title: str
    #: a formal name (the Keep Safe Plan's acute domain), shown beside the client's words.
    domain: str = ""
    #: the heading as a plain question, for the Easy Read layout ("What is worrying me?").
    question: str = ""
    #: shown when nothing has been answered for this section yet.
    empty: str = "Nothing written here yet."
    #: steps named explicitly, as "exercise/step", in addition to the steps that feed this section.
    steps: tuple[str, ...] = ()
    #: filled by the compiler rather than by answers; one of FIXED, or "" for an answer section.
    fixed: Literal["", "crisis-lines", "review", "follow-ups", "references"] = ""
    #: short introduction under the heading (content markdown, shown as plain text).
    intro: str = ""
    #: line of the heading in the template file.
    line: int = 0

    def step_refs(self) -> tuple[tuple[str, str], ...]:
        """The explicit steps as (exercise id, step id) pairs."""
        return tuple(tuple(ref.split("/", 1)) for ref in self.steps)  # type: ignore[misc]


class PlanTraits(_Frozen):
    """What a kind of plan is, and how it differs from the others: its template's front matter
    (the layout aside). Code asks these; it never compares a kind with a name."""

    kind: PlanKind
    title: str
    #: what practitioners call the plan (the Due list); default: the title.
    name: str = ""
    #: what the work that feeds the plan is called (the session setup, the practitioner's
    #: header: "Keep Safe review by ..."); default: the name.
    work: str = ""
    #: whose document it is: the client's (the layout their needs call for, in their words), or
    #: the practitioner's (the practitioner's layout; a case-reference header saying who led
    #: the review and when it was last reformulated; its concern levels are their judgement).
    led_by: Literal["client", "practitioner"] = "client"
    #: the plan names who it is about: in its title ("... for NAME") and its items ("He ...").
    names_subject: bool = False
    #: a treatment manager countersigns a saved version.
    countersigned: bool = False
    #: where the plan comes among the plans (lists, the command line); then by kind.
    order: int = 0
    #: the guide steps (1-4, or a slug) whose exercises feed this plan, and what the content
    #: list calls each.
    guide_steps: dict[int | str, str] = Field(default_factory=dict)

    @field_validator("guide_steps")
    @classmethod
    def _steps(cls, steps: dict[int | str, str]) -> dict[int | str, str]:
        for step in steps:
            if isinstance(step, str) and not KIND.match(step):
                raise ValueError(f"guide step {step!r} must be a number or a slug")
        return steps

    @property
    def plan_name(self) -> str:
        return self.name or self.title

    @property
    def work_name(self) -> str:
        return self.work or self.plan_name

    @property
    def practitioner_led(self) -> bool:
        return self.led_by == "practitioner"

    def traits(self) -> PlanTraits:
        """Only the traits (a template is more: its layout)."""
        return PlanTraits.model_validate(self.model_dump(include=set(PlanTraits.model_fields)))


class PlanTemplate(PlanTraits):
    """A whole plan: its traits and its layout."""

    intro: str = ""
    sections: tuple[SectionTemplate, ...]
    path: str = ""

    def section(self, section_id: str) -> SectionTemplate | None:
        return next((s for s in self.sections if s.id == section_id), None)


def _reflow(text: str) -> str:
    """Join soft-wrapped source lines into paragraphs (blank lines separate paragraphs)."""
    paragraphs = re.split(r"\n\s*\n", text.strip())
    return "\n\n".join(" ".join(p.split()) for p in paragraphs if p.strip())


def _parse_section(
    title: str, heading_line: int, block: str, block_line: int, intro: str, kind: str, path: str
) -> SectionTemplate:
    what = f"section '{title}'"
    data = load_yaml(block, path, first_line=block_line)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ContentError(
            path, block_line, f"{what}: the section block must be 'key: value' lines"
        )
    keys = key_lines(block, block_line)
    for key in ("title", "intro", "line"):
        if key in data:
            raise ContentError(
                path,
                keys.get(key, block_line),
                f"{what}: '{key}' comes from the markdown, not the section block",
            )
    section_id = data.get("id")
    if section_id is None:
        raise ContentError(path, block_line - 1, f"{what}: missing required field 'id'")
    if not isinstance(section_id, str) or not _SECTION_ID.match(section_id):
        raise ContentError(
            path,
            keys.get("id", block_line),
            f"{what}: id {section_id!r} must read PLAN.SECTION, e.g. '{kind}.goals'",
        )
    if section_id.split(".", 1)[0] != kind:
        raise ContentError(
            path,
            keys.get("id", block_line),
            f"{what}: id '{section_id}' belongs to another plan (this is '{kind}')",
        )
    steps = data.get("steps", [])
    if isinstance(steps, str):
        steps = [steps]
    if not isinstance(steps, list):
        raise ContentError(
            path, keys.get("steps", block_line), f"{what}: steps must be a list of 'exercise/step'"
        )
    for ref in steps:
        if not isinstance(ref, str) or not _STEP_REF.match(ref):
            raise ContentError(
                path,
                keys.get("steps", block_line),
                f"{what}: step {ref!r} must read 'exercise-id/step-id'",
            )
    fixed = data.get("fixed", "")
    if fixed and fixed not in FIXED:
        raise ContentError(
            path,
            keys.get("fixed", block_line),
            f"{what}: fixed {fixed!r} is not one of {', '.join(FIXED)}",
        )
    if fixed and steps:
        raise ContentError(
            path,
            keys.get("steps", block_line),
            f"{what}: a fixed section is filled by the app and takes no steps",
        )
    data = {**data, "steps": steps, "title": title, "intro": intro, "line": heading_line}
    return validate_model(SectionTemplate, data, path, heading_line, keys, what)


def parse_plan_template(text: str, path: str) -> PlanTemplate:
    """Parse a template file. Raises ContentError (and only that) when anything is wrong."""
    meta, body, body_line = split_front_matter(text, path)
    front = "\n".join(normalise(text).split("\n")[1 : body_line - 1])
    front_keys = key_lines(front, 2)
    kind = meta.get("kind")
    if kind is None:
        raise ContentError(path, 1, "front matter: missing required field 'kind'")
    if not isinstance(kind, str) or not KIND.match(kind):
        raise ContentError(
            path,
            front_keys.get("kind", 1),
            f"front matter: kind {kind!r} must be a slug of lowercase letters, digits and dashes",
        )
    if Path(path).stem != kind:  # found by its name (`template_path`)
        raise ContentError(
            path,
            front_keys.get("kind", 1),
            f"front matter: kind '{kind}' is not the file's name (plans/{kind}.md)",
        )
    if "sections" in meta or "path" in meta:
        raise ContentError(path, 1, "front matter: 'sections' and 'path' are set by the parser")

    md = markdown()
    md.block.ruler.disable("front_matter")
    tokens = md.parse(body)
    lines = body.split("\n")
    heads = [
        i
        for i, t in enumerate(tokens)
        if t.type == "heading_open" and t.tag == "h2" and t.level == 0 and t.map
    ]
    if not heads:
        raise ContentError(
            path, body_line, "no sections: each is a '## ' heading followed by a ```section block"
        )
    first = tokens[heads[0]].map[0]  # type: ignore[index]
    for t in tokens:
        if (
            t.level == 0
            and t.map
            and t.map[0] < first
            and t.nesting >= 0
            and not (t.type == "heading_open" and t.tag == "h1")
        ):
            raise ContentError(
                path,
                body_line + t.map[0],
                "text before the first '## ' section heading; use 'intro' instead",
            )
    sections: list[SectionTemplate] = []
    seen: dict[str, int] = {}
    for n, hi in enumerate(heads):
        start = tokens[hi].map[0]  # type: ignore[index]
        end_tok = heads[n + 1] if n + 1 < len(heads) else len(tokens)
        end = tokens[end_tok].map[0] if end_tok < len(tokens) else len(lines)  # type: ignore[index]
        heading_line = body_line + start
        inline = tokens[hi + 1]
        title = inline.content.strip() if inline.type == "inline" else ""
        if not title:
            raise ContentError(path, heading_line, "a section heading needs a title")
        blocks = [t for t in tokens[hi + 3 : end_tok] if t.level == 0 and t.nesting >= 0 and t.map]
        fence = blocks[0] if blocks else None
        if fence is None or fence.type != "fence" or fence.info.strip() != SECTION_INFO:
            raise ContentError(
                path,
                heading_line,
                f"section '{title}': the first thing under the heading must be a ```section block",
            )
        assert fence.map is not None
        intro = _reflow("\n".join(lines[fence.map[1] : end]))
        section = _parse_section(
            title, heading_line, fence.content, body_line + fence.map[0] + 1, intro, kind, path
        )
        if section.id in seen:
            raise ContentError(
                path,
                heading_line,
                f"duplicate section id '{section.id}' (first on line {seen[section.id]})",
            )
        seen[section.id] = heading_line
        sections.append(section)
    data = {**meta, "sections": sections, "path": path}
    return validate_model(PlanTemplate, data, path, 1, front_keys, "front matter")


def _folders(extra_dirs: Iterable[Path]) -> list[Path]:
    """Where templates are: ours, then each content dir's `plans/` in the order given."""
    return [PLANS_DIR, *(Path(d) / "plans" for d in extra_dirs)]


def _kinds_in(extra_dirs: Iterable[Path]) -> list[str]:
    found: dict[str, None] = {}
    for folder in _folders(extra_dirs):
        if folder.is_dir():
            for file in sorted(folder.glob("*.md")):
                if KIND.match(file.stem) and file.is_file():
                    found[file.stem] = None
    return list(found)


def plan_kinds(extra_dirs: Iterable[Path] = ()) -> tuple[PlanKind, ...]:
    """The plan kinds: one per template file (ours and the packs'), in the templates' `order`.
    A template that does not load is still a kind (`content check` reports it); it comes last."""
    dirs = list(extra_dirs)

    def order(kind: str) -> tuple[int, str]:
        try:
            return (load_plan_template(kind, dirs).order, kind)
        except ContentError:
            return (1 << 30, kind)

    return tuple(sorted(_kinds_in(dirs), key=order))


def plan_templates(extra_dirs: Iterable[Path] = ()) -> tuple[PlanTemplate, ...]:
    """The templates that load, in order (those that do not: see `content check`)."""
    dirs = list(extra_dirs)
    templates = []
    for kind in plan_kinds(dirs):
        try:
            templates.append(load_plan_template(kind, dirs))
        except ContentError:
            continue
    return tuple(templates)


def plan_names(extra_dirs: Iterable[Path] = ()) -> dict[PlanKind, str]:
    """Each plan kind as lists and records name it: what its template calls it ("Keep Safe
    Plan"; default its title)."""
    return {t.kind: t.plan_name for t in plan_templates(extra_dirs)}


def template_path(kind: str, extra_dirs: Iterable[Path] = ()) -> Path:
    """The template for `kind`: the last content dir holding `plans/<kind>.md` wins, else ours."""
    dirs = list(extra_dirs)
    if not isinstance(kind, str) or not KIND.match(kind) or kind not in _kinds_in(dirs):
        known = ", ".join(plan_kinds(dirs))
        raise ContentError(f"plans/{kind}.md", 1, f"no plan kind {kind!r} (known: {known})")
    for folder in reversed(_folders(dirs)):
        candidate = folder / f"{kind}.md"
        if candidate.is_file():
            return candidate
    return PLANS_DIR / f"{kind}.md"


def load_plan_template(kind: str, extra_dirs: Iterable[Path] = ()) -> PlanTemplate:
    """Read and parse the template for `kind` (see `template_path`). The file is read every time
    (a pack may change); the same text is parsed once (every compile of a plan asks for it)."""
    path = template_path(kind, extra_dirs)
    return _parsed(read_source(path), str(path))


@functools.lru_cache(maxsize=16)
def _parsed(text: str, path: str) -> PlanTemplate:
    return parse_plan_template(text, path)
