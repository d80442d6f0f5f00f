"""How a client's bytes are kept on disk: as they are, or encrypted (`store.crypto`)."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol


class Codec(Protocol):
    """Turns the serialised bytes into what is on disk and back (identity, or encryption). The
    path names the client the bytes belong to: an encrypting codec binds it into them."""

    def encode(self, plain: bytes, *, path: Path) -> bytes: ...

    def decode(self, blob: bytes, *, path: Path) -> bytes: ...


class PlainCodec:
    """No encryption: the file is UTF-8 JSON."""

    def encode(self, plain: bytes, *, path: Path) -> bytes:
        return plain

    def decode(self, blob: bytes, *, path: Path) -> bytes:
        return blob


PLAIN = PlainCodec()
