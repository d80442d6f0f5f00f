"""Parse one markdown content file into an `Exercise`.

The format (written up in docs/content-format.md): YAML front matter for the exercise, then one
step per `## Heading`. The first thing under each heading is a fenced block with the info string
`step` holding the step's YAML (id, kind, feeds and the kind's fields); the markdown after it, up to
the next `## `, is the prompt. Anything wrong is a `ContentError` at the line in the file where it
is, because the people who fix content files read line numbers, not tracebacks.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token

from exercises.errors import ContentError
from exercises.frontmatter import (
    key_lines,
    load_yaml,
    markdown,
    normalise,
    split_front_matter,
    validate_model,
)
from exercises.models import Exercise, Step, StepKind
from exercises.sections import guide_steps, plan_sections

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
STEP_INFO = "step"

#: step fields that only make sense for one kind; any other field applies to every kind.
KIND_FIELDS: dict[StepKind, frozenset[str]] = {
    StepKind.READ: frozenset(),
    StepKind.TEXT: frozenset(),
    StepKind.CHOICE: frozenset({"options", "multiple", "options_from"}),
    StepKind.LIST: frozenset({"min_items", "max_items"}),
    StepKind.TABLE: frozenset({"columns", "max_rows", "rules", "rows_from"}),
    StepKind.SCALE: frozenset({"scale_min", "scale_max", "low_label", "high_label"}),
    StepKind.TIMED: frozenset({"patterns", "cycles", "allow_custom"}),
}
_KIND_ONLY = frozenset().union(*KIND_FIELDS.values())
#: set by the parser from the markdown, never written in a step block.
_FROM_MARKDOWN = frozenset({"title", "body", "line"})
_FRONT_FROM_PARSER = frozenset({"steps", "path"})


def slugify(text: str) -> str:
    """A stable id from a label ("Emotion-focused" -> "emotion-focused")."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _body_markdown() -> MarkdownIt:
    """As `frontmatter.markdown()`, but a `---` at the top of the body is only a rule."""
    md = markdown()
    md.block.ruler.disable("front_matter")
    return md


def render_html(text: str) -> str:
    """Render a content prompt to HTML with raw HTML escaped, never passed through."""
    html: str = _body_markdown().render(text)
    return html


def _slugged(raw: Any, key: str, noun: str, path: str, line: int, what: str) -> list[Any] | Any:
    """Items may be written as plain labels; `key` (value or id) then defaults to the label's slug.

    Each `key` must be a slug and unique. Anything else is left for pydantic to report.
    """
    if not isinstance(raw, list):
        return raw
    out: list[Any] = []
    seen: set[str] = set()
    for item in raw:
        if isinstance(item, str):
            item = {key: slugify(item), "label": item}
        if isinstance(item, dict):
            item = dict(item)
            if key not in item and isinstance(item.get("label"), str):
                item[key] = slugify(item["label"])
            slug = item.get(key)
            if not isinstance(slug, str) or not SLUG.match(slug):
                raise ContentError(
                    path, line, f"{what}: {noun} {slug!r} must be a slug like 'task-focused'"
                )
            if slug in seen:
                raise ContentError(path, line, f"{what}: {noun} '{slug}' appears twice")
            seen.add(slug)
        out.append(item)
    return out


def _options(raw: Any, path: str, line: int, what: str) -> Any:
    """Options: plain labels allowed; the value is then the label's slug."""
    return _slugged(raw, "value", "option value", path, line, what)


def _columns(raw: Any, path: str, line: int, what: str) -> Any:
    """Columns: plain labels allowed (text columns); the id is then the label's slug."""
    out = _slugged(raw, "id", "column id", path, line, what)
    for item in out if isinstance(out, list) else ():
        if isinstance(item, dict) and "options" in item:
            item["options"] = _options(
                item["options"], path, line, f"{what}, column '{item['id']}'"
            )
    return out


