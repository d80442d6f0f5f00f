"""Client facts as people set them: `client set ID FIELD=VALUE`, the profile form, the eligibility
check's "missing facts", all from one table derived from the records' own field declarations.

Each profile field of `store.records.Client` (and its `needs` and `risk` parts) carries a
`store.facts.Fact`: its label, group and `client set` name. What a field accepts follows from
its type: yes/no (and `unknown`, where a fact may be unknown), a choice among an enum's values,
a whole number or number in the field's range, a date, text, or a comma-separated list of known
ids. Words are forgiving: case, spaces, '-' and '_' are all one ("non-binary" is non_binary).
"""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from enum import Enum
from typing import Any

from annotated_types import Ge, Le
from pydantic import BaseModel, ValidationError

from exercises.interventions import CLIENT_NEEDS, NEED_AREAS, OFFENCE_TYPES
from store.facts import GROUPS, Fact, plain
from store.profile import Client, Needs, RiskProfile
from store.text import clean_line
from tui.services.dates import parse_day
from tui.services.errors import UserError

_UNKNOWN = {"", "unknown", "not_known", "-"}
_YES = {"yes", "y", "true"}
_NO = {"no", "n", "false"}
_PROGRAMME_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


@dataclass(frozen=True)
class ProfileField:
    """One settable fact: where it lives on the client, what it accepts, how to read it."""

    name: str
    #: dotted path on the client: "gender", "needs.language", "risk.ogrs3".
    target: str
    #: one line saying what is accepted (shown in errors, help and the form).
    accepts: str
    parse: Callable[[str], Any]
    #: the fixed values it takes, when it is a choice (the form offers them, in words).
    choices: tuple[str, ...] = ()
    label: str = ""
    group: str = ""
    help: str = ""
    #: the fact may be unknown (empty, or the word `unknown`, clears it).
    nullable: bool = False
    #: what widget fits it: "yes-no", "choice", "number", "date", "list" or "text".
    shape: str = "text"
    fact: Fact | None = None

    def words(self, value: Any) -> str:
        """A recorded value as people read it ("yes", "non-binary", "unknown")."""
        return format_value(value)


def _word(raw: str) -> str:
    return raw.strip().lower().replace("-", "_").replace(" ", "_")


def _bounds(metadata: list[Any]) -> tuple[float | None, float | None]:
    low = next((m.ge for m in metadata if isinstance(m, Ge)), None)
    high = next((m.le for m in metadata if isinstance(m, Le)), None)
    return low, high  # type: ignore[return-value]


def _split_optional(annotation: Any) -> tuple[Any, bool]:
    """(the type without None, whether None is allowed)."""
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        nullable = len(args) < len(typing.get_args(annotation))
        return (args[0] if len(args) == 1 else annotation), nullable
    return annotation, False


def _choice(
    options: tuple[str, ...], nullable: bool, *, empty: str | None = None
) -> Callable[[str], Any]:
    def parse(raw: str) -> Any:
        word = _word(raw)
        if word in _UNKNOWN and (nullable or empty is not None):
            return None if nullable else empty
        if word not in options:
            raise ValueError(f"expected one of {', '.join(plain(o) for o in options)}")
        return word

    return parse


def _yes_no(nullable: bool) -> Callable[[str], bool | None]:
    def parse(raw: str) -> bool | None:
        word = _word(raw)
        if nullable and word in _UNKNOWN:
            return None
        if word in _YES:
            return True
        if word in _NO:
            return False
        raise ValueError("expected yes or no" + (" (or unknown)" if nullable else ""))

    return parse


def _number(
    kind: type, low: float | None, high: float | None, nullable: bool
) -> Callable[[str], Any]:
    whole = kind is int
    noun = "a whole number" if whole else "a number"
    span = f" from {low:g} to {high:g}" if low is not None and high is not None else ""

    def parse(raw: str) -> Any:
        text = raw.strip()
        if nullable and _word(text) in _UNKNOWN:
            return None
        try:
            if whole and not re.fullmatch(r"[0-9]+", text):
                raise ValueError
            value = int(text) if whole else float(text)
        except ValueError:
            raise ValueError(f"expected {noun}{span}") from None
        if (
            (low is not None and value < low)
            or (high is not None and value > high)
            or value != value
        ):
            raise ValueError(f"expected {noun}{span}")
        return value

    return parse


