"""A data dir's key file and the key derived from a passphrase: standard library only.

``keyinfo.json`` holds the scrypt salt and parameters and a verifier (a known text encrypted under
the key), never the key. Deriving the key (`derive_key`) needs nothing but `hashlib`, which lets go
of the interpreter while scrypt runs: the app derives it on a thread while its own modules load,
and only the check against the verifier (`store.crypto.open_derived`) needs `cryptography`.
"""

from __future__ import annotations

import base64
import hashlib
import json
import resource
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from store import layout
from store.errors import StoreError
from store.files import SMALL_MAX, read_checked

FORMAT_VERSION = 1
KDF_SCRYPT = 1
KEYINFO = layout.KEYINFO
KEY_BYTES = 32
NONCE_BYTES = 12
SALT_BYTES = 16
#: production scrypt cost: n = 2**15 (32 MiB, ~0.1 s), r = 8, p = 1. Never lower.
MIN_LOG2_N = 15
DEFAULT_LOG2_N = 15
#: a keyinfo asking for more than this is refused rather than exhausting memory (2**20: 1 GiB).
MAX_LOG2_N = 20
MIN_PASSPHRASE = 8
CHECK_TEXT = b"wellbeing-guide keyinfo check v1"


class CryptoError(StoreError):
    """Encryption is set up wrongly for the data dir (missing, unreadable or damaged key file)."""


class WrongPassphrase(CryptoError):
    """The passphrase does not open this data dir; nothing was read or written."""


@dataclass(frozen=True)
class KdfParams:
    """scrypt parameters and salt; the same for every file of a data dir."""

    salt: bytes
    log2_n: int = DEFAULT_LOG2_N
    r: int = 8
    p: int = 1

    def check(self, where: str) -> None:
        n_ok = MIN_LOG2_N <= self.log2_n <= MAX_LOG2_N
        if not n_ok or not 1 <= self.r <= 32 or not 1 <= self.p <= 16:
            raise CryptoError(
                f"{where}: scrypt parameters out of range "
                f"(n=2**{self.log2_n}, r={self.r}, p={self.p})"
            )
        if not 16 <= len(self.salt) <= 64:
            raise CryptoError(f"{where}: salt of {len(self.salt)} bytes (expected 16 to 64)")

    def derive(self, passphrase: str) -> bytes:
        """scrypt (RFC 7914) through OpenSSL; the interpreter is free for other threads meanwhile."""
        n = 2**self.log2_n
        return hashlib.scrypt(
            normalise_passphrase(passphrase),
            salt=self.salt,
            n=n,
            r=self.r,
            p=self.p,
            dklen=KEY_BYTES,
            # what scrypt itself needs (OpenSSL's default cap is 32 MiB, exactly n = 2**15's)
            maxmem=128 * self.r * (n + self.p + 2) + 2**20,
        )


def check_passphrase(passphrase: str) -> None:
    """The rule for every passphrase that makes a key (a data dir's, a transfer bundle's)."""
    if len(passphrase) < MIN_PASSPHRASE:
        raise CryptoError(f"the passphrase is too short (at least {MIN_PASSPHRASE} characters)")


def normalise_passphrase(passphrase: str) -> bytes:
    """NFC, UTF-8: the same passphrase typed on another keyboard or terminal gives the same key."""
    return unicodedata.normalize("NFC", passphrase).encode("utf-8")


def disable_core_dumps() -> None:
    """A core dump would hold the key and decrypted records; make the process never write one."""
    try:
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    except (ValueError, OSError):  # pragma: no cover - refused by the platform: nothing more to do
        pass


def keyinfo_path(data_dir: Path) -> Path:
    return Path(data_dir) / KEYINFO


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def check_aad(params: KdfParams) -> bytes:
    """The associated data of the verifier: it is bound to the salt and the cost."""
    return b"keyinfo|" + params.salt + bytes([params.log2_n, params.r, params.p])


def read_keyinfo(data_dir: Path) -> tuple[KdfParams, bytes, bytes]:
    """The KDF parameters and the verifier (nonce, ciphertext) from keyinfo.json: refused when
    others may read it, or its group when the data dir is not shared by a group (the verifier
    lets whoever reads it try passphrases offline)."""
    from store.permissions import check_private, shared

    path = keyinfo_path(data_dir)
    check_private(path, directory=False, allow_group=shared())
    try:
        info = json.loads(read_checked(path, max_bytes=SMALL_MAX).decode("utf-8"))
        if info.get("format") != "wellbeing-guide-keyinfo" or info.get("kdf") != "scrypt":
            raise ValueError("not a Wellbeing Guide key file")
        if info.get("version") != FORMAT_VERSION:
            raise ValueError(f"key file version {info.get('version')!r} is not {FORMAT_VERSION}")
        params = KdfParams(
            salt=base64.b64decode(info["salt"], validate=True),
            log2_n=int(info["log2_n"]),
            r=int(info["r"]),
            p=int(info["p"]),
        )
        nonce = base64.b64decode(info["check_nonce"], validate=True)
        check = base64.b64decode(info["check"], validate=True)
    except OSError as exc:
        raise CryptoError(f"cannot read {path}: {exc.strerror}") from None
    except (ValueError, KeyError, TypeError, AttributeError, RecursionError) as exc:
        raise CryptoError(f"{path} is damaged ({exc}); the data dir cannot be unlocked") from None
    params.check(str(path))
    return params, nonce, check


@dataclass(frozen=True, repr=False)
class DerivedKey:
    """A data dir's key as a passphrase gives it, with the verifier it is yet to be checked
    against (`store.crypto.open_derived`: a wrong passphrase is refused there)."""

    data_dir: Path
    key: bytes
    params: KdfParams
    nonce: bytes
    check: bytes

    def __repr__(self) -> str:  # never show the key
        return f"DerivedKey({self.data_dir})"


def derive_key(data_dir: Path, passphrase: str) -> DerivedKey:
    """The key `passphrase` gives for `data_dir` (scrypt: ~0.1 s, off the interpreter)."""
    params, nonce, check = read_keyinfo(data_dir)
    return DerivedKey(Path(data_dir), params.derive(passphrase), params, nonce, check)
