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
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from worker.core import channel_ack, recommendation
from worker.core import sentences as S
from worker.core import wording as W
from worker.core.actions import Action, AddWatcher, Assign, Notify, PostComment
from worker.core.clocks import Clocks
from worker.core.decision import Decision, Did
from worker.core.directory import Directory
from worker.core.messages import Doc, Inline
from worker.core.near_miss import near_misses, targets
from worker.core.record import Event, LevelState, Outcome, Record, evolve
from worker.core.rules import (
    BUSINESS_DAY_HOURS,
    MIN_LATE_GRACE,
    Assignment,
    IssueType,
    Rules,
    Severity,
    Sla,
    SlaKind,
)
from worker.core.snapshot import IssueSnapshot
from worker.core.staffing import Away, Staff, Staffing
from worker.core.texts import ENGLISH, Texts
from worker.core.wording import AckHow


@dataclass(frozen=True)
class Context:
    """Everything ``decide`` reads besides the issue: rules, people, calendars, the worker's id."""

    rules: Rules
    directory: Directory
    clocks: Clocks
    worker_account_id: str | None = None
    inactive: frozenset[str] = frozenset()  # accountIds Jira reports inactive or unknown
    # teams with a calendar of their own: their deadlines, and the times in their comments
    team_clocks: Mapping[str, Clocks] = field(default_factory=dict)
    # severity labels applied before this instant are adopted, not routed (adoption.since)
    adopt_before: datetime | None = None
    # the language of every text a person reads (comments, notifications, reasons)
    texts: Texts = ENGLISH
    # derived from the fields above when the context is built
    staffing: Staffing = field(init=False, compare=False, repr=False)
    voice: W.Voice = field(init=False, compare=False, repr=False)
    # every label the rules know (near_miss.targets), for the near-miss notes
    known_labels: tuple[str, ...] = field(init=False, compare=False, repr=False)
    _teams: Mapping[str, Context] = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "staffing", Staffing(self.rules, self.directory, self.inactive))
        voice = W.Voice(self.rules, self.directory, self.clocks.business.tz, self.texts)
        object.__setattr__(self, "voice", voice)
        object.__setattr__(self, "known_labels", targets(self.rules))
        teams = {t: replace(self, clocks=c, team_clocks={}) for t, c in self.team_clocks.items()}
        object.__setattr__(self, "_teams", teams)

    def for_issue(self, snap: IssueSnapshot, record: Record | None) -> Context:
        """The context of the issue's team: its own calendar when it has one, else this one."""
        if not self._teams:
            return self
        team = record.team if record is not None and record.team else None
        if team is None:
            found = self.directory.team_for(snap.project, snap.components)
            team = found.id if found is not None else None
        return self._teams.get(team or "", self)


@dataclass(frozen=True, slots=True)
class Ack:
    """An acknowledgement: ``by`` commented, moved the issue to ``status``, delegated it, or pressed
    Acknowledge / Hand over in a notification ``channel`` (Slack, a call, an SMS reply)."""

    at: datetime
    by: str
    how: AckHow
    status: str | None = None  # the status it was moved to
    delegate: str | None = None  # the accountId it was handed over to
    channel: str | None = None  # a key of channel_ack.CHANNELS

    def said(self, voice: W.Voice, *, late: bool = False) -> str:
        """What the person did, as the timeline and ``explain`` say it."""
        return W.acknowledgement(
            voice,
            self.by,
            self.how,
            status=self.status,
            channel=self.channel,
            delegate=self.delegate,
            late=late,
        )


_SEVERITY_LIKE = re.compile(r"^escalation-s\d+$", re.IGNORECASE)


# --- entry point ------------------------------------------------------------------------------


def decide(ctx: Context, snap: IssueSnapshot, record: Record | None, now: datetime) -> Decision:
    ctx = ctx.for_issue(snap, record)
    rules = ctx.rules
    severities, unknown = severity_labels(rules, snap.labels)
    if record is not None and record.is_open:
        if not severities:
            at = snap.label_removed_at(_label_of(rules, record.severity)) or now
            return _close(ctx, snap, record, "label_removed", min(at, now))
        if snap.is_resolved:
            return _close(ctx, snap, record, "resolved", min(snap.resolved_at or now, now))
    if not severities:
        return _no_escalation(ctx, snap, record, unknown, now)
    if snap.is_resolved:
        return Decision(
            issue_key=snap.key,
            did=Did.NOTHING,
            reason=ctx.voice.t(S.ALREADY_RESOLVED),
            record=record,
            changed=False,
        )
    labels = Labels(severities[0], tuple(severities), tuple(unknown))
    itype, type_note = issue_type(rules, snap, ctx.voice.texts)
    if record is None or not record.is_open:
        if _adopted(ctx, snap, record, labels, now):
            return _adopt(ctx, snap, record, labels, itype, now)
        return _route(ctx, snap, record, labels, itype, type_note, now)
    if record.severity != labels.severity.id or record.type != itype.id:
        return _route(ctx, snap, record, labels, itype, type_note, now, relabel=True)
    return _progress(ctx, snap, record, labels, now)


@dataclass(frozen=True, slots=True)
class Labels:
    """The severity that applies (the most severe), every known one, and unknown severity labels."""

    severity: Severity
    severities: tuple[Severity, ...]
    unknown: tuple[str, ...]


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


