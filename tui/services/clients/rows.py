"""The client list's rows, read from the register (`store.register`) in the one way the app's
list, `client list`, the Due list and the team review all use.

Nothing here imports pydantic, TinyDB, filelock or cryptography until a client file must be read:
the app draws its list from the register before they load. `ClientListing` fills the rows of
changed (or new) files a batch at a time, so a first start on a new caseload shows the list as it
fills instead of after every file is read; `list_clients` runs it to the end.
"""

from __future__ import annotations

import os
import secrets
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from store import layout
from store.advice import has_shell
from store.errors import StoreError
from store.files import atomic_write, read_with_stat
from store.ids import validate_client_id
from store.register import Register
from store.text import clean_line
from tui.services.repository import repository

if TYPE_CHECKING:
    from tui.services.context import Context

#: bump when the summary below changes shape, so registers of the old shape are rebuilt
SUMMARY_KIND = "client-list-2"
#: this user's key for the register's seals, in the private state dir (see `store.register`)
SEAL_KEY_FILE = "register.key"
#: a seal key this process made up when none can be kept: nothing in the register is trusted then
_PASSING_KEY = secrets.token_bytes(32)
#: while a register is being built, it is written after about this many files are read
SAVE_EVERY = 500


@dataclass(frozen=True)
class ClientRow:
    """One client as lists show it, or the one-line problem of a file that cannot be read."""

    client_id: str
    name: str = ""
    stage: str = ""
    sessions: int = 0
    last_session: str = ""
    follow_ups: int = 0
    rar: dict[str, Any] | None = None
    problem: str = ""
    #: open follow-ups as (opened on, ISO date; the app's reason), oldest first (the Due list)
    open_follow_ups: tuple[tuple[str, str], ...] = ()
    #: the review date of each plan's latest saved version, ISO (the Due list)
    reviews: dict[str, str] = field(default_factory=dict)
    #: a first frame's row whose register entry is not sealed by this user: only its ID is
    #: known until the file is read (`store.register`)
    pending: bool = False

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.client_id,
            "name": self.name,
            "programme_stage": self.stage.replace("-", "_") or None,
            "sessions": self.sessions,
            "last_session": self.last_session or None,
            "open_follow_ups": self.follow_ups,
            **(self.rar or {}),
        }


def _row(entry: dict[str, Any]) -> ClientRow:
    cid = str(entry["id"])
    if entry.get("problem"):
        return ClientRow(cid, problem=str(entry["problem"]))
    if entry.get("pending") is True:
        return ClientRow(cid, pending=True)
    rar = entry.get("rar")
    reviews = entry.get("reviews")
    reviews = reviews if isinstance(reviews, dict) else {}
    return ClientRow(
        cid,
        name=str(entry.get("name", "")),
        stage=str(entry.get("stage", "")),
        sessions=int(entry.get("sessions") or 0),
        last_session=str(entry.get("last_session", "")),
        follow_ups=int(entry.get("follow_ups") or 0),
        rar=rar if isinstance(rar, dict) else None,
        open_follow_ups=tuple(
            (str(f[0]), clean_line(str(f[1])))  # from a file: cleaned
            for f in entry.get("open_follow_ups") or ()
            if isinstance(f, list) and len(f) == 2
        ),
        reviews={clean_line(str(k))[:20]: str(v)[:10] for k, v in reviews.items()},
    )


def demo_hint() -> str:
    """How to look around with a sample client first, in words that work where the user is."""
    if not has_shell():
        return "To look around with a sample client first, ask your admin for a demo account."
    return (
        "To look around first: quit (ctrl+q), then run `make demo` in the project folder "
        "(or `.venv/bin/wellbeing --demo` there; `wellbeing --demo` once installed with pipx)."
    )


