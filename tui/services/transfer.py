"""Case transfer as use cases: `wellbeing transfer out` and `wellbeing transfer in`.

Out: the client's whole record (file and audit log, the chain verified) is sealed under a transfer
passphrase (`store.transfer`), written (0600, never inside the data dir), read back and opened to
prove it whole, audited, and only then is the client erased here, leaving a tombstone in the audit
log that says when and to where. In: the bundle is opened (one flipped byte, a wrong passphrase or
another client's ID is refused in one line), and the client restored whole with its chain
verified and a "transferred in" entry.
"""

from __future__ import annotations

import os
import socket
from datetime import date
from pathlib import Path

from store.files import atomic_write, read_with_stat
from store.ids import validate_client_id
from store.text import clean_line
from store.transfer import BUNDLE_MAX, client_of, open_sealed, seal
from tui.services.context import Context
from tui.services.erasure import delete_client
from tui.services.errors import UserError
from tui.services.safe_text import one_line

PASSPHRASE_ENV = "WELLBEING_TRANSFER_PASSPHRASE_FILE"


def _outside_data_dir(ctx: Context, dest: Path) -> Path:
    target = Path(dest).expanduser().absolute()
    if target.is_dir():
        raise UserError(f"{one_line(target)} is a folder; give a file name")
    if not target.parent.is_dir():
        raise UserError(f"no folder {one_line(target.parent)} to write into")
    real = Path(os.path.realpath(target.parent))
    data = Path(os.path.realpath(ctx.data_dir))
    if real == data or data in real.parents:
        raise UserError(
            "a transfer bundle never goes inside the data dir (the client is erased from it); "
            "choose another place"
        )
    return target


def transfer_out(ctx: Context, client_id: str, dest: Path, passphrase: str, *, to: str) -> Path:
    """Seal the client into `dest`, then erase them here with a tombstone naming `to`."""
    cid = validate_client_id(client_id)
    to = clean_line(to)[:120]
    if not to:
        raise UserError("say where the client is going (--to), for the tombstone left here")
    target = _outside_data_dir(ctx, dest)
    source = f"{socket.gethostname()}:{ctx.data_dir}"
    payload = ctx.repo.transfer_payload(cid, source=source)
    blob = seal(payload, passphrase)
    open_sealed(blob, passphrase, where="the new bundle")  # proven whole before anything goes
    try:
        atomic_write(target, blob, mode=0o600)
    except OSError as exc:
        raise UserError(f"cannot write {one_line(target)}: {exc.strerror or exc}") from None
    delete_client(
        ctx,
        cid,
        tombstone=(
            "transferred out",
            {"to": to, "on": date.today().isoformat(), "bundle": clean_line(target.name)[:80]},
        ),
    )
    return target


def transfer_in(ctx: Context, bundle: Path, passphrase: str) -> str:
    """Restore the client a bundle holds; their ID."""
    path = Path(bundle).expanduser()
    try:
        blob, _ = read_with_stat(path, max_bytes=BUNDLE_MAX)
    except OSError as exc:
        raise UserError(f"cannot read {one_line(path)}: {exc.strerror or exc}") from None
    where = one_line(path.name, 80)
    cid = client_of(blob, where)
    if ctx.repo.path(cid).exists():
        raise UserError(f"client {cid} is already in {one_line(ctx.data_dir)}: nothing restored")
    payload = open_sealed(blob, passphrase, where=where)
    ctx.repo.ensure()
    ctx.repo.receive(payload)
    return cid
