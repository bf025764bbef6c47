"""``plan``: what the worker would do now, for people (one line per issue, one per action) or JSON."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from worker.config.model import Config
from worker.core.actions import Action, AddWatcher, Assign, Notify, PostComment
from worker.core.decision import Decision
from worker.core.directory import Directory
from worker.cycle.gather import Loaded
from worker.cycle.readable import deadline, iso, moment, name, names


def describe_action(a: Action, d: Directory) -> str:
    """One action in words, with display names instead of accountIds."""
    if isinstance(a, Assign):
        what = f"assign to {name(d, a.account_id)}"
    elif isinstance(a, AddWatcher):
        what = f"add {name(d, a.account_id)} as a watcher"
    elif isinstance(a, PostComment):
        what = f"comment ({a.purpose}{', restricted' if a.restricted else ''})"
    else:
        what = f"notify {names(d, a.recipients)} by {' or '.join(a.primary) or '-'}"
        if a.backup:
            what += f" (backup {', '.join(a.backup)})"
    return f"{what} — {a.reason}"


def plan_row(item: Loaded, d: Decision) -> dict[str, Any]:
    """The machine-readable row of ``plan --json``: accountIds and ISO 8601 UTC times."""
    rec = d.record
    return {
        "key": item.snapshot.key,
        "summary": item.snapshot.summary,
        "severity": rec.severity if rec else None,
        "type": rec.type if rec else None,
        "level": rec.current.level if rec else 0,
        "owner": rec.current.owner if rec else None,
        "ack_due": iso(rec.current.ack_due) if rec else None,
        "resolve_due": iso(rec.resolve_due) if rec else None,
        "acknowledged_at": iso(rec.current.acked_at) if rec else None,
        "next_action": d.did,
        "next_at": iso(d.next_at),
        "reason": d.reason,
        "actions": [a.kind for a in d.actions],
        "action_details": [action_json(a) for a in d.actions],
    }


def action_json(a: Action) -> dict[str, Any]:
    out: dict[str, Any] = {"kind": a.kind, "id": a.id, "reason": a.reason}
    if isinstance(a, (Assign, AddWatcher)):
        out["account_id"] = a.account_id
    elif isinstance(a, PostComment):
        out["purpose"], out["restricted"] = a.purpose, a.restricted
    elif isinstance(a, Notify):
        out["recipients"] = list(a.recipients)
        out["channels"] = list(a.primary)
        out["backup"] = list(a.backup)
    return out


def plan_lines(
    decisions: Sequence[tuple[Loaded, Decision]],
    directory: Directory,
    now: datetime,
    tz: ZoneInfo,
    type_names: Mapping[str, str] | None = None,
) -> list[str]:
    """Readable plan: one line per issue (owner, deadlines), then one line per action."""
    lines: list[str] = []
    for item, d in decisions:
        rec = d.record
        key = item.snapshot.key
        if rec is None:
            lines.append(f"{key:<12} not an escalation")
        else:
            state = (
                f"acknowledged {moment(rec.current.acked_at, now, tz)}"
                if rec.current.acked_at
                else f"ack by {deadline(rec.current.ack_due, now, tz)}"
            )
            kind = (type_names or {}).get(rec.type or "", rec.type or "-")
            lines.append(
                f"{key:<12} {rec.severity or '-'} {kind}, level {rec.current.level}, "
                f"{name(directory, rec.current.owner)} · {state} · "
                f"resolve by {deadline(rec.resolve_due, now, tz)}"
                + (f" · {rec.status}" if rec.status != "open" else "")
            )
        for a in d.actions:
            lines.append(f"{'':<12} → {describe_action(a, directory)}")
        if not d.actions:
            when = f" ({moment(d.next_at, now, tz)})" if d.next_at else ""
            lines.append(f"{'':<12} next: {d.did}{when} — {d.reason}")
    return lines


def render_plan(
    config: Config,
    decisions: Sequence[tuple[Loaded, Decision]],
    now: datetime,
    *,
    as_json: bool = False,
) -> str:
    shown = [(item, d) for item, d in decisions if d.record is not None or d.actions]
    if as_json:
        return json.dumps([plan_row(i, d) for i, d in shown], indent=2, ensure_ascii=False)
    if not shown:
        return "No escalations in scope."
    tz = ZoneInfo(config.calendar.timezone)
    head = (
        f"{len(shown)} escalation{'s' if len(shown) != 1 else ''} in scope at "
        f"{now.astimezone(tz):%a %d %b %Y %H:%M} {tz.key}; nothing is written by plan."
    )
    names = {t.id: t.name for t in config.rules.types.values()}
    return "\n".join([head, *plan_lines(shown, config.directory, now, tz, names)])