def seal_key() -> bytes:
    """This user's key for the register's seals: 32 random bytes in a file of their own (0600 in
    the 0700 state dir), made on first use. One another user could read or has replaced, or
    none at all, gives a key of this process only: the register is then read from the files."""
    from tui.services.locations import state_dir

    folder = state_dir()
    path = folder / SEAL_KEY_FILE
    try:
        try:  # read at every start; written once (a write's fsync would hold up the first frame)
            key, st = read_with_stat(path, max_bytes=64)
        except FileNotFoundError:
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            try:  # the store's one write: atomic, fsynced, never through a symlink, never over one
                atomic_write(path, secrets.token_bytes(32), mode=0o600, replace=False)
            except FileExistsError:
                pass  # another instance made it meanwhile: theirs is read
            key, st = read_with_stat(path, max_bytes=64)
    except (OSError, StoreError):
        return _PASSING_KEY
    mine = st.st_uid == os.geteuid() and not st.st_mode & 0o077  # this user's alone
    return key if mine and len(key) == 32 else _PASSING_KEY


class ClientListing:
    """The rows of one data dir: those the register holds at once, the rest as they are read."""

    def __init__(
        self, ctx: Context, *, check: bool = True, pause: Callable[[], None] | None = None
    ):
        """`check=False`: the register as written, no client file listed or stat-ed (a first
        frame, followed at once by a checked listing); nothing is then stale or saved. `pause`:
        called between files read or checked (a worker making way for keys:
        `tui.services.yielding.make_way`)."""
        self.ctx = ctx
        self.checked = check
        self.pause = pause
        # unlocked before any list shows (the codec alone: the store itself is not needed yet)
        codec = ctx.codec if ctx.encrypted else None
        self.register = Register.read(
            ctx.data_dir, SUMMARY_KIND, codec=codec, check=check, seal_key=seal_key(), pause=pause
        )

    def files(self) -> int:
        """How many client files the data dir holds (a listing, nothing read)."""
        return len(layout.client_ids(self.ctx.data_dir))

    def rows(self, limit: int | None = None) -> list[ClientRow]:
        """Every client summarised so far (the first `limit`), in ID order (a stale one appears
        once it is read)."""
        return [_row(e) for e in self.register.rows(limit)]

    @property
    def complete(self) -> bool:
        return not self.register.stale

    def fill(self, batch: int = 0) -> Iterator[int]:
        """Read the changed and new client files, yielding after each `batch` (0: once, at the
        end); the register is written back when all are read."""
        if not self.checked:
            return
        stale = self.register.stale
        if not stale:
            self.register.save()  # only if a client went: it is not listed any more
            return
        from tui.services.clients.access import summary  # the store and pydantic, from here on

        repo = repository(self.ctx)
        try:
            for done in self.register.fill(
                lambda cid: repo.summarise(cid, summary), stale, batch=batch, pause=self.pause
            ):
                if done % SAVE_EVERY < max(batch, 1):
                    self.register.save()  # a start cut short keeps what it read
                yield done
        finally:
            self.register.save()


def still_there(ctx: Context, client_ids: list[str]) -> list[str]:
    """Those of `client_ids` whose file is in the data dir now, a regular file: one `lstat` each,
    nothing read (a first frame's check that no row names a client removed meanwhile; the
    first frame's few rows, not a listing of a caseload's every file)."""
    folder = layout.clients_dir(ctx.data_dir)
    there = []
    for cid in client_ids:
        try:
            if validate_client_id(cid) == cid and stat.S_ISREG(
                os.lstat(folder / f"{cid}.json").st_mode
            ):
                there.append(cid)
        except (OSError, StoreError):
            continue
    return there


def present_ids(ctx: Context) -> set[str]:
    """The IDs that have a client file now (one directory listing, nothing read)."""
    return set(layout.client_ids(ctx.data_dir))


def list_clients(ctx: Context) -> list[ClientRow]:
    """Every client in the data dir, in ID order, with a row naming the problem of each file that
    cannot be read (never hidden). Reading the list audits nothing: no record is shown."""
    listing = ClientListing(ctx)
    for _ in listing.fill():
        pass
    return listing.rows()