def issue_type(
    rules: Rules, snap: IssueSnapshot, texts: Texts = ENGLISH
) -> tuple[IssueType, str | None]:
    """The issue's kind: a type label first, then the Jira issue type, then a component, else the default."""
    found = rules.type_signals(snap.labels, snap.issue_type, snap.components)
    if found is not None:
        return found, None
    default = rules.types[rules.default_type]
    return default, W.default_kind(rules, default, texts)


def missing_recommendation(rules: Rules, description: str) -> list[str]:
    """Titles of the recommendation parts the description does not give (see recommendation.py)."""
    return [p.title for p in recommendation.missing(rules.recommendation, description)]


def find_ack(ctx: Context, snap: IssueSnapshot, record: Record, now: datetime) -> Ack | None:
    """The first response of the current level's people after the level began, if any."""
    start = record.current.started_at
    if start is None:
        return None
    people = set(record.current.handlers)
    if record.current.owner:
        people.add(record.current.owner)
    deputies, _ = _acting(ctx, list(people), record.current.owner_role, now)
    people.update(d for d in deputies if d)
    people.discard(ctx.worker_account_id or "")
    found = [
        *_comment_acks(ctx, snap, record, people, start, now),
        *_change_acks(snap, record, people, start, now),
    ]
    return min(found, key=lambda a: a.at, default=None)


def _comment_acks(
    ctx: Context,
    snap: IssueSnapshot,
    record: Record,
    people: set[str],
    start: datetime,
    now: datetime,
) -> Iterator[Ack]:
    for c in snap.comments or ():
        if c.channel_ack is not None:
            # written by the worker for a press in Slack or on the phone; counts as that person's
            if c.author is not None and c.author == ctx.worker_account_id:
                yield from _channel_ack(ctx, c.channel_ack, c.created, record, now)
            continue
        if c.author is None or c.author not in people or c.author == snap.reporter:
            continue
        if c.action_id is None and c.created >= start:
            # a comment stamped in the future (clock skew) counts as seen now
            yield Ack(min(c.created, now), c.author, "commented")


def _channel_ack(
    ctx: Context, ack: channel_ack.ChannelAck, created: datetime, record: Record, now: datetime
) -> Iterator[Ack]:
    known = frozenset(p.account_id for p in ctx.directory.people.values())
    found = channel_ack.as_response(
        ack, record, comment_created=created, known_people=known, now=now
    )
    if found is not None:
        at, by, _how, delegate = found
        yield Ack(at, by, "channel", delegate=delegate, channel=ack.channel)


def _change_acks(
    snap: IssueSnapshot,
    record: Record,
    people: set[str],
    start: datetime,
    now: datetime,
) -> Iterator[Ack]:
    for ch in snap.changes:
        if ch.at < start or ch.author is None or ch.author not in people:
            continue
        if ch.field == "status":
            yield Ack(min(ch.at, now), ch.author, "moved", status=ch.after)
        elif ch.field == "assignee" and ch.after and ch.after != record.current.owner:
            yield Ack(min(ch.at, now), ch.author, "delegated", delegate=ch.after)


# --- helpers ----------------------------------------------------------------------------------


def _label_of(rules: Rules, severity_id: str | None) -> str:
    if severity_id and severity_id in rules.severities:
        return rules.severities[severity_id].label
    return ""


def _prefix(snap: IssueSnapshot, record: Record) -> str:
    return f"{snap.key}#{record.epoch}.{record.revision}"


def _level_start(ctx: Context, severity: Severity, staff: Staff, start: datetime) -> LevelState:
    """A level that begins at ``start``: its people and its acknowledge clock."""
    ack_due = ctx.clocks.due(severity.acknowledge, start, severity)
    return LevelState(
        level=staff.level,
        owner_role=staff.role,
        owner=staff.owner.account_id if staff.owner else None,
        handlers=tuple(h.account_id for h in staff.handlers),
        started_at=start,
        ack_due=ack_due,
        nudge_due=ctx.clocks.share(
            severity, start, ack_due, ctx.rules.nudge_at, severity.acknowledge
        ),
    )


def _notify(
    ctx: Context,
    snap: IssueSnapshot,
    record: Record,
    severity: Severity,
    sensitive: bool,
    event: str,
    action_id: str,
    recipients: Sequence[str],
    detail: str,
    reason: str,
) -> list[Action]:
    """The notification of ``event`` through the severity's channels (none without a plan or anyone)."""
    plan = ctx.rules.channel_plans.get(severity.id)
    if plan is None or not recipients:
        return []
    deadlines = W.deadlines(ctx.voice, record.current.ack_due, record.resolve_due)
    notify = Notify(
        id=action_id,
        issue_key=snap.key,
        severity=severity.id,
        event=event,
        recipients=tuple(recipients),
        primary=plan.primary,
        backup=plan.backup,
        here=plan.here,
        title=W.notify_title(severity, snap.key, snap.summary, sensitive, ctx.voice.texts),
        text=W.notify_text(snap.key, snap.summary, detail, deadlines, sensitive, ctx.voice.texts),
        sensitive=sensitive,
        reason=reason,
        team=record.team,
    )
    return [notify]


def _kind(ctx: Context, record: Record) -> IssueType:
    return ctx.rules.types.get(record.type or "") or ctx.rules.types[ctx.rules.default_type]


