"""The one exception type of the store: a user-causable problem, with a one-line message."""

from __future__ import annotations

from store.text import clean_line


class StoreError(Exception):
    """Something wrong with the data dir or a client file; `str()` is one line for the user,
    cleaned here (it may quote a forged ID or key from a file) before anyone shows it."""

    def __init__(self, message: str, *, client_id: str | None = None, path: str | None = None):
        super().__init__(clean_line(message))
        self.client_id = client_id
        self.path = path


class ClientLocked(StoreError):
    """Another session holds this client open for editing."""

    def __init__(self, message: str, *, client_id: str, holder: dict[str, str] | None = None):
        super().__init__(message, client_id=client_id)
        self.holder = holder or {}


class CorruptFile(StoreError):
    """A client file does not parse; it is never overwritten. `backup` names a readable .bak, if any."""

    def __init__(self, message: str, *, client_id: str | None, path: str, backup: str | None):
        super().__init__(message, client_id=client_id, path=path)
        self.backup = backup
