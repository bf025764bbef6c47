"""Page sections for a newcomer: "New here? Who to call" and the calendars the clocks run on.

"Who to call" answers from :func:`worker.core.who.who_to_call`, the function behind
``escalation-worker who``, so the page and the command never disagree. The calendars section
shows the organisation's calendar and every team's own one (time zone, working hours, holidays):
deadlines of a team with its own calendar are counted on it. Every text is in the language of the
``texts`` given (the ``pages`` catalog); the rules' names come from rules read in that language.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from worker.config.model import CalendarSettings
from worker.confluence.render import _code, _e, _p, _table
from worker.core.directory import Directory
from worker.core.i18n_marks import N_
from worker.core.matrix_view import channels_text, sla_words
from worker.core.rules import Rules
from worker.core.texts import ENGLISH, Texts
from worker.core.who import WhoToCall, who_to_call

_DAYS = (N_("Mon"), N_("Tue"), N_("Wed"), N_("Thu"), N_("Fri"), N_("Sat"), N_("Sun"))

#: the categories of the ``holidays`` library a calendar may name (others are shown as written)
HOLIDAY_CATEGORIES = {
    "public": N_("public"),
    "bank": N_("bank"),
    "government": N_("government"),
    "optional": N_("optional"),
    "school": N_("school"),
    "half_day": N_("half day"),
    "workday": N_("workday"),
    "armed_forces": N_("armed forces"),
}


def _called(a: WhoToCall, texts: Texts) -> str:
    _ = texts.gettext
    if a.owner is None:
        return _e(_("the team's {role}").format(role=a.owner_role))
    away = next((x for x in a.away if x.deputy == a.owner), None)
    if away is not None:
        return _e(
            _("{person}, {role} (standing in for {away})").format(
                person=a.owner.name, role=a.owner_role, away=away.person.name
            )
        )
    return _e(_("{person}, {role}").format(person=a.owner.name, role=a.owner_role))


def new_here(rules: Rules, directory: Directory, now: datetime, texts: Texts = ENGLISH) -> str:
    """One row per severity: how fast, who is called for which kinds, on which channels."""
    _ = texts.gettext
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
            groups.setdefault(_called(a, texts), []).append(_e(k.name))
        if answer is None:
            continue
        who = "<br/>".join(
            _e(_("{called}: {kinds}")).format(called=called, kinds=", ".join(names))
            for called, names in groups.items()
        )
        sla = _e(
            _("acknowledge {acknowledge}, resolve {resolve}").format(
                acknowledge=sla_words(s.acknowledge, texts), resolve=sla_words(s.resolve, texts)
            )
        )
        how = _e(channels_text(rules, s.id, texts))
        rows.append((f"<strong>{_e(s.id)}</strong> {_e(s.name)}", sla, who, how))
    command = _code("escalation-worker who --type KIND --severity S2 --team TEAM")
    intro = _p(
        _e(
            _(
                "Put the severity label and a kind label on the Jira issue: the worker calls the "
                "owner for you and moves one level up when nobody acknowledges in time. Who is "
                "called first, as of this publication (a deputy while someone is away):"
            )
        )
    )
    after = _p(
        _e(_("For one team's names and deadlines in its time zone: {command}.")).format(
            command=command
        )
    )
    header = (_e(_("Severity")), _e(_("Deadlines")), _e(_("Called first")), _e(_("How")))
    return "<h2>" + _e(_("New here? Who to call")) + "</h2>" + intro + _table(header, rows) + after


def _hours(settings: CalendarSettings, texts: Texts) -> str:
    days = [texts.gettext(d) for d in _DAYS]

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
            span = days[day] if last == day else f"{days[day]}–{days[last]}"
            parts.append(f"{span} {text}")
        day = last + 1
    return texts.gettext(N_("; ")).join(parts) or texts.gettext(N_("none"))


def _holidays(settings: CalendarSettings, texts: Texts) -> str:
    parts = []
    if settings.holiday_country:
        where = settings.holiday_country
        if settings.holiday_subdivision:
            where += f"-{settings.holiday_subdivision}"
        kinds = ", ".join(
            texts.gettext(HOLIDAY_CATEGORIES[c]) if c in HOLIDAY_CATEGORIES else c
            for c in settings.holiday_categories
        )
        parts.append(f"{where} ({kinds})")
    if settings.extra_holidays:
        if texts.language == "en":  # the form the page has always shown: 25 Dec 2026
            parts.append(", ".join(f"{d:%d %b %Y}" for d in settings.extra_holidays))
        else:
            parts.append(", ".join(texts.format_date(d) for d in settings.extra_holidays))
    return " + ".join(parts) or texts.gettext(N_("none"))


def calendars(
    organisation: CalendarSettings,
    teams: Mapping[str, tuple[str, CalendarSettings]],
    texts: Texts = ENGLISH,
) -> str:
    """The organisation's calendar and each team's own (``teams`` maps id to name, settings)."""
    _ = texts.gettext
    rows = [(_("Organisation"), organisation)] + [(name, c) for name, c in teams.values()]
    body = [
        (_e(who), _e(c.timezone), _e(_hours(c, texts)), _e(_holidays(c, texts))) for who, c in rows
    ]
    intro = _p(
        _e(
            _(
                "Business-hours deadlines count working time only, on the calendar of the issue's "
                "team when it has one of its own, else on the organisation's. Comments give times "
                "in that calendar's time zone."
            )
        )
    )
    header = (_e(_("Who")), _e(_("Time zone")), _e(_("Working hours")), _e(_("Holidays")))
    return "<h2>" + _e(_("Calendars")) + "</h2>" + intro + _table(header, body)


def adopted(
    directory: Directory,
    items: Mapping[str, Sequence[tuple[str, str]]],
    texts: Texts = ENGLISH,
) -> str:
    """The escalations the worker adopted on its first day, per owner (``confluence.show_adopted``)."""
    _ = texts.gettext
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
        _e(
            _(
                "Escalations whose label was on the site before the worker started: it took them "
                "over quietly (no comment, no reassignment) and told each owner once."
            )
        )
    )
    header = (_e(_("Owner")), _e(_("How many")), _e(_("Issues")))
    return "<h2>" + _e(_("Adopted escalations")) + "</h2>" + intro + _table(header, rows)
