"""``explain KEY``: the decision for one issue, in words — cell, deadline arithmetic, acknowledgement.

Times are shown in the calendar's time zone with how far they are; ``--json`` gives the same facts
with accountIds and ISO 8601 UTC times. Before the issue is routed, the deadlines shown are the
ones routing now would set.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from worker.core.clocks import Clocks
from worker.core.decide import Context, decide, find_ack, issue_type, severity_labels
from worker.core.rules import Severity, Sla, SlaKind
from worker.cycle.gather import Loaded
from worker.cycle.plan import action_json, describe_action
from worker.cycle.readable import clock_time, deadline, iso, moment, name


def explain_deadline(
    clocks: Clocks,
    sla: Sla,
    start: datetime,
    severity: Severity,
    sprint_end: datetime | None,
    now: datetime,
    tz: ZoneInfo,
) -> str:
    """How one deadline is computed, with its start and due times in the calendar's zone."""
    cal = clocks.calendar_for(severity)
    due = clocks.due(sla, start, severity, sprint_end)
    where = (
        "around the clock" if cal.name == "always" else f"on the {cal.name} calendar ({cal.tz.key})"
    )
    begin = clock_time(start, now, tz)
    if sla.kind is SlaKind.DURATION:
        how = f"{sla.text} counted {where} from {begin}"
    elif sla.kind is SlaKind.BUSINESS_DAYS:
        how = (
            f"{sla.text} {where}: the same point of the working day, {sla.amount} working "
            f"day{'s' if sla.amount != 1 else ''} after {begin}"
        )
    elif sla.kind is SlaKind.SPRINT:
        how = (
            f"1 sprint: the issue's sprint ends {clock_time(sprint_end, now, tz)}"
            if sprint_end is not None and sprint_end > start
            else f"1 sprint: no sprint on the issue, so {clocks.sprint_length.days} days from {begin}"
        )
    elif clocks.planning is not None:
        how = f"next planning: the first planning session after {begin}"
    else:
        how = f"next planning: no cadence configured, one sprint length from {begin}"
    return f"{how} → due {deadline(due, now, tz)}"


