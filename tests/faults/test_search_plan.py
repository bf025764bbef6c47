"""Issue 15, the cold tick's wall time: a full cycle searches the labelled escalations in key
ranges of equal whole pages (the search plan, stored on the worker account) instead of one chain
of pages per severity. A plan that no longer fits -- issues added in other projects, labels
removed, a cut key deleted -- still finds every issue exactly once, and is made again.

Every assertion counts requests (per search, from the sandbox's log) or compares values."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from tests.e2e.harness import REPORTER, World
from tests.faults.faults_support import assert_exactly_once, cycle
from worker.cycle.cycle import Memory
from worker.cycle.search_plan import PROPERTY_KEY, SearchPlan, needs_new_plan, plan_for

PAGE = 5


def _chains(world: World, start: int) -> Counter[str]:
    """Search requests since ``start``, per JQL: a query's pages follow each other in order."""
    return Counter(
        str(e.json.get("jql"))
        for e in world.site.request_log[start:]
        if e.path.endswith("/search/jql") and isinstance(e.json, dict)
    )


def _plan(world: World) -> SearchPlan | None:
    return SearchPlan.from_json(world.site.user_property(world.login.account_id, PROPERTY_KEY))


def _escalations(
    world: World, n: int, project: str = "SHOP", label: str = "escalation-S3"
) -> list[str]:
    return [
        world.issue(f"Problem {i}", project=project, labels=(label, "escalation-type-scope"))
        for i in range(n)
    ]


def test_the_plan_splits_the_largest_severity_into_short_chains_of_full_pages(
    world: World,
) -> None:
    keys = _escalations(world, 40) + _escalations(world, 3, label="escalation-S1")
    start = len(world.site.request_log)
    first = cycle(world, page_size=PAGE).run()  # no plan yet: split by severity, then planned
    assert not first.errors
    by_severity = _chains(world, start)
    assert max(by_severity.values()) == 8  # the 40 S3 issues: one chain of 8 pages
    plan = _plan(world)
    assert plan is not None and plan.page_size == PAGE
    world.clock.advance(timedelta(minutes=1))
    cycle(world, page_size=PAGE).run()  # reads back the first cycle's writes
    world.clock.advance(timedelta(minutes=1))

    start = len(world.site.request_log)
    report = cycle(world, page_size=PAGE).run()  # a cold tick, nothing to do
    assert not report.errors and not report.actions
    assert report.issues_seen == len(keys)
    chains = _chains(world, start)
    ranged = {q: n for q, n in chains.items() if "key >=" in q or "key <" in q}
    # 43 escalations in pages of 5: 9 pages in all. Cut into ranges of ceil(9 / 8) = 2 full pages
    # (about two ranges per search slot of the default pool of 4), the last range the rest
    assert sum(ranged.values()) == 9 and max(ranged.values()) == 2
    assert len(ranged) == plan.parts == 5
    assert report.requests["PUT user/properties/{prop}"] == 0  # the plan still fits
    assert_exactly_once(world, keys)


def test_a_plan_that_no_longer_fits_finds_every_issue_once_and_is_made_again(
    world: World,
) -> None:
    keys = _escalations(world, 20)
    cycle(world, page_size=PAGE).run()
    plan = _plan(world)
    assert plan is not None and plan.parts == 4  # 4 ranges of one page
    # drift: 25 new escalations in another project (after every cut), and labels removed from
    # five issues routed long ago
    world.clock.advance(timedelta(minutes=5))
    added = _escalations(world, 25, project="PAY")
    gone = keys[3:8]
    for key in gone:
        world.site.remove_labels(key, "escalation-S3", by=REPORTER)
    world.clock.advance(timedelta(days=8))

    start = len(world.site.request_log)
    report = cycle(world, memory=Memory(), page_size=PAGE).run()  # a cold tick
    assert not report.errors
    chains = _chains(world, start)
    # PAY sorts before SHOP: the 25 new issues all fell in the first range, now a long chain
    first = next(q for q in chains if 'OR project in ("PAY", "PEOPLE"))' in q)
    assert chains[first] >= 5
    # none lost, none doubled: every issue decided once, the unlabelled ones closed
    assert report.issues_seen == len(keys) + len(added)
    for key in gone:
        assert world.record(key)["status"] == "closed"
        assert world.record(key)["outcome"]["reason"] == "label_removed"
    for key in [*keys[:3], *keys[8:], *added]:
        assert world.record(key)["status"] == "open"
    assert_exactly_once(world, [*keys, *added])
    # the plan was made again from what was found: ranges of one page over both projects
    again = _plan(world)
    assert again is not None and again != plan
    assert again.pages([*keys[:3], *keys[8:], *added]) == (8, 1)


def test_a_plan_whose_cut_key_was_deleted_is_dropped_for_the_severity_split(
    world: World,
) -> None:
    keys = _escalations(world, 20)
    cycle(world, page_size=PAGE).run()
    plan = _plan(world)
    assert plan is not None and plan.cuts
    project, number = plan.cuts[0]
    cut = f"{project}-{number}"
    world.site.delete_issue(cut)  # Jira refuses a JQL naming a key that no longer exists
    world.clock.advance(timedelta(minutes=2))

    report = cycle(world, memory=Memory(), page_size=PAGE).run()
    assert not report.errors
    left = [k for k in keys if k != cut]
    assert report.issues_seen == len(left)
    refused = [
        e
        for e in world.site.request_log
        if e.path.endswith("/search/jql") and e.status == 400 and cut in str(e.json)
    ]
    assert refused, "the planned search named the deleted key and was refused"
    again = _plan(world)
    assert again is not None and cut not in {f"{p}-{n}" for p, n in again.cuts}
    assert_exactly_once(world, left)


def test_plan_ranges_cover_every_key_of_every_watched_project_once() -> None:
    plan = plan_for([f"PAY-{i}" for i in range(1, 31)] + ["SHOP-4", "SHOP-9"], 10, 2)
    assert plan.cuts == (("PAY", 11), ("PAY", 21), ("SHOP", 4))  # 32 keys: ranges of one page
    scopes = plan.scopes(["SHOP", "PAY", "PEOPLE"])
    assert scopes == [
        '(project = "PAY" AND key < "PAY-11")',
        '(project = "PAY" AND key >= "PAY-11" AND key < "PAY-21")',
        '((project = "PAY" AND key >= "PAY-21") OR (project = "SHOP" AND key < "SHOP-4") '
        'OR project in ("PEOPLE"))',
        '(project = "SHOP" AND key >= "SHOP-4")',
    ]
    assert plan.sizes(["PAY-1", "PAY-20", "PAY-21", "PEOPLE-7", "SHOP-3", "SHOP-4"]) == [1, 1, 3, 1]
    assert SearchPlan.from_json(plan.to_json()) == plan
    assert SearchPlan.from_json({"schema": 1, "page_size": 10, "cuts": ["B-1", "A-1"]}) is None
    # kept while it fits; made again once a range grew a page past its share
    assert needs_new_plan(plan, [f"PAY-{i}" for i in range(1, 33)], 10, 2) is None
    grown = [f"PAY-{i}" for i in range(1, 60)]
    assert needs_new_plan(plan, grown, 10, 2) == plan_for(grown, 10, 2)
