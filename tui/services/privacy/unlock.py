"""Finding the codec for a data dir: plain, or encrypted and unlocked with the passphrase.

The passphrase comes from the file named by ``WELLBEING_PASSPHRASE_FILE`` (for scripts and
tests; the file must be readable by its owner only), else from a prompt on the terminal. The App
asks for it in its own screen and calls `unlock_with`. A wrong passphrase is refused by the key
file's verifier before any client file is read, so it can never cause a write.
"""

from __future__ import annotations

import getpass
import os
import stat
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from store import layout
from tui.services.errors import UserError

if TYPE_CHECKING:  # cryptography is imported only when a data dir is encrypted
    from store.codec import Codec
    from store.crypto import EncryptedCodec
    from store.keyinfo import DerivedKey
    from tui.services.context import Context

PASSPHRASE_ENV = "WELLBEING_PASSPHRASE_FILE"
#: a passphrase file larger than this is not a passphrase file.
_MAX_FILE = 4096


def unlock_with(data_dir: Path, passphrase: str) -> EncryptedCodec:
    """The codec for an encrypted data dir; `store.keyinfo.WrongPassphrase` if it does not fit.
    Core dumps are turned off first: the key is about to be in memory."""
    from store import crypto, keyinfo

    keyinfo.disable_core_dumps()
    return crypto.unlock(Path(data_dir), passphrase)


def verify_passphrase(data_dir: Path, passphrase: str) -> bool:
    """Whether `passphrase` opens `data_dir` (the idle privacy screen checks it this way)."""
    from store import crypto, keyinfo

    try:
        crypto.unlock(Path(data_dir), passphrase)
    except keyinfo.WrongPassphrase:
        return False
    return True


def codec_for(data_dir: Path) -> Codec | None:
    """None for a plain data dir; for an encrypted one, the codec, asking for the passphrase."""
    return open_key(key_for(data_dir))


def key_for(data_dir: Path) -> DerivedKey | None:
    """None for a plain data dir; for an encrypted one, the key its passphrase gives (asking for
    it), not yet checked (`open_key`). Needs no `cryptography`: the app does this on a thread
    while its modules load, and scrypt lets the interpreter go meanwhile."""
    if not layout.is_encrypted(data_dir):
        return None
    from store import keyinfo

    keyinfo.disable_core_dumps()  # before the passphrase is in memory
    return keyinfo.derive_key(Path(data_dir), read_passphrase(f"Passphrase for {data_dir}: "))


def open_key(derived: DerivedKey | None) -> Codec | None:
    """The codec of a key from `key_for` (None: plain); `store.keyinfo.WrongPassphrase` if the
    passphrase it came from does not open the data dir."""
    if derived is None:
        return None
    from store import crypto

    return crypto.open_derived(derived)


class UnlockOnThread:
    """The data dir's key derived on a thread (`Context.unlock_key`: the passphrase file read,
    scrypt) while the app's modules load; `wait` makes the codec from it on the calling thread
    (`cryptography` is imported there, not beside the app's imports), raising what either raised."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.key: DerivedKey | None = None
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="unlock", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        try:
            self.key = self.ctx.unlock_key()
        except BaseException as exc:  # noqa: BLE001 - handed to the main thread as it is
            self.error = exc

    def wait(self) -> None:
        self.thread.join()
        if self.error is not None:
            raise self.error
        codec = open_key(self.key)
        if codec is not None:  # (None: the data dir was plain after all)
            self.ctx.unlock(codec)


def read_passphrase(
    prompt: str = "Passphrase: ", *, confirm: bool = False, env: str = PASSPHRASE_ENV
) -> str:
    """From the file named by `env` when set, else from the terminal (twice when `confirm`)."""
    named = os.environ.get(env)
    if named:
        return passphrase_from_file(Path(named).expanduser(), env=env)
    if not sys.stdin.isatty():
        raise UserError(
            f"a passphrase is needed: run in a terminal, or set {env} to a file with it"
        )
    try:
        first = getpass.getpass(prompt)
        if confirm and getpass.getpass("Again, to confirm: ") != first:
            raise UserError("the two passphrases differ; nothing was changed")
    except EOFError:
        raise UserError("no passphrase given; nothing was changed") from None
    if not first:
        raise UserError("an empty passphrase; nothing was changed")
    return first


def passphrase_from_file(path: Path, *, env: str = PASSPHRASE_ENV) -> str:
    """The first line of a private file (0600 or 0400, owned by this user); one-line errors."""
    try:
        st = os.stat(path)
        if not stat.S_ISREG(st.st_mode):
            raise UserError(f"{env}: {path} is not a regular file")
        if st.st_uid != os.geteuid() or st.st_mode & 0o077:
            raise UserError(f"{env}: {path} must be owned by you and private (chmod 600 {path})")
        if st.st_size > _MAX_FILE:
            raise UserError(f"{env}: {path} is too large to be a passphrase file")
        raw = path.read_bytes()
    except OSError as exc:
        raise UserError(f"{env}: cannot read {path}: {exc.strerror}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise UserError(f"{env}: {path} is not UTF-8 text") from None
    lines = text.splitlines()
    if not lines or not lines[0]:
        raise UserError(f"{env}: {path} is empty")
    return lines[0]


def passphrase_fits(data_dir: Path, passphrase: str) -> bool:
    """For the idle privacy screen: whether the passphrase opens the data dir; never raises
    (a damaged key file is a no, not a crash of the screen that hides client data)."""
    from store.errors import StoreError

    try:
        return verify_passphrase(data_dir, passphrase)
    except StoreError:
        return False
