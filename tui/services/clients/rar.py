"""Rehabilitation Activity Requirement days: how many the order has, used, left, and by when."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from store.profile import Client
from store.records import Session, SessionStatus


@dataclass(frozen=True)
class RarSummary:
    days: int | None
    used: int
    order_end: date | None

    @property
    def remaining(self) -> int | None:
        return None if self.days is None else max(self.days - self.used, 0)

    def describe(self, today: date | None = None) -> str:
        if self.days is None:
            return (
                f"RAR: not on this order ({self.used} activity days recorded)"
                if self.used
                else "RAR: none"
            )
        text = f"RAR: {self.used} of {self.days} days used, {self.remaining} left"
        if self.order_end:
            left = (self.order_end - (today or date.today())).days
            text += f", by {self.order_end:%d %b %Y}"
            text += f" ({left} days away)" if left >= 0 else " (order end has passed)"
        return text

    def as_json(self) -> dict[str, object]:
        return {
            "rar_days": self.days,
            "rar_used": self.used,
            "rar_remaining": self.remaining,
            "order_end": self.order_end.isoformat() if self.order_end else None,
        }


def rar_summary(client: Client, sessions: Sequence[Session]) -> RarSummary:
    """A RAR day is a day on which a session marked as RAR activity took place (not just planned)."""
    days = {s.date for s in sessions if s.rar_activity and s.status is not SessionStatus.PLANNED}
    return RarSummary(days=client.rar_days, used=len(days), order_end=client.order_end)
