"""Business-time arithmetic: working windows, holidays and time zones.

This module is part of the pure core. It never reads the wall clock, performs no I/O and
imports only the standard library. Holidays arrive as any ``Container[date]`` (a frozenset,
or a ``holidays.HolidayBase`` built by the caller); nothing here imports ``holidays``.

Vocabulary
----------
* A *window* is a span of local wall-clock time on one day, ``start < end``.
* A calendar maps each weekday (0 = Monday .. 6 = Sunday) to a sorted list of
  non-overlapping windows. A date is a *working day* when it has at least one window of
  non-zero real length and is not in ``holidays``.
* *Working time* is the union of all windows of all working days, turned into absolute
  instants. Every public function works on that union with half-open intervals
  ``[start, end)`` and exact ``timedelta`` (microsecond) arithmetic.

Inputs and outputs
------------------
Every datetime passed in must be timezone-aware (``ValueError`` otherwise). Every datetime
returned is in UTC (``tzinfo=timezone.utc``). The host's ``TZ`` setting plays no part.

Local time to absolute instants (daylight-saving rules)
-------------------------------------------------------
A window boundary ``(date, wall time)`` becomes an instant through ``zoneinfo`` with these
deliberately simple rules:

* Nonexistent local time (spring-forward gap): the boundary is moved to the instant the gap
  ends. On the Paris spring-forward day 02:30 therefore means 03:00 CEST.
* Ambiguous local time (fall-back overlap): the first occurrence (``fold=0``) is used, for
  window starts and ends alike.

Consequences: a 01:00-04:00 window lasts 2 real hours on the spring-forward day and
4 real hours on the fall-back day (01:00 CEST to 04:00 CET). A window lying entirely inside
a gap has zero length and is dropped; a day left with no window is not a working day.

Performance
-----------
The absolute intervals of each local date are computed once and cached per calendar with
``functools.lru_cache``. ``measure`` and ``add`` walk dates, never minutes, and take a whole
day in one step when it lies entirely on one side of the bounds. Holiday membership is read
once per date and cached too, so a holiday container must not be mutated after the calendar
has been used.
"""

from __future__ import annotations

import itertools
from collections.abc import Container, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Protocol, runtime_checkable
from zoneinfo import ZoneInfo

__all__ = [
    "AlwaysCalendar",
    "BusinessCalendar",
    "Calendar",
    "Window",
    "local_to_utc",
]

_ZERO = timedelta(0)
_ONE_DAY = timedelta(days=1)
_ONE_US = timedelta(microseconds=1)
# How many consecutive dates without working time we accept before deciding that the
# calendar (for instance a holiday container that claims every date) has none left.
_MAX_IDLE_DAYS = 3660


@dataclass(frozen=True)
class Window:
    """One working window in local wall-clock time: ``start < end`` on the same day."""

    start: time
    end: time

    def __post_init__(self) -> None:
        if not isinstance(self.start, time) or not isinstance(self.end, time):
            raise TypeError("Window bounds must be datetime.time values")
        if self.start.tzinfo is not None or self.end.tzinfo is not None:
            raise ValueError("Window bounds are local wall-clock times and must be naive")
        if not self.start < self.end:
            raise ValueError(f"Window start {self.start} must be before its end {self.end}")


@runtime_checkable
class Calendar(Protocol):
    """What the rest of the core needs from a calendar."""

    name: str
    tz: ZoneInfo

    def add(self, start: datetime, duration: timedelta) -> datetime: ...

    def measure(self, start: datetime, end: datetime) -> timedelta: ...

    def add_business_days(self, start: datetime, days: int) -> datetime: ...

    def is_working_time(self, at: datetime) -> bool: ...

    def working_intervals(
        self, start: datetime, end: datetime
    ) -> Iterator[tuple[datetime, datetime]]: ...


def _utc(value: datetime, what: str = "datetime") -> datetime:
    """Return ``value`` as a UTC datetime, refusing naive input."""
    if not isinstance(value, datetime):
        raise TypeError(f"{what} must be a datetime, got {type(value).__name__}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{what} must be timezone-aware, got naive {value!r}")
    return value.astimezone(UTC)


def _check_duration(duration: timedelta) -> None:
    if not isinstance(duration, timedelta):
        raise TypeError(f"duration must be a timedelta, got {type(duration).__name__}")
    if duration < _ZERO:
        raise ValueError(f"duration must not be negative, got {duration}")


def _check_days(days: int) -> None:
    if isinstance(days, bool) or not isinstance(days, int):
        raise TypeError(f"days must be an int, got {type(days).__name__}")
    if days < 0:
        raise ValueError(f"days must not be negative, got {days}")


