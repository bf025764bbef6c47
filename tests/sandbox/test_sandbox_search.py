"""/search/jql over HTTP: paging, field selection, staleness and reconcileIssues, truncation."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import requests

from tests.sandbox.sandbox_support import BOT, DEV, PO, T0
from worker.jira.gateway import BASE_FIELDS
from worker.sandbox.clock import SandboxClock
from worker.sandbox.jira import JiraSite


def search(http: requests.Session, api: str, **body: Any) -> requests.Response:
    return http.post(f"{api}/search/jql", json=body)


def all_pages(http: requests.Session, api: str, **body: Any) -> list[list[dict[str, Any]]]:
    pages: list[list[dict[str, Any]]] = []
    token: str | None = None
    while True:
        payload = dict(body, **({"nextPageToken": token} if token else {}))
        data = search(http, api, **payload).json()
        assert "total" not in data
        pages.append(data["issues"])
        token = data.get("nextPageToken")
        assert data["isLast"] is (token is None)
        if token is None:
            return pages
        assert len(pages) < 100, "paging does not terminate"


def test_pages_250_issues_with_next_page_token(
    site: JiraSite, http: requests.Session, api: str
) -> None:
    keys = [
        site.create_issue("SHOP", f"issue {n}", reporter=PO, labels=["esc"] if n % 2 else [])
        for n in range(250)
    ]
    site.create_issue("OPS", "other project", reporter=PO)
    pages = all_pages(http, api, jql="project = SHOP", fields=["summary"], maxResults=100)
    assert [len(p) for p in pages] == [100, 100, 50]
    assert [i["key"] for p in pages for i in p] == keys
    assert pages[2][-1]["fields"] == {"summary": "issue 249"}
    default = all_pages(http, api, jql="project = SHOP AND labels = esc")
    assert [len(p) for p in default] == [50, 50, 25]  # maxResults defaults to 50


def test_max_results_caps_depend_on_fields(
    site: JiraSite, http: requests.Session, api: str
) -> None:
    for n in range(120):
        site.create_issue("SHOP", f"i{n}", reporter=PO)
    full = search(http, api, jql="project = SHOP", fields=["summary"], maxResults=1000).json()
    assert len(full["issues"]) == 100 and full["isLast"] is False
    ids = search(http, api, jql="project = SHOP", fields=["id"], maxResults=1000).json()
    assert len(ids["issues"]) == 120 and ids["isLast"] is True


def test_default_fields_are_id_only(site: JiraSite, http: requests.Session, api: str) -> None:
    site.create_issue("SHOP", "x", reporter=PO)
    issue = search(http, api, jql="project = SHOP").json()["issues"][0]
    assert issue == {"id": str(site.issue("SHOP-1").id)}


def test_get_search_with_query_parameters(site: JiraSite, http: requests.Session, api: str) -> None:
    site.create_issue("SHOP", "alpha", reporter=PO, labels=["a"])
    site.create_issue("SHOP", "beta", reporter=PO, labels=["b"])
    resp = http.get(f"{api}/search/jql", params={"jql": "labels = b", "fields": "summary,labels"})
    assert resp.status_code == 200
    assert [i["fields"] for i in resp.json()["issues"]] == [{"summary": "beta", "labels": ["b"]}]


def test_the_token_is_opaque_and_bound_to_its_query(
    site: JiraSite, http: requests.Session, api: str
) -> None:
    for n in range(3):
        site.create_issue("SHOP", f"i{n}", reporter=PO)
    token = search(http, api, jql="project = SHOP", maxResults=1).json()["nextPageToken"]
    assert "SHOP" not in token
    other = search(http, api, jql="project = OPS", maxResults=1, nextPageToken=token)
    assert other.status_code == 400
    garbage = search(http, api, jql="project = SHOP", nextPageToken="not-a-token")
    assert garbage.status_code == 400


def test_fields_are_rendered_as_jira_does(
    site: JiraSite, http: requests.Session, api: str, clock: SandboxClock
) -> None:
    key = site.create_issue(
        "SHOP",
        "Checkout down",
        reporter=PO,
        issue_type="Incident",
        labels=["esc"],
        components=["Checkout"],
        description="Carts fail",
        assignee=DEV,
        sprint_end=T0 + timedelta(days=5),
    )
    clock.advance(timedelta(minutes=5))
    site.transition(key, "Done", by=DEV)
    fields = [*BASE_FIELDS, "customfield_10020"]  # what the worker reads by key
    got = search(http, api, jql=f"key = {key}", fields=fields).json()["issues"][0]["fields"]
    assert set(got) == set(fields)
    assert got["issuetype"]["name"] == "Incident" and got["project"]["key"] == "SHOP"
    assert got["components"] == [{"name": "Checkout"}]
    assert got["assignee"]["accountId"] == DEV and got["assignee"]["active"] is True
    assert got["status"]["name"] == "Done" and got["status"]["statusCategory"]["key"] == "done"
    assert got["resolution"]["name"] == "Done"
    assert got["created"] == "2026-03-02T09:00:00.000+0000"
    assert got["resolutiondate"] == got["updated"] == "2026-03-02T09:05:00.000+0000"
    assert got["description"]["type"] == "doc"
    sprint = got["customfield_10020"][0]
    assert sprint["state"] == "active" and sprint["endDate"] == "2026-03-07T09:00:00.000Z"


def test_properties_inline_and_at_most_five(
    site: JiraSite, http: requests.Session, api: str
) -> None:
    key = site.create_issue("SHOP", "x", reporter=PO)
    site.set_property(key, "escalation-worker", {"v": 1, "level": 2})
    got = search(
        http,
        api,
        jql="project = SHOP",
        fields=["summary"],
        properties=["escalation-worker", "absent"],
    ).json()["issues"][0]
    assert got["properties"] == {"escalation-worker": {"v": 1, "level": 2}}
    too_many = search(http, api, jql="project = SHOP", properties=[f"p{i}" for i in range(6)])
    assert too_many.status_code == 400


def test_jql_errors_answer_400(http: requests.Session, api: str) -> None:
    resp = search(http, api, jql="project = SHOP AND (labels = x")
    assert resp.status_code == 400
    body = resp.json()
    assert body["errors"] == {} and "character 31" in body["errorMessages"][0]
    assert search(http, api, jql="colour = red").status_code == 400


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_old_search_is_gone(http: requests.Session, api: str, method: str) -> None:
    resp = http.request(
        method, f"{api}/search", json={"jql": "project = SHOP"} if method == "POST" else None
    )
    assert resp.status_code == 410
    assert "/rest/api/3/search/jql" in resp.json()["errorMessages"][0]


def test_search_lags_writes_unless_reconciled(
    site: JiraSite, clock: SandboxClock, http: requests.Session, api: str
) -> None:
    site.staleness = timedelta(seconds=30)
    old = site.create_issue("SHOP", "old", reporter=PO, at=T0 - timedelta(minutes=5))
    clock.advance(timedelta(seconds=1))
    site.add_labels(old, "escalation-S2", by=PO)
    site.set_property(old, "state", {"level": 1})
    fresh = site.create_issue("SHOP", "brand new", reporter=PO, labels=["escalation-S2"])

    def labelled(**extra: Any) -> list[dict[str, Any]]:
        return search(
            http,
            api,
            jql="labels = escalation-S2",
            fields=["labels"],
            properties=["state"],
            **extra,
        ).json()["issues"]

    assert labelled() == []  # both writes are still inside the 30 s window
    project_wide = search(
        http, api, jql="project = SHOP", fields=["labels"], properties=["state"]
    ).json()
    assert [(i["key"], i["fields"]["labels"], i["properties"]) for i in project_wide["issues"]] == [
        (old, [], {})
    ]
    reconciled = labelled(reconcileIssues=[site.issue(old).id, site.issue(fresh).id])
    assert [(i["key"], i["properties"]) for i in reconciled] == [
        (old, {"state": {"level": 1}}),
        (fresh, {}),
    ]
    # Reads by key are always current.
    assert http.get(f"{api}/issue/{old}", params={"fields": "labels"}).json()["fields"][
        "labels"
    ] == ["escalation-S2"]
    clock.advance(timedelta(seconds=30))
    assert [i["key"] for i in labelled()] == [old, fresh]


def test_reconcile_issues_is_limited_to_50(http: requests.Session, api: str) -> None:
    resp = search(http, api, jql="project = SHOP", reconcileIssues=list(range(51)))
    assert resp.status_code == 400


def test_search_changelog_is_truncated_to_40_newest(
    site: JiraSite, clock: SandboxClock, http: requests.Session, api: str
) -> None:
    key = site.create_issue("SHOP", "busy", reporter=PO)
    for n in range(45):
        clock.advance(timedelta(minutes=1))
        site.add_labels(key, f"l{n}", by=PO)
    got = search(http, api, jql=f"key = {key}", fields=["labels"], expand="changelog").json()[
        "issues"
    ][0]
    changelog = got["changelog"]
    assert changelog["total"] == 45 and len(changelog["histories"]) == 40
    newest = changelog["histories"][0]["items"][0]
    assert newest["toString"].endswith("l44")
    oldest_shown = changelog["histories"][-1]["items"][0]
    assert oldest_shown["toString"].endswith("l5")  # l0..l4 are missing: use bulkfetch for clocks


def test_search_comment_field_is_truncated_to_20(
    site: JiraSite, http: requests.Session, api: str
) -> None:
    key = site.create_issue("SHOP", "chatty", reporter=PO)
    for n in range(25):
        site.add_comment(key, PO, f"comment {n}", at=T0 + timedelta(minutes=n))
    got = search(http, api, jql=f"key = {key}", fields=["comment"]).json()["issues"][0]["fields"][
        "comment"
    ]
    assert got["total"] == 25 and len(got["comments"]) == 20
    assert got["comments"][0]["body"]["content"][0]["content"][0]["text"] == "comment 5"
    paged = http.get(f"{api}/issue/{key}/comment").json()
    assert paged["total"] == 25 and len(paged["comments"]) == 25


def test_order_by_updated_desc_over_http(
    site: JiraSite, clock: SandboxClock, http: requests.Session, api: str
) -> None:
    a = site.create_issue("SHOP", "a", reporter=PO)
    b = site.create_issue("SHOP", "b", reporter=PO)
    clock.advance(timedelta(minutes=1))
    site.add_comment(a, BOT, "bump")
    got = search(http, api, jql="project = SHOP ORDER BY updated DESC", fields=["updated"]).json()[
        "issues"
    ]
    assert [i["key"] for i in got] == [a, b]
