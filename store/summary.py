"""A client's summary: what opening a client shows, without the whole history.

Opening a client shows its profile, sessions, follow-ups and plans, the current answer to each
step, the last few answers of each step (the dashboard's trends, the exercise screen's "last
time") and the answers of the sessions still in use. All of that is small; the answers table of
twenty years of weekly sessions is not (90,000 records, 32 MB). So the summary holds:

- every table but the answers, whole (a client's sessions, follow-ups and plans number hundreds);
- `history`: for each step, its answers from the last `DEPTH` sessions that answered it, the
  last saved first (the first is the current answer: `store.latest`);
- `recent`: every answer of the sessions in use (not completed, or among the last `KEEP`), so a
  session is resumed without the history. Any other session's answers are read from the file.

It is a cache, never a second record: built from the file when the file is folded
(`store.fold`), kept beside it as ``<ID>.json.summary`` with the file's stamp and the last
journal change it holds, and brought up to date by applying the journal's later changes (`apply`,
the same function a save uses). A summary that is missing, damaged, or made from another state
of the file is built again from the file. A test holds `apply` to `build`: a summary kept up to
date change by change equals one built from the folded file.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from store.client_storage import Document
from store.codec import PLAIN, Codec
from store.files import CLIENT_FILE_MAX, atomic_write, read_checked
from store.journal import Change
from store.layout import SUMMARY_SUFFIX
from store.tables import ANSWERS, AUDIT_HEAD, FOLDED, SESSIONS, TABLES, Table

SUFFIX = SUMMARY_SUFFIX
#: the shape of a summary; bump when it changes (an older one is rebuilt)
VERSION = 1
#: answers kept per step (the dashboard's trends show the last 8 sessions)
DEPTH = 8
#: completed sessions whose answers are kept whole (those not completed always are)
KEEP = 6

Doc = dict[str, Any]


def step_key(exercise_id: object, step_id: object) -> str:
    return f"{exercise_id}\x1f{step_id}"


@dataclass
class Summary:
    """See the module. Plain data (JSON as read), shared by the readers of one state: never
    changed in place by a reader; `apply` makes the changes a save does."""

    #: every table but the answers: doc id -> record, in the file's order
    tables: dict[str, dict[str, Doc]] = field(default_factory=dict)
    #: step key -> its answers from distinct sessions, the last saved first
    history: dict[str, list[Doc]] = field(default_factory=dict)
    #: session id -> step key -> answer, in save order, for the sessions kept whole
    recent: dict[str, dict[str, Doc]] = field(default_factory=dict)
    #: the last journal change this summary holds ...
    through: int = 0
    #: ... and the last one the file holds (the rest are in the journal only)
    folded: int = 0

    def copy(self) -> Summary:
        """A copy a change can be applied to while readers keep using this one."""
        return Summary(
            tables=dict(self.tables),
            history=dict(self.history),
            recent=dict(self.recent),
            through=self.through,
            folded=self.folded,
        )

    # -- making one ---------------------------------------------------------------------------------

    @classmethod
    def build(cls, doc: Document, through: int) -> Summary:
        """The summary of a whole file's tables (`doc`), holding changes up to `through`."""
        summary = cls(
            tables={n: dict(t) for n, t in doc.items() if n not in (ANSWERS.name, FOLDED)},
            through=through,
            folded=through,
        )
        kept = summary.kept_sessions()
        summary.recent = {sid: {} for sid in kept}
        for answer in doc.get(ANSWERS.name, {}).values():
            if isinstance(answer, dict):
                summary._add_answer(answer)
        return summary

    def kept_sessions(self) -> list[str]:
        """The sessions kept whole: those not completed, and the last `KEEP` completed ones (by
        day, then the order they were made)."""
        sessions = [d for d in self.tables.get(SESSIONS.name, {}).values() if isinstance(d, dict)]
        ordered = sorted(sessions, key=lambda d: str(d.get("date", "")))
        done = [str(d.get("id")) for d in ordered if d.get("status") == "completed"]
        kept = set(done[-KEEP:]) | {
            str(d.get("id")) for d in ordered if d.get("status") != "completed"
        }
        return [str(d.get("id")) for d in ordered if str(d.get("id")) in kept]

    # -- keeping it up to date -------------------------------------------------------------------

    def apply(self, changes: Iterable[Change]) -> None:
        """Make the changes a save made (or the journal holds) to this summary."""
        for change in changes:
            if change.seq <= self.through:
                continue
            if change.table == ANSWERS.name:
                self._add_answer(change.doc)
            else:
                new = self._put(change.table, change.doc)
                if change.table == SESSIONS.name:
                    self._keep_sessions(str(change.doc.get("id")) if new else None)
            self.tables[AUDIT_HEAD] = {"1": {"head": change.head}}
            self.through = change.seq

    def _put(self, table: str, doc: Doc) -> bool:
        """Replace the record with `doc`'s key, or add it; whether it was added."""
        rows = dict(self.tables.get(table, {}))
        found = find(TABLES[table], rows, doc) if table in TABLES else ("1" if rows else None)
        added = found is None
        rows[found if found is not None else next_id(rows)] = doc
        self.tables[table] = rows
        return added

    def _add_answer(self, doc: Doc) -> None:
        key = step_key(doc.get("exercise_id"), doc.get("step_id"))
        session = doc.get("session_id")
        kept = [d for d in self.history.get(key, ()) if d.get("session_id") != session]
        self.history[key] = [doc, *kept][:DEPTH]
        if isinstance(session, str) and session in self.recent:
            answers = dict(self.recent[session])
            answers.pop(key, None)  # a changed answer moves to the end: save order
            answers[key] = doc
            self.recent[session] = answers

    def _keep_sessions(self, added: str | None) -> None:
        """A session added, ended or moved: keep the sessions in use whole. A session just
        `added` has no answers yet and is kept from empty; an old one that comes back into use
        (resumed) is not made whole here: its answers are read from the file (`has_session`)."""
        kept = self.kept_sessions()
        self.recent = {
            sid: self.recent.get(sid, {}) for sid in kept if sid in self.recent or sid == added
        }

    def has_session(self, session_id: str) -> bool:
        """Whether every answer of `session_id` is here (otherwise read them from the file)."""
        return session_id in self.recent

    # -- on disk ----------------------------------------------------------------------------------

    def dump(self, stamp: list[int]) -> bytes:
        data = {
            "version": VERSION,
            "file": stamp,
            "through": self.through,
            "folded": self.folded,
            "tables": self.tables,
            "history": self.history,
            "recent": self.recent,
        }
        return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def find(table: Table, rows: dict[str, Doc], doc: Doc) -> str | None:
    """The doc id of the record in `rows` with `doc`'s key (None: a new record)."""
    key = table.key_of(doc)
    return next(
        (i for i, d in rows.items() if isinstance(d, dict) and table.key_of(d) == key), None
    )