def local_to_utc(day: date, wall: time, tz: ZoneInfo) -> datetime:
    """Turn a local ``(date, wall time)`` into a UTC instant using this module's DST rules.

    Ambiguous times take their first occurrence (``fold=0``); nonexistent times are moved
    to the instant at which the spring-forward gap ends.
    """
    local = datetime.combine(day, wall, tzinfo=tz).replace(fold=0)
    instant = local.astimezone(UTC)
    if instant.astimezone(tz).replace(tzinfo=None) == local.replace(tzinfo=None):
        return instant
    # In a gap. With fold=0 zoneinfo applies the offset in force before the transition,
    # which lands at or after the transition; with fold=1 it applies the later offset and
    # lands before it. Bisect between the two for the first instant carrying the new offset.
    lo = local.replace(fold=1).astimezone(UTC)
    hi = instant
    if lo > hi:  # a "negative" gap cannot happen with real data; keep the simple answer
        return instant
    new_offset = hi.astimezone(tz).utcoffset()
    while hi - lo > _ONE_US:
        mid = lo + (hi - lo) // 2
        if mid.astimezone(tz).utcoffset() == new_offset:
            hi = mid
        else:
            lo = mid
    return hi


@dataclass(frozen=True, slots=True)
class _Day:
    """The absolute working intervals of one local date."""

    intervals: tuple[tuple[datetime, datetime], ...]
    total: timedelta

    @property
    def first(self) -> datetime:
        return self.intervals[0][0]

    @property
    def last(self) -> datetime:
        return self.intervals[-1][1]


_EMPTY_DAY = _Day((), _ZERO)


def _offset_into(day: _Day, offset: timedelta) -> datetime:
    """Earliest instant of ``day`` at which ``offset`` of its working time has elapsed."""
    remaining = offset
    for start, end in day.intervals:
        span = end - start
        if remaining <= span:
            return start + remaining
        remaining -= span
    return day.last


def _elapsed_before(day: _Day, at: datetime) -> timedelta:
    """Working time of ``day`` strictly before the instant ``at``."""
    elapsed = _ZERO
    for start, end in day.intervals:
        if end <= at:
            elapsed += end - start
        else:
            if start < at:
                elapsed += at - start
            break
    return elapsed


class AlwaysCalendar:
    """A 24x7 calendar: business time is plain elapsed time."""

    def __init__(self, tz: ZoneInfo | None = None, name: str = "always") -> None:
        self.tz = tz if tz is not None else ZoneInfo("UTC")
        self.name = name

    def __repr__(self) -> str:
        return f"AlwaysCalendar(tz={self.tz.key!r}, name={self.name!r})"

    def add(self, start: datetime, duration: timedelta) -> datetime:
        _check_duration(duration)
        return _utc(start, "start") + duration

    def measure(self, start: datetime, end: datetime) -> timedelta:
        a, b = _utc(start, "start"), _utc(end, "end")
        return b - a if b > a else _ZERO

    def add_business_days(self, start: datetime, days: int) -> datetime:
        _check_days(days)
        return _utc(start, "start") + days * _ONE_DAY

    def is_working_time(self, at: datetime) -> bool:
        _utc(at, "at")
        return True

    def working_intervals(
        self, start: datetime, end: datetime
    ) -> Iterator[tuple[datetime, datetime]]:
        a, b = _utc(start, "start"), _utc(end, "end")
        return iter([(a, b)] if b > a else [])


