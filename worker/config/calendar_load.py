"""The ``calendar:`` section of config.yaml: time zone, working hours, holidays, sprints, planning.

The business calendar the SLA clocks count on is built from these settings by
:mod:`worker.config.clocks`; here they are only read and checked.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import holidays as holidays_pkg

from worker.config import formats
from worker.config.errors import PathKey
from worker.config.fields import Reader, closest, one_of
from worker.config.model import CalendarSettings
from worker.config.rules_load import RulesParts

__all__ = ["WEEKDAYS", "parse_window", "read_calendar"]

WEEKDAYS: dict[str, int] = {
    "mon": 0,
    "tue": 1,
    "wed": 2,
    "thu": 3,
    "fri": 4,
    "sat": 5,
    "sun": 6,
    "monday": 0,
    "tuesday": 1,
    "wednesday": 2,
    "thursday": 3,
    "friday": 4,
    "saturday": 5,
    "sunday": 6,
}
_WINDOW = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_CALENDAR_KEYS = (
    "timezone",
    "hours",
    "holidays",
    "extra_holidays",
    "severity_calendars",
    "sprint",
    "planning",
)

# reads one duration of a section: (body, path, key, default) -> the duration, or the default
# after reporting a problem (the config loader's own reader, so every duration has one rule)
DurationReader = Callable[[dict[str, Any] | None, PathKey, str, timedelta], timedelta]


def parse_window(text: str) -> tuple[time, time] | None:
    """``"09:00-12:30"`` → (09:00, 12:30); None when unreadable (end ≤ start is left to the caller)."""
    m = _WINDOW.match(text)
    if not m:
        return None
    h1, m1, h2, m2 = (int(g) for g in m.groups())
    if h1 > 23 or h2 > 23 or m1 > 59 or m2 > 59:
        return None
    return time(h1, m1), time(h2, m2)


def read_calendar(
    r: Reader, parts: RulesParts | None, duration: DurationReader, top: dict[str, Any]
) -> CalendarSettings | None:
    """The calendar settings; None when they cannot be built (problems were reported)."""
    return _CalendarLoader(r, parts, duration)._calendar(top)


def read_team_calendars(
    r: Reader, parts: RulesParts | None, duration: DurationReader, top: dict[str, Any]
) -> dict[str, CalendarSettings]:
    """``teams.<id>.calendar``: a team's own calendar, each key it leaves out taken from the
    organisation's ``calendar`` (a team in New York names its time zone, hours and holidays; the
    sprint and planning cadence stay the organisation's unless it names them too)."""
    teams = top.get("teams")
    org = top.get("calendar")
    if not isinstance(teams, dict) or not isinstance(org, dict):
        return {}
    loader = _CalendarLoader(r, parts, duration)
    out: dict[str, CalendarSettings] = {}
    for tid, body in teams.items():
        if not isinstance(body, dict) or body.get("calendar") is None:
            continue
        path: PathKey = ("teams", tid)
        own = r.section((*path, "calendar"), r.get(body, path, "calendar", "map"), _CALENDAR_KEYS)
        if own is None:
            continue
        # hours are wall-clock times: inherited ones apply in the team's own zone
        merged = {**org, **own}
        settings = loader._calendar({"calendar": merged}, path=(*path, "calendar"))
        if settings is not None:
            out[str(tid)] = settings
    return out


