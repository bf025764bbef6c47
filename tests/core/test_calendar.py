"""Hand-checked business-time cases; each expected value is worked out in a comment.

Paris calendar: Mon-Fri 09:00-12:30 + 13:30-18:00 (8 h a day), French public holidays.
New York calendar: Mon-Fri 09:00-17:00 (8 h a day), US federal holidays.
2026 DST changes: Paris 2026-03-29 (CET+1 -> CEST+2) and 2026-10-25 (back to CET);
New York 2026-03-08 (EST-5 -> EDT-4) and 2026-11-01 (back to EST). All four are Sundays.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays
import pytest

from tests.support import in_zone
from worker.core.calendar import (
    AlwaysCalendar,
    BusinessCalendar,
    Calendar,
    Window,
    local_to_utc,
)

PARIS = ZoneInfo("Europe/Paris")
NEW_YORK = ZoneInfo("America/New_York")
UTC_ZONE = ZoneInfo("UTC")
H = timedelta(hours=1)
MIN = timedelta(minutes=1)


def paris_calendar() -> BusinessCalendar:
    windows = [Window(time(9), time(12, 30)), Window(time(13, 30), time(18))]
    week = dict.fromkeys(range(5), windows)
    return BusinessCalendar(
        PARIS, week, holidays.country_holidays("FR", years=range(2026, 2028)), name="paris"
    )


def new_york_calendar() -> BusinessCalendar:
    week = {weekday: [Window(time(9), time(17))] for weekday in range(5)}
    return BusinessCalendar(
        NEW_YORK, week, holidays.country_holidays("US", years=range(2026, 2028)), name="nyc"
    )


def night_calendar(tz: ZoneInfo, start: time, end: time) -> BusinessCalendar:
    """Every day of the week, one window: handy for windows that touch a DST change."""
    return BusinessCalendar(tz, {weekday: [Window(start, end)] for weekday in range(7)})


paris = in_zone(PARIS)


nyc = in_zone(NEW_YORK)


utc = in_zone(UTC)


@pytest.fixture(scope="module")
def fr() -> BusinessCalendar:
    return paris_calendar()


@pytest.fixture(scope="module")
def us() -> BusinessCalendar:
    return new_york_calendar()


# -- add --------------------------------------------------------------------------------


def test_four_business_hours_from_friday_16h_paris(fr: BusinessCalendar) -> None:
    # Fri 2026-04-24 16:00 CEST: 2 h left (16:00-18:00); weekend skipped;
    # Mon 2026-04-27 09:00 + 2 h = 11:00 CEST = 09:00 UTC.
    assert fr.add(paris(2026, 4, 24, 16), 4 * H) == utc(2026, 4, 27, 9)


def test_four_business_hours_from_friday_16h_new_york(us: BusinessCalendar) -> None:
    # Fri 2026-04-24 16:00 EDT: 1 h left; Mon 2026-04-27 09:00 + 3 h = 12:00 EDT = 16:00 UTC.
    assert us.add(nyc(2026, 4, 24, 16), 4 * H) == utc(2026, 4, 27, 16)


def test_add_returns_utc(fr: BusinessCalendar) -> None:
    result = fr.add(paris(2026, 4, 24, 16), 4 * H)
    assert result.tzinfo is UTC


def test_add_over_lunch_break(fr: BusinessCalendar) -> None:
    # Tue 2026-04-28 12:00 CEST: 30 min until 12:30, lunch, then 30 min from 13:30 -> 14:00 CEST.
    assert fr.add(paris(2026, 4, 28, 12), H) == paris(2026, 4, 28, 14)


def test_add_ending_exactly_at_window_end_returns_that_end(fr: BusinessCalendar) -> None:
    # 11:30 + 1 h ends exactly at 12:30, the end of the morning window (not 13:30).
    assert fr.add(paris(2026, 4, 28, 11, 30), H) == paris(2026, 4, 28, 12, 30)
    # 17:00 + 1 h ends at 18:00 the same day, not at 09:00 the next morning.
    assert fr.add(paris(2026, 4, 28, 17), H) == paris(2026, 4, 28, 18)


def test_add_from_saturday_starts_monday_morning(fr: BusinessCalendar) -> None:
    # Sat 2026-04-25 11:00: nothing until Mon 2026-04-27 09:00; + 1 h = 10:00 CEST.
    assert fr.add(paris(2026, 4, 25, 11), H) == paris(2026, 4, 27, 10)


def test_add_zero_returns_start_even_outside_working_time(fr: BusinessCalendar) -> None:
    # Zero duration: the start itself (Saturday evening), merely converted to UTC.
    start = paris(2026, 4, 25, 20, 15)
    result = fr.add(start, timedelta(0))
    assert result == start
    assert result.tzinfo is UTC
    assert result == utc(2026, 4, 25, 18, 15)


def test_add_across_fete_du_travail(fr: BusinessCalendar) -> None:
    # Thu 2026-04-30 16:00: 2 h left; Fri 2026-05-01 is a holiday, then the weekend;
    # Mon 2026-05-04 09:00 + 2 h = 11:00 CEST.
    assert fr.add(paris(2026, 4, 30, 16), 4 * H) == paris(2026, 5, 4, 11)


def test_add_across_bastille_day(fr: BusinessCalendar) -> None:
    # Mon 2026-07-13 17:00: 1 h left; Tue 07-14 is a holiday; Wed 07-15 09:00 + 1 h = 10:00.
    assert fr.add(paris(2026, 7, 13, 17), 2 * H) == paris(2026, 7, 15, 10)


def test_add_across_thanksgiving(us: BusinessCalendar) -> None:
    # Wed 2026-11-25 15:00 EST: 2 h left; Thu 11-26 is Thanksgiving;
    # Fri 11-27 09:00 + 2 h = 11:00 EST = 16:00 UTC.
    assert us.add(nyc(2026, 11, 25, 15), 4 * H) == utc(2026, 11, 27, 16)


def test_add_across_paris_spring_forward_weekend(fr: BusinessCalendar) -> None:
    # Fri 2026-03-27 17:00 CET (16:00 UTC): 1 h left; clocks change on Sunday;
    # Mon 2026-03-30 09:00 CEST + 1 h = 10:00 CEST = 08:00 UTC (not 09:00 UTC).
    assert fr.add(paris(2026, 3, 27, 17), 2 * H) == utc(2026, 3, 30, 8)


def test_add_across_paris_fall_back_weekend(fr: BusinessCalendar) -> None:
    # Fri 2026-10-23 17:00 CEST: 1 h left; Mon 2026-10-26 09:00 CET + 1 h = 10:00 CET = 09:00 UTC.
    assert fr.add(paris(2026, 10, 23, 17), 2 * H) == utc(2026, 10, 26, 9)


def test_add_across_new_york_spring_forward_weekend(us: BusinessCalendar) -> None:
    # Fri 2026-03-06 16:00 EST (21:00 UTC): 1 h left; Mon 03-09 09:00 EDT + 1 h = 14:00 UTC.
    assert us.add(nyc(2026, 3, 6, 16), 2 * H) == utc(2026, 3, 9, 14)


def test_add_across_new_york_fall_back_weekend(us: BusinessCalendar) -> None:
    # Fri 2026-10-30 16:00 EDT: 1 h left; Mon 11-02 09:00 EST + 1 h = 10:00 EST = 15:00 UTC.
    assert us.add(nyc(2026, 10, 30, 16), 2 * H) == utc(2026, 11, 2, 15)


def test_add_accepts_any_input_time_zone(fr: BusinessCalendar) -> None:
    # 14:00 UTC on Fri 2026-04-24 is 16:00 in Paris: same answer as the Paris-local case.
    assert fr.add(utc(2026, 4, 24, 14), 4 * H) == utc(2026, 4, 27, 9)


def test_add_many_weeks(fr: BusinessCalendar) -> None:
    # From Mon 2026-06-01 09:00, 80 h = 10 working days: June 1-5, 8-12 are all working
    # days (no French holiday), so the 80th hour ends Fri 2026-06-12 18:00.
    assert fr.add(paris(2026, 6, 1, 9), 80 * H) == paris(2026, 6, 12, 18)


def test_add_rejects_negative_duration(fr: BusinessCalendar) -> None:
    with pytest.raises(ValueError):
        fr.add(paris(2026, 4, 28, 10), -MIN)


# -- measure ----------------------------------------------------------------------------


def test_measure_across_weekend_and_spring_forward(fr: BusinessCalendar) -> None:
    # Fri 2026-03-27 12:00 CET -> Mon 2026-03-30 12:00 CEST: 71 real hours, but
    # business time is Fri 12:00-12:30 + 13:30-18:00 (5 h) + Mon 09:00-12:00 (3 h) = 8 h.
    assert fr.measure(paris(2026, 3, 27, 12), paris(2026, 3, 30, 12)) == 8 * H


def test_measure_across_holiday(fr: BusinessCalendar) -> None:
    # Thu 2026-04-30 10:00 -> Mon 2026-05-04 10:00: Thu 10:00-12:30 + 13:30-18:00 = 7 h,
    # Fri 05-01 holiday, weekend, Mon 09:00-10:00 = 1 h: 8 h.
    assert fr.measure(paris(2026, 4, 30, 10), paris(2026, 5, 4, 10)) == 8 * H


def test_measure_full_month(fr: BusinessCalendar) -> None:
    # May 2026 in France: 21 weekdays minus the holidays on weekdays
    # (Fri 1st, Fri 8th, Thu 14th Ascension, Mon 25th Whit Monday) = 17 days of 8 h.
    assert fr.measure(paris(2026, 5, 1), paris(2026, 6, 1)) == 17 * 8 * H


def test_measure_thanksgiving_week(us: BusinessCalendar) -> None:
    # Mon 2026-11-23 00:00 -> Mon 11-30 00:00 EST: Mon, Tue, Wed, Fri (Thu is Thanksgiving) = 32 h.
    assert us.measure(nyc(2026, 11, 23), nyc(2026, 11, 30)) == 32 * H


def test_measure_reversed_or_equal_bounds_is_zero(fr: BusinessCalendar) -> None:
    a, b = paris(2026, 4, 28, 10), paris(2026, 4, 28, 11)
    assert fr.measure(a, b) == H
    assert fr.measure(b, a) == timedelta(0)
    assert fr.measure(a, a) == timedelta(0)


def test_measure_inside_lunch_break_is_zero(fr: BusinessCalendar) -> None:
    assert fr.measure(paris(2026, 4, 28, 12, 30), paris(2026, 4, 28, 13, 30)) == timedelta(0)


def test_holiday_container_expands_lazily_to_other_years() -> None:
    # Built for 2026 only; holidays' HolidayBase adds 2027 on first lookup.
    # Wed 2027-07-14 is Bastille Day, so the whole day measures zero.
    windows = [Window(time(9), time(18))]
    cal = BusinessCalendar(
        PARIS, dict.fromkeys(range(5), windows), holidays.country_holidays("FR", years=2026)
    )
    assert cal.measure(paris(2027, 7, 14), paris(2027, 7, 15)) == timedelta(0)
    # Thu 2027-07-15 is an ordinary day: 9 h.
    assert cal.measure(paris(2027, 7, 15), paris(2027, 7, 16)) == 9 * H


def test_plain_frozenset_of_holidays() -> None:
    cal = BusinessCalendar(
        NEW_YORK, {0: [Window(time(9), time(17))]}, frozenset({date(2026, 4, 27)})
    )
    # Only Mondays work, and Mon 2026-04-27 is declared a holiday: the next 8 h run
    # on Mon 2026-05-04 09:00-17:00 EDT, ending 21:00 UTC.
    assert cal.add(nyc(2026, 4, 25), 8 * H) == utc(2026, 5, 4, 21)


# -- DST inside a window ----------------------------------------------------------------


def test_window_over_spring_forward_lasts_two_hours() -> None:
    cal = night_calendar(PARIS, time(1), time(4))
    # 2026-03-29: 01:00 CET (00:00 UTC) to 04:00 CEST (02:00 UTC) = 2 real hours.
    assert cal.measure(paris(2026, 3, 29), paris(2026, 3, 30)) == 2 * H
    # The day before is an ordinary 3 h.
    assert cal.measure(paris(2026, 3, 28), paris(2026, 3, 29)) == 3 * H


def test_window_over_fall_back_lasts_four_hours() -> None:
    cal = night_calendar(PARIS, time(1), time(4))
    # 2026-10-25: 01:00 CEST (23:00 UTC the day before) to 04:00 CET (03:00 UTC) = 4 h.
    assert list(cal.working_intervals(paris(2026, 10, 25), paris(2026, 10, 26))) == [
        (utc(2026, 10, 24, 23), utc(2026, 10, 25, 3))
    ]


def test_window_starting_in_the_gap_starts_when_the_gap_ends() -> None:
    cal = night_calendar(PARIS, time(2, 30), time(5))
    # 02:30 does not exist on 2026-03-29; it maps to 03:00 CEST = 01:00 UTC. End 05:00 CEST
    # = 03:00 UTC, so the window lasts 2 h instead of 2 h 30.
    assert list(cal.working_intervals(paris(2026, 3, 29), paris(2026, 3, 30))) == [
        (utc(2026, 3, 29, 1), utc(2026, 3, 29, 3))
    ]
    assert not cal.is_working_time(utc(2026, 3, 29, 0, 59))
    assert cal.is_working_time(utc(2026, 3, 29, 1))


def test_window_inside_the_gap_disappears_and_the_day_is_not_a_working_day() -> None:
    cal = night_calendar(PARIS, time(2, 10), time(2, 50))
    # Both bounds map to 03:00 CEST on 2026-03-29: an empty window, dropped.
    assert cal.measure(paris(2026, 3, 29), paris(2026, 3, 30)) == timedelta(0)
    # Sat 03-28 02:30 CET is 20 of 40 minutes in; +1 business day skips Sunday 03-29
    # and lands 20 minutes into Mon 03-30: 02:30 CEST = 00:30 UTC.
    assert cal.add_business_days(paris(2026, 3, 28, 2, 30), 1) == utc(2026, 3, 30, 0, 30)


def test_new_york_window_cut_by_spring_forward() -> None:
    cal = night_calendar(NEW_YORK, time(1, 30), time(2, 30))
    # 2026-03-08: 01:30 EST = 06:30 UTC; 02:30 does not exist, maps to 03:00 EDT = 07:00 UTC.
    assert cal.measure(nyc(2026, 3, 8), nyc(2026, 3, 9)) == 30 * MIN


def test_local_to_utc_rules() -> None:
    # Gap: 02:30 on the Paris spring-forward day is 03:00 CEST = 01:00 UTC.
    assert local_to_utc(date(2026, 3, 29), time(2, 30), PARIS) == utc(2026, 3, 29, 1)
    # Overlap: 02:30 on the fall-back day takes its first occurrence, CEST: 00:30 UTC.
    assert local_to_utc(date(2026, 10, 25), time(2, 30), PARIS) == utc(2026, 10, 25, 0, 30)
    # Ordinary: 09:00 EDT = 13:00 UTC.
    assert local_to_utc(date(2026, 6, 1), time(9), NEW_YORK) == utc(2026, 6, 1, 13)


# -- add_business_days ------------------------------------------------------------------


def test_one_business_day_from_mid_morning(fr: BusinessCalendar) -> None:
    # Tue 2026-04-28 10:00 is 1 h into the day; Wed 04-29 1 h in = 10:00.
    assert fr.add_business_days(paris(2026, 4, 28, 10), 1) == paris(2026, 4, 29, 10)


def test_one_business_day_from_lunch_break(fr: BusinessCalendar) -> None:
    # Tue 12:45: 3 h 30 elapsed (the morning window); Wed at 3 h 30 in = 12:30.
    assert fr.add_business_days(paris(2026, 4, 28, 12, 45), 1) == paris(2026, 4, 29, 12, 30)


def test_one_business_day_from_saturday_is_end_of_monday(fr: BusinessCalendar) -> None:
    # Saturday counts as the end of Friday; one working day later is the end of Monday.
    assert fr.add_business_days(paris(2026, 4, 25, 12), 1) == paris(2026, 4, 27, 18)


def test_one_business_day_from_before_opening_is_end_of_same_day(fr: BusinessCalendar) -> None:
    # Mon 07:00 counts as the end of Friday -> end of Monday, 18:00.
    assert fr.add_business_days(paris(2026, 4, 27, 7), 1) == paris(2026, 4, 27, 18)
    # Exactly at opening time (nothing elapsed yet) behaves the same.
    assert fr.add_business_days(paris(2026, 4, 27, 9), 1) == paris(2026, 4, 27, 18)


def test_one_business_day_from_evening_is_end_of_next_day(fr: BusinessCalendar) -> None:
    # Mon 19:00 is past the last window: end of Monday -> end of Tuesday.
    assert fr.add_business_days(paris(2026, 4, 27, 19), 1) == paris(2026, 4, 28, 18)


def test_business_days_skip_holidays(fr: BusinessCalendar) -> None:
    # Wed 2026-04-29 10:00 + 2: Thu 04-30 (1), Fri 05-01 holiday, weekend, Mon 05-04 (2) 10:00.
    assert fr.add_business_days(paris(2026, 4, 29, 10), 2) == paris(2026, 5, 4, 10)
    # Mon 2026-07-13 10:00 + 1: Tue 07-14 holiday -> Wed 07-15 10:00.
    assert fr.add_business_days(paris(2026, 7, 13, 10), 1) == paris(2026, 7, 15, 10)


def test_business_day_across_thanksgiving(us: BusinessCalendar) -> None:
    # Wed 2026-11-25 11:00 EST + 1: Thu is Thanksgiving -> Fri 11-27 11:00 EST = 16:00 UTC.
    assert us.add_business_days(nyc(2026, 11, 25, 11), 1) == utc(2026, 11, 27, 16)


def test_business_day_keeps_wall_clock_across_dst(us: BusinessCalendar) -> None:
    # Fri 2026-03-06 10:00 EST (15:00 UTC) + 1 -> Mon 03-09 10:00 EDT (14:00 UTC).
    assert us.add_business_days(nyc(2026, 3, 6, 10), 1) == utc(2026, 3, 9, 14)


def test_business_day_offset_is_capped_by_a_shorter_day() -> None:
    week = {d: [Window(time(9), time(17))] for d in range(4)}
    week[4] = [Window(time(9), time(12))]
    cal = BusinessCalendar(PARIS, week)
    # Thu 2026-04-30 16:00 is 7 h in; Friday has only 3 h, so the result is its end, 12:00.
    assert cal.add_business_days(paris(2026, 4, 30, 16), 1) == paris(2026, 5, 1, 12)


def test_business_day_on_a_dst_shortened_day() -> None:
    cal = night_calendar(PARIS, time(1), time(4))
    # Sat 2026-03-28 03:00 CET is 2 h into its 3 h window. Sunday 03-29 lasts only 2 h
    # (01:00 CET to 04:00 CEST), so 2 h in is its end: 04:00 CEST = 02:00 UTC.
    assert cal.add_business_days(paris(2026, 3, 28, 3), 1) == utc(2026, 3, 29, 2)


def test_zero_business_days_returns_start(fr: BusinessCalendar) -> None:
    start = paris(2026, 4, 25, 12)
    assert fr.add_business_days(start, 0) == start
    assert fr.add_business_days(start, 0).tzinfo is UTC


def test_negative_business_days_rejected(fr: BusinessCalendar) -> None:
    with pytest.raises(ValueError):
        fr.add_business_days(paris(2026, 4, 28, 10), -1)


# -- is_working_time / working_intervals ------------------------------------------------


def test_is_working_time_edges(fr: BusinessCalendar) -> None:
    assert fr.is_working_time(paris(2026, 4, 28, 9))
    assert fr.is_working_time(paris(2026, 4, 28, 12, 29, 59, 999999))
    assert not fr.is_working_time(paris(2026, 4, 28, 12, 30))  # windows are half-open
    assert not fr.is_working_time(paris(2026, 4, 28, 8, 59))
    assert not fr.is_working_time(paris(2026, 4, 25, 10))  # Saturday
    assert not fr.is_working_time(paris(2026, 5, 1, 10))  # Fête du Travail


def test_working_intervals_are_clipped_and_in_utc(fr: BusinessCalendar) -> None:
    # Tue 2026-04-28 10:00 CEST -> Wed 10:00 CEST.
    got = list(fr.working_intervals(paris(2026, 4, 28, 10), paris(2026, 4, 29, 10)))
    assert got == [
        (utc(2026, 4, 28, 8), utc(2026, 4, 28, 10, 30)),
        (utc(2026, 4, 28, 11, 30), utc(2026, 4, 28, 16)),
        (utc(2026, 4, 29, 7), utc(2026, 4, 29, 8)),
    ]
    assert all(a.tzinfo is UTC and b.tzinfo is UTC for a, b in got)


def test_adjacent_windows_are_merged() -> None:
    cal = BusinessCalendar(UTC_ZONE, {0: [Window(time(9), time(12)), Window(time(12), time(13))]})
    # Mon 2026-04-27: 09:00-12:00 and 12:00-13:00 touch, so one interval 09:00-13:00.
    assert list(cal.working_intervals(utc(2026, 4, 27), utc(2026, 4, 28))) == [
        (utc(2026, 4, 27, 9), utc(2026, 4, 27, 13))
    ]


def test_working_intervals_empty_for_reversed_bounds(fr: BusinessCalendar) -> None:
    assert list(fr.working_intervals(paris(2026, 4, 29), paris(2026, 4, 28))) == []


# -- validation -------------------------------------------------------------------------


def test_naive_datetimes_rejected(fr: BusinessCalendar) -> None:
    naive = datetime(2026, 4, 28, 10)
    aware = paris(2026, 4, 28, 10)
    with pytest.raises(ValueError):
        fr.add(naive, H)
    with pytest.raises(ValueError):
        fr.measure(naive, aware)
    with pytest.raises(ValueError):
        fr.measure(aware, naive)
    with pytest.raises(ValueError):
        fr.add_business_days(naive, 1)
    with pytest.raises(ValueError):
        fr.is_working_time(naive)
    with pytest.raises(ValueError):
        fr.working_intervals(naive, aware)  # raised on the call, not on iteration
    with pytest.raises(ValueError):
        AlwaysCalendar().add(naive, H)


def test_overlapping_windows_rejected() -> None:
    with pytest.raises(ValueError, match="overlap"):
        BusinessCalendar(PARIS, {0: [Window(time(9), time(13)), Window(time(12), time(18))]})


def test_unsorted_windows_rejected() -> None:
    with pytest.raises(ValueError):
        BusinessCalendar(PARIS, {0: [Window(time(14), time(18)), Window(time(9), time(12))]})


def test_empty_week_rejected() -> None:
    with pytest.raises(ValueError):
        BusinessCalendar(PARIS, {})
    with pytest.raises(ValueError):
        BusinessCalendar(PARIS, {0: [], 1: []})


def test_bad_weekday_rejected() -> None:
    with pytest.raises(ValueError):
        BusinessCalendar(PARIS, {7: [Window(time(9), time(17))]})


def test_window_must_have_start_before_end() -> None:
    with pytest.raises(ValueError):
        Window(time(9), time(9))
    with pytest.raises(ValueError):
        Window(time(18), time(9))


def test_holidays_everywhere_raises_instead_of_looping() -> None:
    class EveryDay:
        def __contains__(self, item: object) -> bool:
            return True

    cal = BusinessCalendar(PARIS, {0: [Window(time(9), time(17))]}, EveryDay())
    with pytest.raises(ValueError, match="no working"):
        cal.add(paris(2026, 4, 28), H)
    with pytest.raises(ValueError, match="no working"):
        cal.add_business_days(paris(2026, 4, 28), 1)


# -- AlwaysCalendar and the protocol ----------------------------------------------------


def test_always_calendar_is_plain_arithmetic() -> None:
    cal = AlwaysCalendar()
    start = paris(2026, 3, 28, 12)  # 11:00 UTC, the day before the Paris DST change
    assert cal.add(start, 30 * H) == utc(2026, 3, 29, 17)
    assert cal.add(start, 30 * H).tzinfo is UTC
    assert cal.measure(start, paris(2026, 3, 29, 12)) == 23 * H  # one hour lost that night
    assert cal.measure(paris(2026, 3, 29, 12), start) == timedelta(0)
    assert cal.add_business_days(start, 2) == utc(2026, 3, 30, 11)
    assert cal.is_working_time(start)
    assert list(cal.working_intervals(start, start + H)) == [
        (utc(2026, 3, 28, 11), utc(2026, 3, 28, 12))
    ]
    assert cal.name == "always"


def test_both_calendars_satisfy_the_protocol(fr: BusinessCalendar) -> None:
    assert isinstance(fr, Calendar)
    assert isinstance(AlwaysCalendar(PARIS), Calendar)
    assert fr.name == "paris" and fr.tz is PARIS


def test_one_business_day_from_the_opening_hour_is_the_end_of_that_day() -> None:
    # Found by the demo: Paris Mon–Thu close at 18:00, Fri at 17:00. A label at the very opening of
    # Monday (09:00) is "the end of Friday" in business time; one business day later is the end of
    # Monday (18:00) — not Friday's 7.5 h carried over to Monday (17:00).
    from datetime import datetime as _dt
    from datetime import time as _t
    from zoneinfo import ZoneInfo as _Z

    from worker.core.calendar import BusinessCalendar as _BC
    from worker.core.calendar import Window as _W

    tz = _Z("Europe/Paris")
    long_day = [_W(_t(9, 0), _t(12, 30)), _W(_t(13, 30), _t(18, 0))]
    short_day = [_W(_t(9, 0), _t(12, 30)), _W(_t(13, 30), _t(17, 0))]
    cal = _BC(tz, {0: long_day, 1: long_day, 2: long_day, 3: long_day, 4: short_day})
    monday_open = _dt(2026, 3, 2, 9, 0, tzinfo=tz)
    assert cal.add_business_days(monday_open, 1) == _dt(2026, 3, 2, 18, 0, tzinfo=tz)
    # and from Saturday, or after Friday's close: the end of Monday as well
    assert cal.add_business_days(_dt(2026, 2, 28, 11, 0, tzinfo=tz), 1) == _dt(
        2026, 3, 2, 18, 0, tzinfo=tz
    )
    assert cal.add_business_days(_dt(2026, 2, 27, 17, 30, tzinfo=tz), 1) == _dt(
        2026, 3, 2, 18, 0, tzinfo=tz
    )
    # from Thursday's close to the end of the (shorter) Friday
    assert cal.add_business_days(_dt(2026, 3, 5, 18, 0, tzinfo=tz), 1) == _dt(
        2026, 3, 6, 17, 0, tzinfo=tz
    )