def _check_step(
    step: Step, path: str, keys: dict[str, int], what: str, sections: Collection[str] | None = None
) -> None:
    """Rules pydantic cannot see: they span fields or depend on the kind."""
    line = step.line

    def at(key: str) -> int:
        return keys.get(key, line)

    if step.answerable and not step.feeds:
        raise ContentError(
            path,
            line,
            f"{what}: an answerable step must name the plan section(s) it feeds (feeds: [...])",
        )
    if not step.answerable:
        if step.feeds:
            raise ContentError(path, at("feeds"), f"{what}: a read step has no answer to feed")
        if step.disclosure:
            raise ContentError(
                path, at("disclosure"), f"{what}: a read step has no answer to mark as a disclosure"
            )
        if not step.body.strip():
            raise ContentError(path, line, f"{what}: a read step needs some text under its block")
        if step.aloud and step.voice == "practitioner":
            raise ContentError(
                path,
                at("voice"),
                f"{what}: a read step for the practitioner alone (voice: practitioner) is never "
                "read aloud; drop one of aloud and voice",
            )
    for section in step.feeds:
        if not FEED.fullmatch(section):
            raise ContentError(
                path,
                at("feeds"),
                f"{what}: '{section}' is not a plan section id "
                "(PLAN.SECTION, e.g. wellbeing.goals)",
            )
        if sections is not None and section not in sections:
            raise ContentError(
                path,
                at("feeds"),
                f"{what}: feeds unknown plan section "
                f"'{section}' (the plan templates have: {', '.join(sections)})",
            )
    if len(set(step.feeds)) != len(step.feeds):
        raise ContentError(path, at("feeds"), f"{what}: a plan section is named twice in feeds")
    if step.kind is StepKind.CHOICE and len(step.options) < 2 and not step.options_from:
        raise ContentError(path, at("options"), f"{what}: a choice step needs at least 2 options")
    if step.kind is StepKind.LIST and step.min_items > step.max_items:
        raise ContentError(path, at("min_items"), f"{what}: min_items is more than max_items")
    if step.kind is StepKind.SCALE and step.scale_min >= step.scale_max:
        raise ContentError(path, at("scale_min"), f"{what}: scale_min must be below scale_max")
    if step.kind is StepKind.TABLE:
        _check_table(step, path, at, what)
    if step.kind is StepKind.TIMED:
        if not step.patterns and not step.allow_custom:
            raise ContentError(path, line, f"{what}: a timed step needs patterns or allow_custom")
        ids = [p.id for p in step.patterns]
        for pid in ids:
            if not SLUG.match(pid):
                raise ContentError(
                    path, at("patterns"), f"{what}: pattern id '{pid}' must be a slug"
                )
        if len(set(ids)) != len(ids) or "custom" in ids and step.allow_custom:
            raise ContentError(
                path,
                at("patterns"),
                f"{what}: pattern ids must be unique ('custom' is kept for allow_custom)",
            )
        for pattern in step.patterns:
            if not pattern.phases:
                raise ContentError(
                    path, at("patterns"), f"{what}: pattern '{pattern.id}' has no phases"
                )


def _check_taken_from(
    step: Step, earlier: Sequence[Step], path: str, keys: dict[str, int], what: str
) -> None:
    """`rows_from` / `options_from` name an earlier list step of the same exercise (and, for
    rows, a text column of this table)."""
    key = "rows_from" if step.rows_from is not None else "options_from"
    source_id = step.takes_from
    if not source_id:
        return
    line = keys.get(key, step.line)
    source = next((s for s in earlier if s.id == source_id), None)
    if source is None:
        raise ContentError(
            path,
            line,
            f"{what}: {key} names '{source_id}', which is not an earlier step of this exercise",
        )
    if source.kind is not StepKind.LIST:
        raise ContentError(
            path,
            line,
            f"{what}: {key} names '{source_id}', a {source.kind.value} step; "
            "it must be a list step (its items start the rows or options)",
        )
    if step.rows_from is not None:
        column = next((c for c in step.columns if c.id == step.rows_from.column), None)
        if column is None or column.type != "text":
            known = ", ".join(c.id for c in step.columns if c.type == "text")
            raise ContentError(
                path,
                line,
                f"{what}: rows_from column '{step.rows_from.column}' is not a text column "
                f"of this table (text columns: {known})",
            )


def _check_table(step: Step, path: str, at: Any, what: str) -> None:
    if not step.columns:
        raise ContentError(path, at("columns"), f"{what}: a table step needs columns")
    columns = {c.id: c for c in step.columns}
    for col in step.columns:
        if col.type == "choice" and len(col.options) < 2:
            raise ContentError(
                path, at("columns"), f"{what}: choice column '{col.id}' needs at least 2 options"
            )
        if col.type != "choice" and col.options:
            raise ContentError(
                path,
                at("columns"),
                f"{what}: column '{col.id}' has options but is not of type choice",
            )
        if col.phrase and col.phrase.count("{}") != 1:
            raise ContentError(
                path,
                at("columns"),
                f"{what}: column '{col.id}' phrase must hold {{}} once, where the cell goes",
            )
    for rule in step.rules:
        for name, value in ((rule.column, rule.value), (rule.when_column, rule.when_value)):
            if not name and not value:
                continue
            ruled = columns.get(name)
            if ruled is None:
                raise ContentError(path, at("rules"), f"{what}: rule names unknown column '{name}'")
            if ruled.type == "choice" and value not in {o.value for o in ruled.options}:
                raise ContentError(
                    path,
                    at("rules"),
                    f"{what}: rule value '{value}' is not an option of column '{name}'",
                )