def _assignment_actions(
    ctx: Context,
    snap: IssueSnapshot,
    pid: str,
    staff: Staff,
    reason: str,
    mode: Assignment = Assignment.OWNER,
) -> list[Action]:
    """Assign the owner and let the other handlers watch; with ``keep_assignee`` the assignee
    stays the team's choice and the owner watches too (tracked in the record, named in comments)."""
    out: list[Action] = []
    owner = staff.owner
    keep = mode is Assignment.KEEP_ASSIGNEE
    if owner is not None and not keep and snap.assignee != owner.account_id:
        out.append(Assign(f"{pid}:assign:{owner.account_id}", snap.key, owner.account_id, reason))
    for h in staff.handlers:
        if keep or owner is None or h.account_id != owner.account_id:
            why = ctx.voice.t(S.WATCH_REASON).format(person=h.name)
            out.append(AddWatcher(f"{pid}:watch:{h.account_id}", snap.key, h.account_id, why))
    return out


@dataclass(frozen=True, slots=True)
class _Notes:
    """Notes made once per escalation (several labels, unknown labels, a missing recommendation):
    they join the comment of the event that finds them, so one event makes one comment."""

    keys: tuple[str, ...] = ()  # added to ``Record.notes`` once said
    paragraphs: tuple[tuple[Inline, ...], ...] = ()
    reasons: tuple[str, ...] = ()
    purpose: str = "note"  # the comment's purpose when no event comment carries them

    def __add__(self, other: _Notes) -> _Notes:
        return _Notes(
            self.keys + other.keys,
            self.paragraphs + other.paragraphs,
            self.reasons + other.reasons,
            self.purpose if self.keys else other.purpose,
        )


def _label_notes(ctx: Context, snap: IssueSnapshot, record: Record, labels: Labels) -> _Notes:
    """Several severity labels, and unknown ``escalation-S<n>`` labels next to a known one."""
    notes = _Notes()
    severities = labels.severities
    key = "multi:" + "+".join(s.id for s in severities)
    if len(severities) > 1 and key not in record.notes:
        para, reason = W.several_labels(severities, ctx.voice.texts)
        notes += _Notes((key,), (para,), (reason,), "multi_label")
    unknown = [lbl for lbl in labels.unknown if f"unknown:{lbl.lower()}" not in record.notes]
    if unknown:
        keys = tuple(f"unknown:{lbl.lower()}" for lbl in unknown)
        para = W.unknown_labels_ignored(ctx.voice, unknown)
        reason = ctx.voice.t(S.UNKNOWN_LABEL_REASON).format(labels=W.joined(unknown))
        notes += _Notes(keys, (para,), (reason,), "unknown_label")
    return notes + _near_miss_notes(ctx, snap, record, routed=True)


def _near_miss_notes(ctx: Context, snap: IssueSnapshot, record: Record, *, routed: bool) -> _Notes:
    """Once per issue and label: a label that almost names a severity or a kind."""
    notes = _Notes()
    for miss in near_misses(ctx.rules, snap.labels, ctx.known_labels):
        key = f"near:{miss.label}"
        if key in record.notes:
            continue
        para, reason = W.near_miss(
            ctx.voice, snap.reporter, snap.reporter_name, miss.label, miss.suggestion, routed=routed
        )
        notes += _Notes((key,), (para,), (reason,), "near_miss_label")
    return notes


def _recommendation_notes(ctx: Context, snap: IssueSnapshot, record: Record) -> _Notes:
    """Once per escalation: ask the reporter for the recommendation parts the description lacks."""
    if "recommendation" in record.notes:
        return _Notes()
    missing = missing_recommendation(ctx.rules, snap.description)
    if not missing:
        return _Notes()
    para, reason = W.recommendation_missing(ctx.voice, snap.reporter, snap.reporter_name, missing)
    return _Notes(("recommendation",), (para,), (reason,), "recommendation")


def _with_notes(
    ctx: Context,
    snap: IssueSnapshot,
    rec: Record,
    actions: list[Action],
    notes: _Notes,
    sensitive: bool,
) -> tuple[list[Action], Record]:
    """``notes`` added to the event's comment (the first one), else posted as one note comment."""
    if not notes.keys:
        return actions, rec
    rec = evolve(rec, notes=rec.notes + notes.keys)
    for i, a in enumerate(actions):
        if isinstance(a, PostComment):
            body = Doc(a.body.paragraphs + notes.paragraphs)
            reason = ctx.voice.t(S.NOTE_SEPARATOR).join((a.reason, *notes.reasons))
            actions[i] = replace(a, body=body, reason=reason)
            return actions, rec
    comment = PostComment(
        f"{snap.key}#{rec.epoch}:note:{','.join(notes.keys)}",
        snap.key,
        Doc(notes.paragraphs),
        notes.purpose,
        sensitive,
        ctx.voice.t(S.NOTE_SEPARATOR).join(notes.reasons),
    )
    return [*actions, comment], rec


# --- no escalation ----------------------------------------------------------------------------


