"""`client set ID FIELD=VALUE`: the names of a client's profile fields and how values are read.

One table, `PROFILE_FIELDS`, serves the command line and the eligibility screen's form, so both
accept the same words. Every field takes `unknown` (or an empty value) to clear it where it can be
unknown. Yes/no fields take yes/no (also y/n, true/false). Lists are comma-separated.

| field | accepted values |
|---|---|
| name | a name or initials (1-120 characters) |
| date_of_birth | YYYY-MM-DD, not in the future |
| gender | male, female, non_binary, not_stated |
| programme_stage | pre_group, group, post_group |
| order_type | free text, e.g. community_order, suspended_sentence_order, licence |
| rar_days | whole number 0-1000 |
| order_end | YYYY-MM-DD |
| needs_interpreter | yes, no |
| needs_language | free text (the language spoken) |
| needs_literacy | good, some_difficulty, cannot_read |
| needs_learning_disability (or learning_disability) | yes, no |
| needs_accessibility | free text |
| offence_types | list of: ipv, violence, contact_sexual, internet_sexual, extremism, ... |
| rosh, reoffending | low, medium, high, very_high |
| ogrs3 | whole number 0-100 |
| rsr | number 0-100 |
| sara | low, medium, high |
| completed_programmes | programme ids (e.g. new-me-strengths, becoming-new-me-plus), or none |
| erg22_recommended, extremism_concern, alcohol_related_offence | yes, no |
| alcohol_dependent, alcohol_treatment_requirement, alcohol_misuse | yes, no |
| drug_misuse, mental_health_need, consent | yes, no |
| restricted | yes, no (never unknown): a restricted record is read-only and kept from deletion |
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from pydantic import ValidationError

from exercises.interventions import OFFENCE_TYPES
from store.records import Client
from store.text import clean_line
from tui.services.errors import UserError

_UNKNOWN = {"", "unknown", "not_known", "-"}
_YES = {"yes", "y", "true"}
_NO = {"no", "n", "false"}
_LEVELS = ("low", "medium", "high", "very_high")
_PROGRAMME_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


@dataclass(frozen=True)
class ProfileField:
    """One settable field: where it lives on the client, what it accepts, how to read it."""

    name: str
    #: dotted path on the client: "gender", "needs.language", "risk.ogrs3".
    target: str
    #: one line saying what is accepted (shown in errors, help and the form).
    accepts: str
    parse: Callable[[str], Any]
    #: the fixed words it accepts, when it is a choice (the form offers them).
    choices: tuple[str, ...] = ()
    label: str = ""


def _word(raw: str) -> str:
    return raw.strip().lower().replace("-", "_").replace(" ", "_")


def _choice(options: tuple[str, ...], nullable: bool = True) -> Callable[[str], str | None]:
    def parse(raw: str) -> str | None:
        word = _word(raw)
        if nullable and word in _UNKNOWN:
            return None
        if word not in options:
            raise ValueError(f"expected one of {', '.join(options)}")
        return word

    return parse


def _yes_no(raw: str) -> bool | None:
    word = _word(raw)
    if word in _UNKNOWN:
        return None
    if word in _YES:
        return True
    if word in _NO:
        return False
    raise ValueError("expected yes or no")


def _strict_yes_no(raw: str) -> bool:
    """Yes or no, with no 'unknown': for flags that are always either on or off."""
    word = _word(raw)
    if word in _YES:
        return True
    if word in _NO:
        return False
    raise ValueError("expected yes or no")


def _int_in(low: int, high: int) -> Callable[[str], int | None]:
    def parse(raw: str) -> int | None:
        text = raw.strip()
        if _word(text) in _UNKNOWN:
            return None
        if not re.fullmatch(r"[0-9]+", text):
            raise ValueError(f"expected a whole number from {low} to {high}")
        value = int(text)
        if not low <= value <= high:
            raise ValueError(f"expected a whole number from {low} to {high}")
        return value

    return parse


def _float_in(low: float, high: float) -> Callable[[str], float | None]:
    def parse(raw: str) -> float | None:
        text = raw.strip()
        if _word(text) in _UNKNOWN:
            return None
        try:
            value = float(text)
        except ValueError:
            raise ValueError(f"expected a number from {low:g} to {high:g}") from None
        if not low <= value <= high:  # also refuses nan
            raise ValueError(f"expected a number from {low:g} to {high:g}")
        return value

    return parse


def _date(not_future: bool) -> Callable[[str], date | None]:
    def parse(raw: str) -> date | None:
        text = raw.strip()
        if _word(text) in _UNKNOWN:
            return None
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            raise ValueError("expected a date as YYYY-MM-DD")
        try:
            value = date.fromisoformat(text)
        except ValueError:
            raise ValueError(f"{text} is not a real date") from None
        if not_future and value > date.today():
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


def _offences(raw: str) -> list[str] | None:
    if _word(raw) in _UNKNOWN:
        return None
    items = [_word(part) for part in raw.split(",") if part.strip()]
    for item in items:
        if item not in OFFENCE_TYPES:
            raise ValueError(f"unknown offence type {item!r}; use {', '.join(OFFENCE_TYPES)}")
    return list(dict.fromkeys(items))


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


_YN = ("yes", "no")


def _fields() -> dict[str, ProfileField]:
    f = ProfileField
    rows = [
        f("name", "name", "a name or initials", _text(True), label="Name"),
        f("date_of_birth", "date_of_birth", "YYYY-MM-DD", _date(True), label="Date of birth"),
        f(
            "gender",
            "gender",
            "male, female, non_binary, not_stated",
            _choice(("male", "female", "non_binary", "not_stated")),
            ("male", "female", "non_binary", "not_stated"),
            "Gender",
        ),
        f(
            "programme_stage",
            "programme_stage",
            "pre_group, group, post_group",
            _choice(("pre_group", "group", "post_group")),
            ("pre_group", "group", "post_group"),
            "Programme stage",
        ),
        f(
            "order_type",
            "order_type",
            "text, e.g. community_order, suspended_sentence_order",
            _text(False),
            label="Order type",
        ),
        f("rar_days", "rar_days", "a whole number 0-1000", _int_in(0, 1000), label="RAR days"),
        f("order_end", "order_end", "YYYY-MM-DD", _date(False), label="Order end date"),
        f(
            "needs_interpreter",
            "needs.interpreter",
            "yes or no",
            lambda raw: bool(_yes_no(raw)),
            _YN,
            "Needs an interpreter",
        ),
        f("needs_language", "needs.language", "text", _text(False), label="Language"),
        f(
            "needs_literacy",
            "needs.literacy",
            "good, some_difficulty, cannot_read",
            lambda raw: _choice(("good", "some_difficulty", "cannot_read"))(raw) or "",
            ("good", "some_difficulty", "cannot_read"),
            "Literacy",
        ),
        f(
            "needs_learning_disability",
            "needs.learning_disability",
            "yes or no",
            _yes_no,
            _YN,
            "Learning disability or challenges",
        ),
        f(
            "needs_accessibility",
            "needs.accessibility",
            "text",
            _text(False),
            label="Accessibility needs",
        ),
        f(
            "offence_types",
            "risk.offence_types",
            "comma-separated: " + ", ".join(OFFENCE_TYPES),
            _offences,
            label="Offence types",
        ),
        f(
            "rosh",
            "risk.rosh",
            ", ".join(_LEVELS),
            _choice(_LEVELS),
            _LEVELS,
            "Risk of serious harm (RoSH)",
        ),
        f(
            "reoffending",
            "risk.reoffending",
            ", ".join(_LEVELS),
            _choice(_LEVELS),
            _LEVELS,
            "Risk of reoffending",
        ),
        f("ogrs3", "risk.ogrs3", "a whole number 0-100", _int_in(0, 100), label="OGRS3 score"),
        f("rsr", "risk.rsr", "a number 0-100", _float_in(0, 100), label="RSR score"),
        f(
            "sara",
            "risk.sara",
            "low, medium, high",
            _choice(("low", "medium", "high")),
            ("low", "medium", "high"),
            "SARA level",
        ),
        f(
            "completed_programmes",
            "risk.completed_programmes",
            "comma-separated programme ids (e.g. new-me-strengths, becoming-new-me-plus) or none",
            _programmes,
            label="Programmes completed",
        ),
    ]
    flags = {
        "erg22_recommended": "ERG 22+ report recommends HII",
        "extremism_concern": "Credible concern about extremism",
        "alcohol_related_offence": "Offence is alcohol related",
        "alcohol_dependent": "Alcohol dependent",
        "alcohol_treatment_requirement": "Alcohol treatment requirement recommended or in place",
        "alcohol_misuse": "Needs treatment for alcohol misuse",
        "drug_misuse": "Needs treatment for drug misuse",
        "mental_health_need": "Needs mental health treatment",
        "consent": "Agrees to take part",
    }
    rows += [
        f(name, f"risk.{name}", "yes or no", _yes_no, _YN, label) for name, label in flags.items()
    ]
    rows.append(
        f(
            "restricted",
            "restricted",
            "yes or no (a restricted record is read-only and kept from deletion)",
            _strict_yes_no,
            _YN,
            "Restricted (read-only)",
        )
    )
    return {row.name: row for row in rows}


#: every field `client set` accepts, in the order they are shown.
PROFILE_FIELDS: dict[str, ProfileField] = _fields()
_ALIASES = {"learning_disability": "needs_learning_disability", "dob": "date_of_birth"}


def profile_field(name: str) -> ProfileField:
    """The field called `name` (case and '-' are forgiven), or a UserError listing the names."""
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
    """A field's value as the words `client set` accepts back ('unknown' for None)."""
    if value is None:
        return "unknown"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "none"
    if isinstance(value, date):
        return value.isoformat()
    return str(getattr(value, "value", value))