FEED = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*\.[a-z0-9]+(?:-[a-z0-9]+)*")


def parse_step(
    title: str,
    heading_line: int,
    block: str,
    block_line: int,
    body: str,
    path: str,
    sections: Collection[str] | None = None,
    earlier: Sequence[Step] = (),
) -> Step:
    """One step from its heading, its ```step block (first YAML line `block_line`) and prompt;
    `earlier` are the steps before it (which `rows_from` and `options_from` may name)."""
    what = f"step '{title}'"
    data = load_yaml(block, path, first_line=block_line)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ContentError(path, block_line, f"{what}: the step block must be 'key: value' lines")
    keys = key_lines(block, block_line)
    for key in data:
        if not isinstance(key, str):
            raise ContentError(path, block_line, f"{what}: key {key!r} must be a word")
        if key in _FROM_MARKDOWN:
            raise ContentError(
                path,
                keys.get(key, block_line),
                f"{what}: '{key}' comes from the markdown (heading and text), not the step block",
            )
    if "id" not in data:
        raise ContentError(path, block_line - 1, f"{what}: missing required field 'id'")
    step_id = data["id"]
    if not isinstance(step_id, str) or not SLUG.match(step_id):
        raise ContentError(
            path,
            keys.get("id", block_line),
            f"{what}: id {step_id!r} must be a slug of lowercase letters, digits and dashes",
        )
    what = f"step '{step_id}'"
    if "kind" not in data:
        raise ContentError(path, block_line - 1, f"{what}: missing required field 'kind'")
    try:
        kind = StepKind(data["kind"])
    except (ValueError, TypeError):
        raise ContentError(
            path,
            keys.get("kind", block_line),
            f"{what}: unknown step kind "
            f"{data['kind']!r} (known: {', '.join(k.value for k in StepKind)})",
        ) from None
    for key in data:
        if key in _KIND_ONLY and key not in KIND_FIELDS[kind]:
            raise ContentError(
                path,
                keys.get(key, block_line),
                f"{what}: field '{key}' does not apply to a {kind.value} step",
            )
    data = dict(data)
    if "options" in data:
        data["options"] = _options(data["options"], path, keys.get("options", block_line), what)
    if "columns" in data:
        data["columns"] = _columns(data["columns"], path, keys.get("columns", block_line), what)
    data.update(title=title, body=body, line=heading_line)
    step: Step = validate_model(Step, data, path, heading_line, keys, what)
    _check_step(step, path, keys, what, sections)
    _check_taken_from(step, earlier, path, keys, what)
    return step


def _inline_text(tokens: list[Token], index: int) -> str:
    inline = tokens[index + 1] if index + 1 < len(tokens) else None
    return inline.content.strip() if inline is not None and inline.type == "inline" else ""


def parse_body(
    body: str, body_line: int, path: str, sections: Collection[str] | None = None
) -> list[Step]:
    """Steps from the markdown body; `body_line` is the file line of the body's first line."""
    tokens = _body_markdown().parse(body)
    lines = body.split("\n")
    headings = [
        i
        for i, t in enumerate(tokens)
        if t.type == "heading_open" and t.tag == "h2" and t.level == 0 and t.map
    ]
    first_step = tokens[headings[0]].map[0] if headings else len(lines)  # type: ignore[index]
    for token in tokens:
        if token.level != 0 or not token.map or token.map[0] >= first_step:
            continue
        if token.type == "heading_open" and token.tag == "h1":
            continue
        if token.nesting >= 0:
            raise ContentError(
                path,
                body_line + token.map[0],
                "text before the first '## ' step heading; put it in a read step",
            )
    if not headings:
        raise ContentError(
            path, body_line, "no steps: each step is a '## ' heading followed by a ```step block"
        )
    steps: list[Step] = []
    seen: dict[str, int] = {}
    for n, hi in enumerate(headings):
        heading = tokens[hi]
        assert heading.map is not None
        start = heading.map[0]
        end_token = headings[n + 1] if n + 1 < len(headings) else len(tokens)
        end = tokens[end_token].map[0] if end_token < len(tokens) else len(lines)  # type: ignore[index]
        heading_line = body_line + start
        title = _inline_text(tokens, hi)
        if not title:
            raise ContentError(path, heading_line, "a step heading needs a title")
        blocks = [
            t for t in tokens[hi + 3 : end_token] if t.level == 0 and t.nesting >= 0 and t.map
        ]
        fence = blocks[0] if blocks else None
        if fence is None or fence.type != "fence" or fence.info.strip() != STEP_INFO:
            raise ContentError(
                path,
                heading_line,
                f"step '{title}': the first thing under the heading must be a ```step block",
            )
        for extra in blocks[1:]:
            if extra.type == "fence" and extra.info.strip() == STEP_INFO:
                assert extra.map is not None
                raise ContentError(
                    path,
                    body_line + extra.map[0],
                    f"step '{title}': a second "
                    "```step block; start a new step with a '## ' heading",
                )
        assert fence.map is not None
        prompt = "\n".join(lines[fence.map[1] : end]).strip("\n")
        step = parse_step(
            title,
            heading_line,
            fence.content,
            body_line + fence.map[0] + 1,
            prompt,
            path,
            sections,
            earlier=steps,
        )
        if step.id in seen:
            raise ContentError(
                path, heading_line, f"duplicate step id '{step.id}' (first on line {seen[step.id]})"
            )
        seen[step.id] = heading_line
        steps.append(step)
    return steps


