"""``decide``: (rules, calendars, issue snapshot, recorded state, now) -> actions with reasons.

Pure: no I/O, no clock reads, no adapters. The shell gathers the snapshot and the record, calls
:func:`decide`, applies the returned actions exactly once and stores the returned record.

Semantics, in short (see ``docs/design.md`` for the long form):

* the acknowledge clock of a level starts when the level begins (the severity label for level 0,
  the escalation for the levels above); the resolve clock starts with the severity label;
* a level is acknowledged by the first comment, status change or delegation made by its owner or
  one of its handlers after the level began (the reporter's comments and the worker's own never count);
* no acknowledgement by the deadline -> one level up the ladder, never more; at the top, a reminder
  every ``remind_every``; a resolve breach escalates once per level too;
* a nudge to the owner once per level at ``nudge_at`` of the acknowledge window;
* a relabel re-routes to the new cell, restarting the acknowledge clock (the resolve clock keeps its start);
* the label removed or the issue resolved closes the record with its outcome.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import cast
from zoneinfo import ZoneInfo

from worker.core import channel_ack
from worker.core.actions import Action, AddWatcher, Assign, Decision, Notify, PostComment
from worker.core.clocks import Clocks
from worker.core.directory import Directory, Person
from worker.core.messages import Doc, Inline, Mention, para
from worker.core.record import Event, Record
from worker.core.rules import Cell, IssueType, Rules, Severity
from worker.core.snapshot import IssueSnapshot


@dataclass(frozen=True)
class Context:
    rules: Rules
    directory: Directory
    clocks: Clocks
    worker_account_id: str | None = None
    inactive: frozenset[str] = frozenset()  # accountIds Jira reports inactive or unknown
    site_url: str = ""
    # memo of derived values that depend only on the fields above (who fills a level, channel text)
    memo: dict[tuple[object, ...], object] = field(
        default_factory=dict, init=False, compare=False, repr=False
    )


@dataclass(frozen=True, slots=True)
class Ack:
    at: datetime
    by: str
    how: str
    delegate: str | None = None


_SEVERITY_LIKE = re.compile(r"^escalation-s\d+$", re.IGNORECASE)


# --- entry point ------------------------------------------------------------------------------


def decide(ctx: Context, snap: IssueSnapshot, record: Record | None, now: datetime) -> Decision:
    rules = ctx.rules
    severities, unknown = severity_labels(rules, snap.labels)
    is_open = record is not None and record.is_open

    if is_open and record is not None:
        if not severities:
            at = snap.label_removed_at(_label_of(rules, record.severity)) or now
            return _close(ctx, snap, record, now, "label_removed", min(at, now))
        if snap.is_resolved:
            return _close(ctx, snap, record, now, "resolved", min(snap.resolved_at or now, now))

    if not severities:
        return _no_escalation(ctx, snap, record, unknown, now)
    if snap.is_resolved:
        return Decision(
            snap.key, (), record, False, "none", "The issue is resolved; nothing to escalate."
        )

    severity = severities[0]
    itype, type_note = issue_type(rules, snap)

    if not is_open or record is None:
        return _route(ctx, snap, record, severity, severities, itype, type_note, unknown, now)
    if record.severity != severity.id or record.type != itype.id:
        return _route(
            ctx, snap, record, severity, severities, itype, type_note, unknown, now, relabel=True
        )
    return _progress(ctx, snap, record, severity, severities, unknown, now)


# --- reading the issue ------------------------------------------------------------------------


def severity_labels(rules: Rules, labels: Sequence[str]) -> tuple[list[Severity], list[str]]:
    """Known severities on the issue (most severe first) and unknown ``escalation-S<n>`` labels."""
    found: dict[str, Severity] = {}
    unknown: list[str] = []
    for label in labels:
        sev = rules.severity_for_label(label)
        if sev is not None:
            found[sev.id] = sev
        elif _SEVERITY_LIKE.match(label):
            unknown.append(label)
    return sorted(found.values(), key=lambda s: s.rank), unknown


def issue_type(rules: Rules, snap: IssueSnapshot) -> tuple[IssueType, str | None]:
    """The issue's kind: a type label first, then the Jira issue type, then a component, else the default."""
    found = rules.type_signals(snap.labels, snap.issue_type, snap.components)
    if found is not None:
        return found, None
    default = rules.types[rules.default_type]
    hints = ", ".join(lbl for t in rules.types.values() for lbl in t.labels[:1])
    return (
        default,
        f"No kind label was found, so it is treated as a {default.name.lower()}. Kind labels: {hints}.",
    )


