"""A full cycle loads changed issues a chunk at a time while search pages are still arriving, so the
raw JSON of every issue is never held at once (at 10,000 issues that was ~150 MB of peak memory)."""

from __future__ import annotations

from tests.e2e.harness import World
from tests.faults.faults_support import assert_exactly_once, cycle


def test_changed_issues_are_loaded_between_search_pages(world: World) -> None:
    keys = [world.issue(f"Problem {i}") for i in range(5)]
    c = cycle(world, page_size=2)
    c.load_chunk = 2
    c.concurrency = 1  # one search partition after the other, to see the order
    start = len(world.site.request_log)
    report = c.run(dry_run=True)
    assert report.issues_seen == 5 and not report.errors
    calls = [
        ("next" if (e.json or {}).get("nextPageToken") else "jql")
        if e.endpoint.endswith("/search/jql")
        else "bulkfetch"
        for e in world.site.request_log[start:]
        if e.endpoint.endswith(("/search/jql", "/changelog/bulkfetch"))
    ]
    # the bulk changelog of the first two issues is read before the later pages of their search
    # arrive -- not every page first
    assert calls.count("bulkfetch") == 3
    assert calls.index("bulkfetch") < calls.index("next")
    assert calls[-1] == "bulkfetch"
    c.run()
    assert_exactly_once(world, keys)
