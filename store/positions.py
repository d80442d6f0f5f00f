"""Where each exercise was left: the step on screen, kept so a hang-up resumes there.

This is the practitioner's place in the app, not the client's record: it lives beside the client
file (``clients/<ID>.json.position``), never in it, so moving between steps neither rewrites the
record nor adds a line to its audit trail. It is written atomically (a hang-up leaves the old or
the new place), encrypted with the client file's codec when the data dir is (and so by
``init --encrypt``), and erased with the client.
"""

from __future__ import annotations

import json
from pathlib import Path

from store.codec import Codec, PlainCodec
from store.errors import StoreError
from store.files import SMALL_MAX, atomic_write, read_checked
from store.ids import client_path

SUFFIX = ".json.position"


class Positions:
    """One client's places: the step each (session, exercise) was left on."""

    def __init__(self, clients_dir: Path, client_id: str, codec: Codec | None = None):
        self.path = client_path(clients_dir, client_id, SUFFIX)
        self.codec: Codec = codec or PlainCodec()

    def _read(self) -> dict[str, str]:
        """The places on file; anything unreadable counts as none (it is only a convenience)."""
        try:
            blob = read_checked(self.path, max_bytes=SMALL_MAX)
        except (OSError, StoreError):
            return {}
        try:
            data = json.loads(self.codec.decode(blob, path=self.path))
        except Exception:  # noqa: BLE001 - a damaged place file means "start as usual"
            return {}
        if not isinstance(data, dict):
            return {}
        return {str(k): v for k, v in data.items() if isinstance(v, str)}

    @staticmethod
    def _key(session_id: str, exercise_id: str) -> str:
        return f"{session_id}/{exercise_id}"

    def get(self, session_id: str, exercise_id: str) -> str:
        """The step the exercise was left on, or "" (left normally, or never started)."""
        return self._read().get(self._key(session_id, exercise_id), "")

    def put(self, session_id: str, exercise_id: str, step_id: str) -> None:
        """Remember `step_id` ("" forgets: the exercise was left normally). Call under the
        client's lock (the app holds it while the client is open for editing)."""
        places = self._read()
        key = self._key(session_id, exercise_id)
        if places.get(key, "") == step_id:
            return
        if step_id:
            places[key] = step_id
        else:
            places.pop(key, None)
        plain = json.dumps(places, ensure_ascii=False).encode("utf-8")
        atomic_write(self.path, self.codec.encode(plain, path=self.path))
