"""Finding the codec for a data dir: plain unless the data dir was initialised with encryption."""

from __future__ import annotations

from pathlib import Path

from store.storage import Codec


def codec_for(data_dir: Path) -> Codec | None:
    """None (plain JSON) until encryption at rest is set up for this data dir."""
    return None
