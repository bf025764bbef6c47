"""Property-based checks of the business-time engine over 2026-2027 instants."""

from __future__ import annotations

import itertools
import os
import time as time_module
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays
from hypothesis import given, settings
from hypothesis import strategies as st

from worker.core.calendar import AlwaysCalendar, BusinessCalendar, Window

ONE_US = timedelta(microseconds=1)


def paris_calendar() -> BusinessCalendar:
    windows = [Window(time(9), time(12, 30)), Window(time(13, 30), time(18))]
    return BusinessCalendar(
        ZoneInfo("Europe/Paris"),
        dict.fromkeys(range(5), windows),
        holidays.country_holidays("FR", years=range(2026, 2029)),
        name="paris",
    )


def new_york_calendar() -> BusinessCalendar:
    return BusinessCalendar(
        ZoneInfo("America/New_York"),
        {weekday: [Window(time(9), time(17))] for weekday in range(5)},
        holidays.country_holidays("US", years=range(2026, 2029)),
        name="nyc",
    )


FACTORIES = {"paris": paris_calendar, "nyc": new_york_calendar}
CALENDARS = {name: make() for name, make in FACTORIES.items()}

calendar_names = st.sampled_from(sorted(CALENDARS))
# Instants in 2026-2027, to the second plus an occasional odd microsecond, given in UTC or
# in either calendar's zone (the answer must not depend on how the input is expressed).
instants = st.builds(
    lambda naive, micro, zone: naive.replace(microsecond=micro, tzinfo=UTC).astimezone(zone),
    st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2027, 12, 31)),
    st.sampled_from([0, 0, 0, 1, 500_000, 999_999]),
    st.sampled_from([UTC, ZoneInfo("Europe/Paris"), ZoneInfo("America/New_York")]),
)
durations = st.timedeltas(min_value=timedelta(0), max_value=timedelta(hours=120))
spans = st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=40))

FAST = settings(max_examples=80, deadline=None)


@FAST
@given(calendar_names, instants, spans, spans)
def test_measure_is_monotonic_in_end(
    name: str, start: datetime, x: timedelta, y: timedelta
) -> None:
    cal = CALENDARS[name]
    base = start.astimezone(UTC)
    near, far = base + min(x, y), base + max(x, y)
    assert cal.measure(start, near) <= cal.measure(start, far)


@FAST
@given(calendar_names, instants, durations)
def test_measure_undoes_add(name: str, start: datetime, duration: timedelta) -> None:
    cal = CALENDARS[name]
    end = cal.add(start, duration)
    assert end >= start
    assert end.tzinfo is UTC
    assert cal.measure(start, end) == duration


@FAST
@given(calendar_names, instants, durations)
def test_add_returns_the_earliest_instant(name: str, start: datetime, duration: timedelta) -> None:
    cal = CALENDARS[name]
    end = cal.add(start, duration)
    if duration:
        # One microsecond earlier the duration is not yet reached, and that microsecond
        # was working time.
        assert cal.measure(start, end - ONE_US) < duration
        assert cal.is_working_time(end - ONE_US)
    else:
        assert end == start


@FAST
@given(calendar_names, instants, durations, durations)
def test_add_is_monotonic_in_duration(
    name: str, start: datetime, x: timedelta, y: timedelta
) -> None:
    cal = CALENDARS[name]
    assert cal.add(start, min(x, y)) <= cal.add(start, max(x, y))


@FAST
@given(calendar_names, st.lists(instants, min_size=3, max_size=3))
def test_measure_is_additive(name: str, points: list[datetime]) -> None:
    cal = CALENDARS[name]
    a, b, c = sorted(points)
    assert cal.measure(a, b) + cal.measure(b, c) == cal.measure(a, c)


@FAST
@given(calendar_names, instants, spans)
def test_working_intervals_agree_with_measure(name: str, start: datetime, span: timedelta) -> None:
    cal = CALENDARS[name]
    end = start.astimezone(UTC) + span
    pieces = list(cal.working_intervals(start, end))
    assert sum((b - a for a, b in pieces), timedelta(0)) == cal.measure(start, end)
    for a, b in pieces:
        assert start <= a < b <= end
        assert a.tzinfo is UTC and b.tzinfo is UTC
        assert cal.is_working_time(a) and cal.is_working_time(b - ONE_US)
    # Sorted, disjoint and not touching (touching pieces would have been merged).
    for (_, first_end), (second_start, _) in itertools.pairwise(pieces):
        assert first_end < second_start
        assert not cal.is_working_time(first_end)


@FAST
@given(calendar_names, instants, st.integers(min_value=1, max_value=30))
def test_business_days_move_forward_and_land_on_working_time(
    name: str, start: datetime, days: int
) -> None:
    cal = CALENDARS[name]
    one = cal.add_business_days(start, days)
    more = cal.add_business_days(start, days + 1)
    assert start < one < more
    # The result is always reached from inside a window (at most that window's end).
    assert cal.is_working_time(one - ONE_US)
    # n working days contain at least n-1 whole days of working time.
    assert cal.measure(start, one) >= (days - 1) * timedelta(hours=8)


@contextmanager
def host_time_zone(key: str) -> Iterator[None]:
    """Temporarily change the process time zone (TZ + tzset), restoring it afterwards."""
    previous = os.environ.get("TZ")
    os.environ["TZ"] = key
    time_module.tzset()
    try:
        yield
    finally:
        if previous is None:
            del os.environ["TZ"]
        else:
            os.environ["TZ"] = previous
        time_module.tzset()


def _compute(cal: BusinessCalendar, start: datetime, duration: timedelta) -> tuple[object, ...]:
    end = cal.add(start, duration)
    return (
        end,
        cal.measure(start, start.astimezone(UTC) + timedelta(days=9)),
        cal.add_business_days(start, 3),
        cal.is_working_time(start),
        list(cal.working_intervals(start, start.astimezone(UTC) + timedelta(days=3))),
    )


@settings(max_examples=25, deadline=None)
@given(calendar_names, instants, durations)
def test_results_do_not_depend_on_host_time_zone(
    name: str, start: datetime, duration: timedelta
) -> None:
    # A fresh calendar per host zone, so cached per-date data cannot hide a difference.
    with host_time_zone("UTC"):
        reference = _compute(FACTORIES[name](), start, duration)
    for key in ("Asia/Kolkata", "America/Los_Angeles", "Pacific/Chatham"):
        with host_time_zone(key):
            assert _compute(FACTORIES[name](), start, duration) == reference


@FAST
@given(instants, instants, durations, st.integers(min_value=0, max_value=400))
def test_always_calendar_is_plain_arithmetic(
    a: datetime, b: datetime, duration: timedelta, days: int
) -> None:
    cal = AlwaysCalendar(ZoneInfo("Europe/Paris"))
    # Absolute arithmetic: Python adds a timedelta to a zoneinfo datetime in wall-clock
    # time, so the expected values are computed on the UTC form.
    a_utc = a.astimezone(UTC)
    assert cal.add(a, duration) == a_utc + duration
    assert cal.add(a, duration).tzinfo is UTC
    assert cal.measure(a, b) == max(b.astimezone(UTC) - a_utc, timedelta(0))
    assert cal.add_business_days(a, days) == a_utc + timedelta(days=days)
    assert cal.is_working_time(a)
    assert sum((y - x for x, y in cal.working_intervals(a, b)), timedelta(0)) == cal.measure(a, b)
