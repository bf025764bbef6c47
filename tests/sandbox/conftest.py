"""Fixtures for the sandbox tests: a seeded Jira site served over real HTTP on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests

from tests.sandbox.sandbox_support import BOT, BOT_EMAIL, BOT_TOKEN, DEV, GONE, PO, T0
from worker.sandbox.clock import SandboxClock
from worker.sandbox.jira import JiraSite
from worker.sandbox.server import SandboxServer


@pytest.fixture
def clock() -> SandboxClock:
    return SandboxClock(T0)


@pytest.fixture
def site(clock: SandboxClock) -> JiraSite:
    s = JiraSite(clock)
    s.strict_contract = True  # every request in these tests is also a contract test
    s.add_user(BOT, "Escalation Bot", email=BOT_EMAIL, api_token=BOT_TOKEN, groups=["hr-partners"])
    s.add_user(PO, "Pat Owner", email="po@example.com", api_token="po-token")
    s.add_user(DEV, "Dana Dev", email="dev@example.com")
    s.add_user(GONE, "Gil Gone", email="gone@example.com", active=False)
    s.add_project("SHOP", "Shop", components=["Checkout", "Search"])
    s.add_project("OPS", "Operations")
    return s


@pytest.fixture
def server(site: JiraSite) -> Iterator[SandboxServer]:
    with SandboxServer(site) as srv:
        yield srv
    # Strict mode turns contract breaches into 400/500 answers; make sure none slipped by unnoticed.
    assert site.contract_violations == []


@pytest.fixture
def http(server: SandboxServer) -> Iterator[requests.Session]:
    """An authenticated session as the bot; use ``api(url)`` helpers below for paths."""
    with requests.Session() as session:
        session.auth = (BOT_EMAIL, BOT_TOKEN)
        yield session


@pytest.fixture
def api(server: SandboxServer) -> str:
    return f"{server.url}/rest/api/3"
