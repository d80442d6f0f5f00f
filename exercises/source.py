"""Reading a content file: a regular file, not too big, UTF-8; anything else is a ContentError.

Content packs come from outside the app (a service's folder, a colleague's copy), so a `.md` that
is a FIFO, a device or a link to one must never hang or flood the reader: the file is opened
without blocking, checked as a regular file of a sane size on the open descriptor, then read.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from exercises.errors import ContentError
from exercises.frontmatter import MAX_BYTES


def read_source(path: Path) -> str:
    """A content file's text; what is not a readable regular UTF-8 file is a ContentError."""
    name = str(path)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as exc:
        why = "a link to nothing" if exc.errno == errno.ENOENT else exc.strerror or str(exc)
        raise ContentError(name, 1, f"cannot read: {why}") from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise ContentError(name, 1, "not a regular file (a pipe, device or folder); left out")
        if st.st_size > MAX_BYTES:
            raise ContentError(
                name, 1, f"file is {st.st_size} bytes; the limit is {MAX_BYTES} bytes"
            )
        data = os.read(fd, MAX_BYTES + 1)
    except OSError as exc:
        raise ContentError(name, 1, f"cannot read: {exc.strerror or exc}") from None
    finally:
        os.close(fd)
    if len(data) > MAX_BYTES:
        raise ContentError(name, 1, f"file grew past the limit of {MAX_BYTES} bytes")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise ContentError(name, line, "not UTF-8 text") from None
