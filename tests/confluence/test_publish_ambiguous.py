"""Creating the page is a non-idempotent POST: an answer that leaves its fate unknown is followed by a
look-up, never by a blind resend (issue 12, ambiguous writes, for Confluence).

The sandbox carries the ``POST /pages`` out and then answers 500 or 503 (``fail_next(applied=True)``),
as a gateway failing after the write committed would; Confluence's spec documents no 5xx for that
POST, so no 5xx may be read as "not applied". A timeout after delivery is produced by the transport.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import requests

from tests.confluence.cf_support import WORKER, InProcessAdapter
from tests.confluence.test_publish import TITLE, run
from worker.confluence.client import ConfluenceClient, ConfluenceOutcomeUnknown
from worker.confluence.publish import PROPERTY_KEY, PublishError
from worker.sandbox.confluence import ConfluenceSite

PAGES = r"/pages$"


def posts(site: ConfluenceSite, path: str = "/wiki/api/v2/pages") -> int:
    return sum(1 for m, p in site.requests if m == "POST" and p == path)


@pytest.mark.parametrize("status", [500, 503])
def test_a_page_created_then_answered_5xx_is_found_not_created_again(
    site: ConfluenceSite, client: ConfluenceClient, status: int
) -> None:
    site.fail_next(status, method="POST", path=PAGES, applied=True)
    result = run(client)
    assert result.action == "created"
    pages = site.pages(title=TITLE)
    assert len(pages) == 1 and posts(site) == 1  # looked up, not re-sent
    assert result.page_id == pages[0].id
    assert pages[0].properties[PROPERTY_KEY]["hash"] == "hash-1"  # and marked as the worker's
    assert run(client).action == "unchanged"


def test_a_5xx_that_did_not_apply_is_looked_up_then_sent_once_more(
    site: ConfluenceSite, client: ConfluenceClient
) -> None:
    site.fail_next(500, method="POST", path=PAGES)  # refused before anything happened
    assert run(client).action == "created"
    assert len(site.pages(title=TITLE)) == 1 and posts(site) == 2


def test_twice_unknown_and_absent_is_an_error_and_the_next_run_creates_one_page(
    site: ConfluenceSite, client: ConfluenceClient
) -> None:
    site.fail_next(503, method="POST", path=PAGES, count=2)
    with pytest.raises(PublishError, match="no clear answer twice"):
        run(client)
    assert site.pages(title=TITLE) == [] and posts(site) == 2
    assert run(client).action == "created" and len(site.pages(title=TITLE)) == 1


def test_a_page_created_but_never_marked_is_taken_back_not_left_as_someone_elses(
    site: ConfluenceSite, client: ConfluenceClient
) -> None:
    """The run died after the page and before its property (here: twice unknown, both applied)."""
    site.fail_next(500, method="POST", path=PAGES, applied=True)
    site.fail_next(500, method="POST", path=r"/properties$", count=2, applied=False)
    with pytest.raises(ConfluenceOutcomeUnknown):
        run(client)
    (page,) = site.pages(title=TITLE)
    assert PROPERTY_KEY not in page.properties
    again = run(client, storage="<p>v2</p>", source_hash="hash-2")
    assert again.action == "updated" and again.page_id == page.id
    (page,) = site.pages(title=TITLE)
    assert page.properties[PROPERTY_KEY]["hash"] == "hash-2" and posts(site) == 1


def test_an_unmarked_page_of_another_author_is_still_left_alone(
    site: ConfluenceSite, make_client: Callable[..., ConfluenceClient]
) -> None:
    eve = make_client("eve@example.com", "eve-token")
    space = eve.space_by_key("PROD")
    eve.create_page(space_id=space.id, title=TITLE, storage="<p>mine</p>", parent_id=None)
    assert run(make_client()).action == "skipped_not_owned"


class _TimeoutAfterDelivery(InProcessAdapter):
    """The request reaches the site, then the answer is lost (a read timeout)."""

    lose: int = 1

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        resp = super().send(request, **kwargs)
        if request.method == "POST" and (request.url or "").endswith("/pages") and self.lose:
            self.lose -= 1
            raise requests.ReadTimeout("read timed out")
        return resp


def test_a_timeout_after_delivery_is_looked_up_not_resent(
    site: ConfluenceSite, make_client: Callable[..., ConfluenceClient]
) -> None:
    from tests.confluence.cf_support import USERS

    client = make_client()
    client.session.mount("http://sandbox.test", _TimeoutAfterDelivery(site, USERS))
    assert run(client).action == "created"
    assert len(site.pages(title=TITLE)) == 1 and posts(site) == 1
    assert site.pages(title=TITLE)[0].properties[PROPERTY_KEY]["version"] == 1
    assert site.pages(title=TITLE)[0].version_authors == (WORKER,)