def missing_recommendation(rules: Rules, description: str) -> list[str]:
    text = description.lower()
    return [p.title for p in rules.recommendation if not any(m.lower() in text for m in p.markers)]


def find_ack(ctx: Context, snap: IssueSnapshot, record: Record, now: datetime) -> Ack | None:
    """The first response of the current level's people after the level began, if any."""
    start = record.level_started_at
    if start is None:
        return None
    people = set(record.handlers)
    if record.owner:
        people.add(record.owner)
    worker = ctx.worker_account_id
    best: Ack | None = None

    def consider(a: Ack) -> None:
        nonlocal best
        if best is None or a.at < best.at:
            best = a

    for c in snap.comments or ():
        if c.channel_ack is not None:
            # written by the worker for a press in Slack or on the phone; counts as that person's
            if c.author is not None and c.author == worker:
                found = channel_ack.as_response(
                    c.channel_ack,
                    record,
                    comment_created=c.created,
                    known_people=frozenset(p.account_id for p in ctx.directory.people.values()),
                    now=now,
                )
                if found is not None:
                    consider(Ack(*found))
            continue
        if (
            c.author is None
            or c.author not in people
            or c.author == worker
            or c.action_id is not None
        ):
            continue
        if c.author == snap.reporter:
            continue
        if c.created >= start:
            # a comment stamped in the future (clock skew) counts as seen now
            consider(Ack(min(c.created, now), c.author, "commented"))
    for ch in snap.changes:
        if ch.at < start or ch.author is None or ch.author == worker or ch.author not in people:
            continue
        if ch.field == "status":
            consider(Ack(min(ch.at, now), ch.author, f"moved it to {ch.after}"))
        elif ch.field == "assignee" and ch.after and ch.after != record.owner:
            consider(Ack(min(ch.at, now), ch.author, "delegated it", delegate=ch.after))
    return best


# --- helpers ----------------------------------------------------------------------------------


def _label_of(rules: Rules, severity_id: str | None) -> str:
    if severity_id and severity_id in rules.severities:
        return rules.severities[severity_id].label
    return ""


def _name(ctx: Context, account_id: str | None) -> str:
    p = ctx.directory.by_account(account_id)
    return p.name if p else (account_id or "nobody")


def _mention(ctx: Context, account_id: str) -> Mention:
    return Mention(account_id, _name(ctx, account_id))


def _owner_lead(ctx: Context, owner: str | None) -> list[str | Inline]:
    """``@Owner `` at the start of a paragraph, or nothing when there is no owner."""
    return [_mention(ctx, owner), " "] if owner else []


_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _fmt(ctx: Context, at: datetime | None) -> str:
    """A deadline as people read it: local time of the business calendar, with its zone."""
    if at is None:
        return "—"
    return _fmt_at(at, ctx.clocks.business.tz)


@lru_cache(maxsize=1024)
def _fmt_at(at: datetime, tz: ZoneInfo) -> str:
    # the same deadline is written into a comment and a notification: format it once
    t = at.astimezone(tz)
    return f"{_DAYS[t.weekday()]} {t.day:02d} {_MONTHS[t.month - 1]} {t.year} {t.hour:02d}:{t.minute:02d} ({tz.key})"


def _prefix(snap: IssueSnapshot, record: Record) -> str:
    return f"{snap.key}#{record.epoch}.{record.revision}"


def _active(ctx: Context, people: Sequence[Person]) -> list[Person]:
    return [p for p in people if p.account_id not in ctx.inactive]


def _level_people(
    ctx: Context, cell: Cell, team: str | None, level: int, owner_role: str
) -> tuple[Person | None, list[Person], list[str]]:
    """Owner and handlers of ``level`` (0 = the cell itself), plus notes about inactive people."""
    key = ("level", cell.type_id, cell.severity_id, team, level, owner_role)
    hit = ctx.memo.get(key)
    if hit is None:
        hit = ctx.memo[key] = _level_people_uncached(ctx, cell, team, level, owner_role)
    owner, handlers, notes = cast("tuple[Person | None, list[Person], list[str]]", hit)
    return owner, list(handlers), list(notes)


