"""``decide`` against the seed's SLAs, one scenario per rule.

Calendar of config.example.yaml: Europe/Paris, Mon–Thu 09:00–12:30 + 13:30–18:00, Fri until 17:00,
French public holidays. 2026-03-02 is a Monday (UTC+1 in March before the 29th).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from tests.support import (
    CEO,
    CPO,
    CTO,
    DEV1,
    DEV2,
    LEAD_DEV,
    PD,
    PEOPLE,
    PO,
    REPORTER,
    TL,
    WORKER,
    in_zone,
    make_snapshot,
    paris,
)
from worker.core.actions import AddWatcher, Assign, Notify, PostComment
from worker.core.decide import Context, decide
from worker.core.decision import Decision
from worker.core.messages import Mention, Text
from worker.core.record import Record
from worker.core.snapshot import Change, Comment

utc = in_zone(UTC)


def kinds(d: Decision) -> list[str]:
    return [a.kind for a in d.actions]


def comments(d: Decision, purpose: str | None = None) -> list[PostComment]:
    return [
        a
        for a in d.actions
        if isinstance(a, PostComment) and (purpose is None or a.purpose == purpose)
    ]


def run(ctx: Context, snap, record: Record | None, now: datetime) -> Decision:
    d = decide(ctx, snap, record, now)
    # decide is a function of its inputs: the same inputs give the same decision
    assert decide(ctx, snap, record, now) == d
    return d


def route(ctx: Context, snap, now: datetime) -> Record:
    d = run(ctx, snap, None, now)
    assert d.did == "route"
    assert d.record is not None
    return d.record


# --- routing: the cell decides owner and handlers -------------------------------------------


def test_s1_production_incident_routes_to_cpo_and_cto_around_the_clock(ctx: Context) -> None:
    # Saturday 03:00 Paris: S1 runs around the clock, so the 15 min and 4 h count immediately.
    t0 = paris(2026, 3, 7, 3, 0)
    snap = make_snapshot(labels=["escalation-S1", "escalation-type-incident"], created=t0)
    d = run(ctx, snap, None, t0 + timedelta(minutes=1))
    assigns = [a for a in d.actions if isinstance(a, Assign)]
    watchers = [a for a in d.actions if isinstance(a, AddWatcher)]
    assert [a.account_id for a in assigns] == [CPO]
    assert [a.account_id for a in watchers] == [CTO]
    (route_comment,) = comments(d, "route")
    assert route_comment.body.mentions() == (CPO, CTO)
    assert "#incidents" in route_comment.body.plain()
    rec = d.record
    assert (
        rec is not None
        and rec.current.owner == CPO
        and rec.current.level == 0
        and rec.current.owner_role == "cpo"
    )
    assert rec.current.ack_due == t0 + timedelta(minutes=15)
    assert rec.resolve_due == t0 + timedelta(hours=4)
    (notify,) = [a for a in d.actions if isinstance(a, Notify)]
    assert notify.primary == ("phone", "slack_channel") and notify.backup == ("sms",)
    assert notify.recipients == (CPO, CTO)


@pytest.mark.parametrize(
    ("type_label", "severity", "owner", "others"),
    [
        ("escalation-type-incident", "S2", PD, [TL]),
        ("escalation-type-incident", "S3", PO, [DEV1, DEV2]),
        ("escalation-type-incident", "S4", PO, []),
        ("escalation-type-dependency", "S1", CPO, ["5b10a2844c20165700ede227"]),
        ("escalation-type-dependency", "S3", PO, ["5b10a2844c20165700ede225"]),
        ("escalation-type-scope", "S3", PO, [LEAD_DEV]),
        ("escalation-type-stakeholder", "S2", PD, []),
        ("escalation-type-people", "S1", CPO, [PEOPLE]),
        ("escalation-type-people", "S3", PD, []),  # direct manager of checkout is lea (PD)
        ("escalation-type-release", "S1", CPO, [CTO, CEO]),
        ("escalation-type-release", "S3", PD, [TL]),
        ("escalation-type-release", "S4", PO, [LEAD_DEV]),
    ],
)
def test_route_follows_the_cell(
    ctx: Context, type_label: str, severity: str, owner: str, others: list[str]
) -> None:
    t0 = paris(2026, 3, 2, 10, 0)
    snap = make_snapshot(labels=[f"escalation-{severity}", type_label], created=t0)
    rec = route(ctx, snap, t0)
    assert rec.current.owner == owner
    assert list(rec.current.handlers) == [owner, *others]


def test_no_assign_when_the_owner_is_already_assigned(ctx: Context) -> None:
    t0 = paris(2026, 3, 2, 10, 0)
    snap = make_snapshot(created=t0, assignee=PO)
    d = run(ctx, snap, None, t0)
    assert "assign" not in kinds(d)
    assert "comment" in kinds(d)


def test_clock_starts_when_the_label_was_added_not_at_creation(ctx: Context) -> None:
    created = paris(2026, 3, 2, 9, 0)
    labelled = paris(2026, 3, 2, 11, 0)
    snap = make_snapshot(
        created=created,
        labels=["escalation-S3", "escalation-type-scope"],
        changes=[Change(labelled, REPORTER, "labels", "", "escalation-S3 escalation-type-scope")],
    )
    rec = route(ctx, snap, labelled + timedelta(minutes=1))
    # 4 business hours from Mon 11:00: 11:00–12:30 (1.5 h) + 13:30–16:00 (2.5 h) → 16:00 Paris
    assert rec.current.ack_due == paris(2026, 3, 2, 16, 0)
    assert rec.current.started_at == labelled


def test_default_type_is_used_and_explained(ctx: Context) -> None:
    t0 = paris(2026, 3, 2, 10, 0)
    snap = make_snapshot(created=t0, labels=["escalation-S4"])
    d = run(ctx, snap, None, t0)
    assert d.record is not None and d.record.type == "production_incident"
    assert "escalation-type-incident" in comments(d, "route")[0].body.plain()


def test_jira_issue_type_maps_to_a_kind(ctx: Context) -> None:
    t0 = paris(2026, 3, 2, 10, 0)
    snap = make_snapshot(created=t0, labels=["escalation-S2"], issue_type="Incident")
    rec = route(ctx, snap, t0)
    assert rec.type == "production_incident" and rec.current.owner == PD


# --- acknowledgement and escalation ----------------------------------------------------------


def test_s2_acknowledged_in_time_does_not_escalate(ctx: Context) -> None:
    t0 = paris(2026, 3, 2, 10, 0)
    snap = make_snapshot(labels=["escalation-S2", "escalation-type-incident"], created=t0)
    rec = route(ctx, snap, t0)
    assert rec.current.ack_due == paris(2026, 3, 2, 11, 0)  # 1 business hour
    acked = replace(snap, comments=(Comment("c1", PD, paris(2026, 3, 2, 10, 40), text="On it"),))
    d = run(ctx, acked, rec, paris(2026, 3, 2, 12, 0))
    assert d.actions == ()
    assert (
        d.record is not None
        and d.record.current.acked_at == paris(2026, 3, 2, 10, 40)
        and d.record.current.acked_by == PD
    )
    assert not d.record.ack_breached
    assert d.did == "wait" and "acknowledged by Léa Robert" in d.reason
    # and much later, still no acknowledge escalation
    d2 = run(ctx, acked, d.record, paris(2026, 3, 2, 16, 0))
    assert "assign" not in kinds(d2)


def test_s3_silent_po_climbs_one_level_at_a_time(ctx: Context) -> None:
    t0 = paris(2026, 3, 2, 9, 0)
    snap = make_snapshot(created=t0)  # S3 scope disagreement → PO + Lead Dev
    rec: Record | None = route(ctx, snap, t0)
    assert rec is not None
    # 4 business hours: 09:00–12:30 (3.5 h) + 13:30–14:00 (0.5 h)
    assert rec.current.ack_due == paris(2026, 3, 2, 14, 0)
    # 75 % of 4 h = 3 h → 12:00
    assert rec.current.nudge_due == paris(2026, 3, 2, 12, 0)
    # one minute before the deadline: nothing but the nudge
    d = run(ctx, snap, rec, paris(2026, 3, 2, 13, 59))
    assert [c.purpose for c in comments(d)] == ["nudge"]
    rec = d.record
    assert rec is not None
    d = run(ctx, snap, rec, paris(2026, 3, 2, 13, 59, 30))
    assert d.actions == ()  # nudged once per level
    # the deadline passes → Product Director, and only one level
    d = run(ctx, snap, rec, paris(2026, 3, 2, 14, 0))
    assert [a.account_id for a in d.actions if isinstance(a, Assign)] == [PD]
    (esc,) = comments(d, "escalate")
    assert esc.body.mentions() == (PD,)
    assert "Emma Moreau (Product Owner) did not acknowledge" in esc.body.plain()
    rec = d.record
    assert (
        rec is not None
        and rec.current.level == 1
        and rec.current.owner_role == "product_director"
        and rec.ack_breached
    )
    # the new level gets its own 4 business hours from 14:00 → 18:00
    assert rec.current.ack_due == paris(2026, 3, 2, 18, 0)
    # silent again → CPO (top); the comment says the CPO coordinates with the CTO
    d = run(ctx, snap, rec, paris(2026, 3, 2, 18, 0))
    assert [a.account_id for a in d.actions if isinstance(a, Assign)] == [CPO]
    assert "coordinates with CTO" in comments(d, "escalate")[0].body.plain()
    rec = d.record
    assert rec is not None and rec.current.level == 2 and rec.current.handlers == (CPO, CTO)
    # Tue: 09:00–12:30 + 13:30–14:00 → the top's deadline; then reminders, never further
    assert rec.current.ack_due == paris(2026, 3, 3, 14, 0)
    d = run(ctx, snap, rec, paris(2026, 3, 3, 14, 0))
    assert "assign" not in kinds(d)
    assert [c.purpose for c in comments(d)] == ["remind"]
    first_reminder_id = comments(d)[0].id
    rec = d.record
    assert rec is not None and rec.reminders == 1
    # remind_every for S3 is 4 business hours → Tue 18:00
    assert rec.current.remind_due == paris(2026, 3, 3, 18, 0)
    assert run(ctx, snap, rec, paris(2026, 3, 3, 17, 59)).actions == ()
    d = run(ctx, snap, rec, paris(2026, 3, 3, 18, 0))
    assert [c.purpose for c in comments(d)] == ["remind"]
    assert comments(d)[0].id != first_reminder_id


def test_escalation_action_ids_are_distinct_per_level(ctx: Context) -> None:
    t0 = paris(2026, 3, 2, 9, 0)
    snap = make_snapshot(created=t0)
    rec = route(ctx, snap, t0)
    d1 = run(ctx, snap, rec, paris(2026, 3, 2, 14, 0))
    assert d1.record is not None
    d2 = run(ctx, snap, d1.record, paris(2026, 3, 2, 18, 0))
    ids1 = {a.id for a in d1.actions}
    ids2 = {a.id for a in d2.actions}
    assert ids1 and ids2 and not ids1 & ids2


def test_delegation_counts_as_acknowledgement_and_changes_the_owner(ctx: Context) -> None:
    t0 = paris(2026, 3, 2, 9, 0)
    snap = make_snapshot(created=t0)
    rec = route(ctx, snap, t0)
    delegated = replace(
        snap,
        assignee=LEAD_DEV,
        changes=(Change(paris(2026, 3, 2, 10, 0), PO, "assignee", PO, LEAD_DEV),),
    )
    d = run(ctx, delegated, rec, paris(2026, 3, 2, 15, 0))
    assert d.actions == ()
    assert d.record is not None
    assert d.record.current.acked_at == paris(2026, 3, 2, 10, 0) and d.record.current.acked_by == PO
    assert d.record.current.owner == LEAD_DEV and d.record.current.level == 0
    assert [e.kind for e in d.record.timeline][-2:] == ["acknowledged", "delegated"]


def test_status_change_by_a_handler_acknowledges(ctx: Context) -> None:
    t0 = paris(2026, 3, 2, 9, 0)
    snap = make_snapshot(created=t0)
    rec = route(ctx, snap, t0)
    moved = replace(
        snap,
        changes=(Change(paris(2026, 3, 2, 9, 30), LEAD_DEV, "status", "To Do", "In Progress"),),
    )
    d = run(ctx, moved, rec, paris(2026, 3, 2, 15, 0))
    assert d.record is not None and d.record.current.acked_by == LEAD_DEV and d.actions == ()


@pytest.mark.parametrize(
    "comment",
    [
        Comment("c1", REPORTER, paris(2026, 3, 2, 9, 30), text="any news?"),  # the reporter
        Comment("c2", WORKER, paris(2026, 3, 2, 9, 31), text="routed"),  # the worker itself
        Comment(
            "c3", PO, paris(2026, 3, 2, 9, 32), action_id="SHOP-1#1.0:comment:routed:L0"
        ),  # a worker-posted comment
        Comment(
            "c4", CTO, paris(2026, 3, 2, 9, 33), text="hmm"
        ),  # somebody who is not a handler of this level
        Comment(
            "c5", PO, paris(2026, 3, 2, 8, 0), text="before the label"
        ),  # before the level began
    ],
    ids=["reporter", "worker", "worker-marked", "not-a-handler", "before-start"],
)
def test_responses_that_do_not_acknowledge(ctx: Context, comment: Comment) -> None:
    t0 = paris(2026, 3, 2, 9, 0)
    snap = make_snapshot(created=t0)
    rec = route(ctx, snap, t0)
    d = run(ctx, replace(snap, comments=(comment,)), rec, paris(2026, 3, 2, 14, 0))
    assert d.did == "escalate"


def test_reporter_who_is_also_owner_still_does_not_ack_by_comment(ctx: Context) -> None:
    t0 = paris(2026, 3, 2, 9, 0)
    snap = make_snapshot(created=t0, reporter=PO)
    rec = route(ctx, snap, t0)
    d = run(
        ctx,
        replace(snap, comments=(Comment("c1", PO, paris(2026, 3, 2, 9, 30), text="mine"),)),
        rec,
        paris(2026, 3, 2, 14, 0),
    )
    assert d.did == "escalate"


def test_comment_from_the_future_counts_as_now(ctx: Context) -> None:
    t0 = paris(2026, 3, 2, 9, 0)
    snap = make_snapshot(created=t0)
    rec = route(ctx, snap, t0)
    now = paris(2026, 3, 2, 10, 0)
    future = replace(snap, comments=(Comment("c1", PO, now + timedelta(days=3), text="seen"),))
    d = run(ctx, future, rec, now)
    assert d.record is not None and d.record.current.acked_at == now


def test_late_acknowledgement_is_recorded_as_breached(ctx: Context) -> None:
    t0 = paris(2026, 3, 2, 9, 0)
    snap = make_snapshot(created=t0)
    rec = route(ctx, snap, t0)
    late = replace(snap, comments=(Comment("c1", PO, paris(2026, 3, 2, 14, 5), text="sorry"),))
    d = run(ctx, late, rec, paris(2026, 3, 2, 14, 6))
    assert d.record is not None and d.record.current.acked_at is not None and d.record.ack_breached
    assert "assign" not in kinds(d)


# --- resolve breach ----------------------------------------------------------------------------


def test_resolve_breach_escalates_once_per_level(ctx: Context) -> None:
    t0 = paris(2026, 3, 2, 10, 0)
    snap = make_snapshot(labels=["escalation-S2", "escalation-type-stakeholder"], created=t0)
    rec: Record | None = route(ctx, snap, t0)
    assert rec is not None
    # 1 business day from Mon 10:00 → Tue 10:00
    assert rec.resolve_due == paris(2026, 3, 3, 10, 0)
    acked = replace(snap, comments=(Comment("c1", PD, paris(2026, 3, 2, 10, 10), text="on it"),))
    d = run(ctx, acked, rec, paris(2026, 3, 2, 11, 0))
    rec = d.record
    assert rec is not None and rec.current.acked_at is not None
    d = run(ctx, acked, rec, paris(2026, 3, 3, 10, 0))
    assert [a.account_id for a in d.actions if isinstance(a, Assign)] == [CPO]
    (esc,) = comments(d, "escalate")
    assert "resolve deadline" in esc.body.plain()
    rec = d.record
    assert (
        rec is not None
        and rec.resolve_breached
        and rec.current.level == 1
        and rec.resolve_escalated_levels == (0,)
    )
    # the SLA deadline for reporting keeps its original value
    assert rec.resolve_due == paris(2026, 3, 3, 10, 0)
    # CPO acknowledges; the next resolve escalation would be at the top: one comment, never a move
    assert acked.comments is not None
    acked2 = replace(
        acked, comments=acked.comments + (Comment("c2", CPO, paris(2026, 3, 3, 10, 5), text="ok"),)
    )
    d = run(ctx, acked2, rec, paris(2026, 3, 3, 10, 6))
    rec = d.record
    assert rec is not None and rec.current.acked_by == CPO
    d = run(ctx, acked2, rec, paris(2026, 3, 4, 10, 6))
    assert "assign" not in kinds(d)
    assert [c.purpose for c in comments(d)] == ["resolve_breach"]
    rec = d.record
    assert rec is not None
    assert run(ctx, acked2, rec, paris(2026, 3, 5, 10, 6)).actions == ()


# --- relabel, close ---------------------------------------------------------------------------


def test_relabel_s3_to_s1_reroutes_and_restarts_only_the_acknowledge_clock(ctx: Context) -> None:
    t0 = paris(2026, 3, 2, 9, 0)
    snap = make_snapshot(created=t0, labels=["escalation-S3", "escalation-type-incident"])
    rec = route(ctx, snap, t0)
    relabel_at = paris(2026, 3, 2, 10, 0)
    relabelled = replace(
        snap,
        labels=("escalation-S1", "escalation-type-incident"),
        changes=(
            Change(
                relabel_at,
                REPORTER,
                "labels",
                "escalation-S3 escalation-type-incident",
                "escalation-S1 escalation-type-incident",
            ),
        ),
    )
    d = run(ctx, relabelled, rec, relabel_at + timedelta(minutes=1))
    assert d.did == "reroute"
    new = d.record
    assert new is not None
    assert (
        new.severity == "S1"
        and new.current.owner == CPO
        and new.current.level == 0
        and new.revision == 1
    )
    assert new.current.started_at == relabel_at
    assert new.current.ack_due == relabel_at + timedelta(minutes=15)
    assert new.opened_at == t0
    assert new.resolve_due == t0 + timedelta(hours=4)  # S1's 4 h from the original start
    assert [c.purpose for c in comments(d)] == ["relabel"]
    assert {a.id for a in d.actions}.isdisjoint({"SHOP-1#1.0:comment:routed:L0"})


def test_label_removed_closes_the_record(ctx: Context) -> None:
    t0 = paris(2026, 3, 2, 9, 0)
    snap = make_snapshot(created=t0)
    rec = route(ctx, snap, t0)
    removed_at = paris(2026, 3, 2, 11, 0)
    gone = replace(
        snap,
        labels=("escalation-type-scope",),
        changes=(
            Change(
                removed_at,
                REPORTER,
                "labels",
                "escalation-S3 escalation-type-scope",
                "escalation-type-scope",
            ),
        ),
    )
    d = run(ctx, gone, rec, paris(2026, 3, 2, 11, 5))
    assert d.actions == () and d.did == "close"
    assert d.record is not None and d.record.status == "closed" and d.record.closed_at == removed_at
    assert d.record.outcome is not None and d.record.outcome.reason == "label_removed"
    assert d.record.outcome.acknowledge == "none"
    # a closed record stays closed
    assert run(ctx, gone, d.record, paris(2026, 3, 3, 11, 5)).changed is False


def test_resolved_issue_closes_with_outcome_and_decision(ctx: Context) -> None:
    t0 = paris(2026, 3, 2, 10, 0)
    snap = make_snapshot(labels=["escalation-S1", "escalation-type-incident"], created=t0)
    rec = route(ctx, snap, t0)
    ack = Comment("c1", CPO, t0 + timedelta(minutes=5), text="Looking")
    decision = Comment(
        "c2", CPO, t0 + timedelta(hours=2), text="Rolled back; root cause in payment SDK"
    )
    done = replace(
        snap,
        resolution="Done",
        resolved_at=t0 + timedelta(hours=3),
        status_category="done",
        comments=(ack, decision),
    )
    d1 = run(ctx, replace(snap, comments=(ack,)), rec, t0 + timedelta(minutes=6))
    assert d1.record is not None
    d = run(ctx, done, d1.record, t0 + timedelta(hours=3, minutes=1))
    out = d.record.outcome if d.record else None
    assert out is not None
    assert out.acknowledge == "met" and out.resolve == "met" and out.reason == "resolved"
    assert out.time_to_acknowledge_s == 300 and out.time_to_resolve_s == 3 * 3600
    assert out.decision == "Rolled back; root cause in payment SDK"


def test_label_reapplied_after_close_starts_a_new_epoch(ctx: Context) -> None:
    t0 = paris(2026, 3, 2, 9, 0)
    snap = make_snapshot(created=t0)
    closed = replace(route(ctx, snap, t0), status="closed", closed_at=paris(2026, 3, 2, 11, 0))
    again = paris(2026, 3, 3, 9, 0)
    snap2 = replace(
        snap,
        changes=(
            Change(
                paris(2026, 3, 2, 11, 0),
                REPORTER,
                "labels",
                "escalation-S3 escalation-type-scope",
                "escalation-type-scope",
            ),
            Change(
                again,
                REPORTER,
                "labels",
                "escalation-type-scope",
                "escalation-type-scope escalation-S3",
            ),
        ),
    )
    d = run(ctx, snap2, closed, again + timedelta(minutes=1))
    assert d.record is not None and d.record.epoch == 2 and d.record.opened_at == again
    assert all(a.id.startswith("SHOP-1#2") for a in d.actions)


# --- labels and recommendation ----------------------------------------------------------------


def test_two_severity_labels_most_severe_wins_with_one_comment(ctx: Context) -> None:
    t0 = paris(2026, 3, 2, 9, 0)
    snap = make_snapshot(
        created=t0, labels=["escalation-S3", "escalation-S2", "escalation-type-scope"]
    )
    d = run(ctx, snap, None, t0)
    assert d.record is not None and d.record.severity == "S2"
    (route_comment,) = comments(d)
    assert "escalation-S2" in route_comment.body.plain()
    assert "escalation-S3" in route_comment.body.plain()
    d2 = run(ctx, snap, d.record, t0 + timedelta(minutes=1))
    assert comments(d2) == []


def test_one_routing_one_comment_with_both_notes_and_display_names(ctx: Context) -> None:
    """Two severity labels and an incomplete description: exactly one comment says it all."""
    t0 = paris(2026, 3, 2, 9, 0)
    snap = make_snapshot(
        created=t0,
        labels=["escalation-S3", "escalation-S2", "escalation-type-scope"],
        description="What happened: the build is red.",
    )
    d = run(ctx, snap, None, t0)
    (only,) = comments(d)
    assert only.purpose == "route"
    text = only.body.plain()
    # who owns it and why, both deadlines in the calendar's zone
    assert "S2 escalation (major), scope or priority disagreement" in text
    assert "the matrix names Product Director" in text and "Léa Robert owns it" in text
    assert text.count("(Europe/Paris)") == 2
    # the severity-label note and the missing recommendation parts, in the same comment
    assert "several severity labels (escalation-S2, escalation-S3)" in text
    assert "What has been tried" in text and "What we need from you" in text
    # channel details stay out of Jira
    assert "Channel" not in text and "Slack" not in text
    mentions = [i for p in only.body.paragraphs for i in p if isinstance(i, Mention)]
    assert {m.account_id: m.name for m in mentions} == {PD: "Léa Robert", REPORTER: "Nora Reporter"}
    assert all(m.name != m.account_id for m in mentions)
    assert d.record is not None
    assert {"recommendation", "multi:S2+S3"} <= set(d.record.notes)


def test_a_reporter_jira_gives_no_name_for_is_not_shown_as_an_account_id(ctx: Context) -> None:
    t0 = paris(2026, 3, 2, 9, 0)
    snap = make_snapshot(created=t0, description="", reporter_name=None)
    (only,) = comments(run(ctx, snap, None, t0))
    (reporter,) = [
        i
        for p in only.body.paragraphs
        for i in p
        if isinstance(i, Mention) and i.account_id == REPORTER
    ]
    assert reporter.name == "reporter"


def test_a_note_found_later_joins_the_escalation_comment(ctx: Context) -> None:
    t0 = paris(2026, 3, 2, 9, 0)
    rec = route(ctx, make_snapshot(created=t0), t0)
    later = make_snapshot(
        created=t0, labels=["escalation-S3", "escalation-S9", "escalation-type-scope"]
    )
    assert rec.current.ack_due is not None
    d = run(ctx, later, rec, rec.current.ack_due + timedelta(minutes=1))
    assert d.did == "escalate"
    (esc,) = comments(d)
    assert "escalation-S9" in esc.body.plain() and "left aside" in esc.body.plain()
    # alone, a late note is one comment of its own
    d2 = run(ctx, later, rec, t0 + timedelta(minutes=1))
    (note,) = comments(d2)
    assert note.purpose == "unknown_label" and "escalation-S9" in note.body.plain()


def test_unknown_severity_label_tells_the_reporter_once_and_routes_nothing(ctx: Context) -> None:
    t0 = paris(2026, 3, 2, 9, 0)
    snap = make_snapshot(created=t0, labels=["escalation-S9"])
    d = run(ctx, snap, None, t0)
    assert kinds(d) == ["comment"]
    (c,) = comments(d, "unknown_label")
    assert c.body.mentions() == (REPORTER,)
    assert "escalation-S9" in c.body.plain() and "escalation-S1" in c.body.plain()
    assert d.record is not None and d.record.status == "invalid"
    assert run(ctx, snap, d.record, t0 + timedelta(minutes=5)).actions == ()


def test_odd_case_severity_label_is_recognised(ctx: Context) -> None:
    t0 = paris(2026, 3, 2, 9, 0)
    snap = make_snapshot(created=t0, labels=["Escalation-s2", "escalation-type-scope"])
    assert route(ctx, snap, t0).severity == "S2"


def test_missing_recommendation_parts_are_requested_once(ctx: Context) -> None:
    t0 = paris(2026, 3, 2, 9, 0)
    snap = make_snapshot(created=t0, description="What happened: the build is red.")
    d = run(ctx, snap, None, t0)
    (ask,) = comments(d)
    text = ask.body.paragraphs[-1]
    plain = "".join(i.text if isinstance(i, Text) else f"@{i.name}" for i in text)
    assert (
        "What has been tried" in plain
        and "What we recommend" in plain
        and "What we need from you" in plain
    )
    assert "What happened;" not in plain
    assert isinstance(text[0], Mention) and text[0].account_id == REPORTER
    assert d.record is not None
    d2 = run(ctx, snap, d.record, t0 + timedelta(minutes=1))
    assert comments(d2) == []


def test_complete_recommendation_is_not_requested(ctx: Context) -> None:
    t0 = paris(2026, 3, 2, 9, 0)
    (route_comment,) = comments(run(ctx, make_snapshot(created=t0), None, t0))
    assert "recommendation" not in route_comment.body.plain()


# --- people, privacy --------------------------------------------------------------------------


def test_inactive_owner_goes_to_the_next_level_with_a_clear_comment(ctx: Context) -> None:
    inactive = replace(ctx, inactive=frozenset({PO}))
    t0 = paris(2026, 3, 2, 9, 0)
    snap = make_snapshot(created=t0)
    d = run(inactive, snap, None, t0)
    rec = d.record
    assert (
        rec is not None
        and rec.current.owner == PD
        and rec.current.level == 1
        and rec.current.owner_role == "product_director"
    )
    text = comments(d, "route")[0].body.plain()
    assert "Emma Moreau (Product Owner) is inactive" in text


def test_people_issue_comments_are_restricted_and_carry_no_detail(ctx: Context) -> None:
    t0 = paris(2026, 3, 2, 9, 0)
    snap = make_snapshot(
        created=t0,
        labels=["escalation-S2", "escalation-type-people"],
        summary="Conflict between Bob and Alice",
    )
    d = run(ctx, snap, None, t0)
    for c in comments(d):
        assert c.restricted
        assert "Conflict" not in c.body.plain() and "Bob" not in c.body.plain()
    (n,) = [a for a in d.actions if isinstance(a, Notify)]
    assert n.sensitive and "Conflict" not in n.text and "Conflict" not in n.title
    rec = d.record
    assert rec is not None
    d = run(
        ctx, snap, rec, paris(2026, 3, 2, 10, 0)
    )  # 1 h S2 ack breached → escalate, still restricted
    assert comments(d) and all(c.restricted for c in comments(d))
    assert all("Conflict" not in c.body.plain() for c in comments(d))


def test_mentions_carry_display_names(ctx: Context) -> None:
    t0 = paris(2026, 3, 2, 9, 0)
    d = run(ctx, make_snapshot(created=t0), None, t0)
    mentions = [
        i for p in comments(d, "route")[0].body.paragraphs for i in p if isinstance(i, Mention)
    ]
    assert [m.name for m in mentions] == ["Emma Moreau", "Louis Simon"]


# --- calendar edge: holiday ---------------------------------------------------------------------


def test_s2_deadline_skips_a_public_holiday(ctx: Context) -> None:
    # Thu 30 Apr 2026 17:30 Paris; Fri 1 May is a public holiday; 1 business hour → Mon 4 May 09:30
    t0 = paris(2026, 4, 30, 17, 30)
    snap = make_snapshot(created=t0, labels=["escalation-S2", "escalation-type-scope"])
    rec = route(ctx, snap, t0)
    assert rec.current.ack_due == paris(2026, 5, 4, 9, 30)
    # 1 business day from Thu 17:30 → Mon 17:30 (Friday is the holiday)
    assert rec.resolve_due == paris(2026, 5, 4, 17, 30)


def test_s3_resolve_uses_the_sprint_end_when_known(ctx: Context) -> None:
    t0 = paris(2026, 3, 2, 9, 0)
    sprint_end = paris(2026, 3, 13, 17, 0)
    rec = route(ctx, make_snapshot(created=t0, sprint_end=sprint_end), t0)
    assert rec.resolve_due == sprint_end
    rec2 = route(ctx, make_snapshot(created=t0), t0)
    assert rec2.resolve_due == t0 + timedelta(weeks=2)


def test_s4_resolve_is_the_next_planning(ctx: Context) -> None:
    # planning every 2 weeks from Mon 5 Jan 2026 10:00 Paris → … Mon 2 Mar 10:00, then Mon 16 Mar 10:00
    t0 = paris(2026, 3, 2, 11, 0)
    rec = route(
        ctx, make_snapshot(created=t0, labels=["escalation-S4", "escalation-type-scope"]), t0
    )
    assert rec.resolve_due == paris(2026, 3, 16, 10, 0)
    # 1 business day from Mon 11:00 → Tue 11:00
    assert rec.current.ack_due == paris(2026, 3, 3, 11, 0)


def test_resolved_issue_without_record_is_left_alone(ctx: Context) -> None:
    t0 = paris(2026, 3, 2, 9, 0)
    snap = make_snapshot(created=t0, resolution="Done", resolved_at=t0, status_category="done")
    d = run(ctx, snap, None, t0)
    assert d.actions == () and d.record is None


def test_issue_without_labels_gives_no_action(ctx: Context) -> None:
    t0 = paris(2026, 3, 2, 9, 0)
    d = run(ctx, make_snapshot(created=t0, labels=[]), None, t0)
    assert d.actions == () and d.record is None and d.did == "none"