def _no_escalation(
    ctx: Context, snap: IssueSnapshot, record: Record | None, unknown: Sequence[str], now: datetime
) -> Decision:
    if not unknown:
        return _near_miss_only(ctx, snap, record, now)
    base = record or Record(epoch=0, status="invalid")
    new_labels = [lbl for lbl in unknown if f"unknown:{lbl.lower()}" not in base.notes]
    if not new_labels:
        return Decision(
            issue_key=snap.key,
            did=Did.NOTHING,
            reason=ctx.voice.t(S.UNKNOWN_LABEL_TOLD).format(label=unknown[0]),
            record=record,
            changed=False,
        )
    keys = tuple(f"unknown:{lbl.lower()}" for lbl in new_labels)
    reason = ctx.voice.t(S.UNKNOWN_LABEL_REASON).format(labels=W.joined(new_labels))
    comment = PostComment(
        f"{snap.key}#{base.epoch}:note:{','.join(keys)}",
        snap.key,
        Doc((W.unknown_labels(ctx.voice, snap.reporter, snap.reporter_name, new_labels),)),
        "unknown_label",
        False,
        reason,
    )
    new = evolve(base, notes=base.notes + keys).with_events(
        Event(now, "unknown_label", W.joined(unknown))
    )
    return Decision(
        issue_key=snap.key,
        did=Did.COMMENT,
        reason=reason,
        record=new,
        changed=True,
        actions=(comment,),
    )


def _near_miss_only(
    ctx: Context, snap: IssueSnapshot, record: Record | None, now: datetime
) -> Decision:
    """No severity label at all, but one that almost is (or an almost-kind label): one note."""
    nothing = Decision(
        issue_key=snap.key,
        did=Did.NOTHING,
        reason=ctx.voice.t(S.NO_LABEL),
        record=record,
        changed=False,
    )
    if record is not None and record.status not in ("invalid", "closed"):
        return nothing
    base = record or Record(epoch=0, status="invalid")
    notes = _near_miss_notes(ctx, snap, base, routed=False)
    if not notes.keys:
        return nothing
    actions, new = _with_notes(ctx, snap, base, [], notes, False)
    new = new.with_events(
        Event(now, "near_miss_label", ctx.voice.t(S.NOTE_SEPARATOR).join(notes.reasons))
    )
    return Decision(
        issue_key=snap.key,
        did=Did.COMMENT,
        reason=ctx.voice.t(S.NOTE_SEPARATOR).join(notes.reasons),
        record=new,
        changed=True,
        actions=tuple(actions),
    )


# --- routing ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Routing:
    """A routing's new record, the people of its level, when the label came and what it replaced."""

    record: Record
    staff: Staff
    label_at: datetime
    previous: str | None  # "S2/incident" before a relabel
    overdue_since: datetime | None = None  # found after its acknowledge deadline (that deadline)


def _route(
    ctx: Context,
    snap: IssueSnapshot,
    record: Record | None,
    labels: Labels,
    itype: IssueType,
    type_note: str | None,
    now: datetime,
    relabel: bool = False,
) -> Decision:
    severity, sensitive = labels.severity, itype.sensitive
    cell = ctx.rules.cell(itype.id, severity.id)
    r = _routing(ctx, snap, record, labels, itype, now, relabel)
    rec, staff = r.record, r.staff
    pid = _prefix(snap, rec)
    reason = W.route_reason(ctx.voice, severity, itype, cell, staff)
    mode = ctx.rules.assignment.mode(severity.id, itype.id)
    actions = _assignment_actions(ctx, snap, pid, staff, reason, mode)
    body = W.route_comment(
        ctx.voice,
        key=snap.key,
        severity=severity,
        itype=itype,
        staff=staff,
        ack_due=rec.current.ack_due,
        resolve_due=rec.resolve_due,
        previous=r.previous,
        cell=cell,
        type_note=type_note,
        overdue_since=r.overdue_since,
    )
    what, purpose = ("re-routed", "relabel") if relabel else ("routed", "route")
    level = staff.level
    actions.append(
        PostComment(f"{pid}:comment:{what}:L{level}", snap.key, body, purpose, sensitive, reason)
    )
    detail = ctx.voice.t(S.NOTIFY_ROUTED).format(severity=severity.id)
    recipients = [h.account_id for h in staff.handlers]
    action_id = f"{pid}:notify:route:L{level}"
    actions += _notify(
        ctx, snap, rec, severity, sensitive, "route", action_id, recipients, detail, reason
    )
    notes = _label_notes(ctx, snap, rec, labels)
    if not relabel:
        notes += _recommendation_notes(ctx, snap, rec)
    actions, rec = _with_notes(ctx, snap, rec, actions, notes, sensitive)
    rec = rec.with_events(
        _label_event(r, severity, itype), Event(now, "routed", reason, rec.current.owner, level)
    )
    return Decision(
        issue_key=snap.key,
        did=Did.REROUTE if relabel else Did.ROUTE,
        reason=reason,
        record=rec,
        changed=True,
        actions=tuple(actions),
        next_at=rec.current.nudge_due,
    )


def _adopted(
    ctx: Context, snap: IssueSnapshot, record: Record | None, labels: Labels, now: datetime
) -> bool:
    """Labelled before ``adoption.since`` and never routed: the worker takes it over quietly."""
    since = ctx.adopt_before
    if since is None or record is not None:
        return False
    return min(snap.label_added_at(labels.severity.label), now) < since