def _day(nullable: bool, past: bool) -> Callable[[str], date | None]:
    def parse(raw: str) -> date | None:
        if nullable and _word(raw) in _UNKNOWN:
            return None
        value = parse_day(raw)
        if past and value > date.today():
            raise ValueError("a date of birth cannot be in the future")
        return value

    return parse


def _text(required: bool) -> Callable[[str], str]:
    def parse(raw: str) -> str:
        text = clean_line(raw)
        if required and not text:
            raise ValueError("a value is needed")
        return text

    return parse


def _ids(known: dict[str, str], noun: str) -> Callable[[str], list[str] | None]:
    """A comma-separated list of known ids, each by its id or its label in words."""
    shown = ", ".join(k.replace("_", "-") for k in known)
    by_words = {_word(label): key for key, label in known.items()}

    def parse(raw: str) -> list[str] | None:
        if _word(raw) in _UNKNOWN:
            return None
        if _word(raw) == "none":
            return []
        items = []
        for part in raw.split(","):
            if not part.strip():
                continue
            word = _word(part)
            item = by_words.get(word, word)
            if item not in known:
                raise ValueError(f"unknown {noun} {part.strip()!r}; use {shown}")
            items.append(item)
        return list(dict.fromkeys(items))

    return parse


_offences = _ids(OFFENCE_TYPES, "offence type")
#: the needs a client's assessment can record, with the directory's words for them.
_NEEDS = {key: NEED_AREAS[key] for key in CLIENT_NEEDS}


def _programmes(raw: str) -> list[str] | None:
    if _word(raw) in _UNKNOWN:
        return None
    if _word(raw) == "none":
        return []
    items = [part.strip().lower().replace("_", "-") for part in raw.split(",") if part.strip()]
    for item in items:
        if not _PROGRAMME_ID.fullmatch(item):
            raise ValueError(f"programme id {item!r} must be words joined by '-'")
    return list(dict.fromkeys(items))


def _field(path: str, info: Any, default_prefix: str) -> ProfileField | None:
    fact = next((m for m in info.metadata if isinstance(m, Fact)), None)
    if fact is None:
        return None
    name = fact.name or f"{default_prefix}{path.rsplit('.', 1)[-1]}"
    inner, nullable = _split_optional(info.annotation)
    low, high = _bounds(info.metadata)
    choices: tuple[str, ...] = ()
    clears = nullable
    if inner is bool:
        parse: Callable[[str], Any] = _yes_no(nullable)
        choices = ("yes", "no")
        accepts, shape = "yes or no", "yes-no"
    elif isinstance(inner, type) and issubclass(inner, Enum):
        choices = tuple(str(m.value) for m in inner)
        parse = _choice(choices, nullable)
        accepts, shape = ", ".join(plain(c) for c in choices), "choice"
    elif typing.get_origin(inner) is typing.Literal:
        values = tuple(str(v) for v in typing.get_args(inner))
        choices = tuple(v for v in values if v)
        parse = _choice(choices, nullable, empty="" if "" in values else None)
        accepts, shape = ", ".join(plain(c) for c in choices), "choice"
        clears = clears or "" in values
    elif inner in (int, float):
        parse = _number(inner, low, high, nullable)
        noun = "a whole number" if inner is int else "a number"
        accepts = f"{noun} {low:g}-{high:g}" if low is not None and high is not None else noun
        shape = "number"
    elif inner is date:
        parse = _day(nullable, fact.past)
        accepts, shape = "a date, e.g. 2026-03-14 or 14/3/2026", "date"
    elif fact.vocabulary == "offence_types":
        parse = _offences
        accepts = "comma-separated: " + ", ".join(k.replace("_", "-") for k in OFFENCE_TYPES)
        accepts += "; or none"
        shape = "list"
    elif fact.vocabulary == "need_areas":
        parse = _ids(_NEEDS, "need")
        accepts = "comma-separated: " + ", ".join(k.replace("_", "-") for k in _NEEDS)
        accepts += "; or none"
        shape = "list"
    elif fact.vocabulary == "programmes":
        parse = _programmes
        accepts = "comma-separated programme ids (see `wellbeing directory`)"
        shape = "list"
    else:
        required = info.is_required()
        parse = _text(required)
        accepts, shape = ("a name or initials" if required else "text"), "text"
    if shape == "list":
        accepts += ", none or unknown" if not accepts.endswith("none") else " (or unknown)"
    elif clears and shape != "text":
        accepts += " (or unknown)"
    return ProfileField(
        name=name,
        target=path,
        accepts=accepts,
        parse=parse,
        choices=choices,
        label=fact.label,
        group=fact.group,
        help=fact.help,
        nullable=nullable,
        shape=shape,
        fact=fact,
    )


