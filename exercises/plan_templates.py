"""Plan templates: the layout of the Wellbeing Plan and the Keep Safe Plan, read from content.

A template is a markdown file (``exercises/plans/<kind>.md``): YAML front matter for the plan
(``kind``, ``title``, ``intro``), then one ``## Heading`` per section. The heading is the section's
title in the client's own words; the first thing under it is a fenced block with the info
string ``section``:

```section
id: wellbeing.concerns          # PLAN.SECTION, the id that steps name in `feeds`
empty: Nothing written here yet.  # shown while the section has no answers
steps: [identify/concerns]      # optional: steps named here as well as those that feed the section
domain: Victim Access           # keep-safe: the acute domain's formal name, shown beside the title
fixed: crisis-lines             # a section filled by the compiler, not by answers (see FIXED)
```

Any markdown after the block is a short introduction printed under the heading. Adding a section is
an edit to the file, nothing more. Every problem is a `ContentError` at its line in the file.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict

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

PlanKind = Literal["wellbeing", "keep-safe"]
PLAN_KINDS: tuple[str, ...] = ("wellbeing", "keep-safe")

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
    #: keep-safe: the acute domain's formal name, shown beside the client's words.
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


class PlanTemplate(_Frozen):
    """A whole plan layout."""

    kind: PlanKind
    title: str
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
    if kind not in PLAN_KINDS:
        raise ContentError(
            path,
            front_keys.get("kind", 1),
            f"front matter: kind must be one of {', '.join(PLAN_KINDS)}, not {kind!r}",
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


def template_path(kind: str, extra_dirs: list[Path] | tuple[Path, ...] = ()) -> Path:
    """The template for `kind`: the last content dir holding `plans/<kind>.md` wins, else ours."""
    if kind not in PLAN_KINDS:
        raise ContentError(
            f"plans/{kind}.md", 1, f"no plan kind {kind!r} (known: {', '.join(PLAN_KINDS)})"
        )
    for folder in reversed(list(extra_dirs)):
        candidate = Path(folder) / "plans" / f"{kind}.md"
        if candidate.is_file():
            return candidate
    return PLANS_DIR / f"{kind}.md"


def load_plan_template(kind: str, extra_dirs: list[Path] | tuple[Path, ...] = ()) -> PlanTemplate:
    """Read and parse the template for `kind` (see `template_path`). The file is read every time
    (a pack may change); the same text is parsed once (every compile of a plan asks for it)."""
    path = template_path(kind, extra_dirs)
    return _parsed(read_source(path), str(path))


@functools.lru_cache(maxsize=16)
def _parsed(text: str, path: str) -> PlanTemplate:
    return parse_plan_template(text, path)
