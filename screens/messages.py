"""Messages the screens share: `Saved`, posted when the autosaver finished a save."""

from __future__ import annotations

from textual.message import Message


class Saved(Message):
    """The autosaver finished a save (error is None when it worked)."""

    def __init__(self, key: object, error: Exception | None):
        super().__init__()
        self.key = key
        self.error = error