def _adopt(
    ctx: Context,
    snap: IssueSnapshot,
    record: Record | None,
    labels: Labels,
    itype: IssueType,
    now: datetime,
) -> Decision:
    """Adoption: the record is written with the owner and deadlines counted from the adoption
    instant; no comment, assignment or notification (the shell tells each owner once, in one
    message listing what they now own)."""
    assert ctx.adopt_before is not None
    severity = labels.severity
    start = min(ctx.adopt_before, now)
    r = _routing(ctx, snap, record, labels, itype, now, relabel=False, start=start)
    rec, staff = r.record, r.staff
    cell = ctx.rules.cell(itype.id, severity.id)
    reason = ctx.voice.t(S.ADOPTED_REASON).format(
        since=ctx.voice.when(start), route=W.route_reason(ctx.voice, severity, itype, cell, staff)
    )
    rec = rec.with_events(
        _label_event(r, severity, itype),
        Event(now, "adopted", reason, rec.current.owner, staff.level),
    )
    return Decision(
        issue_key=snap.key,
        did=Did.ADOPT,
        reason=reason,
        record=rec,
        changed=True,
        next_at=rec.current.nudge_due,
    )


def _label_event(r: _Routing, severity: Severity, itype: IssueType) -> Event:
    if r.previous is not None:
        current = f"{severity.id}/{itype.id}"
        detail = S.RELABELLED_EVENT.format(previous=r.previous, current=current)
        return Event(r.label_at, "relabelled", detail)
    return Event(r.label_at, "labelled", severity.label)


def _routing(
    ctx: Context,
    snap: IssueSnapshot,
    record: Record | None,
    labels: Labels,
    itype: IssueType,
    now: datetime,
    relabel: bool,
    start: datetime | None = None,
) -> _Routing:
    """``start``: the clocks start there instead of at the label (adoption)."""
    severity = labels.severity
    team_obj = ctx.directory.team_for(snap.project, snap.components)
    team = team_obj.id if team_obj else None
    label_at = min(snap.label_added_at(severity.label), now)
    previous: str | None = None
    if relabel and record is not None:
        base = evolve(record, revision=record.revision + 1)
        opened_at = record.opened_at or label_at
        started = max(label_at, record.current.started_at or label_at)
        previous = f"{record.severity}/{record.type}"
    else:
        epoch = (record.epoch + 1) if record is not None else 1
        notes = record.notes if record is not None and record.status == "invalid" else ()
        base = Record(epoch=epoch, status="open", notes=notes)
        # an issue reopened after the record closed starts its clocks again
        if record is not None and record.closed_at is not None and label_at < record.closed_at:
            label_at = min(record.closed_at, now)
        opened_at = started = label_at if start is None else max(start, label_at)
    cell = ctx.rules.cell(itype.id, severity.id)
    staff = ctx.staffing.climb(cell, team, 0, cell.owner, now)
    resolve_due = ctx.clocks.due(severity.resolve, opened_at, severity, snap.sprint_end)
    rec = evolve(
        base,
        status="open",
        severity=severity.id,
        type=itype.id,
        team=team,
        opened_at=opened_at,
        severity_at=label_at,
        resolve_due=resolve_due,
        resolve_escalate_due=resolve_due,
        current=_level_start(ctx, severity, staff, started),
        nudged_levels=(),
        resolve_escalated_levels=(),
        reminders=0,
    )
    overdue_since = None
    if not relabel and rec.current.ack_due is not None and rec.current.ack_due <= now:
        rec, overdue_since = _late_window(ctx, severity, rec, now), rec.current.ack_due
    return _Routing(rec, staff, label_at, previous, overdue_since)


def late_grace(rules: Rules, severity: Severity) -> timedelta:
    """What an escalation found after its acknowledge deadline still gets before the next level."""
    if rules.late_routing_grace is not None:
        return rules.late_routing_grace
    ack = severity.acknowledge
    if ack.kind is SlaKind.DURATION and isinstance(ack.amount, timedelta):
        window = ack.amount
    elif ack.kind is SlaKind.BUSINESS_DAYS and isinstance(ack.amount, int):
        window = ack.amount * BUSINESS_DAY_HOURS  # the loader's ordering assumes the same 8 h
    else:
        return MIN_LATE_GRACE
    return max(window / 4, MIN_LATE_GRACE)


def _late_window(ctx: Context, severity: Severity, rec: Record, now: datetime) -> Record:
    """Found late (the worker was down, or the label predates it): the breach is recorded against
    the SLA for the review, and the owner still gets a fair window before the ladder moves."""
    assert rec.current.ack_due is not None
    grace = late_grace(ctx.rules, severity)
    # measured on the severity's calendar, like the SLA itself (an S2 found at 17:55 on a Friday
    # gets its minutes on Monday morning, not at night)
    grace_until = ctx.clocks.due(Sla(SlaKind.DURATION, grace, str(grace)), now, severity)
    event = Event(
        rec.current.ack_due,
        "ack_breached",
        ctx.voice.t(S.LATE_EVENT).format(ack_due=grace_until.isoformat()),
    )
    current = replace(rec.current, ack_due=grace_until, nudge_due=None)
    return evolve(rec, current=current, ack_breached=True).with_events(event)


# --- progress of an open escalation -----------------------------------------------------------

# the actions of one step, the record after it, and what it did (None: nothing was due)
_Step = tuple[list[Action], Record, Did | None]


