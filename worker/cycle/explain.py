"""``explain KEY``: the decision for one issue, in words — cell, deadline arithmetic, acknowledgement."""

from __future__ import annotations

from datetime import datetime

from worker.core.decide import Context, decide, find_ack, issue_type, severity_labels
from worker.core.directory import Directory
from worker.cycle.gather import Loaded


def _person_name(d: Directory, account_id: str | None) -> str:
    person = d.by_account(account_id) if account_id else None
    return person.name if person else (account_id or "-")


def explain(ctx: Context, loaded: Loaded, now: datetime) -> str:
    rules, d = ctx.rules, ctx.directory
    snap, record = loaded.snapshot, loaded.record
    out: list[str] = [f"{snap.key} — {snap.summary}", f"  evaluated at {now.isoformat()}"]
    if loaded.problem:
        out.append(f"  stored record could not be read: {loaded.problem}")
    severities, unknown = severity_labels(rules, snap.labels)
    if not severities:
        out.append(
            "  no severity label: "
            + (f"unknown label(s) {', '.join(unknown)}" if unknown else "not an escalation")
        )
    else:
        sev = severities[0]
        itype, note = issue_type(rules, snap)
        cell = rules.cell(itype.id, sev.id)
        team = d.team_for(snap.project, snap.components)
        out.append(
            f"  severity {sev.id} ({sev.name}) from label {sev.label}, added {snap.label_added_at(sev.label).isoformat()}"
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
        if record is not None and record.opened_at and record.level_started_at:
            out.append("  deadlines:")
            out.append(
                f"    acknowledge (level {record.level}): "
                + ctx.clocks.explain(sev.acknowledge, record.level_started_at, sev)
            )
            out.append(
                "    resolve: "
                + ctx.clocks.explain(sev.resolve, record.opened_at, sev, snap.sprint_end)
            )
    if record is not None:
        out.append(
            f"  record: epoch {record.epoch}, status {record.status}, level {record.level}, owner "
            f"{_person_name(d, record.owner)}"
        )
        if record.is_open:
            ack = find_ack(ctx, snap, record, now)
            if record.acked_at:
                out.append(f"  acknowledged at {record.acked_at.isoformat()} by {record.acked_by}")
            elif ack:
                out.append(f"  acknowledgement found: {ack.by} {ack.how} at {ack.at.isoformat()}")
            else:
                out.append(
                    "  no acknowledgement yet: no comment, status change or hand-over by the level's people "
                    f"since {record.level_started_at.isoformat() if record.level_started_at else '-'}"
                )
        if record.timeline:
            out.append("  timeline:")
            for e in record.timeline[-15:]:
                out.append(f"    {e.at.isoformat()} {e.kind}: {e.detail}")
    decision = decide(ctx, snap, record, now)
    out.append(f"  next: {decision.next_step} — {decision.reason}")
    for a in decision.actions:
        out.append(f"    would {a.kind}: {a.reason}")
    return "\n".join(out)
