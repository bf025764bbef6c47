"""The sandbox's latency model: off by default; when on, each request waits a draw from its
endpoint class (search, bulk changelog, other GET, write), counted from the request's arrival, so
the sandbox's own work is part of the delay, not added to it. Delays are recorded, not slept."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import requests

from worker.sandbox.clock import SandboxClock
from worker.sandbox.jira import JiraSite
from worker.sandbox.latency import ASSUMED, LatencyModel, endpoint_class
from worker.sandbox.server import SandboxServer


def _site() -> JiraSite:
    site = JiraSite(SandboxClock(datetime(2026, 3, 2, 9, tzinfo=UTC)))
    site.add_user("acc-bot", "Bot", email="bot@example.com", api_token="token-123456")
    site.add_project("SHOP", "Shop")
    site.create_issue("SHOP", "one", reporter="acc-bot")
    return site


def test_latency_is_off_by_default() -> None:
    assert SandboxServer(_site()).latency is None


def test_each_request_waits_a_draw_from_its_endpoint_class() -> None:
    slept: list[float] = []
    model = LatencyModel.assumed()
    model._sleep = slept.append
    with SandboxServer(_site(), latency=model) as server, requests.Session() as s:
        s.auth = ("bot@example.com", "token-123456")
        api = f"{server.url}/rest/api/3"
        s.get(f"{api}/myself").raise_for_status()
        s.post(f"{api}/search/jql", json={"jql": "project = SHOP"}).raise_for_status()
        s.post(f"{api}/changelog/bulkfetch", json={"issueIdsOrKeys": ["SHOP-1"]}).raise_for_status()
        s.put(f"{api}/issue/SHOP-1/properties/p", json={"v": 1}).raise_for_status()
    assert model.counts == {"get": 1, "search": 1, "bulk_changelog": 1, "write": 1}
    assert len(slept) == 4 and all(x > 0 for x in slept)


def test_draws_center_on_the_assumed_medians() -> None:
    model = LatencyModel.assumed()
    for kind, path, method in (
        ("search", "/rest/api/3/search/jql", "POST"),
        ("bulk_changelog", "/rest/api/3/changelog/bulkfetch", "POST"),
        ("get", "/rest/api/3/issue/A-1", "GET"),
        ("write", "/rest/api/3/issue/A-1/comment", "POST"),
    ):
        assert endpoint_class(method, path) == kind
        draws = sorted(model.delay_for(method, path) for _ in range(2001))
        median = draws[1000]
        assert 0.8 * ASSUMED[kind].median_s < median < 1.2 * ASSUMED[kind].median_s


def test_the_sandbox_s_own_work_counts_towards_the_delay() -> None:
    """A draw is arrival-to-answer: work done in between is taken off the sleep, and work that
    outlasts the draw adds no sleep at all (the answer is late by the overrun, never early)."""
    clock = [100.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        clock[0] += seconds

    model = LatencyModel.assumed(sleep=sleep, monotonic=lambda: clock[0])
    at = model.answer_at("POST", "/rest/api/3/search/jql")
    drawn = model.total_s
    assert at == 100.0 + drawn
    clock[0] += drawn / 4  # rendering the page took a quarter of the draw
    model.until(at)
    assert slept == [pytest.approx(drawn * 3 / 4)] and clock[0] == pytest.approx(at)
    late = model.answer_at("GET", "/rest/api/3/myself")
    clock[0] = late + 0.5  # the work took longer than the draw
    model.until(late)
    assert len(slept) == 1