class BusinessCalendar:
    """Working windows per weekday in a time zone, minus holidays."""

    def __init__(
        self,
        tz: ZoneInfo,
        week: Mapping[int, Sequence[Window]],
        holidays: Container[date] = frozenset(),
        name: str = "business",
    ) -> None:
        self.tz = tz
        self.name = name
        self.holidays = holidays
        self.week: tuple[tuple[Window, ...], ...] = _validate_week(week)
        # Per-instance cache; the bound method keeps the calendar alive as long as the cache.
        self._day = lru_cache(maxsize=4096)(self._compute_day)

    def __repr__(self) -> str:
        return f"BusinessCalendar(name={self.name!r}, tz={self.tz.key!r})"

    # -- per-date data -------------------------------------------------------------------

    def _compute_day(self, day: date) -> _Day:
        windows = self.week[day.weekday()]
        if not windows or day in self.holidays:
            return _EMPTY_DAY
        merged: list[tuple[datetime, datetime]] = []
        for window in windows:
            start = local_to_utc(day, window.start, self.tz)
            end = local_to_utc(day, window.end, self.tz)
            if end <= start:  # swallowed by a DST gap
                continue
            if merged and merged[-1][1] >= start:
                merged[-1] = (merged[-1][0], max(merged[-1][1], end))
            else:
                merged.append((start, end))
        if not merged:
            return _EMPTY_DAY
        total = sum((e - s for s, e in merged), _ZERO)
        return _Day(tuple(merged), total)

    def _local_date(self, instant: datetime) -> date:
        return instant.astimezone(self.tz).date()

    def _previous_working(self, day: date) -> tuple[date, _Day]:
        """The closest working date strictly before ``day``."""
        for _ in range(_MAX_IDLE_DAYS):
            day -= _ONE_DAY
            info = self._day(day)
            if info.intervals:
                return day, info
        raise ValueError(f"calendar {self.name!r} has no working day before {day}")

    def _next_working(self, day: date) -> tuple[date, _Day]:
        """The closest working date strictly after ``day``."""
        for _ in range(_MAX_IDLE_DAYS):
            day += _ONE_DAY
            info = self._day(day)
            if info.intervals:
                return day, info
        raise ValueError(f"calendar {self.name!r} has no working day after {day}")

    # -- public API ----------------------------------------------------------------------

    def is_working_time(self, at: datetime) -> bool:
        t = _utc(at, "at")
        local = self._local_date(t)
        # A neighbour date is checked too: near a midnight DST transition an instant can
        # belong to the windows of the date next to the one its wall clock shows.
        for day in (local - _ONE_DAY, local, local + _ONE_DAY):
            for start, end in self._day(day).intervals:
                if start <= t < end:
                    return True
        return False

    def measure(self, start: datetime, end: datetime) -> timedelta:
        a, b = _utc(start, "start"), _utc(end, "end")
        if b <= a:
            return _ZERO
        day_fn = self._day
        day = self._local_date(a) - _ONE_DAY
        last = self._local_date(b) + _ONE_DAY
        total = _ZERO
        while day <= last:
            info = day_fn(day)
            day += _ONE_DAY
            if not info.intervals:
                continue
            if info.first >= a and info.last <= b:
                total += info.total
                continue
            for s, e in info.intervals:
                if e <= a:
                    continue
                if s >= b:
                    break
                total += min(e, b) - max(s, a)
        return total

    def working_intervals(
        self, start: datetime, end: datetime
    ) -> Iterator[tuple[datetime, datetime]]:
        a, b = _utc(start, "start"), _utc(end, "end")
        return self._iter_intervals(a, b)

    def _iter_intervals(self, a: datetime, b: datetime) -> Iterator[tuple[datetime, datetime]]:
        if b <= a:
            return
        day = self._local_date(a) - _ONE_DAY
        last = self._local_date(b) + _ONE_DAY
        pending: tuple[datetime, datetime] | None = None
        while day <= last:
            for s, e in self._day(day).intervals:
                if e <= a:
                    continue
                if s >= b:
                    break
                piece = (max(s, a), min(e, b))
                if pending is not None and pending[1] >= piece[0]:
                    pending = (pending[0], max(pending[1], piece[1]))
                else:
                    if pending is not None:
                        yield pending
                    pending = piece
            day += _ONE_DAY
        if pending is not None:
            yield pending

    def add(self, start: datetime, duration: timedelta) -> datetime:
        _check_duration(duration)
        t = _utc(start, "start")
        if not duration:
            return t
        remaining = duration
        day_fn = self._day
        day = self._local_date(t) - _ONE_DAY
        idle = 0
        while True:
            info = day_fn(day)
            day += _ONE_DAY
            if not info.intervals or info.last <= t:
                idle += 1
                if idle > _MAX_IDLE_DAYS:
                    raise ValueError(f"calendar {self.name!r} has no working time after {t}")
                continue
            idle = 0
            if info.first >= t:
                if remaining > info.total:
                    remaining -= info.total
                    continue
                return _offset_into(info, remaining)
            for s, e in info.intervals:
                if e <= t:
                    continue
                s = max(s, t)
                span = e - s
                if remaining <= span:
                    return s + remaining
                remaining -= span

    def add_business_days(self, start: datetime, days: int) -> datetime:
        _check_days(days)
        t = _utc(start, "start")
        if days == 0:
            return t
        # Find the working day D the instant belongs to and how far into it we are.
        anchor = self._local_date(t)
        info = self._day(anchor)
        offset = _elapsed_before(info, t) if info.intervals else _ZERO
        at_day_end = not info.intervals or offset == _ZERO or offset >= info.total
        if at_day_end and not (info.intervals and offset >= info.total):
            # before the first window, or on a day off: the end of the previous working day
            anchor, info = self._previous_working(anchor)
        for _ in range(days):
            anchor, info = self._next_working(anchor)
        if at_day_end:
            # from the end of a working day, N business days later is the end of the N-th next one,
            # whatever the lengths of the two days (a short Friday must not cut Monday short)
            return info.last
        return _offset_into(info, min(offset, info.total))


def _validate_week(week: Mapping[int, Sequence[Window]]) -> tuple[tuple[Window, ...], ...]:
    """Check the weekly pattern and return it as a 7-tuple indexed by weekday."""
    days: list[tuple[Window, ...]] = [() for _ in range(7)]
    for weekday, windows in week.items():
        if isinstance(weekday, bool) or not isinstance(weekday, int) or not 0 <= weekday <= 6:
            raise ValueError(f"weekday keys must be ints 0 (Monday) to 6 (Sunday), got {weekday!r}")
        ordered = tuple(windows)
        for window in ordered:
            if not isinstance(window, Window):
                raise TypeError(f"expected Window, got {type(window).__name__}")
        for previous, current in itertools.pairwise(ordered):
            if current.start < previous.end:
                raise ValueError(
                    f"windows for weekday {weekday} must be sorted and must not overlap: "
                    f"{previous} then {current}"
                )
        days[weekday] = ordered
    if not any(days):
        raise ValueError("a business calendar needs at least one working window in its week")
    return tuple(days)
