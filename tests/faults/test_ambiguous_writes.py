"""Ambiguous comment writes through the real worker (issue 12 item 1): Jira applied the POST and
then answered 5xx or dropped the connection. The worker looks for the comment by its action id
before sending it again, so the issue ends with exactly one routing comment."""

from __future__ import annotations

import pytest

from tests.e2e.harness import World
from tests.faults.faults_support import assert_exactly_once, worker_comment_ids
from tests.support import PO
from worker.sandbox.faults import FaultRule

COMMENT = r"/comment$"


def comment_posts(world: World, key: str) -> int:
    return sum(
        1
        for r in world.site.request_log
        if r.method == "POST" and r.path.endswith(f"/issue/{key}/comment")
    )


@pytest.mark.parametrize(
    "fault",
    [
        FaultRule(kind="applied_status", status=500, method="POST", path=COMMENT),
        FaultRule(kind="applied_status", status=503, method="POST", path=COMMENT),
        FaultRule(kind="applied_drop", method="POST", path=COMMENT),
    ],
    ids=["500-after-success", "503-after-success", "dropped-after-success"],
)
def test_a_comment_applied_then_failed_is_found_not_posted_twice(
    world: World, fault: FaultRule
) -> None:
    key = world.issue()
    world.site.faults.add(fault)
    report = world.tick()
    assert not report.errors, report.errors
    assert fault.fired == 1
    (posted,) = worker_comment_ids(world, key)  # exactly one routing comment
    assert comment_posts(world, key) == 1  # looked up, never re-sent
    assert posted in world.record(key)["done"]
    assert world.site.issue(key).assignee == PO
    world.tick()  # and the next process does not post it either
    assert worker_comment_ids(world, key) == [posted]
    assert_exactly_once(world, [key])


def test_a_5xx_that_did_not_apply_is_sent_again_after_the_look_up(world: World) -> None:
    key = world.issue()
    world.site.faults.add(FaultRule(kind="status", status=500, method="POST", path=COMMENT))
    report = world.tick()
    assert not report.errors, report.errors
    assert len(worker_comment_ids(world, key)) == 1
    assert comment_posts(world, key) == 2  # the refused one, then the resend after the look-up
    assert_exactly_once(world, [key])


def test_ambiguous_twice_leaves_the_comment_pending_for_the_next_cycle(world: World) -> None:
    key = world.issue()
    world.site.faults.add(
        FaultRule(kind="status", status=500, method="POST", path=COMMENT, times=2)
    )
    report = world.tick()
    assert worker_comment_ids(world, key) == []
    assert any("left pending for the next cycle" in e for e in report.errors)  # said, not silent
    rec = world.record(key)
    assert any(":comment:" in p for p in rec["pending"])  # not marked done, not forgotten
    world.tick()
    assert len(worker_comment_ids(world, key)) == 1
    assert_exactly_once(world, [key])


def test_429_on_a_comment_is_a_plain_retry(world: World) -> None:
    key = world.issue()
    world.site.faults.add(
        FaultRule(kind="status", status=429, retry_after=1, method="POST", path=COMMENT)
    )
    world.tick()
    assert len(worker_comment_ids(world, key)) == 1
    assert comment_posts(world, key) == 2 and world.sleeps  # waited, then sent again
    assert_exactly_once(world, [key])
