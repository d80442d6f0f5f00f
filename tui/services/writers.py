"""The writer behind each open client: the services' alone.

`open_client` hands screens and commands an `OpenClient`, a read-only view; the store's
`ClientWriter` behind it is kept here, and only the service functions that change a client ask
for it (`writer_of`). Screens may not import this module (import-linter), so a screen can read a
client but never change it except through a service, where the rules are.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from weakref import WeakKeyDictionary

from store.client_writer import ClientWriter

if TYPE_CHECKING:
    from tui.services.clients.access import OpenClient

_writers: WeakKeyDictionary[OpenClient, ClientWriter] = WeakKeyDictionary()


def keep(handle: OpenClient, writer: ClientWriter) -> None:
    _writers[handle] = writer


def writer_of(handle: OpenClient) -> ClientWriter:
    """The writer of `handle` (its methods refuse what a restricted record may not take); the
    one-line reason when a colleague holds it, or it was opened read-only."""
    writer = _writers.get(handle)
    if writer is None:
        raise handle.lock_error()
    return writer
