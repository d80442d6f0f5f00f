"""The one exception type of the content package: a problem in a content file, at a line."""

from __future__ import annotations


class ContentError(Exception):
    """`str()` reads `FILE:LINE: message`, with the real line in the file (1-based)."""

    def __init__(self, path: str, line: int, message: str):
        super().__init__(f"{path}:{line}: {message}")
        self.path = path
        self.line = line
        self.message = message
