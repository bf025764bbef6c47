"""Injected faults, each observed through a real ``requests`` client."""

from __future__ import annotations

from email.utils import parsedate_to_datetime

import pytest
import requests

from tests.sandbox.sandbox_support import PO
from worker.sandbox.faults import FaultPlan, FaultRule
from worker.sandbox.jira import JiraSite
from worker.sandbox.server import SandboxServer


def test_status_429_with_retry_after_seconds_then_recovers(
    site: JiraSite, http: requests.Session, api: str
) -> None:
    site.faults.add(
        FaultRule(kind="status", status=429, retry_after=7, path=r"/search/jql$", times=2)
    )
    codes = []
    for _ in range(3):
        resp = http.post(f"{api}/search/jql", json={"jql": "project = SHOP"})
        codes.append(resp.status_code)
        if resp.status_code == 429:
            assert resp.headers["Retry-After"] == "7"
            assert resp.json()["errorMessages"]
    assert codes == [429, 429, 200]
    faulted = [r for r in site.request_log if r.fault]
    assert [(r.fault, r.status, r.endpoint) for r in faulted] == [
        ("status", 429, "POST /rest/api/3/search/jql")
    ] * 2
    assert site.counts_by_endpoint()["POST /rest/api/3/search/jql"] == 3


def test_status_429_with_http_date_retry_after(
    http: requests.Session, api: str, site: JiraSite
) -> None:
    site.faults.wall = lambda: 1_800_000_000.0  # the wall clock, fixed
    site.faults.add(
        FaultRule(kind="status", status=429, retry_after=30, retry_after_http_date=True)
    )
    resp = http.get(f"{api}/myself")
    assert resp.status_code == 429
    when = parsedate_to_datetime(resp.headers["Retry-After"])
    assert when.timestamp() == 1_800_000_030


@pytest.mark.parametrize("status", [500, 502, 503])
def test_server_errors_only_hit_matching_method_and_path(
    site: JiraSite, http: requests.Session, api: str, status: int
) -> None:
    key = site.create_issue("SHOP", "x", reporter=PO)
    site.faults.add(
        FaultRule(kind="status", status=status, method="PUT", path=r"/properties/", times=1)
    )
    assert http.get(f"{api}/issue/{key}/properties/p").status_code == 404  # GET is not matched
    assert http.put(f"{api}/issue/{key}/properties/p", json=1).status_code == status
    assert site.property(key, "p") is None  # the faulted write had no effect
    assert http.put(f"{api}/issue/{key}/properties/p", json=1).status_code == 201


def test_latency_delays_the_answer(
    site: JiraSite, server: SandboxServer, http: requests.Session, api: str
) -> None:
    stalls: list[float] = []
    server.stall = stalls.append  # the wait is recorded, not slept (no wall-clock assertion)
    site.faults.add(FaultRule(kind="latency", seconds=0.3, path="/myself"))
    assert http.get(f"{api}/myself").status_code == 200
    assert stalls == [0.3]
    assert http.get(f"{api}/myself").status_code == 200  # times=1 by default: once
    assert stalls == [0.3]


def test_drop_closes_the_connection_without_answer(
    site: JiraSite, http: requests.Session, api: str
) -> None:
    key = site.create_issue("SHOP", "x", reporter=PO)
    site.faults.add(FaultRule(kind="drop", method="POST", path=r"/comment$"))
    body = {
        "body": {
            "type": "doc",
            "version": 1,
            "content": [{"type": "paragraph", "content": [{"type": "text", "text": "hi"}]}],
        }
    }
    with pytest.raises(requests.ConnectionError):
        http.post(f"{api}/issue/{key}/comment", json=body)
    assert site.comments(key) == []
    assert http.post(f"{api}/issue/{key}/comment", json=body).status_code == 201


