"""Every file that leaves the data dir goes out here: plan exports, worksheets, subject access
exports, transfer bundles (and any document added later). One rule, one writer:

- Where a file may go (`destination`): anywhere the user can write, but inside the data dir only
  in its `exports/` folder, and there a client's document only under a name that starts with the
  client's ID (so deleting the client finds it); a transfer bundle never inside the data dir at
  all (the client it holds is erased from there). A folder given as the destination gets the
  file's default name inside it; a folder named with a trailing slash (`bundles/`) that does
  not exist yet is made (private, as the export folders are), never written as a file of that name.
- Nothing is overwritten that is not ours to overwrite: an existing file (or link) at the
  destination is refused (`Exists`) unless the caller was told to replace it (`force`: the
  command line's `--force`, or the practitioner's yes when the app asked, naming the file).
- How it is written (`send`): audited first where the store audits (if the audit log cannot be
  written, nothing is written), then through the store's one atomic writer (random O_EXCL temp
  name, never through a symlink, fsynced, 0600), claiming the name only if it is still free.

Default names carry what tells two files apart: the client, the kind, the layout, the version
(or "draft") and the date.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path

from store.errors import StoreError
from store.files import atomic_write
from store.permissions import make_private_dir
from tui.services.context import Context
from tui.services.errors import UserError
from tui.services.safe_text import one_line

#: every file that leaves is private to its writer, whatever the umask
MODE = 0o600


class Exists(UserError):
    """The destination already holds a file: not replaced (the CLI's `--force` replaces it; the
    app asks first, naming it)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        super().__init__(
            f"{one_line(path)} exists: not replaced (choose another name, or --force to replace it)"
        )


def _slug(text: str) -> str:
    """A piece of a file name: letters, digits, dots and dashes only."""
    return re.sub(r"[^A-Za-z0-9.-]+", "-", text).strip(".-") or "x"


def plan_name(
    client_id: str, kind: str, fmt: str, on: date, *, layout: str, version: int | None
) -> str:
    """`X123-wellbeing-plan-easy-read-v3-2026-12-04.pdf` (or `-draft-` for an unsaved plan)."""
    which = f"v{version}" if version else "draft"
    return f"{_slug(client_id)}-{_slug(kind)}-plan-{_slug(layout)}-{which}-{on.isoformat()}.{fmt}"


def worksheet_name(exercise_id: str, fmt: str, on: date) -> str:
    """`worksheet-breathing-2026-12-04.pdf` (a worksheet names nobody)."""
    return f"worksheet-{_slug(exercise_id)}-{on.isoformat()}.{fmt}"


def subject_access_name(client_id: str, on: date) -> str:
    """`X123-subject-access-2026-12-04.json` (and the same with `.txt` added)."""
    return f"{_slug(client_id)}-subject-access-{on.isoformat()}.json"


def bundle_name(client_id: str, on: date) -> str:
    """`X123-transfer-2026-12-04.bundle`."""
    return f"{_slug(client_id)}-transfer-{on.isoformat()}.bundle"


def exists(path: Path) -> bool:
    """Whether something (a file, a folder, a link, even a dangling one) has this name."""
    return os.path.lexists(Path(path).expanduser())


def destination(
    ctx: Context,
    dest: Path | str,
    *,
    name: str,
    client_id: str | None = None,
    bundle: bool = False,
    force: bool = False,
) -> Path:
    """Where a file may go, as an absolute path; UserError (one line) where it may not.

    `name` is the default file name (used when `dest` is a folder); `client_id` names whose
    document it is (None: a worksheet, which names nobody); `bundle` for a transfer bundle. A
    text `dest` ending in a slash names a folder (made when missing, in a folder that exists)."""
    folder = isinstance(dest, str) and dest.endswith(("/", os.sep))
    target = Path(dest).expanduser().absolute()
    export_dirs = (
        Path(ctx.export_dir).expanduser().absolute(),
        Path(ctx.data_dir, "exports").expanduser().absolute(),
    )
    data = Path(os.path.realpath(ctx.data_dir))
    made = (
        folder
        and not exists(target)
        and target.parent.is_dir()
        and data not in Path(os.path.realpath(target)).parents  # the data dir's own rules below
    )
    if target.is_dir() or made or (target in export_dirs and not exists(target)):
        target = target / name  # a folder (an export folder, or one named so: made below)
    if target.parent in export_dirs or made:
        try:  # the export folders are made on first use, and a folder named for this file (0700)
            make_private_dir(target.parent, allow_group=False if made else None)
        except (OSError, StoreError) as exc:
            where = one_line(target.parent)
            raise UserError(f"cannot make the folder {where}: {exc}") from None
    if target.is_dir():
        raise UserError(f"{one_line(target)} is a folder; give a file name")
    if not target.parent.is_dir():
        raise UserError(f"no folder {one_line(target.parent)} to write into")
    real_parent = Path(os.path.realpath(target.parent))
    exports = Path(os.path.realpath(ctx.data_dir / "exports"))
    if real_parent == data or data in real_parent.parents:
        if bundle:
            raise UserError(
                "a transfer bundle never goes inside the data dir (the client is erased from "
                "it); choose another place"
            )
        if real_parent != exports:
            raise UserError(
                f"exports never go inside the data dir ({one_line(ctx.data_dir)}) except its "
                "exports folder; choose another place"
            )
        if client_id is not None and not target.name.upper().startswith(f"{client_id}-"):
            raise UserError(
                f"in the data dir's exports folder an export's name starts with {client_id}- "
                "(so deleting the client finds it)"
            )
    if not force and exists(target):
        raise Exists(target)
    return target


def send(
    targets: Sequence[tuple[Path, bytes]],
    *,
    force: bool = False,
    audit: Callable[[], object] | None = None,
) -> list[Path]:
    """Write each (path, bytes) checked by `destination`: `audit` first (if it raises, nothing
    is written), then each file through the store's atomic writer. Without `force` a name taken
    meanwhile is refused (`Exists`), never replaced."""
    if not force:
        for path, _ in targets:
            if exists(path):
                raise Exists(path)
    if audit is not None:
        audit()
    written = []
    for path, data in targets:
        try:
            atomic_write(path, data, mode=MODE, replace=force)
        except FileExistsError:
            raise Exists(path) from None
        except OSError as exc:
            raise UserError(f"cannot write {one_line(path)}: {exc.strerror or exc}") from None
        written.append(path)
    return written


def send_one(
    target: Path,
    data: bytes,
    *,
    force: bool = False,
    audit: Callable[[], object] | None = None,
) -> Path:
    """`send` of one file."""
    return send([(target, data)], force=force, audit=audit)[0]