def _level_people_uncached(
    ctx: Context, cell: Cell, team: str | None, level: int, owner_role: str
) -> tuple[Person | None, list[Person], list[str]]:
    d, rules = ctx.directory, ctx.rules
    notes: list[str] = []
    if level == 0:
        roles = list(cell.handlers)
    else:
        roles = (
            [owner_role, *rules.coordinates_with.get(owner_role, ())]
            if owner_role in rules.top_roles
            else [owner_role]
        )
    handlers: list[Person] = []
    for role in roles:
        for p in d.people_for(role, team):
            if p.account_id in ctx.inactive:
                notes.append(
                    f"{p.name} ({rules.roles[role].name if role in rules.roles else role}) is inactive in Jira"
                )
                continue
            if p not in handlers:
                handlers.append(p)
    owners = _active(ctx, d.people_for(owner_role, team))
    owner = owners[0] if owners else None
    if owner is not None:
        handlers = [owner, *[h for h in handlers if h != owner]]
    return owner, handlers, notes


def _climb(
    ctx: Context, cell: Cell, team: str | None, level: int, role: str
) -> tuple[int, str, Person | None, list[Person], list[str]]:
    """Starting at (level, role): the first level whose owner is active, climbing one step at a time."""
    notes: list[str] = []
    while True:
        owner, handlers, n = _level_people(ctx, cell, team, level, role)
        notes.extend(n)
        if owner is not None:
            return level, role, owner, handlers, notes
        nxt = ctx.rules.escalates_to(role)
        if nxt is None:
            return level, role, None, handlers, notes
        notes.append(
            f"nobody active holds the {ctx.rules.roles[role].name} role, so it moves up to {ctx.rules.roles[nxt].name}"
        )
        level, role = level + 1, nxt


def _level_start(
    ctx: Context,
    severity: Severity,
    level: int,
    role: str,
    owner: Person | None,
    handlers: Sequence[Person],
    start: datetime,
) -> dict[str, object]:
    """The record fields of a level that begins at ``start``: its people and its acknowledge clock."""
    ack_due = ctx.clocks.due(severity.acknowledge, start, severity)
    return {
        "level": level,
        "owner_role": role,
        "owner": owner.account_id if owner else None,
        "handlers": tuple(h.account_id for h in handlers),
        "level_started_at": start,
        "ack_due": ack_due,
        "nudge_due": ctx.clocks.share(
            severity, start, ack_due, ctx.rules.nudge_at, severity.acknowledge
        ),
        "acked_at": None,
        "acked_by": None,
        "remind_due": None,
    }


def _mention_list(ctx: Context, handlers: Sequence[Person]) -> list[str | Inline]:
    """``@A, @B, @C`` as inline parts, or a plain note when nobody is available."""
    out: list[str | Inline] = []
    for i, h in enumerate(handlers):
        out += [", " if i else "", _mention(ctx, h.account_id)]
    return out or ["nobody available"]


def _deadlines_text(ctx: Context, record: Record) -> str:
    return (
        f"Acknowledge by {_fmt(ctx, record.ack_due)}; resolve by {_fmt(ctx, record.resolve_due)}."
    )


def _channel_text(ctx: Context, severity: Severity) -> str:
    key = ("channels", severity.id)
    hit = ctx.memo.get(key)
    if hit is None:
        hit = ctx.memo[key] = _channel_text_uncached(ctx, severity)
    return str(hit)


def _channel_text_uncached(ctx: Context, severity: Severity) -> str:
    plan = ctx.rules.channel_plans.get(severity.id)
    if plan is None:
        return ""
    names = [ctx.rules.channels[c].name for c in plan.primary if c in ctx.rules.channels]
    backup = [ctx.rules.channels[c].name for c in plan.backup if c in ctx.rules.channels]
    text = "Channel: " + " + ".join(names)
    if backup:
        text += f" (backup: {', '.join(backup)})"
    return text + "."


def _notify(
    ctx: Context,
    snap: IssueSnapshot,
    record: Record,
    severity: Severity,
    event: str,
    action_id: str,
    recipients: Sequence[str],
    sensitive: bool,
    detail: str,
    reason: str,
) -> Notify | None:
    plan = ctx.rules.channel_plans.get(severity.id)
    if plan is None or not recipients:
        return None
    if sensitive:
        title = f"[{severity.id}] {snap.key} needs you"
        text = f"{snap.key}: {detail} {_deadlines_text(ctx, record)}"
    else:
        title = f"[{severity.id}] {snap.key}: {snap.summary}"[:200]
        text = f"{snap.key} — {snap.summary}\n{detail} {_deadlines_text(ctx, record)}"
    return Notify(
        id=action_id,
        issue_key=snap.key,
        severity=severity.id,
        event=event,
        recipients=tuple(recipients),
        primary=plan.primary,
        backup=plan.backup,
        here=plan.here,
        title=title,
        text=text,
        sensitive=sensitive,
        reason=reason,
        team=record.team,
    )


