"""Cadence: recurring ceremonies stepping in local calendar days."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.support import in_zone
from worker.core.planning import Cadence

PARIS = ZoneInfo("Europe/Paris")
NEW_YORK = ZoneInfo("America/New_York")
FORTNIGHT = timedelta(days=14)


paris = in_zone(PARIS)


utc = in_zone(UTC)


def test_ten_oclock_paris_stays_ten_oclock_across_spring_forward() -> None:
    # Mon 2026-03-16 10:00 CET (09:00 UTC), then Mon 03-30 10:00 CEST (08:00 UTC):
    # 14 days minus one hour of real time apart.
    cadence = Cadence(paris(2026, 3, 16, 10), FORTNIGHT)
    result = cadence.next_after(paris(2026, 3, 20))
    assert result == utc(2026, 3, 30, 8)
    assert result.tzinfo is UTC
    assert result.astimezone(PARIS).hour == 10


def test_ten_oclock_paris_stays_ten_oclock_across_fall_back() -> None:
    # Mon 2026-10-12 10:00 CEST (08:00 UTC), then Mon 10-26 10:00 CET (09:00 UTC).
    cadence = Cadence(paris(2026, 10, 12, 10), FORTNIGHT)
    assert cadence.next_after(paris(2026, 10, 20)) == utc(2026, 10, 26, 9)


def test_before_first_returns_first() -> None:
    cadence = Cadence(paris(2026, 3, 16, 10), FORTNIGHT)
    assert cadence.next_after(paris(2025, 6, 1)) == utc(2026, 3, 16, 9)
    # One microsecond before the first occurrence: still the first.
    first = paris(2026, 3, 16, 10)
    assert cadence.next_after(first - timedelta(microseconds=1)) == first


def test_exactly_on_an_occurrence_returns_the_next_one() -> None:
    cadence = Cadence(paris(2026, 3, 16, 10), FORTNIGHT)
    # Strictly after: on the first occurrence, the answer is the second.
    assert cadence.next_after(paris(2026, 3, 16, 10)) == paris(2026, 3, 30, 10)
    # On the 3rd occurrence (Mon 2026-04-13 10:00 CEST), the 4th (04-27).
    assert cadence.next_after(paris(2026, 4, 13, 10)) == paris(2026, 4, 27, 10)


def test_far_future_jumps_straight_there() -> None:
    # 2026-03-16 + 14 * 131 days = 2026-03-16 + 1834 days = 2031-03-24 (a Monday), 10:00 CET.
    cadence = Cadence(paris(2026, 3, 16, 10), FORTNIGHT)
    assert cadence.next_after(paris(2031, 3, 20)) == paris(2031, 3, 24, 10)
    assert cadence.occurrence(131) == paris(2031, 3, 24, 10)


def test_input_in_another_time_zone() -> None:
    # Fri 2026-03-27 23:00 in New York is Sat 03-28 04:00 in Paris, after Mon 03-16 and
    # before Mon 03-30: the answer is 2026-03-30 10:00 CEST.
    cadence = Cadence(paris(2026, 3, 16, 10), FORTNIGHT)
    assert cadence.next_after(datetime(2026, 3, 27, 23, tzinfo=NEW_YORK)) == utc(2026, 3, 30, 8)


def test_occurrence_in_the_gap_and_in_the_overlap() -> None:
    daily = Cadence(paris(2026, 3, 27, 2, 30), timedelta(days=1))
    # 02:30 does not exist on 2026-03-29: the gap ends at 03:00 CEST = 01:00 UTC.
    assert daily.next_after(paris(2026, 3, 28, 12)) == utc(2026, 3, 29, 1)
    # 02:30 happens twice on 2026-10-25: the first (CEST) one, 00:30 UTC.
    assert daily.next_after(paris(2026, 10, 24, 12)) == utc(2026, 10, 25, 0, 30)


def test_new_york_weekly_cadence_across_fall_back() -> None:
    # Every Wednesday 09:30 local; Wed 2026-10-28 09:30 EDT, then Wed 11-04 09:30 EST = 14:30 UTC.
    weekly = Cadence(datetime(2026, 10, 28, 9, 30, tzinfo=NEW_YORK), timedelta(days=7))
    assert weekly.next_after(datetime(2026, 10, 29, tzinfo=NEW_YORK)) == utc(2026, 11, 4, 14, 30)


@pytest.mark.parametrize(
    "every", [timedelta(0), timedelta(days=-7), timedelta(hours=36), timedelta(days=1, seconds=1)]
)
def test_every_must_be_a_positive_whole_number_of_days(every: timedelta) -> None:
    with pytest.raises(ValueError):
        Cadence(paris(2026, 3, 16, 10), every)


def test_naive_datetimes_rejected() -> None:
    with pytest.raises(ValueError):
        Cadence(datetime(2026, 3, 16, 10), FORTNIGHT)
    cadence = Cadence(paris(2026, 3, 16, 10), FORTNIGHT)
    with pytest.raises(ValueError):
        cadence.next_after(datetime(2026, 3, 20))


@settings(max_examples=100, deadline=None)
@given(
    st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2030, 12, 31)),
    st.integers(min_value=1, max_value=30),
)
def test_next_after_is_the_first_occurrence_strictly_after(naive: datetime, days: int) -> None:
    first = paris(2026, 3, 16, 10)
    cadence = Cadence(first, timedelta(days=days))
    t = naive.replace(tzinfo=UTC)
    result = cadence.next_after(t)
    assert result > t
    assert result.tzinfo is UTC
    # Always 10:00 on the Paris wall clock, a whole number of periods after the first date.
    local = result.astimezone(PARIS)
    assert local.time().hour == 10 and local.minute == 0
    steps, rest = divmod((local.date() - first.date()).days, days)
    assert rest == 0 and steps >= 0
    # Nothing in between: the previous occurrence (if any) is not after t.
    if steps > 0:
        assert cadence.occurrence(steps - 1) <= t
