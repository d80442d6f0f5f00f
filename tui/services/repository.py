"""The services' one door to the store behind a `Context`.

The App and the command line hold a `Context` but never its store: `Context._repo` is private
(ruff SLF001 is on for product code) and this module is protected (import-linter lets only the
services import it), so neither a reach by attribute nor an import gets around the services.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from store.clients import Repository
    from tui.services.context import Context


def repository(ctx: Context) -> Repository:
    """The unlocked, checked repository of `ctx`'s data dir (made on first use)."""
    return ctx._repo  # noqa: SLF001 - Context keeps the handle; this protected module is the door
