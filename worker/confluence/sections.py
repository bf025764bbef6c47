"""Page sections for a newcomer: "New here? Who to call" and the calendars the clocks run on.

"Who to call" answers from :func:`worker.core.who.who_to_call`, the function behind
``escalation-worker who``, so the page and the command never disagree. The calendars section
shows the organisation's calendar and every team's own one (time zone, working hours, holidays):
deadlines of a team with its own calendar are counted on it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from worker.config.model import CalendarSettings
from worker.confluence.render import _code, _e, _p, _table
from worker.core.directory import Directory
from worker.core.rules import Rules
from worker.core.who import WhoToCall, who_to_call

_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def _called(a: WhoToCall) -> str:
    if a.owner is None:
        return f"the team's {a.owner_role}"
    away = next((x for x in a.away if x.deputy == a.owner), None)
    text = f"{_e(a.owner.name)}, {_e(a.owner_role)}"
    if away is not None:
        text += f" (standing in for {_e(away.person.name)})"
    return text


def new_here(rules: Rules, directory: Directory, now: datetime) -> str:
    """One row per severity: how fast, who is called for which kinds, on which channels."""
    kinds = sorted(rules.types.values(), key=lambda t: t.number)
    rows = []
    for s in sorted(rules.severities.values(), key=lambda x: x.rank):
        groups: dict[str, list[str]] = {}
        answer: WhoToCall | None = None
        for k in kinds:
            a = who_to_call(rules, directory, None, k, s, None, now)
            if a is None:
                continue
            answer = a
            groups.setdefault(_called(a), []).append(_e(k.name))
        if answer is None:
            continue
        who = "<br/>".join(f"{called}: {', '.join(names)}" for called, names in groups.items())
        sla = f"acknowledge {_e(answer.acknowledge.sla)}, resolve {_e(answer.resolve.sla)}"
        rows.append((f"<strong>{_e(s.id)}</strong> {_e(s.name)}", sla, who, _e(answer.channels)))
    command = _code("escalation-worker who --type KIND --severity S2 --team TEAM")
    intro = _p(
        "Put the severity label and a kind label on the Jira issue: the worker calls the owner "
        "for you and moves one level up when nobody acknowledges in time. Who is called first, "
        "as of this publication (a deputy while someone is away):"
    )
    after = _p(f"For one team's names and deadlines in its time zone: {command}.")
    return (
        "<h2>New here? Who to call</h2>"
        + intro
        + _table(("Severity", "Deadlines", "Called first", "How"), rows)
        + after
    )


def _hours(settings: CalendarSettings) -> str:
    def windows(day: int) -> str:
        spans = settings.hours.get(day, ())
        return ", ".join(f"{a:%H:%M}–{b:%H:%M}" for a, b in spans)

    parts: list[str] = []
    day = 0
    while day < 7:
        text = windows(day)
        last = day
        while last + 1 < 7 and windows(last + 1) == text:
            last += 1
        if text:
            span = _DAYS[day] if last == day else f"{_DAYS[day]}–{_DAYS[last]}"
            parts.append(f"{span} {text}")
        day = last + 1
    return "; ".join(parts) or "none"


def _holidays(settings: CalendarSettings) -> str:
    parts = []
    if settings.holiday_country:
        where = settings.holiday_country
        if settings.holiday_subdivision:
            where += f"-{settings.holiday_subdivision}"
        parts.append(f"{where} ({', '.join(settings.holiday_categories)})")
    if settings.extra_holidays:
        parts.append(", ".join(f"{d:%d %b %Y}" for d in settings.extra_holidays))
    return " + ".join(parts) or "none"


def calendars(
    organisation: CalendarSettings, teams: Mapping[str, tuple[str, CalendarSettings]]
) -> str:
    """The organisation's calendar and each team's own (``teams`` maps id to name, settings)."""
    rows = [("Organisation", organisation)] + [(name, c) for name, c in teams.values()]
    body = [(_e(who), _e(c.timezone), _e(_hours(c)), _e(_holidays(c))) for who, c in rows]
    intro = _p(
        "Business-hours deadlines count working time only, on the calendar of the issue's team "
        "when it has one of its own, else on the organisation's. Comments give times in that "
        "calendar's time zone."
    )
    return (
        "<h2>Calendars</h2>"
        + intro
        + _table(("Who", "Time zone", "Working hours", "Holidays"), body)
    )


def adopted(directory: Directory, items: Mapping[str, Sequence[tuple[str, str]]]) -> str:
    """The escalations the worker adopted on its first day, per owner (``confluence.show_adopted``)."""
    rows = []
    for owner, found in items.items():
        person = directory.by_account(owner)
        name = _e(person.name) if person is not None else _code(owner)
        keys = ", ".join(
            f"{_code(k)} {_e(sev)}" for k, sev in sorted(found, key=lambda x: (x[1], x[0]))
        )
        rows.append((name, str(len(found)), keys))
    if not rows:
        return ""
    intro = _p(
        "Escalations whose label was on the site before the worker started: it took them over "
        "quietly (no comment, no reassignment) and told each owner once."
    )
    return "<h2>Adopted escalations</h2>" + intro + _table(("Owner", "How many", "Issues"), rows)
