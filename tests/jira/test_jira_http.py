"""The HTTP seam: retries, Retry-After, backoff, ambiguous writes, pacing — through ``responses``."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import TypedDict, Unpack

import pytest
import requests
import responses

from worker.jira.http import (
    AmbiguousWriteError,
    AtlassianTransport,
    AuthError,
    JiraError,
    RateLimiter,
    RetryableError,
    RetryingHttp,
    RetryPolicy,
    parse_retry_after,
)
from worker.redact import register

URL = "https://acme.atlassian.net"
SEARCH = f"{URL}/rest/api/3/search/jql"
COMMENT = f"{URL}/rest/api/3/issue/SHOP-1/comment"


class _PolicyArgs(TypedDict, total=False):
    """The fields of ``RetryPolicy`` a test may override."""

    max_attempts: int
    max_wait: float
    max_total: float
    base: float
    retry_after_default: float


def client(sleeps: list[float], **policy: Unpack[_PolicyArgs]) -> RetryingHttp:
    transport = AtlassianTransport(URL, "worker@example.com", "tok-http-test-000")
    return RetryingHttp(
        transport,
        policy=RetryPolicy(**policy) if policy else RetryPolicy(),
        limiter=RateLimiter(sleep=sleeps.append),
        sleep=sleeps.append,
        rng=random.Random(1),
    )


def test_retry_after_in_seconds_and_as_an_http_date() -> None:
    assert parse_retry_after("7") == 7.0
    now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    assert (
        parse_retry_after(format_datetime(now + timedelta(seconds=30), usegmt=True), lambda: now)
        == 30.0
    )
    assert (
        parse_retry_after(format_datetime(now - timedelta(seconds=30), usegmt=True), lambda: now)
        == 0.0
    )
    assert parse_retry_after("soon") is None and parse_retry_after(None) is None


@responses.activate
def test_429_is_retried_after_the_time_jira_asks_for() -> None:
    responses.post(
        SEARCH, status=429, headers={"Retry-After": "3"}, json={"errorMessages": ["Rate limit"]}
    )
    responses.post(
        SEARCH, status=429, headers={"Retry-After": "5"}, json={"errorMessages": ["Rate limit"]}
    )
    responses.post(SEARCH, json={"issues": [], "isLast": True})
    sleeps: list[float] = []
    http = client(sleeps)
    resp = http.call("POST", "/rest/api/3/search/jql", json={"jql": "x"}, retry_ambiguous=True)
    assert resp.status == 200
    assert len(sleeps) == 2 and 3 <= sleeps[0] < 3.3 and 5 <= sleeps[1] < 5.3
    assert http.counts["POST search/jql"] == 3 and http.retries["POST search/jql"] == 2


@responses.activate
def test_5xx_backs_off_exponentially_with_jitter_and_is_capped() -> None:
    for _ in range(4):
        responses.get(f"{URL}/rest/api/3/myself", status=503)
    responses.get(f"{URL}/rest/api/3/myself", json={"accountId": "w"})
    sleeps: list[float] = []
    http = client(sleeps, base=1.0, max_wait=3.0)
    assert http.call("GET", "/rest/api/3/myself").body == {"accountId": "w"}
    # backoff n: between half and all of min(cap, base * 2**(n-1))
    for n, s in enumerate(sleeps, start=1):
        full = min(3.0, 1.0 * 2 ** (n - 1))
        assert full / 2 <= s <= full
    assert max(sleeps) <= 3.0


@responses.activate
def test_gives_up_after_the_attempt_limit() -> None:
    for _ in range(3):
        responses.get(f"{URL}/rest/api/3/myself", status=502)
    sleeps: list[float] = []
    with pytest.raises(RetryableError):
        client(sleeps, max_attempts=3, base=0.01).call("GET", "/rest/api/3/myself")
    assert len(responses.calls) == 3


@responses.activate
def test_other_4xx_are_never_retried_and_say_why() -> None:
    responses.put(
        f"{URL}/rest/api/3/issue/SHOP-1/assignee",
        status=400,
        json={"errorMessages": [], "errors": {"assignee": "User 'x' cannot be assigned issues."}},
    )
    with pytest.raises(JiraError) as err:
        client([]).call("PUT", "/rest/api/3/issue/SHOP-1/assignee", json={"accountId": "x"})
    assert err.value.status == 400 and "cannot be assigned" in str(err.value)
    assert len(responses.calls) == 1


@responses.activate
def test_401_is_an_auth_error_with_a_hint_and_no_secret() -> None:
    register("tok-http-test-000")
    responses.get(
        f"{URL}/rest/api/3/myself",
        status=401,
        body="Authorization: Basic d29ya2VyOnRvay1odHRwLXRlc3QtMDAw",
    )
    with pytest.raises(AuthError) as err:
        client([]).call("GET", "/rest/api/3/myself")
    assert "JIRA_API_TOKEN" in str(err.value) and "tok-http-test-000" not in str(err.value)


@responses.activate
def test_a_comment_post_that_times_out_is_not_sent_again() -> None:
    responses.post(COMMENT, body=requests.ConnectTimeout("timed out"))
    with pytest.raises(AmbiguousWriteError):
        client([]).call("POST", "/rest/api/3/issue/SHOP-1/comment", json={"body": {}})
    assert len(responses.calls) == 1


@responses.activate
def test_an_idempotent_read_survives_a_dropped_connection() -> None:
    responses.post(SEARCH, body=requests.ConnectionError("connection reset"))
    responses.post(SEARCH, json={"issues": [], "isLast": True})
    sleeps: list[float] = []
    assert (
        client(sleeps, base=0.01)
        .call("POST", "/rest/api/3/search/jql", json={}, retry_ambiguous=True)
        .status
        == 200
    )
    assert len(sleeps) == 1


def test_the_limiter_keeps_under_the_per_second_and_per_issue_limits() -> None:
    now = [0.0]
    sleeps: list[float] = []

    def sleep(s: float) -> None:
        sleeps.append(s)
        now[0] += s

    limiter = RateLimiter(
        per_second={"GET": 2, "PUT": 50},
        per_issue_writes=(3, 2.0),
        clock=lambda: now[0],
        sleep=sleep,
    )
    for _ in range(3):
        limiter.acquire("GET")
    assert sleeps == [1.0]  # the third GET within the same second waits for the window
    sleeps.clear()
    for _ in range(4):
        limiter.acquire("PUT", "SHOP-1")
    assert sleeps and sum(sleeps) == pytest.approx(2.0)  # the fourth write to one issue waits 2 s
    limiter.acquire("PUT", "SHOP-2")  # another issue is not held back
    assert sum(sleeps) == pytest.approx(2.0)


@responses.activate
@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_a_comment_post_answered_5xx_is_ambiguous_not_resent(status: int) -> None:
    """Jira may have created the comment before the 5xx: no blind resend, the caller looks first."""
    responses.post(COMMENT, status=status, json={"errorMessages": ["Internal server error"]})
    with pytest.raises(AmbiguousWriteError) as err:
        client([]).call("POST", "/rest/api/3/issue/SHOP-1/comment", json={"body": {}})
    assert err.value.status == status and "may or may not" in str(err.value)
    assert len(responses.calls) == 1


@responses.activate
def test_a_comment_post_answered_429_is_a_plain_retry() -> None:
    responses.post(COMMENT, status=429, headers={"Retry-After": "1"}, json={"errorMessages": []})
    responses.post(COMMENT, status=201, json={"id": "10001"})
    sleeps: list[float] = []
    resp = client(sleeps).call("POST", "/rest/api/3/issue/SHOP-1/comment", json={"body": {}})
    assert resp.status == 201 and len(responses.calls) == 2 and len(sleeps) == 1


@responses.activate
def test_an_idempotent_post_answered_5xx_is_retried() -> None:
    responses.post(SEARCH, status=500, json={"errorMessages": ["Internal server error"]})
    responses.post(SEARCH, json={"issues": [], "isLast": True})
    resp = client([], base=0.01).call(
        "POST", "/rest/api/3/search/jql", json={}, retry_ambiguous=True
    )
    assert resp.status == 200 and len(responses.calls) == 2