def _progress(
    ctx: Context, snap: IssueSnapshot, record: Record, labels: Labels, now: datetime
) -> Decision:
    severity, itype = labels.severity, _kind(ctx, record)
    notes = _label_notes(ctx, snap, record, labels)
    actions: list[Action] = []
    rec = record
    steps: list[Did] = []
    if rec.current.acked_at is None:
        rec, acked = _take_ack(ctx, snap, rec, now)
        if acked:
            steps.append(Did.ACKNOWLEDGED)
            actions += _handover_assign(ctx, snap, record, rec)
    more, rec, did = _acknowledge_clock(ctx, snap, rec, severity, itype, now)
    actions += more
    steps += [did] if did else []
    more, rec, did2 = _resolve_clock(ctx, snap, rec, severity, itype, now, did == Did.ESCALATE)
    actions += more
    steps += [did2] if did2 else []
    actions, rec = _with_notes(ctx, snap, rec, actions, notes, itype.sensitive)
    if actions:
        return Decision(
            issue_key=snap.key,
            did=steps[-1] if steps else Did.COMMENT,
            reason=ctx.voice.t(S.NOTE_SEPARATOR).join(dict.fromkeys(a.reason for a in actions)),
            record=rec,
            changed=rec != record,
            actions=tuple(actions),
            next_at=_next_at(rec),
        )
    return Decision(
        issue_key=snap.key,
        did=Did.WAIT,
        reason=W.waiting(
            ctx.voice,
            rec.current.owner,
            rec.current.ack_due,
            rec.current.acked_by,
            rec.current.acked_at,
            rec.resolve_due,
        ),
        record=rec,
        changed=rec != record,
        next_at=_next_at(rec),
    )


def _take_ack(ctx: Context, snap: IssueSnapshot, rec: Record, now: datetime) -> tuple[Record, bool]:
    """Record the level's acknowledgement if one was made (a delegation also hands the level over)."""
    ack = find_ack(ctx, snap, rec, now)
    if ack is None:
        return rec, False
    late = rec.current.ack_due is not None and ack.at > rec.current.ack_due
    rec = evolve(
        rec,
        current=replace(rec.current, acked_at=ack.at, acked_by=ack.by),
        first_ack_at=rec.first_ack_at or ack.at,
        first_ack_by=rec.first_ack_by or ack.by,
        ack_breached=rec.ack_breached or late,
    )
    detail = ack.said(ctx.voice, late=late)
    events = [Event(ack.at, "acknowledged", detail, ack.by, rec.current.level)]
    if ack.delegate:
        handlers = (ack.delegate, *[h for h in rec.current.handlers if h != ack.delegate])
        rec = evolve(rec, current=replace(rec.current, owner=ack.delegate, handlers=handlers))
        handed = ctx.voice.t(S.DELEGATED).format(person=ctx.voice.name(ack.delegate))
        events.append(Event(ack.at, "delegated", handed, ack.delegate, rec.current.level))
    return rec.with_events(*events), True


def _handover_assign(
    ctx: Context, snap: IssueSnapshot, before: Record, after: Record
) -> list[Action]:
    """Handed over from Slack: the issue is assigned to the new owner (a delegation in Jira already is)."""
    owner = after.current.owner
    if owner is None or owner == before.current.owner or snap.assignee == owner:
        return []
    reason = ctx.voice.t(S.HANDED_OVER).format(
        person=ctx.voice.name(after.current.acked_by), delegate=ctx.voice.name(owner)
    )
    return [Assign(f"{_prefix(snap, after)}:assign:{owner}:handover", snap.key, owner, reason)]


def _acknowledge_clock(
    ctx: Context,
    snap: IssueSnapshot,
    rec: Record,
    severity: Severity,
    itype: IssueType,
    now: datetime,
) -> _Step:
    """Not acknowledged by the deadline: one level up, or a reminder at the top; else a nudge."""
    if rec.current.acked_at is not None:
        return [], rec, None
    ack_due = rec.current.ack_due
    if ack_due is not None and now >= ack_due:
        escalated = _escalate(ctx, snap, rec, severity, itype, now, "acknowledge")
        if escalated is not None:
            return escalated[0], escalated[1], Did.ESCALATE
        # at the top of the ladder: remind, never go further
        if not rec.ack_breached:
            rec = evolve(rec, ack_breached=True)
        if now >= (rec.current.remind_due or ack_due):
            actions, rec = _remind(ctx, snap, rec, severity, itype.sensitive, now)
            return actions, rec, Did.REMIND
        return [], rec, None
    if (
        rec.current.nudge_due is not None
        and now >= rec.current.nudge_due
        and rec.current.level not in rec.nudged_levels
    ):
        actions, rec = _nudge(ctx, snap, rec, severity, itype.sensitive, now)
        return actions, rec, Did.NUDGE
    return [], rec, None


