"""Claim slots do not pile up on an issue (issue 12): once the record has moved on from a state,
that state's slot is deleted by the process that moved it, so an issue keeps no slot at rest --
whatever number of states its escalation goes through -- and the exclusion guarantees hold (a late
process that creates a deleted slot again stands back: tests/faults/test_claims.py)."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

from tests.e2e.harness import REPORTER, World
from tests.faults.faults_support import assert_exactly_once, cycle, make_world, running
from tests.support import CPO, paris
from worker.config.model import Config
from worker.sandbox.faults import FaultRule, Hold, Match


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


class Arrivals:
    """A sandbox hook that counts arriving record writes and slot deletions (before any hold)."""

    record = Match("PUT", r"/properties/escalation-worker$")
    slot_delete = Match("DELETE", r"/properties/escalation-worker\.claim\.")

    def __init__(self, records: int, deletes: int) -> None:
        self.want = (records, deletes)
        self.seen = [0, 0]
        self.reached = threading.Event()
        self._lock = threading.Lock()

    def handle(self, req: Any) -> None:
        with self._lock:
            self.seen[0] += self.record(req)
            self.seen[1] += self.slot_delete(req)
            if self.seen[0] >= self.want[0] and self.seen[1] >= self.want[1]:
                self.reached.set()


def test_a_slot_deletion_on_the_wire_does_not_hold_up_the_next_issue(
    example_config: Config,
) -> None:
    """Two issues in flight (concurrency 2), three to finish: each thread goes on to its next issue
    while the deletion of the slot it has just left is still on the wire. The first two deletions are
    held at the sandbox; the third issue's record is written meanwhile. With the deletion on the
    issue's thread, both threads would wait and the third issue would not start."""
    # held longer than the test waits; the client waits longer still (no timeout frees a thread)
    held = Hold(Arrivals.slot_delete, times=2, timeout=120)
    arrivals = Arrivals(records=3, deletes=2)
    with make_world(example_config, paris(2026, 3, 2, 9, 0), hooks=(arrivals, held)) as world:
        keys = [world.issue(f"Checkout fails {i}") for i in range(3)]
        cyc = cycle(world, timeout=150)
        cyc.concurrency = 2
        with running(cyc):  # joined, and its errors checked, when the block ends
            try:
                reached = arrivals.reached.wait(30)
            finally:
                held.release()
        assert reached, f"record writes, slot deletions arrived: {arrivals.seen}"
        assert [slots(world, k) for k in keys] == [[], [], []]  # every deletion done by the end
        assert_exactly_once(world, keys)
