"""The one way the store reads a file: what it is, whose it is and how big, checked before a byte.

Every file the store reads (client files and their copies, the register, the holder note, audit
logs, the key file, resume places) may have been put there by someone else: a colleague on a
shared team dir, an admin, an attacker. So the file is opened without following a symlink and
without blocking (a FIFO would otherwise hang the reader for ever), then the open descriptor is
checked: a regular file (not a FIFO, device or socket: a link to /dev/zero would read until memory
runs out), owned by us (or, on a group-shared data dir, by a colleague in our group), not open to
others, and no bigger than its cap. Each refusal is a StoreError of one line naming the file.
"""

from __future__ import annotations

import errno
import os
import secrets
import stat
from collections.abc import Iterator
from pathlib import Path

from store.advice import remedy
from store.errors import StoreError
from store.permissions import describe_owner, file_mode, loose_bits, owned_by_us, wanted_mode

MiB = 1024 * 1024
#: a client file: the biggest measured (20 years of weekly sessions, every exercise) is 31 MB.
CLIENT_FILE_MAX = 256 * MiB
#: an audit log grows by a line (~250 bytes) per change: a million changes fit.
AUDIT_LOG_MAX = 512 * MiB
#: the register holds a short summary per client: 20,000 clients take about 8 MB.
REGISTER_MAX = 64 * MiB
#: notes of a few fields (the holder of a lock, resume places, the key file).
SMALL_MAX = 1 * MiB
#: temp files of a write in progress (or left by a killed one) end with this
TEMP_SUFFIX = ".tmp"


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISDIR(mode):
        return "a folder"
    return "not a regular file"


def check_regular(path: Path, st: os.stat_result, *, private: bool = True) -> None:
    """Refuse what is not a regular file of ours (or our group's), or that others can read."""
    if not stat.S_ISREG(st.st_mode):
        raise StoreError(f"{path} is {_kind(st.st_mode)}, not a file the app wrote; refusing it")
    if not owned_by_us(st):
        raise StoreError(f"{path} {describe_owner(st)}; refusing to use it")
    if private and loose_bits(st.st_mode, directory=False):
        raise StoreError(
            f"{path} is open to others (mode {stat.S_IMODE(st.st_mode):03o}); "
            + remedy(
                f"chmod {wanted_mode(directory=False)} {path}",
                f"make it mode {wanted_mode(directory=False)}",
            )
        )


def read_checked(path: Path | str, *, max_bytes: int, private: bool = True) -> bytes:
    """The bytes of `path` once it has passed the checks above; FileNotFoundError when absent."""
    return read_with_stat(path, max_bytes=max_bytes, private=private)[0]


def read_with_stat(
    path: Path | str, *, max_bytes: int, private: bool = True
) -> tuple[bytes, os.stat_result]:
    """`read_checked`, with the stat of what was read (for caches keyed on the file's state)."""
    path = Path(path)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise StoreError(f"{path} is a symbolic link; refusing to follow it") from None
        if exc.errno == errno.ENXIO:  # a FIFO with no writer, on some systems, or a socket
            raise StoreError(f"{path} is {_kind(os.lstat(path).st_mode)}; refusing it") from None
        raise
    try:
        st = os.fstat(fd)
        check_regular(path, st, private=private)
        if st.st_size > max_bytes:
            raise StoreError(
                f"{path} is {st.st_size:,} bytes, more than the {max_bytes:,} a file of this kind "
                "can hold; refusing to read it"
            )
        # One read of the size the file has (a buffer of exactly that: an 8 MB client file is
        # not read through 8 MiB chunk buffers, which raised the app's peak memory by ~10 MB),
        # then small reads for whatever it grew by meanwhile.
        first = os.read(fd, st.st_size + 1) if st.st_size else b""
        chunks, total = [first], len(first)
        while first and total <= max_bytes:
            more = os.read(fd, min(max_bytes + 1 - total, 64 * 1024))
            if not more:
                break
            chunks.append(more)
            total += len(more)
        if total > max_bytes:
            raise StoreError(f"{path} grew past {max_bytes:,} bytes while it was read; refusing it")
        return (chunks[0] if len(chunks) == 1 else b"".join(chunks)), os.fstat(fd)
    finally:
        os.close(fd)


# -- the one way the store writes a file ----------------------------------------------------------


def backup_path(path: Path) -> Path:
    return path.with_name(path.name + ".bak")


def temp_files(path: Path) -> Iterator[Path]:
    """Leftover temp files of `path` (from a save that was killed before its rename)."""
    yield from path.parent.glob(f".{path.name}.*{TEMP_SUFFIX}")


def fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def atomic_write(
    path: Path,
    data: bytes,
    *,
    keep_backup: bool = False,
    mode: int | None = None,
    replace: bool = True,
) -> None:
    """Write `data` to `path` so that a crash leaves the old or the new bytes, never a mix.

    The temp file has a random name, is created exclusively and never through a symlink; the
    rename replaces whatever is at `path` (a symlink there is replaced, never followed). `mode`
    defaults to the data dir's file mode (0600, or 0660 on a shared group dir). Without
    `replace`, a file already at `path` (or a symlink) is never replaced: FileExistsError, and
    nothing is written.
    """
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}{TEMP_SUFFIX}")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW
    fd = os.open(tmp, flags, file_mode() if mode is None else mode)
    try:
        with os.fdopen(fd, "wb") as handle:
            if mode is not None:
                os.fchmod(handle.fileno(), mode)  # whatever the umask
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if keep_backup and path.exists():
            bak = backup_path(path)
            bak_tmp = bak.with_name(f".{bak.name}.{secrets.token_hex(4)}{TEMP_SUFFIX}")
            os.link(path, bak_tmp)
            os.replace(bak_tmp, bak)
            # rename(2) between two links of one file does nothing and keeps both names: it
            # happens when a kill fell between the two renames of the last save
            bak_tmp.unlink(missing_ok=True)
        if replace:
            os.replace(tmp, path)
        else:
            _put_new(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    fsync_dir(path.parent)


def _put_new(tmp: Path, path: Path) -> None:
    """Give the written `tmp` the name `path` only if nothing has that name (FileExistsError).

    A hard link is made only when the name is free, in one step; where the file system has no
    hard links (a FAT USB stick, some network shares) the name is first claimed by creating an
    empty file exclusively, then replaced by the written one."""
    try:
        os.link(tmp, path, follow_symlinks=False)
    except FileExistsError:
        raise
    except OSError as exc:
        if exc.errno not in (
            errno.EPERM,
            errno.ENOTSUP,
            errno.EOPNOTSUPP,
            errno.EXDEV,
            errno.ENOSYS,
        ):
            raise
        claim = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        os.close(claim)
        os.replace(tmp, path)
        return
    tmp.unlink()


def shred(path: Path) -> None:
    """Overwrite a regular file with zeros, fsync, unlink (best effort: SSDs and CoW file systems
    may keep old blocks; encryption at rest is what protects those)."""
    try:
        st = os.lstat(path)
        if st.st_nlink == 1 and not os.path.islink(path) and os.path.isfile(path):
            fd = os.open(path, os.O_WRONLY | os.O_NOFOLLOW)
            try:
                remaining = st.st_size
                zeros = bytes(min(remaining, 1 << 16))
                while remaining > 0:
                    remaining -= os.write(fd, zeros[: min(remaining, len(zeros))])
                os.fsync(fd)
            finally:
                os.close(fd)
    except OSError:
        pass  # unlinking below is what matters; it reports its own failure
    path.unlink(missing_ok=True)