def _resolve_clock(
    ctx: Context,
    snap: IssueSnapshot,
    rec: Record,
    severity: Severity,
    itype: IssueType,
    now: datetime,
    escalated: bool,
) -> _Step:
    """The resolve deadline: marked breached once; then one level up per level, or a note at the top."""
    if rec.resolve_due is not None and now >= rec.resolve_due and not rec.resolve_breached:
        rec = evolve(rec, resolve_breached=True).with_events(
            Event(rec.resolve_due, "resolve_breached", ctx.voice.t(S.RESOLVE_PASSED))
        )
    due = rec.resolve_escalate_due
    if escalated or due is None or now < due or rec.current.level in rec.resolve_escalated_levels:
        return [], rec, None
    res = _escalate(ctx, snap, rec, severity, itype, now, "resolve")
    if res is not None:
        return res[0], res[1], Did.ESCALATE
    comment = PostComment(
        f"{_prefix(snap, rec)}:comment:resolve-top:L{rec.current.level}",
        snap.key,
        W.resolve_at_top(ctx.voice, rec.current.owner, due),
        "resolve_breach",
        itype.sensitive,
        ctx.voice.t(S.RESOLVE_PASSED_AT_TOP),
    )
    rec = evolve(
        rec, resolve_escalated_levels=rec.resolve_escalated_levels + (rec.current.level,)
    ).with_events(
        Event(
            now,
            "resolve_breach_at_top",
            ctx.voice.t(S.RESOLVE_PASSED_AT_TOP),
            rec.current.owner,
            rec.current.level,
        )
    )
    return [comment], rec, Did.COMMENT


def _next_at(rec: Record) -> datetime | None:
    candidates: list[datetime] = []
    if rec.current.acked_at is None:
        if rec.current.nudge_due and rec.current.level not in rec.nudged_levels:
            candidates.append(rec.current.nudge_due)
        if rec.current.ack_due:
            candidates.append(rec.current.remind_due or rec.current.ack_due)
    if rec.resolve_escalate_due and rec.current.level not in rec.resolve_escalated_levels:
        candidates.append(rec.resolve_escalate_due)
    if rec.resolve_due and not rec.resolve_breached:
        candidates.append(rec.resolve_due)
    return min(candidates) if candidates else None


# 65 lines: one escalation in the order it happens (climb the ladder, restart the clocks, the
# assignment, the comment, the notifications, the event); the length is the wide calls' arguments.
def _escalate(
    ctx: Context,
    snap: IssueSnapshot,
    rec: Record,
    severity: Severity,
    itype: IssueType,
    now: datetime,
    why: str,
) -> tuple[list[Action], Record] | None:
    rules = ctx.rules
    role = rec.current.owner_role
    up = rules.escalates_to(role) if role is not None else None
    if role is None or up is None:
        return None
    cell = rules.cell(itype.id, severity.id)
    staff = ctx.staffing.climb(cell, rec.team, rec.current.level + 1, up, now)
    new = evolve(
        rec,
        current=_level_start(ctx, severity, staff, now),
        ack_breached=rec.ack_breached or why == "acknowledge",
    )
    if why == "resolve":
        new = evolve(
            new,
            resolve_escalated_levels=new.resolve_escalated_levels + (rec.current.level,),
            resolve_escalate_due=ctx.clocks.due(severity.resolve, now, severity),
        )
    pid, level = _prefix(snap, new), staff.level
    v = ctx.voice
    if why == "acknowledge":
        what = W.not_acknowledged(v, rec.current.owner, role, rec.current.ack_due)
    else:
        what = ctx.voice.t(S.NOT_RESOLVED).format(resolve_due=v.when(rec.resolve_escalate_due))
    reason = W.escalate_reason(v, what, staff)
    mode = ctx.rules.assignment.mode(severity.id, rec.type)
    actions = _assignment_actions(ctx, snap, pid, staff, reason, mode)
    body = W.escalate_comment(
        v,
        key=snap.key,
        staff=staff,
        why=what,
        ack_due=new.current.ack_due,
        resolve_due=new.resolve_due,
        sensitive=itype.sensitive,
    )
    actions.append(
        PostComment(
            f"{pid}:comment:escalate:L{level}", snap.key, body, "escalate", itype.sensitive, reason
        )
    )
    actions += _notify(
        ctx,
        snap,
        new,
        severity,
        itype.sensitive,
        "escalate",
        f"{pid}:notify:escalate:L{level}",
        [h.account_id for h in staff.handlers],
        ctx.voice.t(S.NOTIFY_ESCALATED),
        reason,
    )
    detail = ctx.voice.t(S.ESCALATED_EVENT).format(
        previous=v.name(rec.current.owner), current=v.name(new.current.owner), why=what
    )
    return actions, new.with_events(Event(now, "escalated", detail, new.current.owner, level))


def _acting(
    ctx: Context, account_ids: Sequence[str | None], role: str | None, now: datetime
) -> tuple[list[str | None], tuple[Away, ...]]:
    """The people who act now for ``account_ids``: deputies for those away (``absences:``)."""
    out: list[str | None] = []
    away: list[Away] = []
    for account_id in account_ids:
        person = ctx.directory.by_account(account_id)
        if person is None:
            out.append(account_id)
            continue
        deputy, absence = ctx.directory.stand_in(person, now)
        if absence is not None:
            away.append(Away(person, role or "", deputy, absence.end))
        out.append(deputy.account_id)
    return out, tuple(away)


@dataclass(frozen=True, slots=True)
class _Reminder:
    """Which reminder this is: its id prefix and suffix, its purpose and why it is sent."""

    prefix: str
    suffix: str
    purpose: str  # "nudge" | "remind"
    reason: str


