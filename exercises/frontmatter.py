"""Split a content file into its YAML front matter and its markdown body, safely.

Content files come from services, not only from us, so the YAML is read with a strict loader:

- duplicate keys are an error (plain `safe_load` lets the last one win silently);
- anchors and aliases are an error, which also rules out alias bombs (`<<` is only a plain key);
- explicit tags (`!foo`, `!!binary`) are an error;
- scalars resolve as in YAML 1.2's core schema: only `true`/`false` are booleans, so `no`, `yes`,
  `on` and `off` stay the strings they look like; `1:30` stays a string (no base-60 numbers) and
  `2020-06-03` stays a string (no timestamps);
- nesting deeper than `MAX_DEPTH` and files larger than `MAX_BYTES` are errors;
- a leading BOM is dropped and CRLF / CR line endings are read as LF.

Every problem is a `ContentError` carrying the real 1-based line in the file.
"""

from __future__ import annotations

import re
from typing import Any, TypeVar

import yaml
from markdown_it import MarkdownIt
from mdit_py_plugins.front_matter import front_matter_plugin
from pydantic import BaseModel, ValidationError

from exercises.errors import ContentError

M = TypeVar("M", bound=BaseModel)

#: the largest content file accepted, in bytes of UTF-8.
MAX_BYTES = 256 * 1024
#: the deepest nesting of mappings/sequences accepted in front matter or a step block.
MAX_DEPTH = 12

_MERGE_TAG = "tag:yaml.org,2002:merge"
_DROPPED_RESOLVERS = {
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:timestamp",
    "tag:yaml.org,2002:merge",
}


class _Strict:
    """The strict rules, over any loader's events: YAML 1.2 core scalars; no duplicates,
    aliases, anchors, tags, deep nesting.

    `line_offset` turns the loader's 0-based line into the file's 1-based line; `path` names the
    file in errors. Both are set by `load_yaml`.
    """

    path: str = "<content>"
    line_offset: int = 1
    _depth = 0

    def error(self, mark: Any, message: str) -> ContentError:
        """`mark` is a yaml Mark (pure-Python or C loader's) or None."""
        line = (mark.line if mark is not None else 0) + self.line_offset
        return ContentError(self.path, line, message)

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.peek_event()  # type: ignore[attr-defined]
        if isinstance(event, yaml.AliasEvent):
            raise self.error(event.start_mark, f"YAML aliases (*{event.anchor}) are not allowed")
        anchor = getattr(event, "anchor", None)
        if anchor is not None:
            raise self.error(event.start_mark, f"YAML anchors (&{anchor}) are not allowed")
        tag = getattr(event, "tag", None)
        if tag not in (None, "!"):
            raise self.error(
                event.start_mark, f"YAML tags ({tag}) are not allowed; quote the value"
            )
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise self.error(event.start_mark, f"nested deeper than {MAX_DEPTH} levels")
            return super().compose_node(parent, index)  # type: ignore[misc]
        finally:
            self._depth -= 1

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Any, int] = {}
        for key_node, _value in node.value:
            if key_node.tag == _MERGE_TAG:
                raise self.error(key_node.start_mark, "YAML merge keys (<<) are not allowed")
            key = self.construct_object(key_node, deep=True)  # type: ignore[attr-defined]
            try:
                hash(key)
            except TypeError:
                raise self.error(key_node.start_mark, "a key must be a plain value") from None
            line = key_node.start_mark.line + self.line_offset
            if key in seen:
                raise self.error(
                    key_node.start_mark, f"duplicate key {key!r} (first on line {seen[key]})"
                )
            seen[key] = line
        return super().construct_mapping(node, deep=deep)  # type: ignore[misc, no-any-return]


#: the longest whole number content may write (minutes, seconds, cycles... are a few digits).
MAX_INT_DIGITS = 18


def _construct_int(loader: Any, node: yaml.ScalarNode) -> int:
    """YAML 1.2 ints: `0o17` is octal and `017` is seventeen (YAML 1.1 made it fifteen)."""
    value = str(loader.construct_scalar(node))
    sign = -1 if value.startswith("-") else 1
    digits = value.lstrip("+-")
    if len(digits) > MAX_INT_DIGITS:  # no number in content is this long; int() would refuse it
        raise loader.error(
            node.start_mark,
            f"a number of {len(digits)} digits is too long (at most {MAX_INT_DIGITS})",
        )
    if digits.startswith("0o"):
        return int(digits[2:], 8)
    if digits.startswith("0x"):
        return int(digits[2:], 16)
    return sign * int(digits)


