"""Issue 15: a cold cycle reads only what changed, finds the worker's issues by what it controls
(it watches them) and acts on a deadline that falls due in the middle of a long full cycle.

Every assertion counts requests, effects or their order; none measures time."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import timedelta

import pytest

from tests.e2e.harness import REPORTER, World
from tests.faults.faults_support import assert_exactly_once, cycle
from worker.cycle.cycle import Memory
from worker.jira.mapping import parse_time
from worker.runtime import Scheduler
from worker.sandbox.jira.search import post_search

PER_ISSUE = ("GET issue/{key}", "GET issue/{key}/comment", "GET issue/{key}/changelog")


def per_issue_reads(requests: Counter[str]) -> int:
    return sum(n for name, n in requests.items() if name in PER_ISSUE)


@pytest.mark.parametrize("property_write_updates", [False, True])
def test_a_cold_cycle_over_unchanged_issues_makes_no_per_issue_reads(
    world: World, property_write_updates: bool
) -> None:
    world.site.property_write_updates = property_write_updates
    keys = [world.issue(f"Problem {i}") for i in range(12)]
    for i in range(30):  # ordinary issues of the same project, recently updated
        world.site.create_issue("SHOP", f"Ordinary {i}", reporter=REPORTER)
    cycle(world, page_size=5).run()  # a tick routes all twelve (and stores a search plan)
    assert all(world.login.account_id in world.site.watchers(k) for k in keys)
    world.clock.advance(timedelta(minutes=1))
    cycle(world, page_size=5).run()  # a tick reads back the worker's own effects once
    world.clock.advance(timedelta(minutes=1))

    report = cycle(world, page_size=5).run()  # a new process, nothing to do
    assert not report.errors and not report.actions
    assert report.issues_seen == len(keys)  # the ordinary issues are never searched for
    assert per_issue_reads(report.requests) == 0, report.requests
    searches = report.requests["POST search/jql"]
    # 12 issues in pages of 5, cut by the search plan into key ranges of one full page (5, 5
    # and 2 issues); one page for the watched issues without an open severity label and one for
    # recently relabelled ones
    assert searches <= 3 + 2
    assert report.requests["POST changelog/bulkfetch"] <= 1
    # + myself, user/bulk, the label list, and two user properties of the worker account: the
    # storm guard's shared counts and the search plan (read, not written: it still fits)
    assert report.requests["GET user/properties/{prop}"] <= 2
    assert report.requests["PUT user/properties/{prop}"] == 0
    assert report.request_total <= searches + 1 + 3 + 2
    assert_exactly_once(world, keys)


def test_a_removed_label_on_an_issue_not_updated_for_a_week_is_still_seen(world: World) -> None:
    key = world.issue("Refund stuck")
    other = world.issue("Login slow")
    world.tick()
    world.site.remove_labels(key, "escalation-S3", by=REPORTER)
    world.clock.advance(timedelta(days=8))  # nobody touched it since; the worker was down
    report = cycle(world, memory=Memory()).run()
    assert not report.errors
    record = world.record(key)
    assert record["status"] == "closed"
    assert record["outcome"]["reason"] == "label_removed"
    assert world.login.account_id not in world.site.watchers(key)  # no longer searched for
    assert world.login.account_id in world.site.watchers(other)
    assert world.record(other)["status"] == "open"


def test_a_deadline_due_during_a_long_full_cycle_is_acted_on_before_it_ends(
    world: World,
) -> None:
    first = world.issue("Checkout down")
    later = [world.issue(f"Problem {i}") for i in range(24)]
    world.tick()
    due = min(
        world.record(first)[name] for name in ("nudge_due", "ack_due") if world.record(first)[name]
    )
    due_at = parse_time(due)
    assert due_at is not None
    world.clock.set(due_at - timedelta(minutes=3))

    # a new process starts a full cycle; every search page takes a minute of sandbox time
    c = cycle(world, page_size=4)
    c.concurrency = 1
    c.load_chunk = 4  # as 1,000 is in a 10,000-issue cycle: decided a chunk at a time
    sched = Scheduler(now=world.clock.now)
    sched.set_poll(c, timedelta(minutes=10))
    c.between = sched.preempt
    site = world.site
    original = post_search

    def slow_page(site, req, match):  # type: ignore[no-untyped-def]
        world.clock.advance(timedelta(minutes=1))
        return original(site, req, match)

    for i, r in enumerate(site._routes):
        if r.handler == original:
            site._routes[i] = replace(r, handler=slow_page)
    start = len(site.request_log)
    report = c.run()
    assert not report.errors
    log = site.request_log[start:]
    comment_posts = [
        i for i, e in enumerate(log) if e.method == "POST" and e.path.endswith(f"{first}/comment")
    ]
    searches = [i for i, e in enumerate(log) if e.path.endswith("/search/jql")]
    assert comment_posts, "the deadline was not acted on"
    assert comment_posts[0] < searches[-1]  # acted on while the cycle was still paging
    assert sched.services >= 1
    assert_exactly_once(world, [first, *later])


def _reminded_twice(world: World) -> str:
    """An S1 nobody answers, ticked until the worker has written the same words twice (reminders
    at the top of the ladder: the same text, two actions)."""
    key = world.issue("Payments down", labels=("escalation-S1", "escalation-type-scope"))
    for _ in range(200):
        world.tick()
        texts = Counter(c.text for c in world.worker_comments(key))
        if texts and max(texts.values()) >= 2:
            return key
        world.clock.advance(timedelta(minutes=10))
    raise AssertionError("no repeated reminder in 200 ticks")


def test_repeated_reminders_need_no_comment_read_in_a_cold_cycle(world: World) -> None:
    """Comments embedded in a search carry no action ids; the record lists the worker's comments
    with theirs, so two reminders with the same words are not mistaken for a doubled comment."""
    key = _reminded_twice(world)
    record = world.record(key)
    assert len(record["own_comments"]) == len(world.worker_comments(key))
    world.clock.advance(timedelta(seconds=30))  # before the next deadline: nothing to do
    world.tick()  # a tick reads back the worker's own effects once
    world.clock.advance(timedelta(seconds=30))
    report = world.tick()  # a new process, nothing to do
    assert not report.errors and not report.actions
    assert report.requests["GET issue/{key}/comment"] == 0, report.requests
    assert len(world.worker_comments(key)) == len(world.record(key)["own_comments"])


def test_an_older_workers_record_has_its_repeated_reminders_read_once_more(world: World) -> None:
    """The same issue with a record of a worker that kept no list: the comments are read whole."""
    key = _reminded_twice(world)
    world.clock.advance(timedelta(seconds=30))
    world.tick()
    world.clock.advance(timedelta(seconds=30))
    prop = world.config.jira.property_key
    stored = dict(world.record(key))
    del stored["own_comments"]
    world.site.set_property(key, prop, stored)
    report = world.tick()
    assert not report.errors and not report.actions
    assert report.requests["GET issue/{key}/comment"] == 1, report.requests


def test_a_comment_the_record_does_not_list_is_read_and_its_copy_deleted(world: World) -> None:
    """A process whose record write was lost posted a copy of an action's comment: it is not in the
    record's list, so the next cold cycle reads the comments whole and deletes the later copy."""
    from worker.jira.mapping import COMMENT_PROPERTY

    key = _reminded_twice(world)
    last = world.worker_comments(key)[-1]
    world.site.add_comment(
        key,
        world.login.account_id,
        last.raw.body,
        properties={COMMENT_PROPERTY: dict(last.raw.properties[COMMENT_PROPERTY])},
    )
    count = len(world.worker_comments(key))
    world.clock.advance(timedelta(seconds=30))
    report = world.tick()
    assert report.requests["GET issue/{key}/comment"] >= 1
    assert len(world.worker_comments(key)) == count - 1