def test_timeout_applies_the_write_but_the_client_never_hears(
    site: JiraSite, http: requests.Session, api: str
) -> None:
    key = site.create_issue("SHOP", "x", reporter=PO)
    site.faults.add(FaultRule(kind="timeout", seconds=0.6, method="POST", path=r"/comment$"))
    body = {
        "body": {
            "type": "doc",
            "version": 1,
            "content": [{"type": "paragraph", "content": [{"type": "text", "text": "hi"}]}],
        }
    }
    with pytest.raises(requests.Timeout):
        http.post(f"{api}/issue/{key}/comment", json=body, timeout=0.2)
    assert len(site.comments(key)) == 1  # the effect landed: a retry must dedupe first


_HI = {
    "body": {
        "type": "doc",
        "version": 1,
        "content": [{"type": "paragraph", "content": [{"type": "text", "text": "hi"}]}],
    }
}


@pytest.mark.parametrize("status", [500, 503])
def test_applied_status_commits_the_write_then_answers_5xx(
    site: JiraSite, http: requests.Session, api: str, status: int
) -> None:
    key = site.create_issue("SHOP", "x", reporter=PO)
    site.faults.add(
        FaultRule(kind="applied_status", status=status, method="POST", path=r"/comment$")
    )
    resp = http.post(f"{api}/issue/{key}/comment", json=_HI)
    assert resp.status_code == status and resp.json()["errorMessages"]
    assert len(site.comments(key)) == 1  # the comment exists although the client saw an error
    assert site.faults.injected == [("applied_status", "POST", f"/rest/api/3/issue/{key}/comment")]
    assert http.post(f"{api}/issue/{key}/comment", json=_HI).status_code == 201  # times=1


def test_applied_drop_commits_the_write_then_closes_the_connection(
    site: JiraSite, http: requests.Session, api: str
) -> None:
    key = site.create_issue("SHOP", "x", reporter=PO)
    site.faults.add(FaultRule(kind="applied_drop", method="POST", path=r"/comment$"))
    with pytest.raises(requests.ConnectionError):
        http.post(f"{api}/issue/{key}/comment", json=_HI)
    assert len(site.comments(key)) == 1


def test_probability_is_seeded_and_partial() -> None:
    plan = FaultPlan()
    plan.add(FaultRule(kind="status", status=503, probability=0.5, times=None))
    fired = sum(plan.decide("GET", "/rest/api/3/myself") is not None for _ in range(200))
    assert 60 < fired < 140


def test_rate_limiter_per_endpoint_class(site: JiraSite, http: requests.Session, api: str) -> None:
    site.faults.rate_limit("search", per_second=0.5, burst=2)
    codes = [http.post(f"{api}/search/jql", json={"jql": ""}).status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    limited = http.post(f"{api}/search/jql", json={"jql": ""})
    assert limited.status_code == 429 and int(limited.headers["Retry-After"]) >= 1
    assert http.get(f"{api}/myself").status_code == 200  # other classes are not limited


def test_rate_limiter_refills_over_time() -> None:
    now = [0.0]
    plan = FaultPlan(monotonic=lambda: now[0])
    plan.rate_limit("write", per_second=10, burst=1)
    assert plan.decide("PUT", "/x") is None
    blocked = plan.decide("PUT", "/x")
    assert blocked is not None and blocked.status == 429
    now[0] += 0.1
    assert plan.decide("PUT", "/x") is None


def test_faults_configured_over_http(
    site: JiraSite, server: SandboxServer, http: requests.Session, api: str
) -> None:
    resp = requests.post(
        f"{server.url}/_sandbox/faults",
        timeout=5,
        json={
            "rules": [{"kind": "status", "status": 503, "path": "/myself", "times": 1}],
            "rate_limits": {"write": {"per_second": 100}},
        },
    )
    assert resp.status_code == 200 and resp.json()["rules"][0]["status"] == 503
    assert http.get(f"{api}/myself").status_code == 503
    assert http.get(f"{api}/myself").status_code == 200
    cleared = requests.post(f"{server.url}/_sandbox/faults", json={"clear": True}, timeout=5).json()
    assert cleared == {"rules": [], "rate_limits": {}}
    bad = requests.post(
        f"{server.url}/_sandbox/faults", json={"rules": [{"kind": "explode"}]}, timeout=5
    )
    assert bad.status_code == 400
