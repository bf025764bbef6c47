"""The sandbox answers small requests without the 40 ms Nagle / delayed-ACK stall.

Each keep-alive response used to wait for the client's delayed ACK before its body left the
server (headers and body are two writes), so every request cost ~40 ms: a 10,000-issue
benchmark or a fault campaign spent most of its time asleep. The cause is Nagle's algorithm on
the server's side of each connection, so the test checks that every accepted connection has
``TCP_NODELAY`` set and that one connection carries every request. The time it saves is
measured by ``scripts/bench_budgets.py`` (60 keep-alive requests), not asserted here.
"""

from __future__ import annotations

import socket
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler
from typing import Any

import requests

from worker.sandbox.clock import SandboxClock
from worker.sandbox.jira import JiraSite
from worker.sandbox.server import SandboxServer


def test_every_connection_disables_nagle_and_keep_alive_reuses_it() -> None:
    site = JiraSite(SandboxClock(datetime(2026, 3, 2, 9, tzinfo=UTC)))
    site.add_user("acc-bot", "Bot", email="bot@example.com", api_token="token-123456")
    site.add_project("SHOP", "Shop")
    seen: list[int] = []
    with SandboxServer(site) as server:
        httpd = server._httpd
        assert httpd is not None
        handler = httpd.RequestHandlerClass
        assert isinstance(handler, type) and issubclass(handler, BaseHTTPRequestHandler)
        original = handler.setup

        def setup(self: Any) -> None:
            original(self)
            seen.append(self.connection.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))

        handler.setup = setup  # type: ignore[method-assign]
        with requests.Session() as session:
            session.auth = ("bot@example.com", "token-123456")
            for _ in range(30):
                session.get(f"{server.url}/rest/api/3/myself").raise_for_status()
                session.post(
                    f"{server.url}/rest/api/3/search/jql", json={"jql": "project = SHOP"}
                ).raise_for_status()
    assert len(seen) == 1, "keep-alive: 60 requests over one connection"
    assert all(seen), "TCP_NODELAY must be set on the accepted connection"
    assert len(site.request_log) == 60