def _assignment_actions(
    ctx: Context,
    snap: IssueSnapshot,
    pid: str,
    owner: Person | None,
    handlers: Sequence[Person],
    reason: str,
) -> list[Action]:
    out: list[Action] = []
    if owner is not None and snap.assignee != owner.account_id:
        out.append(Assign(f"{pid}:assign:{owner.account_id}", snap.key, owner.account_id, reason))
    for h in handlers:
        if owner is None or h.account_id != owner.account_id:
            out.append(
                AddWatcher(
                    f"{pid}:watch:{h.account_id}",
                    snap.key,
                    h.account_id,
                    f"{h.name} handles this level",
                )
            )
    return out


def _one_off_comments(
    ctx: Context,
    snap: IssueSnapshot,
    record: Record,
    severities: Sequence[Severity],
    unknown: Sequence[str],
    sensitive: bool,
) -> tuple[list[Action], Record]:
    """Comments made once per issue: several severity labels, unknown severity labels."""
    out: list[Action] = []
    notes = list(record.notes)
    if len(severities) > 1:
        key = "multi:" + "+".join(s.id for s in severities)
        if key not in notes:
            notes.append(key)
            labels = ", ".join(s.label for s in severities)
            body = Doc(
                (
                    para(
                        f"This issue carries several severity labels ({labels}). The most severe, "
                        f"{severities[0].id}, applies. Remove the others to keep the record clear."
                    ),
                )
            )
            out.append(
                PostComment(
                    f"{snap.key}#{record.epoch}:note:{key}",
                    snap.key,
                    body,
                    "multi_label",
                    sensitive,
                    f"several severity labels: {labels}",
                )
            )
    for label in unknown:
        key = f"unknown:{label.lower()}"
        if key not in notes:
            notes.append(key)
            out.append(_unknown_label_comment(ctx, snap, record.epoch, label, sensitive))
    return out, record.evolve(notes=tuple(notes))


def _unknown_label_comment(
    ctx: Context, snap: IssueSnapshot, epoch: int, label: str, sensitive: bool
) -> PostComment:
    known = ", ".join(s.label for s in ctx.rules.severities.values())
    parts: list[str | Inline] = []
    if snap.reporter:
        parts.append(_mention(ctx, snap.reporter))
        parts.append(" ")
    parts.append(
        f"the label {label} is not a severity this worker knows, so nothing was routed. Use one of: {known}."
    )
    return PostComment(
        f"{snap.key}#{epoch}:note:unknown:{label.lower()}",
        snap.key,
        Doc((para(*parts),)),
        "unknown_label",
        sensitive,
        f"unknown severity label {label}",
    )


# --- no escalation ----------------------------------------------------------------------------


def _no_escalation(
    ctx: Context, snap: IssueSnapshot, record: Record | None, unknown: Sequence[str], now: datetime
) -> Decision:
    if not unknown:
        return Decision(snap.key, (), record, False, "none", "No escalation label on the issue.")
    base = record or Record(epoch=0, status="invalid")
    notes = list(base.notes)
    actions: list[Action] = []
    for label in unknown:
        key = f"unknown:{label.lower()}"
        if key not in notes:
            notes.append(key)
            actions.append(_unknown_label_comment(ctx, snap, base.epoch, label, False))
    if not actions:
        return Decision(
            snap.key,
            (),
            record,
            False,
            "none",
            f"Unknown severity label {unknown[0]}; the reporter was told.",
        )
    new = base.evolve(notes=tuple(notes)).with_events(
        Event(now, "unknown_label", ", ".join(unknown))
    )
    return Decision(
        snap.key,
        tuple(actions),
        new,
        True,
        "comment",
        f"unknown severity label {', '.join(unknown)}",
    )


# --- routing ----------------------------------------------------------------------------------


