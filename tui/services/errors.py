"""User-causable errors raised by the services in `tui` (the CLI and App show them in one line)."""

from __future__ import annotations

from store.text import clean_line


class UserError(Exception):
    """A problem the user can fix; `str()` is a one-line message, cleaned of control characters
    and escapes (it may quote a config key or a file name from outside)."""

    def __init__(self, message: object = "") -> None:
        super().__init__(clean_line(str(message)))
