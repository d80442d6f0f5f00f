"""Encryption at rest for a data dir: AES-256-GCM, the key from a passphrase through scrypt.

A data dir is encrypted when it holds ``keyinfo.json``: the scrypt salt and parameters and a
verifier (a known text encrypted under the key), never the key (`store.keyinfo` reads it and derives
the key). The verifier lets a wrong passphrase be refused before any client file is read, so
nothing is ever written with the wrong key.

Every encrypted file is one blob::

    "WBGCRYPT" | version | kdf | log2 n | r | p | salt length | salt | nonce (12) | ciphertext+tag

The associated data is the whole header plus the client ID, which is derived from the file's name
(``X1.json``, ``X1.json.bak``, ``.X1.json.<hex>.tmp``, ``X1.json.corrupt-...`` all belong to X1).
A file moved from one client to another, or an edited header, fails authentication like a flipped
byte.
"""

from __future__ import annotations

import json
import secrets
import struct
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from store import layout
from store.advice import remedy
from store.errors import ClientLocked, CorruptFile, StoreError
from store.files import (
    CLIENT_FILE_MAX,
    TEMP_SUFFIX,
    atomic_write,
    backup_path,
    read_checked,
    shred,
)
from store.ids import validate_client_id
from store.journal import Journal
from store.keyinfo import (
    CHECK_TEXT,
    DEFAULT_LOG2_N,
    FORMAT_VERSION,
    KDF_SCRYPT,
    KEY_BYTES,
    NONCE_BYTES,
    SALT_BYTES,
    CryptoError,
    DerivedKey,
    KdfParams,
    WrongPassphrase,
    b64,
    check_aad,
    check_passphrase,
    derive_key,
    disable_core_dumps,
    keyinfo_path,
)
from store.layout import JOURNAL_SUFFIX, SUMMARY_SUFFIX

MAGIC = b"WBGCRYPT"
_HEADER = struct.Struct(">8sBBBBBB")


class UndecryptableFile(CorruptFile):
    """An encrypted file failing authentication (flipped byte, swapped file), or not encrypted."""


def client_id_from_path(path: Path) -> str:
    """The client a client file (or its .bak, temp or corrupt copy) belongs to, from its name."""
    name = path.name
    if name.startswith(".") and name.endswith(TEMP_SUFFIX):
        name = name[1:]
    stem, dot, rest = name.partition(".")
    if not dot or not rest.startswith("json"):
        raise CryptoError(f"{path} is not named like a client file; refusing to use its key")
    return validate_client_id(stem)


def is_encrypted_blob(blob: bytes) -> bool:
    return blob.startswith(MAGIC)


