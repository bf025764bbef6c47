"""The ``absences:`` section of config.yaml: who is away, when, and who stands in.

    absences:
      - {person: camille, from: 2026-03-09, to: 2026-03-13, deputy: theo}

``from`` and ``to`` are days of the business calendar's time zone, both included. While the person
is away, routing, escalation and reminders go to the deputy. Refused, each at its line: a person
or deputy who is not in ``people:``, a deputy standing in for themselves, ``to`` before ``from``,
and a deputy who is away themselves during part of the absence.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from worker.config.errors import PathKey
from worker.config.fields import Reader, one_of
from worker.core.directory import Absence, Person

__all__ = ["read_absences"]

_KEYS = ("person", "from", "to", "deputy")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATE_FIX = 'write the day as YYYY-MM-DD, e.g. "2026-03-09"'


def read_absences(
    r: Reader, top: dict[str, Any], people: Mapping[str, Person], tz: ZoneInfo
) -> tuple[Absence, ...]:
    """Every readable absence; problems are reported through ``r`` at their line."""
    found: list[tuple[PathKey, Absence]] = []
    for i, item in enumerate(r.get(top, (), "absences", "list", default=[])):
        path: PathKey = ("absences", i)
        body = r.section(path, item, _KEYS)
        if body is None:
            continue
        absence = _absence(r, body, path, people, tz)
        if absence is not None:
            found.append((path, absence))
    for path, absence in found:
        _deputy_present(r, path, absence, [a for _, a in found], people)
    return tuple(a for _, a in found)


def _absence(
    r: Reader, body: dict[str, Any], path: PathKey, people: Mapping[str, Person], tz: ZoneInfo
) -> Absence | None:
    person = _handle(r, body, path, "person", people)
    deputy = _handle(r, body, path, "deputy", people)
    first = _day(r, body, path, "from")
    last = _day(r, body, path, "to")
    if person is None or deputy is None or first is None or last is None:
        return None
    if deputy == person:
        r.issue(
            (*path, "deputy"),
            f"{person} cannot stand in for themselves.",
            "name another person from people: as the deputy",
        )
        return None
    if last < first:
        r.issue(
            (*path, "to"),
            f"the absence ends ({last}) before it starts ({first}).",
            "write the last day away in to:, on or after from:",
        )
        return None
    start = datetime.combine(first, time(0), tz)
    end = datetime.combine(last + timedelta(days=1), time(0), tz)
    return Absence(person, start, end, deputy)


def _handle(
    r: Reader, body: dict[str, Any], path: PathKey, key: str, people: Mapping[str, Person]
) -> str | None:
    handle = r.get(body, path, key, "str", required=True)
    if handle is None:
        return None
    if handle not in people:
        r.issue(
            (*path, key),
            f"'{handle}' is not in people:.",
            one_of(handle, people, "the people listed under people:"),
        )
        return None
    return str(handle)


def _day(r: Reader, body: dict[str, Any], path: PathKey, key: str) -> date | None:
    value = r.get(body, path, key, "any", required=True, fix=_DATE_FIX)
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and _DATE.match(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    if value is not None:
        r.issue((*path, key), f"cannot read the day {value!r}.", _DATE_FIX)
    return None


def _deputy_present(
    r: Reader,
    path: PathKey,
    absence: Absence,
    every: list[Absence],
    people: Mapping[str, Person],
) -> None:
    """A deputy who is away during part of the absence would leave nobody: refused."""
    for other in every:
        if (
            other.person == absence.deputy
            and other.start < absence.end
            and absence.start < other.end
        ):
            away_from = max(other.start, absence.start).date()
            r.issue(
                (*path, "deputy"),
                f"the deputy {people[absence.deputy].name} is away too from {away_from} "
                f"(while standing in for {people[absence.person].name}).",
                "name a deputy who is present for the whole absence, or split the absence",
            )
            return
