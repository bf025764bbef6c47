"""Issue 15, what the benchmark at N = 10,000 found: a chunk of 1,000 moved issues costs one bulk
changelog request (the spec lets a page hold 10,000 histories), and what a cycle holds per issue is
kept small (Jira's avatars and links are dropped on arrival; remembered issues are packed).

Every assertion counts requests or compares values; none measures time or memory."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from tests.e2e.harness import REPORTER, World
from tests.faults.faults_support import assert_exactly_once, cycle
from worker.cycle.cycle import Cached, Memory
from worker.jira.gateway import lean


def test_a_chunk_of_moved_issues_costs_one_bulk_changelog_request_beyond_1000_histories(
    world: World,
) -> None:
    keys = []
    for i in range(40):
        key = world.site.create_issue("SHOP", f"Problem {i}", reporter=REPORTER)
        for j in range(30):  # a long label history: 40 x 30 = 1,200 histories in all
            world.site.add_labels(key, f"note-{j}", by=REPORTER)
        world.site.add_labels(key, "escalation-S3", "escalation-type-scope", by=REPORTER)
        keys.append(key)
    world.tick()  # routes all forty
    world.clock.advance(timedelta(minutes=1))
    for key in keys:  # people change every issue: each is read again, its changelog in bulk
        world.site.add_labels(key, "customer-impact", by=REPORTER)
    world.clock.advance(timedelta(minutes=1))
    start = len(world.site.request_log)

    report = cycle(world, memory=Memory()).run()  # a cold tick over 40 moved issues

    assert not report.errors
    bulk = [e for e in world.site.request_log[start:] if e.path.endswith("/changelog/bulkfetch")]
    histories = sum(len(world.site.histories(k)) for k in keys)
    assert histories > 1000
    assert report.requests["POST changelog/bulkfetch"] == len(bulk) == 1
    assert_exactly_once(world, keys)  # asserts the exactly-once invariants itself


def test_avatars_and_links_are_dropped_but_stored_properties_are_kept() -> None:
    record = {"self": "kept", "avatarUrls": {"16x16": "kept"}, "status": "open"}
    issue: dict[str, Any] = {
        "self": "https://x/rest/api/3/issue/1",
        "expand": "renderedFields",
        "key": "SHOP-1",
        "properties": {"escalation": record},
        "fields": {
            "assignee": {"accountId": "a1", "avatarUrls": {"16x16": "u"}, "self": "u"},
            "comment": {
                "comments": [
                    {
                        "id": "7",
                        "author": {"accountId": "a2", "avatarUrls": {}},
                        "updateAuthor": {"accountId": "a2"},
                        "jsdPublic": True,
                        "body": {"type": "doc", "content": []},
                    }
                ]
            },
        },
    }
    lean([issue])
    assert "self" not in issue and "expand" not in issue
    assert issue["fields"]["assignee"] == {"accountId": "a1"}
    assert issue["fields"]["comment"]["comments"][0] == {
        "id": "7",
        "author": {"accountId": "a2"},
        "body": {"type": "doc", "content": []},
    }
    assert issue["properties"] == {
        "escalation": {"self": "kept", "avatarUrls": {"16x16": "kept"}, "status": "open"}
    }


def test_a_remembered_issue_unpacks_to_what_was_remembered(world: World) -> None:
    key = world.issue("Refund stuck")
    world.tick()
    loaded = cycle(world).gatherer.load_one(key)
    assert loaded is not None and loaded.record is not None
    due = loaded.record.current.ack_due
    cached = Cached(loaded, due)
    assert cached.loaded == loaded
    assert cached.loaded.snapshot.comments == loaded.snapshot.comments
    assert (cached.updated, cached.next_at, cached.is_open) == (loaded.snapshot.updated, due, True)
    assert not cached.notify_retry


def test_a_full_resync_keeps_unchanged_remembered_issues_as_they_were_packed(world: World) -> None:
    """Re-packing every remembered issue in each full resync was the resync's peak memory; an
    issue decided with no change keeps the very object it was remembered as."""
    keys = [world.issue(f"Problem {i}") for i in range(6)]
    memory = Memory()
    run = cycle(world, memory=memory)
    run.run()  # routes all six
    world.clock.advance(timedelta(minutes=1))
    run.run()  # reads back its own effects
    world.clock.advance(timedelta(minutes=1))
    world.site.add_labels(keys[0], "customer-impact", by=REPORTER)  # one issue changed by people
    before = {k: memory.issues[k] for k in keys}
    memory.last_full_at = None  # the next cycle is a full resync

    report = run.run()
    assert report.mode == "full" and not report.errors
    assert memory.issues[keys[0]] is not before[keys[0]]  # changed: read and remembered again
    for key in keys[1:]:
        assert memory.issues[key] is before[key]
        assert memory.issues[key].loaded == before[key].loaded


def test_comment_bodies_in_search_pages_arrive_as_the_text_the_worker_reads() -> None:
    """ADF trees of embedded comments are flattened on arrival; the mapped comment is the same."""
    from worker.jira.gateway import flat_comments
    from worker.jira.mapping import comment_from_json

    adf = {
        "type": "doc",
        "version": 1,
        "content": [
            {
                "type": "paragraph",
                "content": [
                    {"type": "mention", "attrs": {"id": "a1", "text": "@Ana"}},
                    {"type": "text", "text": " on it"},
                ],
            }
        ],
    }
    raw = {"id": "7", "author": {"accountId": "a2"}, "created": "2026-03-02T09:00:00.000+0000"}
    before = comment_from_json({**raw, "body": adf})
    issue: dict[str, Any] = {
        "key": "SHOP-1",
        "fields": {"comment": {"comments": [{**raw, "body": adf}]}},
    }
    flat_comments([issue])
    body = issue["fields"]["comment"]["comments"][0]["body"]
    assert isinstance(body, str) and "@Ana" in body
    assert comment_from_json(issue["fields"]["comment"]["comments"][0]) == before


def test_a_resync_holding_the_memory_of_many_issues_pages_with_half_the_pool(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A cold full cycle (a cron tick) pages its search with the whole pool; ``run``'s periodic
    resync, which already holds the memory of many issues, with half of it (two search pages in
    flight fewer: the resync's peak RSS at N = 10,000)."""
    from worker.jira.gateway import JiraGateway

    widths: list[int] = []
    original = JiraGateway.search_partitioned

    def recorded(self: JiraGateway, queries: Any, **kw: Any) -> Any:
        widths.append(kw["concurrency"])
        return original(self, queries, **kw)

    monkeypatch.setattr(JiraGateway, "search_partitioned", recorded)
    for i in range(6):
        world.issue(f"Problem {i}")
    memory = Memory()
    run = cycle(world, memory=memory)
    run.narrow_search_from = 5
    assert run.run().mode == "full"  # first cycle: nothing in memory yet
    first = list(widths)
    world.clock.advance(timedelta(minutes=1))
    memory.last_full_at = None  # the next cycle is a full resync
    widths.clear()
    assert run.run().mode == "full"
    assert first and set(first) == {run.concurrency}
    assert widths and set(widths) == {run.concurrency // 2}