class EncryptedCodec:
    """The Codec of an encrypted data dir (`store.codec.Codec`): the key, never the passphrase."""

    def __init__(self, key: bytes, params: KdfParams):
        if len(key) != KEY_BYTES:
            raise ValueError("AES-256 needs a 32-byte key")
        self._aead = AESGCM(key)
        self.params = params

    def __repr__(self) -> str:  # never show the key
        return f"EncryptedCodec(n=2**{self.params.log2_n}, r={self.params.r}, p={self.params.p})"

    def _header(self, nonce: bytes) -> bytes:
        p = self.params
        return (
            _HEADER.pack(MAGIC, FORMAT_VERSION, KDF_SCRYPT, p.log2_n, p.r, p.p, len(p.salt))
            + p.salt
            + nonce
        )

    @staticmethod
    def _aad(header: bytes, cid: str) -> bytes:
        return header + b"\x00client=" + cid.encode("ascii")

    def encode(self, plain: bytes, *, path: Path) -> bytes:
        cid = client_id_from_path(path)
        nonce = secrets.token_bytes(NONCE_BYTES)
        header = self._header(nonce)
        return header + self._aead.encrypt(nonce, plain, self._aad(header, cid))

    def decode(self, blob: bytes, *, path: Path) -> bytes:
        cid = client_id_from_path(path)

        def bad(why: str) -> UndecryptableFile:
            bak = backup_path(path) if not path.name.endswith(".bak") else None
            backup = str(bak) if bak is not None and bak.exists() else None
            hint = f"; a backup is at {bak.name}" if backup and bak is not None else ""
            return UndecryptableFile(
                f"{path} {why}{hint}", client_id=cid, path=str(path), backup=backup
            )

        if not is_encrypted_blob(blob):
            if blob.lstrip()[:1] in (b"{", b"["):
                raise bad(
                    "is not encrypted, but the data dir is "
                    f"({remedy('wellbeing init --encrypt', 'finish encrypting the data dir')})"
                )
            raise bad("is not an encrypted Wellbeing Guide file (no header)")
        if len(blob) < _HEADER.size:
            raise bad("is truncated (shorter than its header)")
        _, version, kdf, log2_n, r, p, salt_len = _HEADER.unpack_from(blob)
        if version != FORMAT_VERSION:
            raise bad(f"has encryption format {version}; this version reads {FORMAT_VERSION}")
        end = _HEADER.size + salt_len + NONCE_BYTES
        if kdf != KDF_SCRYPT or len(blob) < end + 16:
            raise bad("has a damaged or truncated header")
        salt = blob[_HEADER.size : _HEADER.size + salt_len]
        ours = self.params
        if (salt, log2_n, r, p) != (ours.salt, ours.log2_n, ours.r, ours.p):
            raise bad("was encrypted with another key (its salt or scrypt parameters differ)")
        header, nonce = blob[:end], blob[end - NONCE_BYTES : end]
        try:
            return self._aead.decrypt(nonce, blob[end:], self._aad(header, cid))
        except InvalidTag:
            raise bad(
                f"fails its integrity check: changed on disk, or not client {cid}'s file (swapped)"
            ) from None


# -- the key file ---------------------------------------------------------------------------------


def create_keyinfo(
    data_dir: Path, passphrase: str, *, log2_n: int = DEFAULT_LOG2_N
) -> EncryptedCodec:
    """Make a new key for `data_dir` (which must not have one) and write keyinfo.json: 0600, or
    0660 in a data dir shared by a group (`store.permissions`), whose members all unlock it."""
    path = keyinfo_path(data_dir)
    if layout.is_encrypted(data_dir):
        raise CryptoError(f"{path} already exists: this data dir is already set up for encryption")
    check_passphrase(passphrase)
    params = KdfParams(salt=secrets.token_bytes(SALT_BYTES), log2_n=log2_n)
    params.check(str(path))
    key = params.derive(passphrase)
    nonce = secrets.token_bytes(NONCE_BYTES)
    check = AESGCM(key).encrypt(nonce, CHECK_TEXT, check_aad(params))
    info = {
        "format": "wellbeing-guide-keyinfo",
        "version": FORMAT_VERSION,
        "cipher": "AES-256-GCM",
        "kdf": "scrypt",
        "log2_n": params.log2_n,
        "r": params.r,
        "p": params.p,
        "salt": b64(params.salt),
        "check_nonce": b64(nonce),
        "check": b64(check),
    }
    try:
        atomic_write(path, (json.dumps(info, indent=2) + "\n").encode("ascii"))
    except OSError as exc:
        raise CryptoError(f"cannot write {path}: {exc.strerror or exc}") from None
    disable_core_dumps()
    return EncryptedCodec(key, params)


def unlock(data_dir: Path, passphrase: str) -> EncryptedCodec:
    """The codec for an encrypted data dir, or WrongPassphrase before any client file is touched."""
    return open_derived(derive_key(data_dir, passphrase))


def open_derived(derived: DerivedKey) -> EncryptedCodec:
    """The codec of a key derived from a passphrase (`store.keyinfo.derive_key`), once it has
    opened the data dir's verifier; WrongPassphrase, naming the data dir, if it does not."""
    params = derived.params
    try:
        plain = AESGCM(derived.key).decrypt(derived.nonce, derived.check, check_aad(params))
    except InvalidTag:
        raise WrongPassphrase(
            f"wrong passphrase for {derived.data_dir} (nothing was read or changed)"
        ) from None
    if plain != CHECK_TEXT:  # pragma: no cover - only a forged keyinfo could get here
        raise CryptoError(f"{keyinfo_path(derived.data_dir)} is damaged")
    disable_core_dumps()
    return EncryptedCodec(derived.key, params)


