"""Case transfer: one client's whole record as one encrypted bundle, and back in on another server.

A bundle holds the client's file as data (profile, sessions, answers, follow-ups, plan versions,
everything) and the audit log byte for byte, with its chain. It is sealed with AES-256-GCM under a
key from a transfer passphrase through scrypt, as the store's own files are::

    "WBGTRANS" | version | log2 n | r | p | salt length | salt | nonce (12) | ID length | ID | sealed

The scrypt cost is fixed by the format version (`COSTS`): a header asking for any other is refused
from its bytes alone, before any key is derived, so a forged bundle cannot make the receiving
server spend minutes and a gigabyte on it. The passphrase follows the store's rule
(`store.keyinfo.check_passphrase`).

The associated data is the whole header, which names the client: a bundle given another client's
ID, an edited header or one flipped byte anywhere fails authentication, and is refused in one line.
"""

from __future__ import annotations

import json
import secrets
import struct
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from store.ids import validate_client_id
from store.keyinfo import (
    DEFAULT_LOG2_N,
    NONCE_BYTES,
    SALT_BYTES,
    CryptoError,
    KdfParams,
    check_passphrase,
)

MAGIC = b"WBGTRANS"
VERSION = 1
FORMAT = "wellbeing-transfer-1"
_HEAD = struct.Struct(">8sBBBBB")
#: a bundle larger than this is not one of ours (a client file is capped well below it)
BUNDLE_MAX = 256 * 1024 * 1024
#: the scrypt cost (log2 n, r, p) each format version seals with, and the only one it opens
COSTS = {1: (DEFAULT_LOG2_N, 8, 1)}


class TransferError(CryptoError):
    """A bundle that cannot be read: wrong passphrase, damaged, tampered with, not a bundle."""


def seal(payload: dict[str, Any], passphrase: str) -> bytes:
    """`payload` (with its `client_id`) sealed under `passphrase` (the store's rule applies)."""
    cid = validate_client_id(str(payload["client_id"]))
    check_passphrase(passphrase)
    log2_n, r, p = COSTS[VERSION]
    params = KdfParams(salt=secrets.token_bytes(SALT_BYTES), log2_n=log2_n, r=r, p=p)
    params.check("transfer")
    key = params.derive(passphrase)
    nonce = secrets.token_bytes(NONCE_BYTES)
    ident = cid.encode("ascii")
    header = (
        _HEAD.pack(MAGIC, VERSION, params.log2_n, params.r, params.p, len(params.salt))
        + params.salt
        + nonce
        + bytes([len(ident)])
        + ident
    )
    plain = json.dumps({**payload, "format": FORMAT}, ensure_ascii=False).encode("utf-8")
    return header + AESGCM(key).encrypt(nonce, plain, header)


def client_of(blob: bytes, where: str) -> str:
    """The client a bundle names in its header (before it is opened: to refuse early)."""
    return _parse_header(blob, where)[4]


def _parse_header(blob: bytes, where: str) -> tuple[KdfParams, bytes, bytes, int, str]:
    if not blob.startswith(MAGIC):
        raise TransferError(f"{where} is not a Wellbeing Guide transfer bundle")
    if len(blob) < _HEAD.size:
        raise TransferError(f"{where} is truncated (shorter than its header)")
    _, version, log2_n, r, p, salt_len = _HEAD.unpack_from(blob)
    if version != VERSION:
        raise TransferError(f"{where} is a bundle of format {version}; this reads {VERSION}")
    if (log2_n, r, p) != COSTS[version]:
        raise TransferError(
            f"{where}: scrypt parameters out of range for format {version} "
            f"(n=2**{log2_n}, r={r}, p={p}); refused before any work"
        )
    at = _HEAD.size
    salt = blob[at : at + salt_len]
    nonce = blob[at + salt_len : at + salt_len + NONCE_BYTES]
    at += salt_len + NONCE_BYTES
    if len(blob) < at + 1:
        raise TransferError(f"{where} is truncated (in its header)")
    id_len = blob[at]
    ident = blob[at + 1 : at + 1 + id_len]
    end = at + 1 + id_len
    if len(blob) < end + 16:
        raise TransferError(f"{where} is truncated")
    try:
        cid = validate_client_id(ident.decode("ascii"))
    except (UnicodeDecodeError, ValueError, Exception):
        raise TransferError(f"{where} has a damaged header (the client ID)") from None
    params = KdfParams(salt=salt, log2_n=log2_n, r=r, p=p)
    try:
        params.check(where)
    except CryptoError as exc:
        raise TransferError(str(exc)) from None
    return params, nonce, blob[:end], end, cid


def open_sealed(blob: bytes, passphrase: str, *, where: str) -> dict[str, Any]:
    """The payload of a bundle; TransferError (one line) if it cannot be trusted."""
    params, nonce, header, end, cid = _parse_header(blob, where)
    key = params.derive(passphrase)
    try:
        plain = AESGCM(key).decrypt(nonce, blob[end:], header)
    except InvalidTag:
        raise TransferError(
            f"{where} fails its integrity check: a wrong transfer passphrase, or the bundle was "
            "changed (nothing was restored)"
        ) from None
    try:
        payload = json.loads(plain)
    except (ValueError, RecursionError):
        raise TransferError(f"{where} holds no readable record") from None
    if (
        not isinstance(payload, dict)
        or payload.get("format") != FORMAT
        or payload.get("client_id") != cid
        or not isinstance(payload.get("record"), dict)
        or not isinstance(payload.get("audit"), str)
    ):
        raise TransferError(f"{where} does not hold a whole client record for {cid}")
    return payload