def test_after_its_next_write_an_older_workers_record_needs_no_comment_read(
    world: World,
) -> None:
    """The whole read of an older worker's record teaches the worker its comments' action ids; the
    issue's next record write lists them, and later cold cycles read nothing again."""
    key = _reminded_twice(world)
    prop = world.config.jira.property_key
    stored = dict(world.record(key))
    del stored["own_comments"]
    world.site.set_property(key, prop, stored)
    reminders = len(world.worker_comments(key))
    for _ in range(200):  # until the worker writes the record again (its next reminder)
        world.clock.advance(timedelta(minutes=10))
        world.tick()
        if len(world.worker_comments(key)) > reminders:
            break
    else:
        raise AssertionError("no further reminder in 200 ticks")
    assert len(world.record(key)["own_comments"]) == len(world.worker_comments(key))
    world.clock.advance(timedelta(seconds=30))
    world.tick()  # a tick reads back the worker's own effects once
    world.clock.advance(timedelta(seconds=30))
    report = world.tick()
    assert not report.errors and not report.actions
    assert report.requests["GET issue/{key}/comment"] == 0, report.requests


def test_due_work_after_an_action_claims_the_state_it_stored(world: World) -> None:
    """``run`` remembers each issue as its record was stored (not as decided): the next deadline,
    served from memory, claims the state Jira holds and acts, instead of finding "the record
    changed" and waiting for the next full cycle."""
    key = world.issue("Payments down", labels=("escalation-S1", "escalation-type-scope"))
    memory = Memory()
    run = cycle(world, memory=memory)
    run.run()  # routes it
    for _ in range(3):  # the next deadlines (nudge, breach, ...), as run's scheduler serves them
        before = len(world.worker_comments(key))
        due_at = memory.next_deadline()
        assert due_at is not None
        world.clock.set(due_at + timedelta(seconds=1))
        report = run.act_on(run.due_keys(world.clock.now()))
        assert not report.errors, report.errors
        assert len(world.worker_comments(key)) == before + 1
        assert key in memory.issues
