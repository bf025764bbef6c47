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
    # the fallback record was stored; the refusal is this run's error, once
    assert len(report.errors) == 1 and report.errors[0].startswith(f"{key}: record not stored: ")
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
        assert len(world.tick().errors) == 1  # each run (a tick) reports it once
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


def test_a_refused_claim_is_reported_once_per_run_and_shows_in_check_and_explain(
    world: World,
) -> None:
    """Issue 12: 403 on every property PUT of one issue (the worker may not edit it). Nothing can be
    stored on that issue, so the refusal goes to the site-wide list on the worker's account: the
    first cycle of a process reports it, later polls do not flood; ``check --online`` and
    ``explain`` show it until the record is stored again; the other issues go on."""
    from worker.cli import unstored_line
    from worker.cycle.cycle import Memory
    from worker.onboarding.online import check_online

    stuck = world.issue("Checkout down")
    other = world.issue("Search slow")
    world.site.faults.add(
        FaultRule(
            kind="status", status=403, method="PUT", path=rf"/issue/{stuck}/properties/", times=None
        )
    )
    memory = Memory()  # one long-running process (`run`): three polls
    errors = []
    for _ in range(3):
        errors.append(world.cycle(memory=memory).run().errors)
        world.clock.advance(timedelta(minutes=1))
    assert len(errors[0]) == 1 and errors[0][0].startswith(f"{stuck}: record not stored")
    assert "403" in errors[0][0] and errors[1:] == [[], []]
    assert worker_comment_ids(world, stuck) == []  # nothing acted without a claim
    assert len(worker_comment_ids(world, other)) == 1 and world.record(other)["status"] == "open"

    cycle = world.cycle()
    cycle.identify()
    online = check_online(cycle.gateway, world.config, wiki=None)
    found = [f for f in online.findings if f.subject == f"issue {stuck}"]
    assert len(found) == 1 and "403" in found[0].what and "Edit Issues" in found[0].fix
    loaded = cycle.gatherer.load_one(stuck)
    assert loaded is not None
    line = unstored_line(cycle, loaded)
    assert line.startswith("  record not stored since ") and "==> grant Edit Issues" in line

    world.site.faults.clear()  # permission granted: the next cycle stores the record
    assert world.cycle(memory=memory).run().errors == []
    assert len(worker_comment_ids(world, stuck)) == 1
    online = check_online(cycle.gateway, world.config, wiki=None)
    assert not [f for f in online.findings if f.subject.startswith("issue ")]
    loaded = cycle.gatherer.load_one(stuck)
    assert loaded is not None and unstored_line(cycle, loaded) == ""
