"""The Jira loop end to end: the real worker over HTTP against the sandbox site, clock controlled."""

from __future__ import annotations

from datetime import timedelta

from tests.e2e.harness import REPORTER, World
from tests.support import CPO, CTO, LEAD_DEV, PD, PO, paris
from worker.cycle.cycle import Memory


def test_s1_production_incident_is_routed_to_cpo_and_cto(world: World) -> None:
    key = world.issue("Payments down", labels=("escalation-S1", "escalation-type-incident"))
    report = world.tick()
    assert not report.errors, report.errors
    issue = world.site.issue(key)
    assert issue.assignee == CPO
    assert CTO in world.site.watchers(key)
    (c,) = world.worker_comments(key)
    mentions = [
        n["attrs"]["id"] for p in c.body["content"] for n in p["content"] if n["type"] == "mention"
    ]
    assert mentions == [CPO, CTO]
    rec = world.record(key)
    assert rec["status"] == "open" and rec["owner"] == CPO and rec["severity"] == "S1"
    assert rec["pending"] == [] and len(rec["done"]) >= 3


def test_tick_twice_posts_each_comment_once(world: World) -> None:
    key = world.issue()
    world.tick()
    world.tick()
    world.clock.advance(timedelta(minutes=1))
    world.tick()
    assert len(world.worker_comments(key)) == 1
    assert world.site.issue(key).assignee == PO


def test_s2_acknowledged_in_time_is_not_escalated(world: World) -> None:
    key = world.issue(labels=("escalation-S2", "escalation-type-incident"))
    world.tick()
    world.clock.advance(timedelta(minutes=20))
    world.site.add_comment(key, PD, "On it, looking now.")
    world.clock.advance(timedelta(hours=3))
    world.tick()
    assert world.site.issue(key).assignee == PD
    rec = world.record(key)
    assert rec["acked_by"] == PD and rec["level"] == 0
    assert [c for c in world.worker_comments(key) if "Escalated one level up" in c.text] == []


def test_silent_po_escalates_to_product_director_then_cpo(world: World) -> None:
    key = world.issue()  # S3 scope disagreement, Monday 09:00 Paris
    world.tick()
    world.clock.set(paris(2026, 3, 2, 14, 0))  # 4 business hours later
    world.tick()
    assert world.site.issue(key).assignee == PD
    esc = [c for c in world.worker_comments(key) if "Escalated one level up" in c.text]
    assert len(esc) == 1 and "Emma Moreau (Product Owner) did not acknowledge" in esc[0].text
    world.tick()  # a second process at the same instant changes nothing
    assert len([c for c in world.worker_comments(key) if "Escalated one level up" in c.text]) == 1
    world.clock.set(paris(2026, 3, 2, 18, 0))
    world.tick()
    assert world.site.issue(key).assignee == CPO
    assert world.record(key)["level"] == 2


def test_delegation_counts_as_acknowledgement(world: World) -> None:
    key = world.issue()
    world.tick()
    world.clock.advance(timedelta(minutes=30))
    world.site.set_assignee(key, LEAD_DEV, by=PO)
    world.clock.set(paris(2026, 3, 2, 15, 0))
    world.tick()
    rec = world.record(key)
    assert rec["acked_by"] == PO and rec["owner"] == LEAD_DEV and rec["level"] == 0
    assert world.site.issue(key).assignee == LEAD_DEV


def test_resolve_breach_escalates(world: World) -> None:
    key = world.issue(labels=("escalation-S2", "escalation-type-stakeholder"))
    world.tick()
    # labelled at Monday's opening (09:00 Paris): one business day is the end of Monday, 18:00 Paris
    assert world.record(key)["resolve_due"] == "2026-03-02T17:00:00Z"
    world.clock.advance(timedelta(minutes=10))
    world.site.add_comment(key, PD, "Seen.")
    world.tick()
    world.clock.set(paris(2026, 3, 3, 9, 0))  # 1 business day after Mon 09:00
    world.tick()
    assert world.site.issue(key).assignee == CPO
    assert any("resolve deadline" in c.text for c in world.worker_comments(key))


def test_relabel_s3_to_s1_reroutes(world: World) -> None:
    key = world.issue(labels=("escalation-S3", "escalation-type-incident"))
    world.tick()
    world.clock.advance(timedelta(minutes=30))
    world.site.remove_labels(key, "escalation-S3", by=REPORTER)
    world.site.add_labels(key, "escalation-S1", by=REPORTER)
    world.tick()
    rec = world.record(key)
    assert rec["severity"] == "S1" and rec["owner"] == CPO and rec["revision"] == 1
    assert world.site.issue(key).assignee == CPO


def test_label_removed_closes_the_record(world: World) -> None:
    key = world.issue()
    world.tick()
    world.clock.advance(timedelta(minutes=30))
    world.site.remove_labels(key, "escalation-S3", by=REPORTER)
    world.clock.advance(timedelta(minutes=1))
    world.tick()
    rec = world.record(key)
    assert rec["status"] == "closed" and rec["outcome"]["reason"] == "label_removed"


def test_long_running_process_closes_on_resolution(world: World) -> None:
    key = world.issue(labels=("escalation-S1", "escalation-type-incident"))
    memory = Memory()
    cycle = world.cycle(memory)
    cycle.run()
    world.clock.advance(timedelta(minutes=2))
    world.site.add_comment(key, CPO, "Rolling back")
    world.clock.advance(timedelta(minutes=1))
    cycle.run()
    world.clock.advance(timedelta(minutes=4))
    world.site.add_comment(key, CPO, "Rolled back; SDK bug")
    world.site.transition(key, "Done", by=CPO)
    world.clock.advance(timedelta(minutes=1))
    report = cycle.run()
    assert report.mode == "incremental"
    rec = world.record(key)
    assert rec["status"] == "closed"
    assert rec["outcome"]["acknowledge"] == "met" and rec["outcome"]["resolve"] == "met"
    assert rec["outcome"]["decision"] == "Rolled back; SDK bug"


def test_one_routing_is_one_jira_comment_with_the_reporters_display_name(world: World) -> None:
    key = world.issue(
        "Checkout promo",
        labels=("escalation-S3", "escalation-S2", "escalation-type-scope"),
        description="What happened: the promo broke checkout.",
    )
    report = world.tick()
    assert not report.errors, report.errors
    (c,) = world.worker_comments(key)
    assert "several severity labels" in c.text and "What we need from you" in c.text
    assert "Channel" not in c.text
    mentions = {
        n["attrs"]["id"]: n["attrs"]["text"]
        for p in c.body["content"]
        for n in p["content"]
        if n["type"] == "mention"
    }
    assert mentions[REPORTER] == "@Rita Reporter"  # Jira's displayName, not the accountId
    assert mentions[PD] == "@Léa Robert"
