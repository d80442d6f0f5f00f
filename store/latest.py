"""Which answer is a client's current one to a step: one rule, for the store's reads, the plans,
the dashboard and the exercise screen.

The answer saved last wins, in the order the saves happened: the store keeps a client's answers
in that order (a changed answer moves to the end of its table), so the wall clock plays no part.
A clock put back, a second call on the same day, or a posted worksheet typed into an earlier
session later: the last thing saved is the current answer. A cleared answer is the current one
too (it says the client no longer holds what they said before); `is_blank` tells it apart.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Protocol, TypeVar


class _Answer(Protocol):
    @property
    def exercise_id(self) -> str: ...
    @property
    def step_id(self) -> str: ...
    @property
    def value(self) -> Any: ...


A = TypeVar("A", bound=_Answer)


def is_blank(value: object) -> bool:
    """An answer with nothing in it (never filled, cleared, or only blanks) is no answer."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, list):
        return all(is_blank(v) for v in value)
    if isinstance(value, dict):
        return all(is_blank(v) for v in value.values())
    return False


def latest(answers_in_save_order: Iterable[A]) -> dict[tuple[str, str], A]:
    """The current answer to each (exercise, step): the last one in save order (see the module)."""
    return {(a.exercise_id, a.step_id): a for a in answers_in_save_order}
