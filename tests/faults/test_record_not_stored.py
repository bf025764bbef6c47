"""A record Jira refuses to store is an error on the issue's timeline and in ``explain``, not a
silent loop (issue 12, "the whole trail kept")."""

from __future__ import annotations

from datetime import timedelta

from tests.e2e.harness import World
from tests.faults.faults_support import assert_exactly_once, worker_comment_ids
from worker.sandbox.faults import FaultRule

RECORD = r"/properties/escalation-worker$"


def test_a_refused_record_write_is_on_the_timeline_and_nothing_repeats(world: World) -> None:
    key = world.issue()
    # the claim (its own slot property) is stored, the new record after the effects is refused once
    rule = world.site.faults.add(
        FaultRule(kind="status", status=400, method="PUT", path=RECORD, after=0)
    )
    report = world.tick()
    assert rule.fired == 1
    assert not report.errors  # handled: the fallback record was stored
    rec = world.record(key)
    failed = [e for e in rec["timeline"] if e["kind"] == "failed"]
    assert len(failed) == 1 and failed[0]["detail"].startswith("record not stored:")
    assert rec["pending"] == [] and len(worker_comment_ids(world, key)) == 1
    assert any(":comment:" in d for d in rec["done"])  # the effects are known as done

    world.clock.advance(timedelta(minutes=1))
    world.tick()  # the write goes through now: nothing is performed twice
    assert len(worker_comment_ids(world, key)) == 1
    rec = world.record(key)
    assert rec["status"] == "open" and rec["owner"] == world.site.issue(key).assignee
    assert [e["kind"] for e in rec["timeline"]].count("failed") == 1
    assert_exactly_once(world, [key])


def test_explain_shows_the_failure_and_a_repeat_is_not_added_twice(world: World) -> None:
    from worker.cycle.explain import explain

    key = world.issue()
    for _ in range(2):  # the same refusal on two cycles
        world.site.faults.add(
            FaultRule(kind="status", status=400, method="PUT", path=RECORD, after=0)
        )
        assert not world.tick().errors
        world.site.faults.clear()
    rec = world.record(key)
    assert [e["kind"] for e in rec["timeline"]].count("failed") == 1
    assert len(worker_comment_ids(world, key)) == 1
    cycle = world.cycle()
    issue = cycle.gateway.issue(key)
    assert issue is not None
    (loaded,) = cycle.gatherer.load([issue])
    text = explain(cycle.context(), loaded, world.clock.now())
    assert "record not stored" in text, text