class _CalendarLoader:
    def __init__(self, r: Reader, parts: RulesParts | None, duration: DurationReader) -> None:
        self.r = r
        self.parts = parts
        self.duration = duration

    def _calendar(
        self, top: dict[str, Any], path: PathKey = ("calendar",)
    ) -> CalendarSettings | None:
        r = self.r
        body = r.section(path, r.get(top, (), "calendar", "map", required=True), _CALENDAR_KEYS)
        if body is None:
            return None
        tz_name = r.get(body, path, "timezone", "str", required=True)
        tz: ZoneInfo | None = None
        if self.r.shaped((*path, "timezone"), tz_name, formats.time_zone) and tz_name is not None:
            tz = ZoneInfo(tz_name)
        hours = self._hours(body, path)
        country, subdiv, categories = self._holidays(body, path)
        extra: list[date] = []
        for i, item in enumerate(r.get(body, path, "extra_holidays", "list", default=[])):
            ipath = (*path, "extra_holidays", i)
            try:
                if not isinstance(item, str) or not _DATE.match(item):
                    raise ValueError
                extra.append(date.fromisoformat(item))
            except ValueError:
                r.issue(
                    ipath,
                    f"cannot read the date {item!r}.",
                    'write "YYYY-MM-DD", e.g. "2026-12-24"',
                )
        sev_cals: dict[str, str] = {}
        spath = (*path, "severity_calendars")
        cals = r.section(spath, r.get(body, path, "severity_calendars", "map"), None) or {}
        known_sevs = self.parts.declared_severities if self.parts else None
        for sid, cal in cals.items():
            if known_sevs is not None and sid not in known_sevs:
                r.issue(
                    (*spath, sid),
                    f"unknown severity '{sid}'.",
                    one_of(sid, known_sevs, "the severities defined in the rules"),
                    key=True,
                )
            elif cal not in ("always", "business"):
                r.issue(
                    (*spath, sid),
                    f"unknown calendar {cal!r}.",
                    "write 'always' (around the clock) or 'business' (the working hours above)",
                )
            else:
                sev_cals[sid] = cal
        d = CalendarSettings(timezone="UTC", hours={})
        sprint = r.section((*path, "sprint"), r.get(body, path, "sprint", "map"), ("length",))
        sprint_length = self.duration(sprint, (*path, "sprint"), "length", d.sprint_length)
        ppath = (*path, "planning")
        planning = r.section(ppath, r.get(body, path, "planning", "map"), ("first", "every"))
        first: datetime | None = None
        if planning and planning.get("first") is not None:
            raw = planning["first"]
            try:
                if not isinstance(raw, str):
                    raise ValueError
                first = datetime.fromisoformat(raw)
                if first.tzinfo is not None:
                    raise ValueError
                first = first.replace(tzinfo=tz) if tz is not None else None
            except ValueError:
                r.issue(
                    (*ppath, "first"),
                    f"cannot read the planning date and time {raw!r}.",
                    'write the local date and time of one planning session, e.g. "2026-01-05T10:00" '
                    "(no offset: the calendar's time zone applies)",
                )
                first = None
        every = self.duration(planning, ppath, "every", d.planning_every)
        if every % timedelta(days=1):
            r.issue(
                (*ppath, "every"),
                f"the planning cadence must be whole days, got {(planning or {}).get('every')!r}.",
                'write e.g. "7d", "2w" or "3w"',
            )
            every = d.planning_every
        if tz is None or hours is None:
            return None
        return CalendarSettings(
            tz_name,
            hours,
            country,
            subdiv,
            categories,
            tuple(extra),
            sev_cals,
            sprint_length,
            first,
            every,
        )

    def _hours(
        self, body: dict[str, Any], path: PathKey
    ) -> dict[int, tuple[tuple[time, time], ...]] | None:
        r = self.r
        hpath = (*path, "hours")
        raw = r.section(hpath, r.get(body, path, "hours", "map", required=True), None)
        if raw is None:
            return None
        out: dict[int, tuple[tuple[time, time], ...]] = {}
        ok = True
        for day, windows in raw.items():
            dpath = (*hpath, day)
            wd = WEEKDAYS.get(day.lower())
            if wd is None:
                r.issue(
                    dpath,
                    f"unknown weekday '{day}'.",
                    one_of(day.lower(), list(WEEKDAYS)[:7], "mon, tue, wed, thu, fri, sat, sun"),
                    key=True,
                )
                ok = False
                continue
            if wd in out:
                r.issue(
                    dpath,
                    f"'{day}' repeats a weekday already listed.",
                    "list each weekday once",
                    key=True,
                )
                ok = False
                continue
            if windows is None:
                windows = []
            if not r.check(
                dpath,
                windows,
                "list",
                'write a list of windows, e.g. ["09:00-12:30", "13:30-18:00"]',
            ):
                ok = False
                continue
            parsed: list[tuple[int, tuple[time, time]]] = []
            for i, text in enumerate(windows):
                wpath = (*dpath, i)
                win = parse_window(text) if isinstance(text, str) else None
                if win is None:
                    r.issue(
                        wpath,
                        f"cannot read the working window {text!r}.",
                        'write "HH:MM-HH:MM" in quotes, e.g. "09:00-12:30"',
                    )
                    ok = False
                elif win[1] <= win[0]:
                    r.issue(
                        wpath,
                        f"the window '{text}' ends at or before it starts.",
                        "write the start first and an end later the same day (windows cannot cross midnight)",
                    )
                    ok = False
                else:
                    parsed.append((i, win))
            parsed.sort(key=lambda item: item[1])
            for (_, a), (j, b) in itertools.pairwise(parsed):
                if b[0] < a[1]:
                    r.issue(
                        (*dpath, j),
                        f"the window '{windows[j]}' overlaps another window of the same day.",
                        "make the windows of a day disjoint",
                    )
                    ok = False
            out[wd] = tuple(w for _, w in parsed)
        if ok and not any(out.values()):
            r.issue(
                hpath,
                "the week has no working window.",
                'give at least one weekday a window, e.g. mon: ["09:00-17:00"]',
                line=r.doc.missing_line(hpath),
            )
            ok = False
        return dict(sorted(out.items())) if ok else None

    def _holidays(
        self, body: dict[str, Any], path: PathKey
    ) -> tuple[str | None, str | None, tuple[str, ...]]:
        r = self.r
        hpath = (*path, "holidays")
        h = r.section(
            hpath, r.get(body, path, "holidays", "map"), ("country", "subdivision", "categories")
        )
        if not h:
            return None, None, ("public",)
        country = r.get(h, hpath, "country", "str")
        subdiv = r.get(h, hpath, "subdivision", "any")
        if subdiv is not None and not isinstance(subdiv, str):
            subdiv = str(subdiv)
        categories = tuple(r.str_list(h, hpath, "categories") or ("public",))
        if country is None:
            if subdiv is not None:
                r.issue(
                    (*hpath, "subdivision"),
                    "a subdivision needs a country.",
                    "add country: e.g. FR",
                )
            return None, None, categories
        supported = holidays_pkg.list_supported_countries()
        if country not in supported:
            r.issue(
                (*hpath, "country"),
                f"unknown holiday country '{country}'.",
                "write an ISO 3166 country code supported by the holidays package, e.g. FR, DE, US"
                + (
                    f" (did you mean '{best}'?)"
                    if (best := closest(country.upper(), supported))
                    else ""
                ),
            )
            return None, None, categories
        try:
            holidays_pkg.country_holidays(country, subdiv=subdiv)
        except NotImplementedError:
            subs = supported[country]
            r.issue(
                (*hpath, "subdivision"),
                f"unknown subdivision '{subdiv}' for {country}.",
                f"use one of {', '.join(subs)}, or null"
                if subs
                else f"{country} has no subdivisions: write null",
            )
            return country, None, categories
        for i, cat in enumerate(categories):
            try:
                holidays_pkg.country_holidays(country, subdiv=subdiv, categories=(cat,))
            except (ValueError, NotImplementedError):
                cls = holidays_pkg.country_holidays(country, subdiv=subdiv)
                r.issue(
                    (*hpath, "categories", i),
                    f"unknown holiday category '{cat}' for {country}.",
                    f"use one of {', '.join(sorted(cls.supported_categories))}",
                )
        return country, subdiv, categories