def _route(
    ctx: Context,
    snap: IssueSnapshot,
    record: Record | None,
    severity: Severity,
    severities: Sequence[Severity],
    itype: IssueType,
    type_note: str | None,
    unknown: Sequence[str],
    now: datetime,
    relabel: bool = False,
) -> Decision:
    rules, clocks = ctx.rules, ctx.clocks
    cell = rules.cell(itype.id, severity.id)
    team_obj = ctx.directory.team_for(snap.project, snap.components)
    team = team_obj.id if team_obj else None
    sensitive = itype.sensitive
    label_at = min(snap.label_added_at(severity.label), now)

    if relabel and record is not None:
        base = record.evolve(revision=record.revision + 1)
        opened_at = record.opened_at or label_at
        started = max(label_at, record.level_started_at or label_at)
        previous = f"{record.severity}/{record.type}"
    else:
        epoch = (record.epoch + 1) if record is not None else 1
        notes = record.notes if record is not None and record.status == "invalid" else ()
        base = Record(epoch=epoch, status="open", notes=notes)
        # an issue reopened after the record closed starts its clocks again
        if record is not None and record.closed_at is not None and label_at < record.closed_at:
            label_at = min(record.closed_at, now)
        opened_at = label_at
        started = label_at
        previous = None

    level, role, owner, handlers, inactive_notes = _climb(ctx, cell, team, 0, cell.owner)
    resolve_due = clocks.due(severity.resolve, opened_at, severity, snap.sprint_end)
    rec = base.evolve(
        status="open",
        severity=severity.id,
        type=itype.id,
        team=team,
        opened_at=opened_at,
        severity_at=label_at,
        resolve_due=resolve_due,
        resolve_escalate_due=resolve_due,
        **_level_start(ctx, severity, level, role, owner, handlers, started),
        nudged_levels=(),
        resolve_escalated_levels=(),
        reminders=0,
    )
    pid = _prefix(snap, rec)
    what = "re-routed" if relabel else "routed"
    reason = (
        f"{severity.id} {itype.name.lower()}: the matrix names "
        + " + ".join(rules.roles[r].name for r in cell.handlers)
        + (
            f" (level {level}, {rules.roles[role].name}, because " + "; ".join(inactive_notes) + ")"
            if level
            else ""
        )
    )
    actions: list[Action] = _assignment_actions(ctx, snap, pid, owner, handlers, reason)

    # the routing comment
    paras: list[tuple[Inline, ...]] = []
    if relabel:
        paras.append(
            para(
                f"The escalation changed from {previous} to {severity.id}/{itype.id}; it is routed to the matching cell "
                "and the acknowledge clock starts again (the resolve clock keeps its original start)."
            )
        )
    mention_line = _mention_list(ctx, handlers)
    if sensitive:
        paras.append(para(f"{snap.key} is escalated ({severity.id}). Owner: ", *mention_line, "."))
        paras.append(para(_deadlines_text(ctx, rec)))
    else:
        paras.append(
            para(
                f"{severity.id} escalation ({severity.name.lower()}), {itype.name.lower()}. Handled by ",
                *mention_line,
                "; " + (f"{owner.name} owns it." if owner else "no active owner was found."),
            )
        )
        paras.append(
            para(
                _deadlines_text(ctx, rec)
                + " Acknowledging means a comment, a status change or a hand-over to a named person."
            )
        )
        chan = _channel_text(ctx, severity)
        if chan or cell.note:
            paras.append(para(" ".join(x for x in (chan, cell.note or "") if x)))
        if type_note:
            paras.append(para(type_note))
    if inactive_notes:
        paras.append(para("Note: " + "; ".join(inactive_notes) + "."))
    actions.append(
        PostComment(
            f"{pid}:comment:{what}:L{level}",
            snap.key,
            Doc(tuple(paras)),
            "relabel" if relabel else "route",
            sensitive,
            reason,
        )
    )
    n = _notify(
        ctx,
        snap,
        rec,
        severity,
        "route",
        f"{pid}:notify:route:L{level}",
        [h.account_id for h in handlers],
        sensitive,
        f"Escalated to you ({severity.id}).",
        reason,
    )
    if n:
        actions.append(n)

    extra, rec = _one_off_comments(ctx, snap, rec, severities, unknown, sensitive)
    actions.extend(extra)
    if not relabel and "recommendation" not in rec.notes:
        missing = missing_recommendation(rules, snap.description)
        if missing:
            parts: list[str | Inline] = []
            if snap.reporter:
                parts += [_mention(ctx, snap.reporter), " "]
            parts.append(
                "an escalation should carry a recommendation. The description is missing: "
                + "; ".join(missing)
                + ". Please add them so the owner can act quickly."
            )
            actions.append(
                PostComment(
                    f"{snap.key}#{rec.epoch}:note:recommendation",
                    snap.key,
                    Doc((para(*parts),)),
                    "recommendation",
                    sensitive,
                    "recommendation incomplete: " + ", ".join(missing),
                )
            )
            rec = rec.evolve(notes=rec.notes + ("recommendation",))

    events = []
    if not relabel:
        events.append(Event(label_at, "labelled", severity.label))
    else:
        events.append(Event(label_at, "relabelled", f"{previous} -> {severity.id}/{itype.id}"))
    events.append(Event(now, "routed", reason, rec.owner, level))
    rec = rec.with_events(*events)
    return Decision(
        snap.key,
        tuple(actions),
        rec,
        True,
        "reroute" if relabel else "route",
        reason,
        rec.nudge_due,
    )


