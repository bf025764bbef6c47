"""Everything the client sends and the sandbox answers matches Atlassian's Confluence v2 document."""

from __future__ import annotations

import json
from typing import Any

import pytest
import requests

from tests.confluence.cf_contract import ContractError, spec, validate_request, validate_response
from tests.confluence.cf_support import EVE, USERS, InProcessAdapter
from worker.confluence.client import ConfluenceClient
from worker.confluence.publish import publish
from worker.sandbox.confluence import ConfluenceSite


class CheckingAdapter(InProcessAdapter):
    """The in-process transport, validating each exchange against the document."""

    def __init__(self, app: Any):
        super().__init__(app, USERS)
        self.checked: list[tuple[str, str, int]] = []

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        from urllib.parse import parse_qs, urlsplit

        parts = urlsplit(request.url or "")
        body = json.loads(request.body) if request.body else None
        validate_request(request.method or "", parts.path, parse_qs(parts.query), body)
        resp = super().send(request, **kwargs)
        validate_response(
            request.method or "",
            parts.path,
            resp.status_code,
            resp.json() if resp.content else None,
        )
        self.checked.append((request.method or "", parts.path, resp.status_code))
        return resp


@pytest.fixture
def checked(site: ConfluenceSite) -> tuple[ConfluenceClient, CheckingAdapter]:
    adapter = CheckingAdapter(site)
    session = requests.Session()
    session.auth = ("worker@example.com", "worker-token")
    session.mount("http://sandbox.test", adapter)
    return ConfluenceClient("http://sandbox.test", session, sleep=lambda s: None), adapter


def _go(client: ConfluenceClient, **kw: Any) -> str | None:
    args: dict[str, Any] = {
        "space_key": "PROD",
        "title": "Escalation matrix",
        "parent_id": None,
        "page_id": None,
        "storage": "<p>one</p>",
        "source_hash": "h1",
        "worker_account_id": "worker-account-0001",
    }
    args.update(kw)
    return publish(client, **args).page_id


def test_a_full_publishing_life_stays_within_the_documented_api(
    site: ConfluenceSite, checked: tuple[ConfluenceClient, CheckingAdapter]
) -> None:
    client, adapter = checked
    page_id = _go(client) or ""  # create
    _go(client)  # unchanged
    _go(client, storage="<p>two</p>", source_hash="h2")  # update
    site.edit_page_as(EVE, page_id, "<p>eve</p>")
    _go(client, source_hash="h3")  # hand edit, overwritten (reads versions)
    _go(client, title="Review 2026-03", parent_id=page_id, source_hash="r")  # child page
    client.get_page(page_id, with_body=True)
    prop = client.get_property(page_id, "escalation-worker.source")
    assert prop is not None
    client.request("GET", f"/pages/{page_id}/properties/{prop.id}")
    client.delete_property(page_id, prop)
    used = {(m, p.replace(page_id, "{id}")) for m, p, _ in adapter.checked}
    assert ("POST", "/wiki/api/v2/pages") in used and ("PUT", "/wiki/api/v2/pages/{id}") in used
    assert ("GET", "/wiki/api/v2/pages/{id}/versions") in used
    assert len(adapter.checked) >= 20


def test_the_checker_catches_a_key_in_place_of_a_property_id() -> None:
    with pytest.raises(ContractError, match="integer"):
        validate_request(
            "PUT",
            "/wiki/api/v2/pages/1/properties/escalation-worker.source",
            {},
            {"key": "k", "value": 1, "version": {"number": 2}},
        )


def test_the_checker_catches_an_undocumented_parameter_and_a_bad_body() -> None:
    with pytest.raises(ContractError, match="unknown query parameter 'spaceKey'"):
        validate_request("GET", "/wiki/api/v2/pages", {"spaceKey": ["PROD"]}, None)
    with pytest.raises(ContractError):
        validate_request(
            "PUT", "/wiki/api/v2/pages/1", {}, {"id": "1", "title": "t"}
        )  # no version/body/status


def test_the_subset_keeps_the_operations_the_worker_needs() -> None:
    ids = {op["operationId"] for item in spec()["paths"].values() for op in item.values()}
    assert {
        "getSpaces",
        "getPages",
        "createPage",
        "getPageById",
        "updatePage",
        "getPageVersions",
        "getPageContentProperties",
        "createPageProperty",
        "updatePagePropertyById",
    } <= ids


def test_the_checker_catches_a_wrong_response_shape() -> None:
    with pytest.raises(ContractError, match="string"):
        validate_response("GET", "/wiki/api/v2/pages/1", 200, {"id": 5, "title": "t"})
    with pytest.raises(ContractError, match="status 201 is not documented"):
        validate_response("POST", "/wiki/api/v2/pages", 201, {"id": "5"})
