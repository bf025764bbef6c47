"""The month a review covers and one escalation as the review sees it (record plus issue facts)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from worker.core.record import Record

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True, slots=True, order=True)
class Month:
    year: int
    month: int

    def __post_init__(self) -> None:
        if not 1 <= self.month <= 12 or not 1970 <= self.year <= 9999:
            raise ValueError(f"not a month: {self.year:04d}-{self.month:02d}")

    @classmethod
    def parse(cls, text: str) -> Month:
        """``"2026-03"`` -> ``Month(2026, 3)``; ValueError with a readable message otherwise."""
        m = _MONTH.match(text.strip())
        if not m:
            raise ValueError(f"expected a month as YYYY-MM, got {text!r}")
        return cls(int(m.group(1)), int(m.group(2)))

    @classmethod
    def of(cls, at: datetime, tz: ZoneInfo) -> Month:
        local = at.astimezone(tz)
        return cls(local.year, local.month)

    def previous(self) -> Month:
        return Month(self.year - 1, 12) if self.month == 1 else Month(self.year, self.month - 1)

    def next(self) -> Month:
        return Month(self.year + 1, 1) if self.month == 12 else Month(self.year, self.month + 1)

    def start(self, tz: ZoneInfo) -> datetime:
        """Midnight of the 1st in ``tz`` (an aware datetime)."""
        return datetime(self.year, self.month, 1, tzinfo=tz)

    def contains(self, at: datetime, tz: ZoneInfo) -> bool:
        return self.start(tz) <= at < self.next().start(tz)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


@dataclass(frozen=True, slots=True)
class Escalation:
    """An issue's escalation record together with the issue facts the review needs.

    ``counterpart`` is the team id on the other side of a cross-team dependency (from a
    configured field, else the issue's links); ``decision`` is the configured decision field's
    text when one is configured and filled (it then wins over the owner's last comment).
    """

    key: str
    summary: str
    project: str
    record: Record
    resolution: str | None = None
    resolved_at: datetime | None = None
    counterpart: str | None = None
    decision: str | None = None