# --- progress of an open escalation -----------------------------------------------------------


def _progress(
    ctx: Context,
    snap: IssueSnapshot,
    record: Record,
    severity: Severity,
    severities: Sequence[Severity],
    unknown: Sequence[str],
    now: datetime,
) -> Decision:
    rules, _clocks = ctx.rules, ctx.clocks
    itype = rules.types.get(record.type or "") or rules.types[rules.default_type]
    sensitive = itype.sensitive
    rec = record
    actions: list[Action] = []
    steps: list[str] = []

    extra, rec = _one_off_comments(ctx, snap, rec, severities, unknown, sensitive)
    actions.extend(extra)

    if rec.acked_at is None:
        ack = find_ack(ctx, snap, rec, now)
        if ack is not None:
            late = rec.ack_due is not None and ack.at > rec.ack_due
            rec = rec.evolve(
                acked_at=ack.at,
                acked_by=ack.by,
                first_ack_at=rec.first_ack_at or ack.at,
                first_ack_by=rec.first_ack_by or ack.by,
                ack_breached=rec.ack_breached or late,
            )
            detail = f"{_name(ctx, ack.by)} {ack.how}" + (" (after the deadline)" if late else "")
            events = [Event(ack.at, "acknowledged", detail, ack.by, rec.level)]
            if ack.delegate:
                rec = rec.evolve(
                    owner=ack.delegate,
                    handlers=(ack.delegate, *[h for h in rec.handlers if h != ack.delegate]),
                )
                events.append(
                    Event(
                        ack.at,
                        "delegated",
                        f"now owned by {_name(ctx, ack.delegate)}",
                        ack.delegate,
                        rec.level,
                    )
                )
            rec = rec.with_events(*events)
            steps.append("acknowledged")

    escalated = False
    if rec.acked_at is None and rec.ack_due is not None and now >= rec.ack_due:
        res = _escalate(ctx, snap, rec, severity, itype, now, "acknowledge")
        if res is not None:
            new_actions, rec = res
            actions += new_actions
            escalated = True
            steps.append("escalate")
        else:
            # at the top of the ladder: remind, never go further
            if not rec.ack_breached:
                rec = rec.evolve(ack_breached=True)
            due = rec.remind_due or rec.ack_due
            if due is not None and now >= due:
                new_actions, rec = _remind(ctx, snap, rec, severity, sensitive, now)
                actions += new_actions
                steps.append("remind")
    elif (
        rec.acked_at is None
        and rec.nudge_due is not None
        and now >= rec.nudge_due
        and rec.level not in rec.nudged_levels
    ):
        new_actions, rec = _nudge(ctx, snap, rec, severity, sensitive, now)
        actions += new_actions
        steps.append("nudge")

    if rec.resolve_due is not None and now >= rec.resolve_due and not rec.resolve_breached:
        rec = rec.evolve(resolve_breached=True).with_events(
            Event(rec.resolve_due, "resolve_breached", "resolve deadline passed")
        )
    if (
        not escalated
        and rec.resolve_escalate_due is not None
        and now >= rec.resolve_escalate_due
        and rec.level not in rec.resolve_escalated_levels
    ):
        res = _escalate(ctx, snap, rec, severity, itype, now, "resolve")
        if res is not None:
            new_actions, rec = res
            actions += new_actions
            steps.append("escalate")
        else:
            pid = _prefix(snap, rec)
            body = Doc(
                (
                    para(
                        *_owner_lead(ctx, rec.owner),
                        f"the resolve deadline ({_fmt(ctx, rec.resolve_escalate_due)}) has passed. This is the top of "
                        "the ladder, so the escalation stays here; please record a decision or a fix.",
                    ),
                )
            )
            actions.append(
                PostComment(
                    f"{pid}:comment:resolve-top:L{rec.level}",
                    snap.key,
                    body,
                    "resolve_breach",
                    sensitive,
                    "resolve deadline passed at the top of the ladder",
                )
            )
            rec = rec.evolve(
                resolve_escalated_levels=rec.resolve_escalated_levels + (rec.level,)
            ).with_events(
                Event(
                    now,
                    "resolve_breach_at_top",
                    "resolve deadline passed at the top of the ladder",
                    rec.owner,
                    rec.level,
                )
            )
            steps.append("comment")

    changed = rec != record
    next_at = _next_at(rec)
    if actions:
        reasons = "; ".join(dict.fromkeys(a.reason for a in actions))
        return Decision(
            snap.key,
            tuple(actions),
            rec,
            changed,
            steps[-1] if steps else "comment",
            reasons,
            next_at,
        )
    if rec.acked_at is not None:
        reason = f"acknowledged by {_name(ctx, rec.acked_by)} at {_fmt(ctx, rec.acked_at)}; resolve by {_fmt(ctx, rec.resolve_due)}"
    else:
        reason = f"waiting for {_name(ctx, rec.owner)} to acknowledge by {_fmt(ctx, rec.ack_due)}"
    return Decision(snap.key, (), rec, changed, "wait", reason, next_at)


