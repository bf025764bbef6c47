"""Issue 3's robustness scenarios over real HTTP: stale search, an inactive owner, a people issue."""

from __future__ import annotations

from datetime import timedelta

from structlog.testing import capture_logs

from tests.e2e.harness import World
from tests.faults.faults_support import assert_exactly_once, cycle, make_world, worker_comment_ids
from tests.support import CPO, PD, PO, paris
from worker.config.model import Config
from worker.cycle.cycle import Memory


def test_stale_search_causes_no_double_escalation(example_config: Config) -> None:
    with make_world(
        example_config, paris(2026, 3, 2, 9, 0), staleness=timedelta(seconds=60)
    ) as world:
        key = world.issue()  # S3 scope: the PO has 4 business hours
        world.clock.advance(timedelta(minutes=2))  # the label is indexed now
        memory = Memory()
        cycle(world, memory).run()
        world.clock.set(paris(2026, 3, 2, 14, 0))
        cycle(world, memory).run()  # escalates to the Product Director
        assert world.site.issue(key).assignee == PD
        # for the next minute search still shows the issue assigned to the PO, record at level 0
        for seconds in (5, 20, 40):
            world.clock.set(paris(2026, 3, 2, 14, 0) + timedelta(seconds=seconds))
            cycle(world, memory).run()
            world.tick()  # and a fresh process with no memory at all
        assert [i for i in worker_comment_ids(world, key) if ":escalate:" in i] == [
            f"{key}#1.0:comment:escalate:L1"
        ]
        assert world.record(key)["level"] == 1
        assert_exactly_once(world, [key])


def test_inactive_owner_gets_a_clear_comment_and_the_next_level_takes_it(world: World) -> None:
    world.site.set_user_active(PO, False)
    key = world.issue()
    with capture_logs() as logs:
        report = world.tick()
    assert not report.errors, report.errors
    assert world.site.issue(key).assignee == PD
    rec = world.record(key)
    assert rec["owner"] == PD and rec["level"] == 1
    (comment,) = world.worker_comments(key)
    assert "Emma Moreau (Product Owner) is inactive in Jira" in comment.text
    assert any(e["event"] == "inactive_people" and "Emma Moreau" in e["people"] for e in logs)


def test_owner_deactivated_mid_escalation_is_skipped_at_the_deadline(world: World) -> None:
    key = world.issue()
    world.tick()
    assert world.site.issue(key).assignee == PO
    world.site.set_user_active(PD, False)  # the next level's owner leaves
    world.clock.set(paris(2026, 3, 2, 14, 0))
    world.tick()
    assert world.site.issue(key).assignee == CPO
    esc = [c.text for c in world.worker_comments(key) if "Escalated one level up" in c.text]
    assert len(esc) == 1 and "inactive in Jira" in esc[0]


def test_people_issue_gets_restricted_comments(world: World) -> None:
    summary = "Conflict between Alice and Bob in the payments squad"
    key = world.issue(
        summary,
        labels=("escalation-S3", "escalation-type-people"),
        project="PEOPLE",
        description="Alice says Bob shouted at her in the retro on Tuesday.",
    )
    world.tick()
    vis = world.config.jira.people_issue_visibility
    assert vis is not None
    comments = world.worker_comments(key)
    assert comments
    for c in comments:
        assert c.visibility == {"type": vis.type, "value": vis.value}
        assert "Alice" not in c.text and "Bob" not in c.text and summary not in c.text
    assert world.site.issue(key).assignee == PD  # the direct manager owns S3 people issues
    world.tick()  # the worker reads its restricted comments back: nothing is posted twice
    assert_exactly_once(world, [key])