# -- encrypting an existing plain data dir --------------------------------------------------------


def _client_files(clients_dir: Path) -> dict[str, list[Path]]:
    """Client files, backups, corrupt copies and temp files, grouped by client ID."""
    groups: dict[str, list[Path]] = {}
    for path in sorted(clients_dir.iterdir()):
        if path.is_symlink() or not path.is_file():
            continue
        try:
            cid = client_id_from_path(path)
        except StoreError:
            continue
        groups.setdefault(cid, []).append(path)
    return groups


def encrypt_in_place(data_dir: Path, codec: EncryptedCodec) -> int:
    """Encrypt every plain client file (and .bak, corrupt copy) of `data_dir`, client by client.

    Each file is replaced atomically, under its client's lock, with the very same bytes encrypted,
    so a corrupt file stays exactly as corrupt. Leftover temp files are removed (they hold an
    unfinished save in plain text). A run stopped part-way is finished by running it again. Returns
    the number of files encrypted.
    """
    from filelock import FileLock, Timeout  # here only: unlocking a data dir never needs it

    clients_dir = Path(data_dir) / "clients"
    if not clients_dir.is_dir():
        return 0
    done = 0
    for cid, paths in _client_files(clients_dir).items():
        lock = FileLock(clients_dir / f"{cid}.lock", timeout=2)
        try:
            lock.acquire()
        except Timeout:
            raise ClientLocked(
                f"client {cid} is open in another session; close it and run init --encrypt again",
                client_id=cid,
            ) from None
        try:
            for path in paths:
                if path.name.endswith(TEMP_SUFFIX):
                    path.unlink(missing_ok=True)
                    continue
                if path.suffix in (".lock", ".holder"):
                    continue
                if path.name.endswith(JOURNAL_SUFFIX):
                    done += _encrypt_journal(path, codec)
                    continue
                if path.name.endswith(SUMMARY_SUFFIX):
                    shred(path)  # a cache: built again, encrypted, from the file
                    continue
                blob = read_checked(path, max_bytes=CLIENT_FILE_MAX)
                if is_encrypted_blob(blob):
                    continue
                atomic_write(path, codec.encode(blob, path=path))
                done += 1
        finally:
            lock.release()
    return done


def plain_files(data_dir: Path) -> list[Path]:
    """Client files of `data_dir` still in plain text (empty when fully encrypted)."""
    clients_dir = Path(data_dir) / "clients"
    if not clients_dir.is_dir():
        return []
    out = []
    for paths in _client_files(clients_dir).values():
        for path in paths:
            if path.suffix in (".lock", ".holder"):
                continue
            blob = read_checked(path, max_bytes=CLIENT_FILE_MAX)
            if path.name.endswith(JOURNAL_SUFFIX):
                if any(_plain_line(line) for line in blob.split(b"\n")):
                    out.append(path)
            elif not is_encrypted_blob(blob):
                out.append(path)
    return out


def _plain_line(line: bytes) -> bool:
    """A journal line whose change is in plain text (`store.journal`: sealed ones start "~")."""
    payload = line.partition(b"\t")[2]
    return bool(payload) and not payload.startswith(b"~")


def _encrypt_journal(path: Path, codec: EncryptedCodec) -> int:
    """Seal every plain line of a journal, line by line (the journal stays appendable); 1 if
    anything changed. A line that is not a change (a torn end) is dropped."""
    blob = read_checked(path, max_bytes=CLIENT_FILE_MAX)
    lines = blob.split(b"\n")[:-1]
    if not any(_plain_line(line) for line in lines):
        return 0
    plain, sealed = Journal(path, None), Journal(path, codec)
    out = []
    for line in lines:
        if not _plain_line(line):
            out.append(line + b"\n")
            continue
        for change in plain.parse(line + b"\n"):
            out.append(sealed.encode(change))
    atomic_write(path, b"".join(out))
    return 1
