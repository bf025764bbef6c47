"""The sandbox extension the review needs: issue links and free custom fields, over real HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import requests

from worker.sandbox.clock import SandboxClock
from worker.sandbox.jira import JiraSite
from worker.sandbox.server import SandboxServer

AUTH = ("bot@example.com", "t")


@pytest.fixture
def site() -> Iterator[tuple[JiraSite, str]]:
    s = JiraSite(SandboxClock(datetime(2026, 3, 2, 9, tzinfo=UTC)))
    s.strict_contract = True
    s.add_user("acc-bot", "Bot", email="bot@example.com", api_token="t")
    s.add_user("acc-po", "Pat Owner")
    s.add_project("SHOP", "Shop")
    s.add_project("PAY", "Pay")
    with SandboxServer(s) as server:
        yield s, server.url
    assert s.contract_violations == []


def fields_of(url: str, key: str, fields: str) -> dict:  # type: ignore[type-arg]
    resp = requests.get(
        f"{url}/rest/api/3/issue/{key}", params={"fields": fields}, auth=AUTH, timeout=5
    )
    resp.raise_for_status()
    return resp.json()["fields"]


def test_links_show_the_other_issue_on_each_side(site: tuple[JiraSite, str]) -> None:
    s, url = site
    shop = s.create_issue("SHOP", "Blocked", reporter="acc-po")
    pay = s.create_issue("PAY", "Blocker", reporter="acc-po")
    s.link_issues(pay, shop, "Blocks")
    (on_shop,) = fields_of(url, shop, "issuelinks")["issuelinks"]
    assert on_shop["type"]["inward"] == "is blocked by" and on_shop["inwardIssue"]["key"] == pay
    assert "outwardIssue" not in on_shop
    (on_pay,) = fields_of(url, pay, "issuelinks")["issuelinks"]
    assert (
        on_pay["outwardIssue"]["key"] == shop
        and on_pay["outwardIssue"]["fields"]["summary"] == "Blocked"
    )
    assert (
        fields_of(url, s.create_issue("SHOP", "Alone", reporter="acc-po"), "issuelinks")[
            "issuelinks"
        ]
        == []
    )
    with pytest.raises(ValueError):
        s.link_issues(pay, shop, "Causes")


def test_links_to_issues_the_caller_cannot_see_are_hidden(site: tuple[JiraSite, str]) -> None:
    s, url = site
    shop = s.create_issue("SHOP", "Blocked", reporter="acc-po")
    secret = s.create_issue("PAY", "Secret", reporter="acc-po")
    s.link_issues(secret, shop)
    s.restrict_issue(secret, ["acc-po"])
    assert fields_of(url, shop, "issuelinks")["issuelinks"] == []


def test_custom_fields_in_search_and_by_key(site: tuple[JiraSite, str]) -> None:
    s, url = site
    key = s.create_issue("SHOP", "With field", reporter="acc-po", labels=["x"])
    other = s.create_issue("SHOP", "Without", reporter="acc-po", labels=["x"])
    s.set_custom_field(key, "customfield_10100", {"value": "Payments"})
    assert fields_of(url, key, "customfield_10100") == {"customfield_10100": {"value": "Payments"}}
    resp = requests.post(
        f"{url}/rest/api/3/search/jql",
        auth=AUTH,
        timeout=5,
        json={"jql": "labels = x ORDER BY key ASC", "fields": ["customfield_10100", "issuelinks"]},
    )
    resp.raise_for_status()
    got = {i["key"]: i["fields"] for i in resp.json()["issues"]}
    assert got == {
        key: {"customfield_10100": {"value": "Payments"}, "issuelinks": []},
        other: {"customfield_10100": None, "issuelinks": []},
    }
    with pytest.raises(ValueError):
        s.set_custom_field(key, "customfield_10020", "sprint")  # the sprint field is not free
