"""What each client fact is called and where it belongs: declared once, on the record's field.

A profile field carries a `Fact` in its `Annotated` metadata: the words a practitioner reads, the
group it is shown in, the name `client set` takes. The command line's parser, the profile form,
the eligibility reasons and the help all read it from there (`tui.services.clients.profile_fields`), so a
fact is never described twice.
"""

from __future__ import annotations

from dataclasses import dataclass

#: groups of facts, in the order forms show them: id -> heading.
GROUPS: dict[str, str] = {
    "identity": "Who they are",
    "order": "The order",
    "needs": "Needs that change how sessions run",
    "risk": "Risk and eligibility facts",
    "record": "The record",
}


@dataclass(frozen=True)
class Fact:
    """A client fact in plain words.

    `name` is what `client set` takes (default: the field's own name); `yes`/`no` say how a
    recorded yes or no reads in a sentence ("alcohol dependent" / "not alcohol dependent");
    `past` marks a date that cannot be in the future; `vocabulary` names the list of ids a list
    fact takes ("offence_types", "programmes"), checked by the services that know them.
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

    def __post_init__(self) -> None:
        if self.group not in GROUPS:
            raise ValueError(f"unknown fact group {self.group!r}")


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
