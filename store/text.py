"""Cleaning text that came from a person before it is stored or shown.

Control characters and terminal escape sequences never reach the file or the terminal: an answer
holding ``ESC ] 0 ; title BEL`` would otherwise retitle the practitioner's window, and bidi overrides
can make text read differently from what was typed. Lengths are not cut here: a field that is too long
is refused with a message by whoever enforces its limit, so a paste is never silently dropped.
"""

from __future__ import annotations

import re
import unicodedata

# ESC-introduced sequences: CSI (ESC [ ... final), OSC/DCS/SOS/PM/APC (ESC ] ... BEL or ST), and
# two-character escapes. The 8-bit C1 forms (0x9B CSI, 0x9D OSC ...) are covered by the C1 strip.
_ESCAPES = re.compile(
    r"""
    \x1b\[[0-?]*[ -/]*[@-~]?           # CSI
    | \x1b[\]PX^_][^\x07\x1b]*(?:\x07|\x1b\\)?   # OSC, DCS, SOS, PM, APC up to BEL or ST
    | \x1b[ -/]*[0-~]?                 # other escapes (ESC c, ESC ( B ...)
    | \x9b[0-?]*[ -/]*[@-~]?           # 8-bit CSI
    | [\x90\x9d\x98\x9e\x9f][^\x07\x9c]*(?:\x07|\x9c)?  # 8-bit string controls
    """,
    re.VERBOSE,
)
# C0 controls except tab and newline, DEL, C1 controls, and bidi embeddings/overrides/isolates.
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufeff]")


def clean_text(value: str) -> str:
    """Strip escape sequences and control characters; keep newlines; normalise line endings to \\n."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    if _CONTROLS.search(value):  # every escape sequence starts with a control character
        value = _ESCAPES.sub("", value)
        value = _CONTROLS.sub("", value)
    value = value.replace("\t", "    ")
    # Lone surrogates cannot be written as UTF-8; replace rather than fail on save.
    value = value.encode("utf-8", "replace").decode("utf-8")
    return unicodedata.normalize("NFC", value)


def clean_line(value: str) -> str:
    """As `clean_text`, for one-line fields: newlines become spaces, ends trimmed."""
    return " ".join(clean_text(value).split())


def clean_value(value: object) -> object:
    """Clean every string inside an answer value (str, list, dict of str), leaving numbers alone."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, list):
        return [clean_value(v) for v in value]
    if isinstance(value, dict):
        return {clean_line(str(k)): clean_value(v) for k, v in value.items()}
    return value