def _next_at(rec: Record) -> datetime | None:
    candidates: list[datetime] = []
    if rec.acked_at is None:
        if rec.nudge_due and rec.level not in rec.nudged_levels:
            candidates.append(rec.nudge_due)
        if rec.ack_due:
            candidates.append(rec.remind_due or rec.ack_due)
    if rec.resolve_escalate_due and rec.level not in rec.resolve_escalated_levels:
        candidates.append(rec.resolve_escalate_due)
    if rec.resolve_due and not rec.resolve_breached:
        candidates.append(rec.resolve_due)
    return min(candidates) if candidates else None


def _escalate(
    ctx: Context,
    snap: IssueSnapshot,
    rec: Record,
    severity: Severity,
    itype: IssueType,
    now: datetime,
    why: str,
) -> tuple[list[Action], Record] | None:
    rules, clocks = ctx.rules, ctx.clocks
    role = rec.owner_role
    if role is None or rules.escalates_to(role) is None:
        return None
    cell = rules.cell(itype.id, severity.id)
    level, new_role, owner, handlers, notes = _climb(
        ctx, cell, rec.team, rec.level + 1, rules.escalates_to(role) or role
    )
    previous_owner = rec.owner
    new = rec.evolve(
        **_level_start(ctx, severity, level, new_role, owner, handlers, now),
        ack_breached=rec.ack_breached or why == "acknowledge",
    )
    if why == "resolve":
        new = new.evolve(
            resolve_escalated_levels=new.resolve_escalated_levels + (rec.level,),
            resolve_escalate_due=clocks.due(severity.resolve, now, severity),
        )
    pid = _prefix(snap, new)
    old_name = _name(ctx, previous_owner)
    if why == "acknowledge":
        what = (
            f"{old_name} ({rules.roles[role].name}) did not acknowledge by {_fmt(ctx, rec.ack_due)}"
        )
    else:
        what = f"the resolve deadline {_fmt(ctx, rec.resolve_escalate_due)} passed without a resolution"
    reason = f"{what}; escalated one level up to {rules.roles[new_role].name}"
    if notes:
        reason += " (" + "; ".join(notes) + ")"
    actions: list[Action] = _assignment_actions(ctx, snap, pid, owner, handlers, reason)
    mention_line = _mention_list(ctx, handlers)
    if itype.sensitive:
        paras = [
            para(f"{snap.key} moves up one level. Owner: ", *mention_line, "."),
            para(
                f"Acknowledge by {_fmt(ctx, new.ack_due)}; resolve by {_fmt(ctx, new.resolve_due)}."
            ),
        ]
    else:
        paras = [
            para("Escalated one level up: ", *mention_line, "."),
            para(f"Why: {what}."),
            para(
                f"New acknowledge deadline: {_fmt(ctx, new.ack_due)}. Resolve deadline: {_fmt(ctx, new.resolve_due)}."
            ),
        ]
        if new_role in rules.coordinates_with:
            peers = ", ".join(rules.roles[r].name for r in rules.coordinates_with[new_role])
            paras.append(
                para(
                    f"{rules.roles[new_role].name} coordinates with {peers} from here; the ladder ends at this level."
                )
            )
    if notes:
        paras.append(para("Note: " + "; ".join(notes) + "."))
    actions.append(
        PostComment(
            f"{pid}:comment:escalate:L{level}",
            snap.key,
            Doc(tuple(paras)),
            "escalate",
            itype.sensitive,
            reason,
        )
    )
    n = _notify(
        ctx,
        snap,
        new,
        severity,
        "escalate",
        f"{pid}:notify:escalate:L{level}",
        [h.account_id for h in handlers],
        itype.sensitive,
        "Escalated to you one level up.",
        reason,
    )
    if n:
        actions.append(n)
    new = new.with_events(
        Event(now, "escalated", f"{old_name} -> {_name(ctx, new.owner)}: {what}", new.owner, level)
    )
    return actions, new