# Complexity over 10 (C901) and ~100 lines: straight-line, one printed section after another; each
# branch adds or skips one line of the explanation, in the order the reader sees them.
def explain(ctx: Context, loaded: Loaded, now: datetime, tz: ZoneInfo | None = None) -> str:  # noqa: C901
    rules, d = ctx.rules, ctx.directory
    tz = tz or ctx.clocks.business.tz
    snap, record = loaded.snapshot, loaded.record
    decision = decide(ctx, snap, record, now)
    out: list[str] = [
        f"{snap.key} — {snap.summary}",
        f"  evaluated at {now.astimezone(tz):%a %d %b %Y %H:%M} {tz.key}",
    ]
    if loaded.problem:
        out.append(f"  stored record could not be read: {loaded.problem}")
    trouble = [e for e in (record.timeline if record else ()) if e.kind in ("failed", "abandoned")]
    for e in trouble[-3:]:
        out.append(f"  {e.kind} {moment(e.at, now, tz)}: {e.detail}")
    severities, unknown = severity_labels(rules, snap.labels)
    if not severities:
        out.append(
            "  no severity label: "
            + (f"unknown label(s) {', '.join(unknown)}" if unknown else "not an escalation")
        )
    else:
        sev = severities[0]
        itype, note = issue_type(rules, snap, ctx.voice.texts)
        cell = rules.cell(itype.id, sev.id)
        team = d.team_for(snap.project, snap.components)
        out.append(
            f"  severity {sev.id} ({sev.name}) from label {sev.label}, added "
            f"{moment(snap.label_added_at(sev.label), now, tz)}"
        )
        if len(severities) > 1:
            out.append(
                f"  several severity labels: {', '.join(s.id for s in severities)} — the most severe wins"
            )
        out.append(f"  kind: {itype.name}" + (f" ({note})" if note else ""))
        out.append(f"  team: {team.name if team else 'none'} (project {snap.project})")
        roles = " + ".join(rules.roles[r].name for r in cell.handlers)
        out.append(
            f"  matrix cell {itype.id} × {sev.id}: {roles}; ladder from the owner: "
            + " → ".join(rules.roles[r].name for r in rules.chain(cell.owner))
        )
        for r in cell.handlers:
            people = (
                ", ".join(p.name for p in d.people_for(r, team.id if team else None))
                or "nobody configured"
            )
            out.append(f"    {rules.roles[r].name}: {people}")
        basis = record if record is not None and record.opened_at else decision.record
        if basis is not None and basis.opened_at and basis.current.started_at:
            out.append(
                "  deadlines:"
                if basis is record
                else "  deadlines (not routed yet: the ones routing now would set):"
            )
            out.append(
                f"    acknowledge (level {basis.current.level}): "
                + explain_deadline(
                    ctx.clocks, sev.acknowledge, basis.current.started_at, sev, None, now, tz
                )
            )
            out.append(
                "    resolve: "
                + explain_deadline(
                    ctx.clocks, sev.resolve, basis.opened_at, sev, snap.sprint_end, now, tz
                )
            )
    if record is not None:
        out.append(
            f"  record: epoch {record.epoch}, status {record.status}, level {record.current.level}, "
            f"owner {name(d, record.current.owner)}"
        )
        if record.is_open:
            ack = find_ack(ctx, snap, record, now)
            if record.current.acked_at:
                out.append(
                    f"  acknowledged {moment(record.current.acked_at, now, tz)} by {name(d, record.current.acked_by)}"
                )
            elif ack:
                found = ack.said(ctx.voice)
                out.append(f"  acknowledgement found: {found}, {moment(ack.at, now, tz)}")
            else:
                since = (
                    clock_time(record.current.started_at, now, tz)
                    if record.current.started_at
                    else "-"
                )
                out.append(
                    "  no acknowledgement yet: no comment, status change or hand-over by the "
                    f"level's people since {since}"
                )
        if record.timeline:
            out.append("  timeline:")
            for e in record.timeline[-15:]:
                out.append(f"    {clock_time(e.at, now, tz)}  {e.kind}: {e.detail}")
    when = f" ({moment(decision.next_at, now, tz)})" if decision.next_at else ""
    out.append(f"  next: {decision.did}{when} — {decision.reason}")
    for a in decision.actions:
        out.append(f"    would {describe_action(a, d)}")
    return "\n".join(out)


def explain_json(ctx: Context, loaded: Loaded, now: datetime) -> str:
    """The facts of :func:`explain` for machines: accountIds, ISO 8601 UTC times."""
    snap, record = loaded.snapshot, loaded.record
    decision = decide(ctx, snap, record, now)
    rec = record if record is not None else decision.record
    out: dict[str, Any] = {
        "key": snap.key,
        "summary": snap.summary,
        "evaluated_at": iso(now),
        "record_problem": loaded.problem,
        "routed": record is not None,
        "severity": rec.severity if rec else None,
        "type": rec.type if rec else None,
        "team": rec.team if rec else None,
        "level": rec.current.level if rec else None,
        "owner": rec.current.owner if rec else None,
        "ack_due": iso(rec.current.ack_due) if rec else None,
        "resolve_due": iso(rec.resolve_due) if rec else None,
        "acknowledged_at": iso(rec.current.acked_at) if rec else None,
        "acknowledged_by": rec.current.acked_by if rec else None,
        "status": rec.status if rec else None,
        "timeline": [
            {"at": iso(e.at), "kind": e.kind, "detail": e.detail}
            for e in (record.timeline if record else ())
        ],
        "next_action": decision.did,
        "next_at": iso(decision.next_at),
        "reason": decision.reason,
        "actions": [action_json(a) for a in decision.actions],
    }
    return json.dumps(out, indent=2, ensure_ascii=False)