def _comment_and_notify(
    ctx: Context,
    snap: IssueSnapshot,
    rec: Record,
    severity: Severity,
    sensitive: bool,
    step: _Reminder,
    body: Doc,
    recipients: Sequence[str],
    detail: str,
) -> list[Action]:
    """A reminder's comment on the issue and its notification, with ids of the same shape."""
    comment_id = f"{step.prefix}:comment:{step.purpose}:{step.suffix}"
    actions: list[Action] = [
        PostComment(comment_id, snap.key, body, step.purpose, sensitive, step.reason)
    ]
    notify_id = f"{step.prefix}:notify:{step.purpose}:{step.suffix}"
    return actions + _notify(
        ctx,
        snap,
        rec,
        severity,
        sensitive,
        step.purpose,
        notify_id,
        recipients,
        detail,
        step.reason,
    )


def _acting_owner(ctx: Context, rec: Record, now: datetime) -> tuple[str | None, tuple[Away, ...]]:
    """Who acts for the present owner now (a deputy while the owner is away), and the absences."""
    (owner,), away = _acting(
        ctx, [rec.current.owner] if rec.current.owner else [None], rec.current.owner_role, now
    )
    return owner, away


def _reminder_body(
    ctx: Context,
    rec: Record,
    sentence: str,
    severity: Severity,
    owner: str | None,
    away: tuple[Away, ...],
) -> Doc:
    """The comment of a nudge or a reminder: whose it is, both deadlines, who stands in."""
    cur = rec.current
    return W.reminder(
        ctx.voice, sentence, severity, owner, cur.owner_role, cur.ack_due, rec.resolve_due, away
    )


def _nudge(
    ctx: Context,
    snap: IssueSnapshot,
    rec: Record,
    severity: Severity,
    sensitive: bool,
    now: datetime,
) -> tuple[list[Action], Record]:
    pid = _prefix(snap, rec)
    reason = ctx.voice.t(S.NUDGE_REASON).format(percent=int(ctx.rules.nudge_at * 100))
    owner, away = _acting_owner(ctx, rec, now)
    body = _reminder_body(ctx, rec, S.NUDGE, severity, owner, away)
    step = _Reminder(pid, f"L{rec.current.level}", "nudge", reason)
    actions = _comment_and_notify(
        ctx,
        snap,
        rec,
        severity,
        sensitive,
        step,
        body,
        [owner] if owner else [],
        ctx.voice.t(S.NOTIFY_NUDGE),
    )
    rec = evolve(rec, nudged_levels=rec.nudged_levels + (rec.current.level,)).with_events(
        Event(now, "nudged", reason, rec.current.owner, rec.current.level)
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
    count = rec.reminders + 1
    reason = ctx.voice.t(S.REMIND_REASON).format(count=count)
    owner, away = _acting_owner(ctx, rec, now)
    handlers, more = _acting(ctx, list(rec.current.handlers), rec.current.owner_role, now)
    away += tuple(a for a in more if a not in away)
    body = _reminder_body(ctx, rec, S.REMIND, severity, owner, away)
    step = _Reminder(pid, f"L{rec.current.level}:{count}", "remind", reason)
    recipients = [h for h in handlers if h]
    actions = _comment_and_notify(
        ctx, snap, rec, severity, sensitive, step, body, recipients, ctx.voice.t(S.NOTIFY_REMIND)
    )
    next_due = ctx.clocks.due(severity.remind_every, now, severity)
    rec = evolve(
        rec, reminders=count, current=replace(rec.current, remind_due=next_due)
    ).with_events(Event(now, "reminded", reason, rec.current.owner, rec.current.level))
    return actions, rec


# --- closing ----------------------------------------------------------------------------------


def _close(ctx: Context, snap: IssueSnapshot, record: Record, why: str, at: datetime) -> Decision:
    if record.first_ack_at is not None:
        ack = "breached" if record.ack_breached else "met"
    elif record.ack_breached or (
        record.current.ack_due is not None and at > record.current.ack_due
    ):
        ack = "breached"
    else:
        ack = "none"
    if why == "resolved":
        met = record.resolve_due is not None and at <= record.resolve_due
        resolve = "met" if met else "breached"
    else:
        resolve = "breached" if record.resolve_breached else "withdrawn"
    decision_text = None
    for c in reversed(snap.comments or ()):
        if c.author == record.current.owner and c.action_id is None and c.created <= at:
            decision_text = c.text[:500]
            break
    opened = record.opened_at
    first_ack = record.first_ack_at
    outcome = Outcome(
        reason=why,
        at=at.isoformat(),
        resolution=snap.resolution,
        acknowledge=ack,
        resolve=resolve,
        time_to_acknowledge_s=(first_ack - opened).total_seconds()
        if first_ack and opened
        else None,
        time_to_resolve_s=(at - opened).total_seconds() if why == "resolved" and opened else None,
        levels_reached=record.current.level,
        owner=record.current.owner,
        decision=decision_text,
    )
    detail = W.closed(why, ack, resolve, ctx.voice.texts)
    rec = evolve(record, status="closed", closed_at=at, outcome=outcome).with_events(
        Event(at, "closed", detail, record.current.owner, record.current.level)
    )
    return Decision(issue_key=snap.key, did=Did.CLOSE, reason=detail, record=rec, changed=True)


__all__ = [
    "Ack",
    "Context",
    "decide",
    "find_ack",
    "issue_type",
    "missing_recommendation",
    "severity_labels",
]