def _fields() -> dict[str, ProfileField]:
    found: list[ProfileField] = []
    parts: list[tuple[str, type[BaseModel], str]] = [
        ("", Client, ""),
        ("needs.", Needs, "needs_"),
        ("risk.", RiskProfile, ""),
    ]
    for prefix, model, name_prefix in parts:
        for key, info in model.model_fields.items():
            spec = _field(prefix + key, info, name_prefix)
            if spec is not None:
                found.append(spec)
    order = list(GROUPS)
    found.sort(key=lambda f: order.index(f.group))  # stable: declaration order within a group
    return {f.name: f for f in found}


#: every field `client set` accepts and the profile form shows, grouped, in declaration order.
PROFILE_FIELDS: dict[str, ProfileField] = _fields()
_ALIASES = {
    alias: spec.name
    for spec in PROFILE_FIELDS.values()
    for alias in (spec.fact.aliases if spec.fact else ())
} | {"dob": "date_of_birth"}


def profile_field(name: str) -> ProfileField:
    """The field called `name` (case, ' ' and '-' are forgiven), or a UserError listing names."""
    key = _word(name)
    key = _ALIASES.get(key, key)
    if key not in PROFILE_FIELDS:
        raise UserError(f"unknown field {name!r}; fields: {', '.join(PROFILE_FIELDS)}")
    return PROFILE_FIELDS[key]


def parse_assignment(text: str) -> tuple[str, str]:
    """Split `FIELD=VALUE` (the value may itself hold '=')."""
    field, sep, value = text.partition("=")
    if not sep or not field.strip():
        raise UserError(f"expected FIELD=VALUE, got {text!r}")
    return field.strip(), value


def apply_profile_field(client: Client, field: str, value: str) -> Client:
    """A copy of `client` with one field set from text; a UserError (one line) for bad input."""
    spec = profile_field(field)
    try:
        parsed = spec.parse(value)
    except ValueError as exc:
        raise UserError(f"{spec.name}: {exc}") from None
    data = client.model_dump()
    *parents, leaf = spec.target.split(".")
    node = data
    for part in parents:
        node = node[part]
    node[leaf] = parsed
    try:
        return Client.model_validate(data)
    except ValidationError as exc:
        message = exc.errors()[0]["msg"].removeprefix("Value error, ")
        raise UserError(f"{spec.name}: {message}") from None


def profile_value(client: Client, field: str) -> Any:
    """The current value of a field (None when unknown)."""
    spec = profile_field(field)
    node: Any = client
    for part in spec.target.split("."):
        node = getattr(node, part)
    return node


def format_value(value: Any) -> str:
    """A field's value in words `client set` accepts back ("unknown" for None)."""
    if value is None:
        return "unknown"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(plain(v) for v in value) or "none"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return f"{value:g}"
    return plain(value) if isinstance(value, (str, Enum)) else str(value)
