"""``escalation-worker who``: who to call for a kind and severity, in words or as JSON.

The answers come from :func:`worker.core.who.who_to_call`, the same function the Confluence page's
"New here? Who to call" section uses. A kind, severity or team the configuration does not have is
a user mistake: one line naming the valid choices, exit 2.
"""

from __future__ import annotations

import json
from datetime import datetime
from zoneinfo import ZoneInfo

from worker.config.clocks import build_clocks, build_team_clocks
from worker.config.model import Config
from worker.core.directory import Person
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
    config: Config, kind: str, severity: str, team: str | None, now: datetime
) -> list[WhoToCall]:
    """One answer, or one per team when no team is named and the cell's roles are per team."""
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
        who_to_call(rules, directory, clocks, k, s, x, now, team_clocks=team_clocks) for x in teams
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


def _when(d: Deadline) -> str:
    where = f"{d.sla}, {d.clocks}"
    if d.clocks != "around the clock":
        where += f" ({d.zone})"
    if d.due is None:
        return f"{where}; labelled now: at the end of its sprint"
    local = d.due.astimezone(ZoneInfo(d.zone))
    return f"{where}; labelled now: by {local:%a %d %b %H:%M} {local.tzname()}"


def render_text(items: list[WhoToCall]) -> str:
    blocks = []
    for a in items:
        head = f"{a.severity.id} {a.severity.name} · {a.kind.name}"
        if a.team is not None:
            head += f" · team {a.team.name}"
        lines = [head]
        owner = _name(a.owner) if a.owner is not None else "(filled per team: name a team)"
        lines.append(f"  Owner:       {owner} ({a.owner_role})")
        others = [_name(p) for p in a.handlers if p != a.owner]
        if others:
            lines.append(f"  With:        {', '.join(others)}")
        for away in a.away:
            until = away.until.astimezone(ZoneInfo(a.acknowledge.zone))
            lines.append(
                f"  Away now:    {_name(away.person)} until {until:%a %d %b}; "
                f"{_name(away.deputy)} stands in"
            )
        channels = a.channels + (f" · team channel {a.team_channel}" if a.team_channel else "")
        lines.append(f"  Channels:    {channels}")
        lines.append(f"  Acknowledge: {_when(a.acknowledge)}")
        lines.append(f"  Resolve:     {_when(a.resolve)}")
        if a.next_up:
            lines.append(f"  Not acknowledged in time: {' → '.join(a.next_up)}")
        if a.note:
            lines.append(f"  Note:        {a.note}")
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
