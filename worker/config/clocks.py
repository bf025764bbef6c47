"""Build the core's :class:`~worker.core.clocks.Clocks` from the calendar settings.

This is the one place that turns configuration into calendars: it consults the ``holidays``
package (pure data, but not something the core should import) and hands the core ready objects.
"""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

import holidays as holidays_pkg

from worker.config.model import CalendarSettings, Config
from worker.core.calendar import AlwaysCalendar, BusinessCalendar, Window
from worker.core.clocks import Clocks
from worker.core.planning import Cadence


class _Holidays:
    """``date in h``: the country's holidays (years expanded lazily) plus explicit dates."""

    def __init__(self, settings: CalendarSettings) -> None:
        self._extra = frozenset(settings.extra_holidays)
        self._country = None
        if settings.holiday_country:
            self._country = holidays_pkg.country_holidays(
                settings.holiday_country,
                subdiv=settings.holiday_subdivision,
                categories=tuple(settings.holiday_categories) or ("public",),
            )

    def __contains__(self, day: object) -> bool:
        if not isinstance(day, date):
            return False
        return day in self._extra or (self._country is not None and day in self._country)


def build_business_calendar(settings: CalendarSettings) -> BusinessCalendar:
    tz = ZoneInfo(settings.timezone)
    week = {wd: [Window(a, b) for a, b in windows] for wd, windows in settings.hours.items()}
    return BusinessCalendar(tz, week, _Holidays(settings), name="business")


def build_clocks(config: Config) -> Clocks:
    return clocks_from(config.calendar)


def build_team_clocks(config: Config) -> dict[str, Clocks]:
    """The clocks of each team that has a calendar of its own."""
    return {tid: clocks_from(settings) for tid, settings in config.team_calendars.items()}


def clocks_from(settings: CalendarSettings) -> Clocks:
    business = build_business_calendar(settings)
    planning = None
    if settings.planning_first is not None:
        planning = Cadence(settings.planning_first, settings.planning_every)
    return Clocks(
        business=business,
        always=AlwaysCalendar(business.tz),
        severity_calendars=dict(settings.severity_calendars),
        sprint_length=settings.sprint_length,
        planning=planning,
    )
