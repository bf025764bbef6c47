"""Recurring ceremonies (sprint planning, sprint end) anchored in local wall-clock time.

Pure: no wall clock, no I/O, standard library only.

A :class:`Cadence` repeats every N local calendar days at the same wall-clock time as its
first occurrence, in the time zone attached to ``first``. "Every 14 days at 10:00 Paris"
stays at 10:00 Paris across daylight-saving changes, so the real gap between two
occurrences may be 14 days plus or minus one hour.

Local times are turned into instants with the same rules as :mod:`worker.core.calendar`:
an occurrence in a spring-forward gap moves to the instant the gap ends, one in a
fall-back overlap takes the first occurrence (``fold=0``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo

from worker.core.calendar import local_to_utc

__all__ = ["Cadence"]

_ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class Cadence:
    """A ceremony that recurs every ``every`` (whole days) from ``first``, in local time.

    ``first`` must be timezone-aware; its ``tzinfo`` (preferably a ``zoneinfo.ZoneInfo``)
    defines the local calendar that the cadence steps through.
    """

    first: datetime
    every: timedelta

    def __post_init__(self) -> None:
        if not isinstance(self.first, datetime):
            raise TypeError("first must be a datetime")
        if self.first.tzinfo is None or self.first.utcoffset() is None:
            raise ValueError(f"first must be timezone-aware, got naive {self.first!r}")
        if not isinstance(self.every, timedelta):
            raise TypeError("every must be a timedelta")
        if self.every.days <= 0 or self.every.seconds or self.every.microseconds:
            raise ValueError(f"every must be a positive whole number of days, got {self.every}")

    @property
    def _tz(self) -> tzinfo:
        tz = self.first.tzinfo
        assert tz is not None  # guaranteed by __post_init__
        return tz

    def occurrence(self, index: int) -> datetime:
        """The ``index``-th occurrence (0 is ``first``) as a UTC instant."""
        if index < 0:
            raise ValueError("occurrence index must not be negative")
        local = self.first.replace(tzinfo=None) + index * self.every
        return local_to_utc(local.date(), local.time(), self._tz)  # type: ignore[arg-type]

    def next_after(self, t: datetime) -> datetime:
        """The first occurrence strictly after ``t``, in UTC.

        Computed arithmetically: the index is estimated from the local wall-clock distance
        to ``first`` and corrected by at most a couple of steps, since UTC offsets differ by
        far less than one day.
        """
        if not isinstance(t, datetime):
            raise TypeError("t must be a datetime")
        if t.tzinfo is None or t.utcoffset() is None:
            raise ValueError(f"t must be timezone-aware, got naive {t!r}")
        instant = t.astimezone(UTC)
        local_t = instant.astimezone(self._tz).replace(tzinfo=None)
        elapsed = local_t - self.first.replace(tzinfo=None)
        index = max(0, elapsed // self.every)
        candidate = self.occurrence(index)
        if candidate > instant:
            # Usually the answer; step back while the previous occurrence is still after t
            # (an offset change or a wall-clock overlap can make the estimate one too high).
            while index > 0:
                previous = self.occurrence(index - 1)
                if previous <= instant:
                    break
                index, candidate = index - 1, previous
            return candidate
        while candidate <= instant:
            index += 1
            candidate = self.occurrence(index)
        return candidate
