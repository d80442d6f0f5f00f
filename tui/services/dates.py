"""The one way a typed date is read, everywhere a date is typed (the profile, review dates,
follow-up closing dates, the add-client form): ISO `2026-03-14`, or day first as written in the
UK, `14/3/2026` (also with `.` or `-`). Anything else is a ValueError that says what is accepted.
"""

from __future__ import annotations

import re
from datetime import date, datetime

ACCEPTED = "a date as YYYY-MM-DD or D/M/YYYY, e.g. 2026-03-14 or 14/3/2026"
#: what a date field's label says it takes
FIELD_HINT = "D/M/YYYY or YYYY-MM-DD"
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_UK = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")


def parse_day(text: str) -> date:
    """The date `text` names; ValueError (a line for the user) when it names none."""
    raw = text.strip()
    if match := _ISO.fullmatch(raw):
        year, month, day = (int(g) for g in match.groups())
    elif match := _UK.fullmatch(raw):
        day, month, year = (int(g) for g in match.groups())
    else:
        raise ValueError(f"expected {ACCEPTED}")
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(f"{raw} is not a real date") from None


def parse_day_or_none(text: str) -> date | None:
    """`parse_day`, or None for text that names no date (for fields that say so themselves)."""
    try:
        return parse_day(text)
    except ValueError:
        return None


MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def day(value: date | datetime | None) -> str:
    """A date as people write it ("3 Jun 2020"), the same in every locale."""
    if value is None:
        return "date not known"
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def long_day(value: date | datetime | None, year: int | None = None) -> str:
    """A date in words as a document prints it ("3 December 2026"; "3 December" when it is in
    `year`)."""
    if value is None:
        return "date not known"
    words = f"{value.day} {MONTH_NAMES[value.month - 1]}"
    return words if value.year == year else f"{words} {value.year}"
