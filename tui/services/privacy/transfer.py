"""Case transfer as use cases: `wellbeing transfer out` and `wellbeing transfer in`.

Out: the client's whole record (file and audit log, the chain verified, the export audited) is
sealed under a transfer passphrase (`store.transfer`), opened again to prove it whole, written
through the outbox (0600, never inside the data dir, never over an existing file without
`force`), and only then is the client erased here, leaving a tombstone in the audit log that says
when and to where. In: the bundle is opened (one flipped byte, a wrong passphrase or another
client's ID is refused in one line), and the client restored whole with its chain verified and a
"transferred in" entry; a client that left from here comes back with its history joined to the
tombstone it left (`Repository.receive`).
"""

from __future__ import annotations

import socket
from datetime import date
from pathlib import Path

from store import relocation
from store.files import read_with_stat
from store.ids import validate_client_id
from store.keyinfo import check_passphrase
from store.text import clean_line
from store.transfer import BUNDLE_MAX, client_of, open_sealed, seal
from tui.services.context import Context
from tui.services.errors import UserError
from tui.services.privacy import outbox
from tui.services.privacy.erasure import delete_client
from tui.services.repository import repository
from tui.services.safe_text import one_line

PASSPHRASE_ENV = "WELLBEING_TRANSFER_PASSPHRASE_FILE"


def transfer_out(
    ctx: Context,
    client_id: str,
    dest: Path | str,
    passphrase: str,
    *,
    to: str,
    force: bool = False,
) -> Path:
    """Seal the client into `dest` (a file, or a folder to hold it under its default name: one
    named with a trailing slash is made when missing, `outbox.destination`),
    then erase them here with a tombstone naming `to`. An existing file at `dest` is replaced
    only with `force` (it may be another client's only copy)."""
    cid = validate_client_id(client_id)
    check_passphrase(passphrase)  # the store's rule, before anything is audited or written
    to = clean_line(to)[:120]
    if not to:
        raise UserError("say where the client is going (--to), for the tombstone left here")
    name = outbox.bundle_name(cid, date.today())
    target = outbox.destination(ctx, dest, name=name, client_id=cid, bundle=True, force=force)
    source = f"{socket.gethostname()}:{ctx.data_dir}"
    payload = relocation.transfer_payload(repository(ctx), cid, source=source)  # audits the export
    blob = seal(payload, passphrase)
    open_sealed(blob, passphrase, where="the new bundle")  # proven whole before anything goes
    outbox.send_one(target, blob, force=force)
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
    if repository(ctx).path(cid).exists() or repository(ctx).path(cid).is_symlink():
        raise UserError(f"client {cid} is already in {one_line(ctx.data_dir)}: nothing restored")
    payload = open_sealed(blob, passphrase, where=where)
    repository(ctx).ensure()
    relocation.receive(repository(ctx), payload)
    return cid