def _nudge(
    ctx: Context,
    snap: IssueSnapshot,
    rec: Record,
    severity: Severity,
    sensitive: bool,
    now: datetime,
) -> tuple[list[Action], Record]:
    pid = _prefix(snap, rec)
    reason = (
        f"{int(ctx.rules.nudge_at * 100)}% of the acknowledge window has passed without a response"
    )
    parts: list[str | Inline] = []
    if rec.owner:
        parts += [_mention(ctx, rec.owner), " "]
    parts.append(
        f"a reminder: please acknowledge by {_fmt(ctx, rec.ack_due)}, or the escalation moves one level up."
    )
    actions: list[Action] = [
        PostComment(
            f"{pid}:comment:nudge:L{rec.level}",
            snap.key,
            Doc((para(*parts),)),
            "nudge",
            sensitive,
            reason,
        )
    ]
    n = _notify(
        ctx,
        snap,
        rec,
        severity,
        "nudge",
        f"{pid}:notify:nudge:L{rec.level}",
        [rec.owner] if rec.owner else [],
        sensitive,
        "Please acknowledge.",
        reason,
    )
    if n:
        actions.append(n)
    rec = rec.evolve(nudged_levels=rec.nudged_levels + (rec.level,)).with_events(
        Event(now, "nudged", reason, rec.owner, rec.level)
    )
    return actions, rec


def _remind(
    ctx: Context,
    snap: IssueSnapshot,
    rec: Record,
    severity: Severity,
    sensitive: bool,
    now: datetime,
) -> tuple[list[Action], Record]:
    pid = _prefix(snap, rec)
    n_rem = rec.reminders + 1
    reason = f"top of the ladder: still not acknowledged (reminder {n_rem})"
    parts: list[str | Inline] = []
    if rec.owner:
        parts += [_mention(ctx, rec.owner), " "]
    parts.append(
        f"this escalation is still waiting for an acknowledgement (due {_fmt(ctx, rec.ack_due)}). "
        "It is at the top of the ladder and will not move further."
    )
    actions: list[Action] = [
        PostComment(
            f"{pid}:comment:remind:L{rec.level}:{n_rem}",
            snap.key,
            Doc((para(*parts),)),
            "remind",
            sensitive,
            reason,
        )
    ]
    n = _notify(
        ctx,
        snap,
        rec,
        severity,
        "remind",
        f"{pid}:notify:remind:L{rec.level}:{n_rem}",
        list(rec.handlers),
        sensitive,
        "Still waiting for an acknowledgement.",
        reason,
    )
    if n:
        actions.append(n)
    next_due = ctx.clocks.due(severity.remind_every, now, severity)
    rec = rec.evolve(reminders=n_rem, remind_due=next_due).with_events(
        Event(now, "reminded", reason, rec.owner, rec.level)
    )
    return actions, rec


# --- closing ----------------------------------------------------------------------------------


def _close(
    ctx: Context, snap: IssueSnapshot, record: Record, now: datetime, why: str, at: datetime
) -> Decision:
    if record.first_ack_at is not None:
        ack = "breached" if record.ack_breached else "met"
    else:
        ack = (
            "breached"
            if record.ack_breached or (record.ack_due is not None and at > record.ack_due)
            else "none"
        )
    if why == "resolved":
        resolve = (
            "met" if record.resolve_due is not None and at <= record.resolve_due else "breached"
        )
    else:
        resolve = "breached" if record.resolve_breached else "withdrawn"
    decision_text = None
    for c in reversed(snap.comments or ()):
        if c.author == record.owner and c.action_id is None and c.created <= at:
            decision_text = c.text[:500]
            break
    outcome = {
        "reason": why,
        "at": at.isoformat(),
        "resolution": snap.resolution,
        "acknowledge": ack,
        "resolve": resolve,
        "time_to_acknowledge_s": (record.first_ack_at - record.opened_at).total_seconds()
        if record.first_ack_at and record.opened_at
        else None,
        "time_to_resolve_s": (at - record.opened_at).total_seconds()
        if why == "resolved" and record.opened_at
        else None,
        "levels_reached": record.level,
        "owner": record.owner,
        "decision": decision_text,
    }
    detail = f"{'resolved' if why == 'resolved' else 'label removed'}: acknowledge {ack}, resolve {resolve}"
    rec = record.evolve(status="closed", closed_at=at, outcome=outcome).with_events(
        Event(at, "closed", detail, record.owner, record.level)
    )
    return Decision(snap.key, (), rec, True, "close", detail)


__all__ = [
    "Ack",
    "Context",
    "decide",
    "find_ack",
    "issue_type",
    "missing_recommendation",
    "severity_labels",
]
