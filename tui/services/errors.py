"""User-causable errors raised by the services in `tui` (the CLI and App show them in one line)."""

from __future__ import annotations


class UserError(Exception):
    """A problem the user can fix; `str()` is a one-line message."""
