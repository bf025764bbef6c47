"""Confluence listings are bounded (issue 12 item 6): a never-ending ``_links.next`` stops the client."""

from __future__ import annotations

import pytest
import requests

from tests.confluence.cf_support import USERS, InProcessAdapter
from worker import paging
from worker.confluence.client import ConfluenceClient, ConfluencePagingError
from worker.remote_errors import from_remote
from worker.sandbox.confluence import ConfluenceSite
from worker.sandbox.pagers import EndlessPager, Mode


@pytest.mark.parametrize(
    ("mode", "requests_made"), [("fresh", paging.CONFLUENCE_PAGES), ("repeat", 2)]
)
def test_a_listing_that_never_ends_stops_with_one_line(
    site: ConfluenceSite, mode: Mode, requests_made: int
) -> None:
    pager = EndlessPager(r"/pages$", mode, site=site)
    session = requests.Session()
    session.auth = ("worker@example.com", "worker-token")
    session.mount("http://sandbox.test", InProcessAdapter(pager, USERS))
    client = ConfluenceClient("http://sandbox.test", session, sleep=lambda _: None)
    with pytest.raises(ConfluencePagingError) as info:
        client.find_pages("Escalation matrix")
    assert pager.requests == requests_made == client.requests_made
    problem = from_remote(info.value, site="Confluence")
    assert problem is not None and "\n" not in problem.line()
    assert "stopped after" in problem.line() and "==> " in problem.line()
