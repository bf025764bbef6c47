"""``escalation-worker who``: who to call for a kind and severity, in words or as JSON.

The answers come from :func:`worker.core.who.who_to_call`, the same function the Confluence page's
"New here? Who to call" section uses. A kind, severity or team the configuration does not have is
a user mistake: one line naming the valid choices, exit 2. The text answer is in the language of
the :class:`~worker.core.texts.Texts` given (``pages`` catalog); the JSON answer is data, in English.
"""

from __future__ import annotations

import json
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from worker.config.clocks import build_clocks, build_team_clocks
from worker.config.model import Config
from worker.core.day_words import day_month
from worker.core.directory import Person
from worker.core.i18n_marks import N_
from worker.core.texts import ENGLISH, Texts
from worker.core.who import (
    Deadline,
    UnknownChoice,
    WhoToCall,
    find_kind,
    find_severity,
    find_team,
    team_roles_in,
    who_to_call,
)
from worker.errors import UsageProblem

__all__ = ["answers", "render_json", "render_text"]


def answers(
    config: Config,
    kind: str,
    severity: str,
    team: str | None,
    now: datetime,
    texts: Texts = ENGLISH,
) -> list[WhoToCall]:
    """One answer, or one per team when no team is named and the cell's roles are per team
    (its words in the language of ``texts``)."""
    rules, directory = config.rules, config.directory
    try:
        k = find_kind(rules, kind)
        s = find_severity(rules, severity)
        t = find_team(directory, team) if team is not None else None
    except UnknownChoice as exc:
        raise UsageProblem(
            f"unknown {exc.what} {exc.given!r}",
            f"use one of: {', '.join(exc.choices) or '(none configured)'}",
        ) from None
    teams = [t] if t is not None else [None]
    if t is None and team_roles_in(rules, k, s) and directory.teams:
        teams = list(directory.teams.values())
    clocks, team_clocks = build_clocks(config), build_team_clocks(config)
    found = [
        who_to_call(rules, directory, clocks, k, s, x, now, team_clocks=team_clocks, texts=texts)
        for x in teams
    ]
    out = [a for a in found if a is not None]
    if not out:
        covered = sorted(
            (rules.severities[sid] for (tid, sid) in rules.matrix if tid == k.id),
            key=lambda x: x.rank,
        )
        raise UsageProblem(
            f"the matrix has no cell for {k.name} at {s.id}",
            f"use one of the severities it covers: {', '.join(x.id for x in covered) or 'none'}",
        )
    return out


def _name(p: Person) -> str:
    return p.name or p.handle


#: the labels of the text answer, padded to the longest one in the language
OWNER, WITH, AWAY_NOW, CHANNELS = N_("Owner:"), N_("With:"), N_("Away now:"), N_("Channels:")
ACKNOWLEDGE, RESOLVE, NOTE = N_("Acknowledge:"), N_("Resolve:"), N_("Note:")


def _when(d: Deadline, texts: Texts) -> str:
    where = texts.gettext(N_("{sla}, {clocks}")).format(sla=d.sla, clocks=d.clocks)
    if not d.around_the_clock:
        where += f" ({d.zone})"
    if d.due is None:
        return texts.gettext(N_("{deadline}; labelled now: at the end of its sprint")).format(
            deadline=where
        )
    local = d.due.astimezone(ZoneInfo(d.zone))
    when = f"{day_month(local, texts)} {local:%H:%M} {local.tzname()}"
    return texts.gettext(N_("{deadline}; labelled now: by {when}")).format(
        deadline=where, when=when
    )


def render_text(items: list[WhoToCall], texts: Texts = ENGLISH) -> str:
    def _(msgid: str) -> str:
        return texts.gettext(msgid)

    labels = {m: _(m) for m in (OWNER, WITH, AWAY_NOW, CHANNELS, ACKNOWLEDGE, RESOLVE, NOTE)}
    width = max(len(x) for x in labels.values()) + 1

    def line(label: str, value: str) -> str:
        return f"  {labels[label].ljust(width)}{value}"

    blocks = []
    for a in items:
        head = f"{a.severity.id} {a.severity.name} · {a.kind.name}"
        if a.team is not None:
            head += " · " + _(N_("team {team}")).format(team=a.team.name)
        lines = [head]
        owner = _name(a.owner) if a.owner is not None else _(N_("(filled per team: name a team)"))
        lines.append(line(OWNER, f"{owner} ({a.owner_role})"))
        others = [_name(p) for p in a.handlers if p != a.owner]
        if others:
            lines.append(line(WITH, ", ".join(others)))
        for away in a.away:
            until = away.until.astimezone(ZoneInfo(a.acknowledge.zone))
            if until.time() == time(0):  # an absence ends at midnight: name its last day, as the
                until -= timedelta(
                    days=1
                )  # page's stand-ins table does ("to 6 Mar" = back the 7th)
            text = _(N_("{person} until {day}; {deputy} stands in")).format(
                person=_name(away.person), day=day_month(until, texts), deputy=_name(away.deputy)
            )
            lines.append(line(AWAY_NOW, text))
        channels = a.channels
        if a.team_channel:
            channels += " · " + _(N_("team channel {channel}")).format(channel=a.team_channel)
        lines.append(line(CHANNELS, channels))
        lines.append(line(ACKNOWLEDGE, _when(a.acknowledge, texts)))
        lines.append(line(RESOLVE, _when(a.resolve, texts)))
        if a.next_up:
            lines.append(
                "  "
                + _(N_("Not acknowledged in time: {roles}")).format(roles=" → ".join(a.next_up))
            )
        if a.note:
            lines.append(line(NOTE, a.note))
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def _person(p: Person | None) -> dict[str, str] | None:
    if p is None:
        return None
    return {"handle": p.handle, "name": p.name, "account_id": p.account_id}


def _deadline(d: Deadline) -> dict[str, str | None]:
    return {
        "sla": d.sla,
        "clocks": d.clocks,
        "time_zone": d.zone,
        "due_if_labelled_now": d.due.isoformat() if d.due is not None else None,
    }


def render_json(items: list[WhoToCall]) -> str:
    out = [
        {
            "type": a.kind.id,
            "severity": a.severity.id,
            "team": a.team.id if a.team is not None else None,
            "owner_role": a.owner_role,
            "owner": _person(a.owner),
            "handlers": [_person(p) for p in a.handlers],
            "away": [
                {
                    "person": _person(x.person),
                    "deputy": _person(x.deputy),
                    "until": x.until.isoformat(),
                }
                for x in a.away
            ],
            "channels": a.channels,
            "team_channel": a.team_channel,
            "acknowledge": _deadline(a.acknowledge),
            "resolve": _deadline(a.resolve),
            "next_up": list(a.next_up),
            "note": a.note,
        }
        for a in items
    ]
    return json.dumps(out, indent=2, ensure_ascii=False)