def next_id(rows: dict[str, Doc]) -> str:
    """The id TinyDB gives the next record of a table: one past the highest."""
    return str(max((int(i) for i in rows if i.isdigit()), default=0) + 1)


def load(path: Path, codec: Codec | None, stamp: list[int] | None) -> Summary | None:
    """The summary kept at `path` if it was made from the file as it is now (`stamp`, the
    file's); None when there is none, or it is damaged, stale or of another shape."""
    if stamp is None:
        return None
    try:
        blob = read_checked(path, max_bytes=CLIENT_FILE_MAX)
        data = json.loads((codec or PLAIN).decode(blob, path=path))
    except FileNotFoundError:
        return None
    except Exception:  # noqa: BLE001 - only a cache: anything wrong means "build it again"
        return None
    if not isinstance(data, dict) or data.get("version") != VERSION or data.get("file") != stamp:
        return None
    tables, history, recent = data.get("tables"), data.get("history"), data.get("recent")
    through, folded = data.get("through"), data.get("folded")
    if not (
        isinstance(folded, int)
        and isinstance(tables, dict)
        and isinstance(history, dict)
        and isinstance(recent, dict)
        and isinstance(through, int)
    ):
        return None
    return Summary(tables=tables, history=history, recent=recent, through=through, folded=folded)


def save(path: Path, codec: Codec | None, summary: Summary, stamp: list[int]) -> None:
    """Keep `summary` beside the file whose stamp is `stamp` (atomic; only a cache)."""
    atomic_write(path, (codec or PLAIN).encode(summary.dump(stamp), path=path))
