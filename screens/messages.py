"""Messages the screens share: `Saved` (the autosaver finished a save) and `ClientChanged` (a
client's record changed through a dialog the App put up: what shows it fills itself again)."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass

from textual.message import Message


@dataclass
class Saved(Message):
    """The autosaver finished the save under `key` (`error` is None when it worked). The App
    posts it to the screen on top; a screen that must hear of its own saves whatever is on top
    (the exercise screen, under a dialog) posts it to itself from the save."""

    key: Hashable
    error: Exception | None = None


@dataclass
class ClientChanged(Message):
    """Client `client_id`'s record changed (its profile, a follow-up closed): a screen showing
    it fills itself again."""

    client_id: str
