"""A fractional client timeout is honoured (atlassian-python-api would truncate 0.5 s to 0 and fail)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import requests

from worker.jira.http import AtlassianTransport
from worker.sandbox.clock import SandboxClock
from worker.sandbox.faults import FaultRule
from worker.sandbox.jira import JiraSite
from worker.sandbox.server import SandboxServer


def test_sub_second_timeout_is_applied() -> None:
    site = JiraSite(SandboxClock(datetime(2026, 3, 2, 9, tzinfo=UTC)))
    site.add_user("acc-bot", "Bot", email="bot@example.com", api_token="token-123456")
    site.faults.add(FaultRule(kind="timeout", seconds=1.5, path=r"/myself$", times=1))
    with SandboxServer(site) as server:
        transport = AtlassianTransport(server.url, "bot@example.com", "token-123456", timeout=0.3)
        # without the sub-second timeout the stalled answer would arrive (200) after 1.5 s
        with pytest.raises(requests.Timeout):
            transport.send("GET", "/rest/api/3/myself")
        assert transport.send("GET", "/rest/api/3/myself").status == 200
