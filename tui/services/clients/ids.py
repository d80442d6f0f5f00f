"""A client ID checked (letters and digits, one case): the light import for a command or a screen
that names a client before anything of the store is needed."""

from __future__ import annotations

from store.ids import validate_client_id

__all__ = ["validate_client_id"]
