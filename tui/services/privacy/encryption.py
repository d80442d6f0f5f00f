"""Making a data dir, and encrypting it at rest: nothing of a client left in plain text.

`init --encrypt` encrypts every client file in place, then removes what would still name a
client in plain text beside them (the client register, which is rebuilt encrypted) and lists
plan exports in `exports/`, which are documents for people and stay readable: the practitioner
decides whether to keep them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from store import crypto, keyinfo, layout
from store.advice import has_shell
from store.errors import StoreError
from store.files import REGISTER_MAX, read_checked, shred
from store.register import drop_head
from tui.services.context import Context
from tui.services.errors import UserError
from tui.services.privacy.unlock import read_passphrase, unlock_with
from tui.services.safe_text import one_line


def _plain_register(data_dir: Path) -> Path | None:
    """The client register when it is still plain text (from before encryption)."""
    path = Path(data_dir) / layout.REGISTER
    try:
        return (
            None if crypto.is_encrypted_blob(read_checked(path, max_bytes=REGISTER_MAX)) else path
        )
    except FileNotFoundError:
        return None
    except (OSError, StoreError):
        return path  # not a file the app can read: not one to keep either


@dataclass
class Encrypted:
    files: int
    plain_exports: list[Path] = field(default_factory=list)


def plain_exports(data_dir: Path) -> list[Path]:
    """Files in the data dir's `exports/` folder (plans and worksheets: never encrypted)."""
    folder = Path(data_dir) / "exports"
    try:
        return sorted(p for p in folder.iterdir() if p.is_file() and not p.is_symlink())
    except OSError:
        return []


def encrypt_data_dir(ctx: Context) -> Encrypted:
    """Encrypt at rest (asking for a new passphrase, or the existing one to finish a run)."""
    data_dir = ctx.data_dir
    ctx.prepare_data_dir()
    keyinfo.disable_core_dumps()
    if layout.is_encrypted(data_dir):
        if not crypto.plain_files(data_dir) and _plain_register(data_dir) is None:
            raise UserError(f"data dir {one_line(data_dir)} is already encrypted")
        codec = unlock_with(data_dir, read_passphrase(f"Passphrase for {data_dir}: "))
    else:
        codec = crypto.create_keyinfo(data_dir, read_passphrase("New passphrase: ", confirm=True))
    try:
        done = crypto.encrypt_in_place(data_dir, codec)
    except OSError as exc:
        raise UserError(
            f"encryption stopped: {exc.strerror or exc}; run `wellbeing init --encrypt` again"
            if has_shell()
            else f"encryption stopped: {exc.strerror or exc}; ask your admin to finish it"
        ) from None
    left = crypto.plain_files(data_dir)
    if left:
        raise UserError(
            f"{len(left)} files are still plain text (e.g. {one_line(left[0])}); run again"
        )
    register = _plain_register(data_dir)
    if register is not None:
        shred(register)  # it names every client; the app keeps it encrypted from now on
        drop_head(data_dir)  # its first rows, in plain text too
    return Encrypted(files=done, plain_exports=plain_exports(data_dir))
