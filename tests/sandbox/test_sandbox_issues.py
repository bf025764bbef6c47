"""Issue endpoints over HTTP: auth, users, projects, changelog, comments, assignee, watchers, properties."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
import requests

from tests.sandbox.sandbox_support import BOT, BOT_EMAIL, DEV, GONE, PO, T0, adf, mention, text
from worker.sandbox.clock import SandboxClock
from worker.sandbox.jira import JiraSite
from worker.sandbox.server import SandboxServer

# ------------------------------------------------------------------ auth, users, projects


@pytest.mark.parametrize(
    "auth",
    [
        None,
        (BOT_EMAIL, "wrong-token"),
        ("nobody@example.com", "bot-token"),
        ("dev@example.com", ""),
    ],
    ids=["missing", "bad-token", "unknown-email", "user-without-token"],
)
def test_bad_credentials_get_401_with_jira_error_shape(
    site: JiraSite, server: SandboxServer, auth: tuple[str, str] | None
) -> None:
    resp = requests.get(f"{server.url}/rest/api/3/myself", auth=auth, timeout=5)
    assert resp.status_code == 401
    assert set(resp.json()) == {"errorMessages", "errors"}
    assert [(r.status, r.user, r.endpoint) for r in site.request_log] == [
        (401, None, "GET /rest/api/3/myself")
    ]


def test_myself_is_the_authenticated_user(server: SandboxServer) -> None:
    resp = requests.get(
        f"{server.url}/rest/api/3/myself", auth=("PO@example.com", "po-token"), timeout=5
    )
    assert resp.status_code == 200
    assert resp.json()["accountId"] == PO and resp.json()["emailAddress"] == "po@example.com"


def test_users_single_and_bulk(http: requests.Session, api: str) -> None:
    assert http.get(f"{api}/user", params={"accountId": GONE}).json()["active"] is False
    assert http.get(f"{api}/user", params={"accountId": "acc-missing"}).status_code == 404
    bulk = http.get(f"{api}/user/bulk", params={"accountId": [PO, DEV, "acc-missing"]}).json()
    assert [u["accountId"] for u in bulk["values"]] == [PO, DEV]
    assert bulk["isLast"] is True and bulk["total"] == 2
    query: dict[str, list[str] | int] = {"accountId": [PO, DEV, GONE], "maxResults": 2}
    paged = http.get(f"{api}/user/bulk", params=query).json()
    assert len(paged["values"]) == 2 and paged["isLast"] is False


def test_project_lookup(http: requests.Session, api: str) -> None:
    shop = http.get(f"{api}/project/SHOP").json()
    assert shop["key"] == "SHOP" and [c["name"] for c in shop["components"]] == [
        "Checkout",
        "Search",
    ]
    assert http.get(f"{api}/project/{shop['id']}").json()["key"] == "SHOP"
    assert http.get(f"{api}/project/NOPE").status_code == 404


# ------------------------------------------------------------------ issue lifecycle


def test_deleted_moved_and_restricted_issues(
    site: JiraSite, http: requests.Session, api: str
) -> None:
    deleted = site.create_issue("SHOP", "gone", reporter=PO)
    moved = site.create_issue("SHOP", "moving", reporter=PO)
    secret = site.create_issue("SHOP", "secret", reporter=PO)
    site.delete_issue(deleted)
    new_key = site.move_issue(moved, "OPS")
    site.restrict_issue(secret, [PO])

    assert http.get(f"{api}/issue/{deleted}").status_code == 404
    assert http.get(f"{api}/issue/SHOP-99").status_code == 404
    via_old = http.get(f"{api}/issue/{moved}", params={"fields": "project"}).json()
    assert via_old["key"] == new_key == "OPS-1" and via_old["fields"]["project"]["key"] == "OPS"
    assert http.get(f"{api}/issue/{secret}").status_code == 404
    assert http.get(f"{api}/issue/{secret}/comment").status_code == 404
    po_view = requests.get(f"{api}/issue/{secret}", auth=("po@example.com", "po-token"), timeout=5)
    assert po_view.status_code == 200
    found = http.post(
        f"{api}/search/jql", json={"jql": "project in (SHOP, OPS)", "fields": ["summary"]}
    ).json()
    assert [i["key"] for i in found["issues"]] == [new_key]


def test_workflow_and_changelog_paging(
    site: JiraSite, clock: SandboxClock, http: requests.Session, api: str
) -> None:
    key = site.create_issue("SHOP", "x", reporter=PO, labels=["a"])
    clock.advance(timedelta(minutes=1))
    site.add_labels(key, "escalation-S2", by=PO)
    site.set_assignee(key, DEV, by=BOT)
    site.transition(key, "In Progress", by=DEV)
    site.transition(key, "Done", by=DEV)
    first = http.get(f"{api}/issue/{key}/changelog", params={"maxResults": 2}).json()
    assert first["total"] == 4 and first["isLast"] is False and len(first["values"]) == 2
    labels, assignee = (h["items"][0] for h in first["values"])
    assert labels == {
        "field": "labels",
        "fieldtype": "jira",
        "fieldId": "labels",
        "from": None,
        "fromString": "a",
        "to": None,
        "toString": "a escalation-S2",
    }
    assert first["values"][0]["author"]["accountId"] == PO
    assert first["values"][0]["created"] == "2026-03-02T09:01:00.000+0000"
    assert (assignee["from"], assignee["to"], assignee["toString"]) == (None, DEV, "Dana Dev")
    second = http.get(f"{api}/issue/{key}/changelog", params={"startAt": 2, "maxResults": 2}).json()
    assert second["isLast"] is True
    done = second["values"][1]["items"]
    assert [(i["field"], i["toString"]) for i in done] == [
        ("status", "Done"),
        ("resolution", "Done"),
    ]
    issue = http.get(
        f"{api}/issue/{key}", params={"fields": "resolutiondate,updated,status"}
    ).json()["fields"]
    assert issue["resolutiondate"] == issue["updated"] == "2026-03-02T09:01:00.000+0000"


def test_bulkfetch_pages_filters_and_limits(
    site: JiraSite, http: requests.Session, api: str
) -> None:
    a = site.create_issue("SHOP", "a", reporter=PO)
    b = site.create_issue("SHOP", "b", reporter=PO)
    for n in range(3):
        site.add_labels(a, f"a{n}", by=PO, at=T0 + timedelta(minutes=n))
        site.set_assignee(b, [DEV, PO, DEV][n], by=BOT, at=T0 + timedelta(minutes=n))
    site.transition(b, "In Progress", by=DEV)
    url = f"{api}/changelog/bulkfetch"
    seen: dict[str, int] = {}
    body: dict[str, object] = {"issueIdsOrKeys": [a, str(site.issue(b).id)], "maxResults": 4}
    pages = 0
    while True:
        data = http.post(url, json=body).json()
        pages += 1
        for log in data["issueChangeLogs"]:
            seen[log["issueId"]] = seen.get(log["issueId"], 0) + len(log["changeHistories"])
        if "nextPageToken" not in data:
            break
        body["nextPageToken"] = data["nextPageToken"]
    assert pages == 2
    assert seen == {str(site.issue(a).id): 3, str(site.issue(b).id): 4}

    only = http.post(url, json={"issueIdsOrKeys": [a, b], "fieldIds": ["assignee"]}).json()
    assert [log["issueId"] for log in only["issueChangeLogs"]] == [str(site.issue(b).id)]
    assert all(
        i["fieldId"] == "assignee"
        for h in only["issueChangeLogs"][0]["changeHistories"]
        for i in h["items"]
    )

    assert http.post(url, json={"issueIdsOrKeys": []}).status_code == 400
    # More than 1000 issues / 10 fields is refused (the contract check rejects it first, as Cloud would).
    assert http.post(url, json={"issueIdsOrKeys": [a] * 1001}).status_code == 400
    assert (
        http.post(
            url, json={"issueIdsOrKeys": [a], "fieldIds": [f"f{i}" for i in range(11)]}
        ).status_code
        == 400
    )
    site.contract_violations.clear()


# ------------------------------------------------------------------ comments


def test_comment_paging_order_and_properties(
    site: JiraSite, clock: SandboxClock, http: requests.Session, api: str
) -> None:
    key = site.create_issue("SHOP", "x", reporter=PO)
    for n in range(5):
        site.add_comment(key, PO, f"c{n}", at=T0 + timedelta(minutes=n))
    url = f"{api}/issue/{key}/comment"
    page = http.get(url, params={"startAt": 1, "maxResults": 2}).json()
    assert page["total"] == 5 and page["startAt"] == 1 and page["maxResults"] == 2
    assert [c["body"]["content"][0]["content"][0]["text"] for c in page["comments"]] == ["c1", "c2"]
    newest_only: dict[str, str | int] = {"orderBy": "-created", "maxResults": 1}
    newest = http.get(url, params=newest_only).json()["comments"][0]
    assert newest["created"] == "2026-03-02T09:04:00.000+0000"

    clock.advance(timedelta(minutes=10))
    posted = http.post(
        url,
        json={
            "body": adf(text("Escalated to "), mention(PO)),
            "properties": [{"key": "escalation-action", "value": {"id": "act-1"}}],
        },
    )
    assert posted.status_code == 201
    comment = posted.json()
    assert (
        comment["author"]["accountId"] == BOT
        and comment["body"]["content"][0]["content"][1]["type"] == "mention"
    )
    with_properties: dict[str, str | int] = {
        "expand": "properties",
        "orderBy": "-created",
        "maxResults": 1,
    }
    listed = http.get(url, params=with_properties).json()
    assert listed["comments"][0]["properties"] == [
        {"key": "escalation-action", "value": {"id": "act-1"}}
    ]
    plain = http.get(url, params=newest_only).json()
    assert "properties" not in plain["comments"][0]


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ({"body": "plain text"}, "ADF document"),
        ({"body": {"type": "doc", "version": 2, "content": []}}, "version"),
        ({"body": adf({"type": "blink", "text": "x"})}, "'blink' is not allowed"),
        ({"body": adf(mention("acc-nobody"))}, "'acc-nobody' does not exist"),
        ({"body": adf({"type": "mention", "attrs": {}})}, "attrs.id"),
        (
            {"body": adf({"type": "text", "text": "x", "marks": [{"type": "sparkle"}]})},
            "unknown mark",
        ),
        (
            {"body": {"type": "doc", "version": 1, "content": [{"type": "text", "text": "bare"}]}},
            "not allowed",
        ),
    ],
)
def test_comment_adf_is_validated(
    site: JiraSite, http: requests.Session, api: str, body: dict[str, object], fragment: str
) -> None:
    site.strict_contract = (
        False  # these bodies are valid JSON for the schema; Jira's own checks reject them
    )
    key = site.create_issue("SHOP", "x", reporter=PO)
    resp = http.post(f"{api}/issue/{key}/comment", json=body)
    assert resp.status_code == 400
    assert fragment in json.dumps(resp.json())
    assert site.comments(key) == []


def test_rich_adf_is_accepted(site: JiraSite, http: requests.Session, api: str) -> None:
    key = site.create_issue("SHOP", "x", reporter=PO)
    doc = {
        "type": "doc",
        "version": 1,
        "content": [
            {"type": "heading", "attrs": {"level": 3}, "content": [text("Escalation")]},
            {
                "type": "paragraph",
                "content": [
                    {"type": "text", "text": "bold", "marks": [{"type": "strong"}]},
                    {"type": "hardBreak"},
                    mention(DEV),
                ],
            },
            {
                "type": "bulletList",
                "content": [
                    {
                        "type": "listItem",
                        "content": [{"type": "paragraph", "content": [text("item")]}],
                    }
                ],
            },
            {"type": "rule"},
        ],
    }
    assert http.post(f"{api}/issue/{key}/comment", json={"body": doc}).status_code == 201


def test_comment_size_limit(site: JiraSite, http: requests.Session, api: str) -> None:
    key = site.create_issue("SHOP", "x", reporter=PO)
    url = f"{api}/issue/{key}/comment"
    assert http.post(url, json={"body": adf(text("x" * 32_767))}).status_code == 201
    too_long = http.post(url, json={"body": adf(text("x" * 32_768))})
    assert too_long.status_code == 400 and "too long" in too_long.json()["errors"]["comment"]


def test_restricted_comments_are_hidden_from_outsiders(
    site: JiraSite, server: SandboxServer, http: requests.Session, api: str
) -> None:
    key = site.create_issue("SHOP", "people issue", reporter=PO)
    url = f"{api}/issue/{key}/comment"
    vis = {"type": "group", "value": "hr-partners"}
    posted = http.post(url, json={"body": adf(text("restricted")), "visibility": vis})
    assert posted.status_code == 201 and posted.json()["visibility"] == vis
    assert http.get(url).json()["total"] == 1
    outsider = requests.get(url, auth=("po@example.com", "po-token"), timeout=5).json()
    assert outsider["total"] == 0
    bad = http.post(
        url, json={"body": adf(text("x")), "visibility": {"type": "group", "value": "no-such"}}
    )
    assert bad.status_code == 400


# ------------------------------------------------------------------ assignee, watchers, properties


def test_assignee_changes(site: JiraSite, http: requests.Session, api: str) -> None:
    key = site.create_issue("SHOP", "x", reporter=PO)
    url = f"{api}/issue/{key}/assignee"
    assert http.put(url, json={"accountId": DEV}).status_code == 204
    assert site.issue(key).assignee == DEV
    assert site.histories(key)[-1].author == BOT
    inactive = http.put(url, json={"accountId": GONE})
    assert inactive.status_code == 400 and "assignee" in inactive.json()["errors"]
    assert http.put(url, json={"accountId": "acc-unknown"}).status_code == 400
    assert http.put(url, json={"accountId": None}).status_code == 204
    assert site.issue(key).assignee is None
    assert http.put(f"{api}/issue/SHOP-404/assignee", json={"accountId": DEV}).status_code == 404


def test_watchers_take_a_bare_json_string(site: JiraSite, http: requests.Session, api: str) -> None:
    key = site.create_issue("SHOP", "x", reporter=PO)
    url = f"{api}/issue/{key}/watchers"
    resp = http.post(url, data=json.dumps(DEV), headers={"Content-Type": "application/json"})
    assert resp.status_code == 204 and resp.content == b""
    http.post(url, json=DEV)  # idempotent
    site.strict_contract = (
        False  # an object body breaks the documented schema; see Jira's own 400 too
    )
    assert http.post(url, json={"accountId": PO}).status_code == 400
    assert http.post(url, json="acc-unknown").status_code == 404
    watchers = http.get(url).json()
    assert watchers["watchCount"] == 1 and [w["accountId"] for w in watchers["watchers"]] == [DEV]
    assert watchers["isWatching"] is False


def test_issue_properties_crud_and_size_limit(
    site: JiraSite, clock: SandboxClock, http: requests.Session, api: str
) -> None:
    key = site.create_issue("SHOP", "x", reporter=PO)
    url = f"{api}/issue/{key}/properties/escalation-worker"
    assert http.get(url).status_code == 404
    clock.advance(timedelta(minutes=1))
    assert http.put(url, json={"schema": 1, "level": 0}).status_code == 201
    assert http.put(url, json={"schema": 1, "level": 1}).status_code == 200
    assert http.get(url).json() == {"key": "escalation-worker", "value": {"schema": 1, "level": 1}}
    assert site.issue(key).updated == T0  # property writes do not touch 'updated'
    filler = "x" * (32_768 - len('{"a":""}'))
    exact = json.dumps({"a": filler}, separators=(",", ":"))
    assert len(exact.encode()) == 32_768
    headers = {"Content-Type": "application/json"}
    assert http.put(url, data=exact, headers=headers).status_code == 200
    over = http.put(url, data=exact[:-2] + 'x"}', headers=headers)
    assert over.status_code == 400
    assert http.delete(url).status_code == 204
    assert http.delete(url).status_code == 404
    assert site.property(key, "escalation-worker") is None
