"""Routing found late gets a fair window; the assignment mode keeps or sets Jira's assignee."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from tests.support import CPO, CTO, DEV1, make_snapshot, paris
from worker.core.actions import AddWatcher, Assign, PostComment
from worker.core.decide import Context, decide, late_grace
from worker.core.rules import Assignment, AssignmentPolicy


def _s1(t0, **kw):  # type: ignore[no-untyped-def]
    return make_snapshot(labels=["escalation-S1", "escalation-type-incident"], created=t0, **kw)


def test_an_escalation_found_after_its_deadline_gets_a_grace_before_the_next_level(
    ctx: Context,
) -> None:
    # S3 scope disagreement (PO + Lead Dev, 4 business hours): labelled Monday 09:00, so due at
    # 14:00 (lunch 12:30-13:30 does not count); the worker was down and finds it at 15:00.
    t0 = paris(2026, 3, 2, 9, 0)
    snap = make_snapshot(created=t0)
    found = paris(2026, 3, 2, 15, 0)
    d = decide(ctx, snap, None, found)
    rec = d.record
    assert d.did == "route" and rec is not None
    assert rec.ack_breached  # counted against the SLA in the review
    grace = late_grace(ctx.rules, ctx.rules.severities["S3"])
    assert grace == timedelta(hours=1)  # a quarter of 4 h
    assert rec.current.ack_due == paris(2026, 3, 2, 16, 0)
    assert any(e.kind == "ack_breached" and e.at == paris(2026, 3, 2, 14, 0) for e in rec.timeline)
    (comment,) = [a for a in d.actions if isinstance(a, PostComment) and a.purpose == "route"]
    text = comment.body.plain()
    assert "after its acknowledge deadline" in text and "before the next level" in text
    # no escalation, no reminder right away: the owner has their window
    again = decide(ctx, snap, rec, found + timedelta(seconds=15))
    assert again.did != "escalate" and not again.actions
    later = decide(ctx, snap, rec, paris(2026, 3, 2, 16, 0))
    assert later.did == "escalate"


def test_the_grace_never_falls_below_five_minutes(ctx: Context) -> None:
    t0 = paris(2026, 3, 7, 3, 0)  # S1 around the clock: 15 min, a quarter is under the floor
    assert late_grace(ctx.rules, ctx.rules.severities["S1"]) == timedelta(minutes=5)
    d = decide(ctx, _s1(t0), None, t0 + timedelta(minutes=23))
    assert d.record is not None and d.record.current.ack_due == t0 + timedelta(minutes=28)


def test_a_configured_grace_is_measured_on_the_severity_calendar(ctx: Context) -> None:
    rules = replace(ctx.rules, late_routing_grace=timedelta(minutes=30))
    c = replace(ctx, rules=rules)
    # S3 (business hours): labelled Friday 09:00, found Friday 16:50 after its 4 h deadline;
    # Friday ends at 17:00, so 30 business minutes end on Monday at 09:20
    t0 = paris(2026, 3, 6, 9, 0)
    snap = make_snapshot(created=t0)
    d = decide(c, snap, None, paris(2026, 3, 6, 16, 50))
    assert d.record is not None and d.record.current.ack_due == paris(2026, 3, 9, 9, 20)


def test_an_escalation_routed_in_time_is_untouched_by_the_grace(ctx: Context) -> None:
    t0 = paris(2026, 3, 7, 3, 0)
    d = decide(ctx, _s1(t0), None, t0 + timedelta(minutes=1))
    assert d.record is not None and not d.record.ack_breached
    assert d.record.current.ack_due == t0 + timedelta(minutes=15)


def _with_mode(ctx: Context, policy: AssignmentPolicy) -> Context:
    return replace(ctx, rules=replace(ctx.rules, assignment=policy))


def test_keep_assignee_tracks_the_owner_without_taking_the_issue_away(ctx: Context) -> None:
    c = _with_mode(ctx, AssignmentPolicy(severities={"S1": Assignment.KEEP_ASSIGNEE}))
    t0 = paris(2026, 3, 7, 3, 0)
    d = decide(c, _s1(t0, assignee=DEV1), None, t0 + timedelta(minutes=1))
    assert not [a for a in d.actions if isinstance(a, Assign)]
    watchers = {a.account_id for a in d.actions if isinstance(a, AddWatcher)}
    assert watchers == {CPO, CTO}  # the owner watches too
    assert d.record is not None and d.record.current.owner == CPO
    (comment,) = [a for a in d.actions if isinstance(a, PostComment) and a.purpose == "route"]
    assert CPO in comment.body.mentions()
    # the ladder moves the same way: one level up, still without touching the assignee
    rec = d.record
    up = decide(c, _s1(t0, assignee=DEV1), rec, t0 + timedelta(minutes=16))
    assert not [a for a in up.actions if isinstance(a, Assign)]


def test_a_kind_entry_wins_over_a_severity_entry(ctx: Context) -> None:
    policy = AssignmentPolicy(
        severities={"S1": Assignment.KEEP_ASSIGNEE}, types={"production_incident": Assignment.OWNER}
    )
    assert policy.mode("S1", "production_incident") is Assignment.OWNER
    assert policy.mode("S1", "scope_disagreement") is Assignment.KEEP_ASSIGNEE
    assert policy.mode("S2", "scope_disagreement") is Assignment.OWNER
    c = _with_mode(ctx, policy)
    t0 = paris(2026, 3, 7, 3, 0)
    d = decide(c, _s1(t0, assignee=DEV1), None, t0 + timedelta(minutes=1))
    assert [a.account_id for a in d.actions if isinstance(a, Assign)] == [CPO]
