"""Claim slots do not pile up on an issue (issue 12): once the record has moved on from a state,
that state's slot is deleted by the process that moved it, so an issue keeps no slot at rest --
whatever number of states its escalation goes through -- and the exclusion guarantees hold (a late
process that creates a deleted slot again stands back: tests/faults/test_claims.py)."""

from __future__ import annotations

from datetime import timedelta

from tests.e2e.harness import REPORTER, World
from tests.faults.faults_support import assert_exactly_once
from tests.support import CPO
from worker.sandbox.faults import FaultRule


def slots(world: World, key: str) -> list[str]:
    return [k for k in world.site.issue(key).properties if ".claim." in k]


def claim_writes(world: World, key: str) -> int:
    return sum(
        1
        for r in world.site.request_log
        if r.method == "PUT" and f"/issue/{key}/properties/" in r.path and ".claim." in r.path
    )


def test_an_escalation_through_many_states_leaves_no_slot_behind(world: World) -> None:
    key = world.issue(labels=("escalation-S1", "escalation-type-incident"))
    seen = []
    for step in range(8):  # routing, nudges and escalations up the ladder while nobody answers
        world.tick()
        seen.append(slots(world, key))
        world.clock.advance(timedelta(minutes=20 + 10 * step))
    world.site.add_comment(key, CPO, "On it")
    world.clock.advance(timedelta(minutes=1))
    world.tick()
    world.site.transition(key, "Done", by=CPO)
    world.clock.advance(timedelta(minutes=1))
    world.tick()
    seen.append(slots(world, key))
    assert world.record(key)["status"] == "closed"
    assert claim_writes(world, key) >= 5  # many states were claimed ...
    assert seen == [[]] * len(seen)  # ... and none of their slots stayed
    assert_exactly_once(world, [key])


def test_a_slot_whose_delete_fails_is_left_and_nothing_else_changes(world: World) -> None:
    key = world.issue()
    world.site.faults.add(
        FaultRule(
            kind="status", status=503, method="DELETE", path=r"/properties/.*\.claim\.", times=None
        )
    )
    report = world.tick()
    assert not report.errors and len(slots(world, key)) == 1  # a few hundred bytes left behind
    world.site.faults.clear()
    world.clock.advance(timedelta(minutes=30))
    world.site.add_comment(key, REPORTER, "any news?")
    world.clock.advance(timedelta(minutes=1))
    world.tick()
    assert len(slots(world, key)) == 1  # the later state's slot was deleted as usual
    assert_exactly_once(world, [key])
