"""The printable document every exporter renders: a title, a few header lines and a list of blocks.

Plans and worksheets are turned into a `Document` first, so the four formats (md, txt, html, pdf)
each know one small model and nothing about answers or exercises. All text in a document is plain
text (never markup); each renderer escapes it for its own format.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from store.text import clean_text

BlockKind = Literal["heading", "label", "text", "items", "note", "write", "grid", "columns"]


class Block(BaseModel):
    """One piece of a document.

    - heading: `text` at `level` (2 or 3), with `aside` beside it (e.g. a domain's formal name)
      and `flag` after it (e.g. "■ CLEAR CONCERN");
    - label: a bold `text` with `aside` in brackets (step title, and where and when it was given);
    - text: a paragraph, line breaks kept;
    - items: a bulleted list (`numbered` for 1., 2., ...; `small` for small print);
    - note: a quieter line (empty-section text, introductions, instructions);
    - write: `lines` blank lines to write on (worksheets), numbered when `numbered`;
    - grid: a blank table of `columns` with `lines` rows (worksheets);
    - columns: `panels` side by side, each under its heading in `columns` (a traffic light's
      Green, Amber and Red); printed one after the other where there is no room.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: BlockKind
    text: str = ""
    aside: str = ""
    flag: str = ""
    level: int = 2
    items: tuple[str, ...] = ()
    numbered: bool = False
    small: bool = False
    columns: tuple[str, ...] = ()
    lines: int = 0
    panels: tuple[tuple[Block, ...], ...] = ()


Block.model_rebuild()


class Document(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    title: str
    #: lines under the title (who it is for, dates).
    header: tuple[str, ...] = ()
    #: what the document says about itself (a plan's version, agreement and review date).
    status: tuple[str, ...] = ()
    #: printed on every page when set (a plan that is not a saved version).
    draft: str = ""
    blocks: tuple[Block, ...] = ()
    #: a closing line (printed on, source credits).
    footer: str = ""
    #: "standard", "large" (printed large) or "easy-read" (plain, short lines, larger print).
    layout: str = "standard"


def safe(text: object) -> str:
    """Every string leaves through here: control characters and escape sequences removed."""
    return clean_text(str(text))