def _core_schema(loader: Any) -> Any:
    """YAML 1.2's core scalars on `loader` (a class): see the module."""
    loader.yaml_implicit_resolvers = {
        first: [(tag, rx) for tag, rx in resolvers if tag not in _DROPPED_RESOLVERS]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    loader.add_implicit_resolver(
        "tag:yaml.org,2002:bool",
        re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
        list("tTfF"),
    )
    loader.add_implicit_resolver(
        "tag:yaml.org,2002:int",
        re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$"),
        list("-+0123456789"),
    )
    loader.add_implicit_resolver(
        "tag:yaml.org,2002:float",
        re.compile(
            r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
            r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
        ),
        list("-+.0123456789"),
    )
    loader.add_constructor("tag:yaml.org,2002:int", _construct_int)
    return loader


@_core_schema
class PureStrictLoader(_Strict, yaml.SafeLoader):
    """The strict loader on PyYAML's pure-Python scanner and parser."""


StrictLoader: Any = PureStrictLoader
if yaml.__with_libyaml__:  # (a PyYAML built without libyaml keeps the pure-Python one)
    from yaml._yaml import CParser

    @_core_schema
    class CStrictLoader(
        _Strict,
        yaml.composer.Composer,
        CParser,
        yaml.constructor.SafeConstructor,
        yaml.resolver.Resolver,
    ):
        """The strict loader on libyaml's scanner and parser (C: the content loads several
        times faster); the nodes are still composed here, so every strict rule holds on its
        events."""

        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            yaml.composer.Composer.__init__(self)
            yaml.constructor.SafeConstructor.__init__(self)
            yaml.resolver.Resolver.__init__(self)

    StrictLoader = CStrictLoader


#: escape sequences (as `store.text` finds them, which this package may not import; never across
#: a line), then control characters but tab and newline, and bidi overrides: text from a content
#: pack is cleaned here, where it comes in, as a client's is by the store. Never a whole line, so
#: every FILE:LINE stays true.
_ESCAPES = re.compile(
    r"""
    \x1b\[[0-?]*[ -/]*[@-~]?
    | \x1b[\]PX^_][^\x07\x1b\n]*(?:\x07|\x1b\\)?
    | \x1b[ -/]*[0-~]?
    | \x9b[0-?]*[ -/]*[@-~]?
    | [\x90\x9d\x98\x9e\x9f][^\x07\x9c\n]*(?:\x07|\x9c)?
    """,
    re.VERBOSE,
)
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def normalise(text: str) -> str:
    """Drop a leading BOM, turn CRLF / CR into LF (markdown-it would do the same, later) and
    drop escape sequences and control characters (a right-to-left override, NUL)."""
    if text.startswith("\ufeff"):
        text = text[1:]
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROLS.sub("", _ESCAPES.sub("", text))


def check_size(text: str, path: str) -> None:
    """Refuse a file over `MAX_BYTES`, before any parsing work is spent on it."""
    size = len(text.encode("utf-8", errors="surrogatepass"))
    if size > MAX_BYTES:
        raise ContentError(path, 1, f"file is {size} bytes; the limit is {MAX_BYTES} bytes")


def load_yaml(source: str, path: str, first_line: int) -> Any:
    """Load one YAML document strictly; `first_line` is the file line of the source's first line."""
    try:  # the reader refuses some characters as it is made (U+FFFE, a lone surrogate)
        loader = StrictLoader(source)
    except yaml.YAMLError as exc:
        raise ContentError(path, first_line, f"invalid YAML: {exc}".splitlines()[0]) from None
    loader.path = path
    loader.line_offset = first_line
    try:
        return loader.get_single_data()
    except ContentError:
        raise
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = (mark.line if mark is not None else 0) + first_line
        problem = " ".join(str(p) for p in (exc.context, exc.problem) if p)
        if "maximum nesting depth" in problem:  # libyaml's own cap, met before ours is
            raise ContentError(path, line, f"nested deeper than {MAX_DEPTH} levels") from None
        raise ContentError(path, line, f"invalid YAML: {problem}") from None
    except yaml.YAMLError as exc:
        raise ContentError(path, first_line, f"invalid YAML: {exc}".splitlines()[0]) from None
    except RecursionError:
        raise ContentError(path, first_line, "invalid YAML: nested too deeply") from None
    finally:
        loader.dispose()


def markdown() -> MarkdownIt:
    """The one markdown-it configuration for content: CommonMark with tables, raw HTML off."""
    return MarkdownIt("commonmark", {"html": False}).enable("table").use(front_matter_plugin)


def split_front_matter(text: str, path: str) -> tuple[dict[str, Any], str, int]:
    """Return (metadata, body, line in the file where the body starts).

    The file must open with a `---` line and a YAML mapping closed by `---` (or `...`); the body
    is everything after the closing line, with line endings normalised to LF and the BOM dropped,
    so body line `i` (0-based) is file line `start + i`. Raises `ContentError` for anything else.
    """
    check_size(text, path)
    text = normalise(text)
    lines = text.split("\n")
    if lines[0].rstrip() != "---":
        raise ContentError(path, 1, "a content file must start with a '---' front matter line")
    tokens = markdown().parse(text)
    front = tokens[0] if tokens and tokens[0].type == "front_matter" else None
    if front is None or front.map is None:
        raise ContentError(path, 1, "front matter opened here is never closed with '---'")
    meta = load_yaml(front.content, path, first_line=2)
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        raise ContentError(path, 2, "front matter must be a mapping of 'key: value' lines")
    for key in meta:
        if not isinstance(key, str):
            raise ContentError(path, 2, f"front matter key {key!r} must be a word")
    end = front.map[1]
    body = "\n".join(lines[end:])
    return meta, body, end + 1


def key_lines(source: str, first_line: int) -> dict[str, int]:
    """File line of each top-level `key:` in a YAML block, so errors can point at the key."""
    lines: dict[str, int] = {}
    for offset, raw in enumerate(source.split("\n")):
        match = re.match(r"^([A-Za-z_][\w-]*)\s*:", raw)
        if match and match.group(1) not in lines:
            lines[match.group(1)] = first_line + offset
    return lines


def validate_model(
    model: type[M],
    data: dict[str, Any],
    path: str,
    line: int,
    key_lines: dict[str, int],
    what: str,
) -> M:
    """Build `model` from `data`; the first pydantic error becomes a ContentError at its key."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        loc = [str(part) for part in first["loc"]]
        where = ".".join(loc)
        at = key_lines.get(loc[0], line) if loc else line
        msg = first["msg"]
        if first["type"] == "missing":
            raise ContentError(path, at, f"{what}: missing required field '{where}'") from None
        if first["type"] == "extra_forbidden":
            raise ContentError(path, at, f"{what}: unknown field '{where}'") from None
        raise ContentError(path, at, f"{what}: {where}: {msg}") from None
