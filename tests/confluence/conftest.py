"""Fixtures: a sandbox Confluence site and a real ``ConfluenceClient`` wired to it in-process."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
import requests

from tests.confluence.cf_support import USERS, InProcessAdapter
from worker.confluence.client import ConfluenceClient
from worker.sandbox.clock import SandboxClock
from worker.sandbox.confluence import ConfluenceSite


@pytest.fixture
def clock() -> SandboxClock:
    return SandboxClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))


@pytest.fixture
def site(clock: SandboxClock) -> ConfluenceSite:
    s = ConfluenceSite(clock, page_size=2)  # tiny pages so cursors are exercised
    s.add_space("PROD", "Product")
    s.add_space("OPS", "Operations")
    return s


Sleeps = list[float]


@pytest.fixture
def sleeps() -> Sleeps:
    return []


@pytest.fixture
def make_client(site: ConfluenceSite, sleeps: Sleeps) -> Callable[..., ConfluenceClient]:
    def make(
        email: str = "worker@example.com", token: str = "worker-token", **kwargs: Any
    ) -> ConfluenceClient:
        session = requests.Session()
        session.auth = (email, token)
        session.mount("http://sandbox.test", InProcessAdapter(site, USERS))
        kwargs.setdefault("sleep", sleeps.append)
        return ConfluenceClient("http://sandbox.test", session, **kwargs)

    return make


@pytest.fixture
def client(make_client: Callable[..., ConfluenceClient]) -> ConfluenceClient:
    return make_client()
