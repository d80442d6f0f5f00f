"""What each client fact is called and where it belongs: declared once, on the record's field.

A profile field carries a `Fact` in its `Annotated` metadata: the words a practitioner reads, the
group it is shown in, the name `client set` takes. The command line's parser, the profile form,
the eligibility reasons and the help all read it from there (`tui.services.clients.profile_fields`), so a
fact is never described twice.

A yes/no fact an intervention's criteria can ask about says so with a `Criterion` (its words as a
condition); `flags_of` finds every such fact of a record, and from that one list the directory's
`Criteria` take their yes/no fields and the eligibility check its evaluators.
"""

from __future__ import annotations

import types
import typing
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

#: groups of facts, in the order forms show them: id -> heading.
GROUPS: dict[str, str] = {
    "identity": "Who they are",
    "order": "The order",
    "needs": "Needs that change how sessions run",
    "risk": "Risk and eligibility facts",
    "record": "The record",
}


@dataclass(frozen=True)
class Criterion:
    """A yes/no fact as the condition an intervention sets: its field's name is the criterion's
    key in the directory's front matter (`tsp_need: true`).

    `label` heads the check's line ("Maturity"); `if_true` and `if_false` are the condition a
    criterion of true or of false sets, as a phrase ("for people who need to develop maturity"),
    read in the eligibility reasons. `listed` is how the directory's "who it is for" lists a
    criterion of true and of false (default: the condition, capitalised). `after` is the
    criterion it is checked and listed after (a key of the directory's criteria, or another
    yes/no fact); empty: after all of them, in the record's order.
    """

    label: str
    if_true: str
    if_false: str
    listed: tuple[str, str] | None = None
    after: str = ""

    def condition(self, wanted: bool) -> str:
        return self.if_true if wanted else self.if_false

    def line(self, wanted: bool) -> str:
        """The directory's line for a criterion of `wanted`."""
        if self.listed is not None:
            return self.listed[0] if wanted else self.listed[1]
        condition = self.condition(wanted)
        return condition[:1].upper() + condition[1:]


@dataclass(frozen=True)
class Fact:
    """A client fact in plain words.

    `name` is what `client set` takes (default: the field's own name); `yes`/`no` say how a
    recorded yes or no reads in a sentence ("alcohol dependent" / "not alcohol dependent");
    `past` marks a date that cannot be in the future; `vocabulary` names the list of ids a list
    fact takes ("offence_types", "programmes"), checked by the services that know them;
    `criterion` makes a yes/no fact one an intervention's criteria can ask about.
    """

    label: str
    group: str
    name: str = ""
    help: str = ""
    aliases: tuple[str, ...] = ()
    yes: str = ""
    no: str = ""
    past: bool = False
    vocabulary: str = ""
    criterion: Criterion | None = None

    def __post_init__(self) -> None:
        if self.group not in GROUPS:
            raise ValueError(f"unknown fact group {self.group!r}")

    def recorded(self, value: bool) -> str:
        """A recorded yes or no in the fact's own words: "dependent", "not dependent"."""
        return (self.yes or "yes") if value else (self.no or "no")


@dataclass(frozen=True)
class Flag:
    """A yes/no fact a criterion can ask about, found on a record: where it lives, its words."""

    #: the field's name: the criterion's key too.
    key: str
    #: the attributes that lead to it from the record: ("risk", "tsp_need").
    path: tuple[str, ...]
    fact: Fact
    criterion: Criterion
    #: the name `client set` takes (what settles it when it is unknown).
    name: str

    def value(self, record: object) -> bool | None:
        """The recorded value on `record` (None: not recorded)."""
        found: Any = record
        for attr in self.path:
            found = getattr(found, attr)
        return typing.cast("bool | None", found)


def _is_yes_no(annotation: object) -> bool:
    return typing.get_origin(annotation) in (typing.Union, types.UnionType) and set(
        typing.get_args(annotation)
    ) == {bool, type(None)}


def flags_of(model: type[BaseModel]) -> dict[str, Flag]:
    """Every yes/no fact of `model` and of its parts (fields that are records themselves) whose
    `Fact` declares a `Criterion`, in declaration order: key -> flag. A fact of a part names
    itself for `client set` (`Fact.name`), as the needs' facts do."""
    found: dict[str, Flag] = {}
    for key, info in model.model_fields.items():
        part = info.annotation
        if isinstance(part, type) and issubclass(part, BaseModel):
            inner = [
                Flag(f.key, (key, *f.path), f.fact, f.criterion, f.name)
                for f in flags_of(part).values()
            ]
        else:
            fact = next((m for m in info.metadata if isinstance(m, Fact)), None)
            if fact is None or fact.criterion is None:
                continue
            if not _is_yes_no(info.annotation):
                raise TypeError(f"{model.__name__}.{key}: a criterion needs a fact of bool | None")
            inner = [Flag(key, (key,), fact, fact.criterion, fact.name or key)]
        for flag in inner:
            if flag.key in found:
                raise ValueError(f"two yes/no facts are called {flag.key!r}")
            found[flag.key] = flag
    return found


#: values whose words are not just the value with spaces for underscores.
_WORDS = {
    "non_binary": "non-binary",
    "pre_group": "pre-group",
    "post_group": "post-group",
    "post_sentence_supervision": "post-sentence supervision",
}


def plain(value: object) -> str:
    """An enum or choice value as people write it: "non_binary" reads "non-binary",
    "very_high" reads "very high"."""
    raw = str(getattr(value, "value", value))
    return _WORDS.get(raw, raw.replace("_", " "))
