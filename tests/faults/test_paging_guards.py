"""Bounded paging (issue 12 item 6): a server whose listings never end cannot keep the worker looping.

The sandbox's :class:`EndlessPager` makes one listing misbehave the way a broken server or proxy
would -- fresh cursors forever, the same cursor again, ``isLast: false`` with no cursor, ``startAt``
ignored -- and every paging loop of the worker must stop with one clear line after a bounded
number of requests. (Before the guards, ``explain`` against such a server sent 1,316 requests in
120 s and never ended.)
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from tests.e2e.harness import REPORTER
from tests.faults.faults_support import cycle, make_world
from tests.support import ROOT, paris
from worker import paging
from worker.config.model import Config
from worker.jira.gateway import JiraGateway, JiraPagingError
from worker.sandbox.pagers import EndlessPager, Mode

START = paris(2026, 3, 2, 9, 0)

LISTINGS: dict[str, tuple[str, int, Callable[[JiraGateway, str, str], Any]]] = {
    # name: (path regex, page cap, call)
    "search": (
        r"/search/jql$",
        paging.SEARCH_PAGES,
        lambda g, key, _: list(g.search("project = SHOP")),
    ),
    "bulkfetch": (
        r"/changelog/bulkfetch$",
        paging.BULK_CHANGELOG_PAGES,
        lambda g, _, issue_id: g.bulk_changelog([issue_id]),
    ),
    "changelog": (r"/changelog$", paging.ISSUE_CHANGELOG_PAGES, lambda g, key, _: g.changelog(key)),
    "comments": (r"/comment$", paging.ISSUE_COMMENT_PAGES, lambda g, key, _: g.comments(key)),
    "users": (
        r"/user/bulk$",
        paging.USER_PAGES,
        lambda g, _, __: g.users_active([g.myself()["accountId"]]),
    ),
}
CASES = [
    (name, mode)
    for name in LISTINGS
    for mode in ("fresh", "repeat", "absent")
    if mode != "absent" or name == "search"
]


@pytest.mark.parametrize(
    ("listing", "mode"),
    [
        pytest.param(*case, marks=pytest.mark.slow)
        if case[1] == "fresh" and LISTINGS[case[0]][1] >= 1000
        else case
        for case in CASES
    ],
)
def test_every_jira_listing_stops_after_a_bounded_number_of_pages(
    example_config: Config, listing: str, mode: Mode
) -> None:
    path, cap, call = LISTINGS[listing]
    pager = EndlessPager(path, mode)
    with make_world(example_config, START, hooks=(pager,)) as world:
        pager.site = world.site
        key = world.issue("Checkout down")
        world.site.add_comment(key, world.login.account_id, "a comment", at=START)
        issue_id = world.site.issue(key).id
        gateway = cycle(world).gateway
        with pytest.raises(JiraPagingError) as info:
            call(gateway, key, str(issue_id))  # Jira's REST API gives issue ids as strings
    message = str(info.value)
    assert "\n" not in message and "stopped after" in message, message
    if mode == "fresh":
        assert pager.requests == cap, (pager.requests, message)
        assert f"more than {cap} pages" in message
    else:  # a repeated or absent cursor is caught on the page that shows it
        assert pager.requests == (1 if mode == "absent" else 2), (pager.requests, message)
    assert pager.contract_violations == []


@pytest.mark.parametrize(
    ("path", "mode", "requests"),
    [
        (r"/search/jql$", "repeat", 2),
        (r"/search/jql$", "absent", 1),
        (r"/changelog/bulkfetch$", "repeat", 2),
    ],
)
def test_a_cycle_stops_with_one_error_when_a_listing_never_ends(
    example_config: Config, path: str, mode: Mode, requests: int
) -> None:
    pager = EndlessPager(path, mode)
    with make_world(example_config, START, hooks=(pager,)) as world:
        pager.site = world.site
        world.issue("Checkout down")
        c = cycle(world)
        c.concurrency = 1  # search partitions one after the other: the count is that of one listing
        with pytest.raises(JiraPagingError) as info:
            c.run()
        assert world.site.comments("SHOP-1") == []  # nothing acted on half-read data
    assert pager.requests == requests
    message = str(info.value)
    assert message.startswith("Jira ") and "stopped after" in message and "\n" not in message


# slow (fresh): a process reading 200 endless pages (~2 s); the repeat case takes the same path to
# the same one line in two pages, and the fresh cap of both listings is counted in process by
# test_every_jira_listing_stops_after_a_bounded_number_of_pages
@pytest.mark.parametrize("mode", [pytest.param("fresh", marks=pytest.mark.slow), "repeat"])
def test_explain_stops_with_one_clear_line(example_config: Config, mode: Mode) -> None:
    pager = EndlessPager(r"/issue/[^/]+/(changelog|comment)$", mode)
    with make_world(example_config, START, hooks=(pager,)) as world:
        pager.site = world.site
        key = world.issue("Checkout down")
        res = subprocess.run(
            [sys.executable, "-m", "worker", "explain", key, "--config", "config.example.yaml"],
            cwd=ROOT,
            env={"PATH": "/usr/bin:/bin", **world.env()},
            capture_output=True,
            text=True,
            timeout=300,
        )
    assert res.returncode == 1, (res.returncode, res.stdout, res.stderr)
    lines = [line for line in res.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, res.stderr
    assert "stopped after" in lines[0] and "==> " in lines[0] and "Traceback" not in res.stderr
    bound = paging.ISSUE_CHANGELOG_PAGES + paging.ISSUE_COMMENT_PAGES
    assert pager.requests <= bound, pager.requests


def test_tick_stops_with_one_clear_line_when_the_search_repeats_its_cursor(
    example_config: Config,
) -> None:
    pager = EndlessPager(r"/search/jql$", "repeat")
    with make_world(example_config, START, hooks=(pager,)) as world:
        pager.site = world.site
        world.issue("Checkout down")
        res = subprocess.run(
            [sys.executable, "-m", "worker", "tick", "--config", "config.example.yaml"],
            cwd=ROOT,
            env={"PATH": "/usr/bin:/bin", **world.env()},
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert world.site.comments("SHOP-1") == []
    assert res.returncode == 1, (res.returncode, res.stdout, res.stderr)
    assert "Traceback" not in res.stdout + res.stderr
    # tick logs (JSON lines on stdout); the failure is one error event with a one-line message
    errors = [e for e in map(json.loads, res.stdout.splitlines()) if e["level"] == "error"]
    assert len(errors) == 1, errors
    message = errors[0]["error"]
    assert "Jira search: the server sent the same page cursor twice" in message
    assert "==> " in message and "\n" not in message
    # a full cycle pages its search partitions (one per severity label, the watched issues, the
    # relabelled ones) in parallel: each stops at its second page
    assert pager.requests <= 2 * 6


# slow (fresh): a cycle reading 100 endless pages of 25 comments (~2 s); the repeat case skips the
# issue by the same path, and the fresh cap is counted by the listing test above
@pytest.mark.parametrize("mode", [pytest.param("fresh", marks=pytest.mark.slow), "repeat"])
def test_one_issue_with_endless_comments_is_skipped_and_the_others_are_handled(
    example_config: Config, mode: Mode
) -> None:
    """Issue 12: an issue whose own comment listing never ends is left out with an error naming it;
    the cycle goes on and routes the other issues (before: the whole cycle stopped)."""
    pager = EndlessPager(r"/issue/SHOP-1/comment$", mode)
    with make_world(example_config, START, hooks=(pager,)) as world:
        pager.site = world.site
        stuck = world.issue("Checkout down")
        assert not cycle(world).run().errors  # routed; its record waits for an acknowledgement
        before = pager.requests  # (no comments yet: an endless listing of nothing ends at once)
        # more comments than a search embeds: the next cycle must read this issue's comments
        world.clock.advance(timedelta(minutes=1))
        for n in range(25):
            world.site.add_comment(stuck, REPORTER, f"update {n}", at=world.clock.now())
        others = [world.issue("Search slow"), world.issue("Refunds stuck")]
        c = cycle(world)
        report = c.run()
        bound = paging.ISSUE_COMMENT_PAGES if mode == "fresh" else 2
        assert 0 < pager.requests - before <= bound
        assert len(report.errors) == 1, report.errors
        (error,) = report.errors
        assert error.startswith(f"{stuck}: skipped: ") and "stopped after" in error
        assert "\n" not in error
        for key in others:  # handled in the same cycle
            assert world.worker_comments(key), key
            assert world.record(key)["status"] == "open"
        assert len(world.worker_comments(stuck)) == 1  # nothing acted on half-read data
    assert pager.contract_violations == []
