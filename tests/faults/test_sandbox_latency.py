"""The sandbox answers small requests without the 40 ms Nagle / delayed-ACK stall.

Each keep-alive response used to wait for the client's delayed ACK before its body left the
server (headers and body are two writes), so every request cost ~40 ms: a 10,000-issue
benchmark or a fault campaign spent most of its time asleep.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

import requests

from worker.sandbox.clock import SandboxClock
from worker.sandbox.jira import JiraSite
from worker.sandbox.server import SandboxServer


def test_sequential_keep_alive_requests_are_not_delayed() -> None:
    site = JiraSite(SandboxClock(datetime(2026, 3, 2, 9, tzinfo=UTC)))
    site.add_user("acc-bot", "Bot", email="bot@example.com", api_token="token-123456")
    site.add_project("SHOP", "Shop")
    with SandboxServer(site) as server, requests.Session() as session:
        session.auth = ("bot@example.com", "token-123456")
        session.get(f"{server.url}/rest/api/3/myself").raise_for_status()  # connect once
        started = time.perf_counter()
        for _ in range(30):
            session.get(f"{server.url}/rest/api/3/myself").raise_for_status()
            session.post(
                f"{server.url}/rest/api/3/search/jql", json={"jql": "project = SHOP"}
            ).raise_for_status()
        elapsed = time.perf_counter() - started
    # 60 requests: ~2.6 s with the stall, well under 0.1 s without it on loopback
    assert elapsed < 1.0, f"60 keep-alive requests took {elapsed:.2f}s"