def _words(values: Sequence[object]) -> str:
    """1, 2, 3 or keep-safe."""
    names = [str(v) for v in values]
    return " or ".join([", ".join(names[:-1]), names[-1]]) if len(names) > 1 else "".join(names)


def _front(
    meta: dict[str, Any], path: str, keys: dict[str, int], steps: Sequence[int | str]
) -> dict[str, Any]:
    """Front matter checks that need a line: the id, the guide step, reserved keys."""
    for key in _FRONT_FROM_PARSER:
        if key in meta:
            raise ContentError(
                path, keys.get(key, 1), f"front matter: '{key}' is set by the parser"
            )
    exercise_id = meta.get("id")
    if exercise_id is None:
        raise ContentError(path, 1, "front matter: missing required field 'id'")
    if not isinstance(exercise_id, str) or not SLUG.match(exercise_id):
        raise ContentError(
            path,
            keys.get("id", 1),
            f"front matter: id {exercise_id!r} must be "
            "a slug of lowercase letters, digits and dashes",
        )
    step = meta.get("guide_step")
    if step is not None and (isinstance(step, bool) or step not in steps):
        raise ContentError(
            path,
            keys.get("guide_step", 1),
            f"front matter: guide_step must be {_words(steps)}, not {step!r}",
        )
    data = dict(meta)
    refs = data.get("references")
    if isinstance(refs, list):
        data["references"] = [{"text": r} if isinstance(r, str) else r for r in refs]
        for ref in data["references"]:
            entry = ref.get("directory") if isinstance(ref, dict) else None
            if entry is not None and (not isinstance(entry, str) or not SLUG.match(entry)):
                raise ContentError(
                    path,
                    keys.get("references", 1),
                    f"front matter: references: directory {entry!r} must be the id of a "
                    "directory entry (a slug like 'horizon')",
                )
    return data


def _practitioners_to_read(step: Step) -> Step:
    """In a practitioner-only exercise, a read step not read aloud is the practitioner's own text
    unless its block says otherwise (`voice: client`)."""
    if step.kind is StepKind.READ and not step.aloud and "voice" not in step.model_fields_set:
        return step.model_copy(update={"voice": "practitioner"})
    return step


def parse_exercise(
    text: str,
    path: str,
    sections: Collection[str] | None = None,
    guide: Sequence[int | str] | None = None,
) -> Exercise:
    """Parse a whole content file. Raises ContentError (and only that) when anything is wrong.

    `sections` are the plan section ids `feeds` may name (from the plan templates, see
    `exercises.sections.plan_sections`); `guide` the guide steps it may belong to (the templates
    say which feed them: `exercises.sections.guide_steps`). By default, those of the shipped
    templates.
    """
    if sections is None:
        sections = plan_sections()
    known_steps = tuple(guide_steps()) if guide is None else guide
    meta, body, body_line = split_front_matter(text, path)
    front_text = "\n".join(normalise(text).split("\n")[1 : body_line - 1])
    keys = key_lines(front_text, 2)
    data = _front(meta, path, keys, known_steps)
    steps = parse_body(body, body_line, path, sections)
    if meta.get("practitioner_only") is True:
        steps = [_practitioners_to_read(step) for step in steps]
    data.update(steps=steps, path=path)
    exercise: Exercise = validate_model(Exercise, data, path, 1, keys, "front matter")
    if len(set(exercise.modes)) != len(exercise.modes) or not exercise.modes:
        raise ContentError(
            path,
            keys.get("modes", 1),
            "front matter: modes must list each of "
            "office, phone, remote, posted at most once, and at least one",
        )
    return exercise
