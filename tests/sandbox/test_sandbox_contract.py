"""Contract checks: the sandbox's own traffic against the vendored OpenAPI subset, and the vendoring."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
import requests

from scripts import vendor_openapi
from tests.sandbox.sandbox_support import BOT, DEV, PO, adf, mention, text
from worker.sandbox import contract
from worker.sandbox.contract import ContractError, validate_request, validate_response
from worker.sandbox.jira import JiraSite

ROOT = Path(__file__).resolve().parents[2]
SUBSET = ROOT / "worker" / "sandbox" / "openapi" / "jira-platform-v3.subset.json"
SOURCE = Path("/work/shared/specs/jira-platform-v3.json")


def test_every_endpoint_answers_within_the_contract(
    site: JiraSite, http: requests.Session, api: str
) -> None:
    """Drive each operation (success and error paths) with strict checking; any breach fails the test."""
    key = site.create_issue(
        "SHOP",
        "x",
        reporter=PO,
        labels=["esc"],
        components=["Checkout"],
        description="d",
        assignee=DEV,
    )
    theirs = site.add_comment(key, PO, "hello", properties={"k": 1})
    mine = site.add_comment(key, BOT, "mine")
    site.set_property(key, "p", {"a": 1})
    site.transition(key, "Done", by=DEV)
    calls: list[tuple[str, str, dict[str, Any] | None, Any, int]] = [
        ("GET", "/myself", None, None, 200),
        ("GET", "/user", {"accountId": PO}, None, 200),
        ("GET", "/user", {"accountId": "nobody"}, None, 404),
        ("GET", "/user/bulk", {"accountId": [PO, DEV]}, None, 200),
        # user properties: an account reads and writes its own (201 created, 200 updated); another
        # account's need Administer Jira (403); an unknown key is 404
        ("GET", "/user/properties/hb", {"accountId": BOT}, None, 404),
        ("PUT", "/user/properties/hb", {"accountId": BOT}, {"at": "x"}, 201),
        ("PUT", "/user/properties/hb", {"accountId": BOT}, {"at": "y"}, 200),
        ("GET", "/user/properties/hb", {"accountId": BOT}, None, 200),
        ("GET", "/user/properties/hb", {"accountId": PO}, None, 403),
        ("PUT", "/user/properties/hb", {"accountId": PO}, {"at": "z"}, 403),
        ("GET", "/project/SHOP", None, None, 200),
        ("GET", "/project/NOPE", None, None, 404),
        (
            "POST",
            "/search/jql",
            None,
            {
                "jql": "project = SHOP",
                "fields": ["*all"],
                "expand": "changelog",
                "properties": ["p"],
                "maxResults": 1,
            },
            200,
        ),
        ("POST", "/search/jql", None, {"jql": "project = SHOP"}, 200),
        ("POST", "/search/jql", None, {"jql": "project ="}, 400),
        (
            "GET",
            "/search/jql",
            {"jql": "labels = esc", "fields": "summary,comment", "reconcileIssues": "1"},
            None,
            200,
        ),
        (
            "GET",
            "/mypermissions",
            {"projectKey": "SHOP", "permissions": "BROWSE_PROJECTS,ASSIGN_ISSUES"},
            None,
            200,
        ),
        ("GET", "/mypermissions", {"projectKey": "NOPE", "permissions": "ADD_COMMENTS"}, None, 404),
        ("GET", "/user/assignable/search", {"project": "SHOP", "accountId": DEV}, None, 200),
        ("GET", "/label", {"startAt": 0, "maxResults": 2}, None, 200),
        ("GET", "/search", None, None, 410),
        ("POST", "/search", None, {"jql": "project = SHOP"}, 410),
        ("POST", "/changelog/bulkfetch", None, {"issueIdsOrKeys": [key], "maxResults": 1}, 200),
        ("GET", f"/issue/{key}", {"expand": "changelog", "properties": "p"}, None, 200),
        ("GET", "/issue/NOPE-1", None, None, 404),
        ("GET", f"/issue/{key}/changelog", {"maxResults": 1}, None, 200),
        (
            "GET",
            f"/issue/{key}/comment",
            {"expand": "properties", "orderBy": "-created"},
            None,
            200,
        ),
        ("POST", f"/issue/{key}/comment", None, {"body": adf(text("hi "), mention(PO))}, 201),
        ("POST", f"/issue/{key}/comment", None, {"body": adf(mention("ghost"))}, 400),
        ("PUT", f"/issue/{key}/assignee", None, {"accountId": PO}, 204),
        ("PUT", f"/issue/{key}/assignee", None, {"accountId": None}, 204),
        ("POST", f"/issue/{key}/watchers", None, DEV, 204),
        ("GET", f"/issue/{key}/watchers", None, None, 200),
        ("DELETE", f"/issue/{key}/watchers", {"accountId": DEV}, None, 204),
        ("DELETE", f"/issue/{key}/watchers", {"accountId": "ghost"}, None, 404),
        ("PUT", f"/issue/{key}/properties/q", None, {"v": 1}, 201),
        ("PUT", f"/issue/{key}/properties/q", None, {"v": 2}, 200),
        ("GET", f"/issue/{key}/properties/q", None, None, 200),
        ("DELETE", f"/issue/{key}/properties/q", None, None, 204),
        ("GET", f"/issue/{key}/properties/q", None, None, 404),
        ("DELETE", f"/issue/{key}/properties/q", None, None, 404),
        # own comments may be deleted ("Delete own comments"); another's needs more (400)
        ("DELETE", f"/issue/{key}/comment/{theirs}", None, None, 400),
        ("DELETE", f"/issue/{key}/comment/{mine}", None, None, 204),
        ("DELETE", f"/issue/{key}/comment/{mine}", None, None, 404),
    ]
    for method, path, params, body, expected in calls:
        kwargs: dict[str, Any] = {"params": params}
        if body is not None:
            kwargs["json"] = body
        resp = http.request(method, api + path, **kwargs)
        assert resp.status_code == expected, (method, path, resp.text)
    assert site.contract_violations == []
    covered = {entry.endpoint for entry in site.request_log}
    documented = {f"{m.upper()} {p}" for m, p in vendor_openapi.OPERATIONS}
    assert covered == documented


def test_strict_mode_rejects_requests_that_break_the_document(
    site: JiraSite, http: requests.Session, api: str
) -> None:
    key = site.create_issue("SHOP", "x", reporter=PO)
    misspelt = http.post(f"{api}/search/jql", params={"maxResult": 5}, json={"jql": ""})
    assert misspelt.status_code == 400 and "unknown query parameter 'maxResult'" in misspelt.text
    read_only = http.post(f"{api}/issue/{key}/comment", json={"body": adf(text("x")), "id": "123"})
    assert read_only.status_code == 400 and "read-only" in read_only.text
    assert len(site.contract_violations) == 2
    assert site.comments(key) == []
    site.contract_violations.clear()


@pytest.mark.parametrize(
    ("method", "path", "query", "body", "fragment"),
    [
        ("POST", "/rest/api/3/search/jql", {}, {"jql": "x", "startAt": 0}, "Additional properties"),
        (
            "POST",
            "/rest/api/3/search/jql",
            {},
            {"jql": "x", "maxResults": "10"},
            "is not of type 'integer'",
        ),
        (
            "POST",
            "/rest/api/3/changelog/bulkfetch",
            {},
            {"issueIdsOrKeys": ["A-1"] * 1001},
            "too long",
        ),
        (
            "POST",
            "/rest/api/3/changelog/bulkfetch",
            {},
            {"fieldIds": ["labels"]},
            "'issueIdsOrKeys' is a required",
        ),
        (
            "POST",
            "/rest/api/3/issue/A-1/watchers",
            {},
            {"accountId": "x"},
            "is not of type 'string'",
        ),
        ("GET", "/rest/api/3/user/bulk", {}, None, "required query parameter 'accountId'"),
        ("GET", "/rest/api/3/issue/A-1/comment", {"orderBy": ["newest"]}, None, "is not one of"),
        ("GET", "/rest/api/3/issue/A-1/changelog", {"startAt": ["one"]}, None, "not an integer"),
        ("GET", "/rest/api/3/issue/A-1/transitions", {}, None, "not an operation in the vendored"),
        ("PATCH", "/rest/api/3/myself", {}, None, "PATCH is not documented"),
        ("PUT", "/rest/api/3/issue/A-1/assignee", {}, None, "a request body is required"),
    ],
)
def test_validate_request_catches_mistakes(
    method: str, path: str, query: dict[str, list[str]], body: Any, fragment: str
) -> None:
    with pytest.raises(ContractError, match=None) as err:
        validate_request(method, path, query, body)
    assert fragment in str(err.value)


@pytest.mark.parametrize(
    ("method", "path", "status", "body", "fragment"),
    [
        (
            "POST",
            "/rest/api/3/search/jql",
            200,
            {"issues": [], "isLast": True, "total": 3},
            "Additional",
        ),
        ("POST", "/rest/api/3/search/jql", 200, {"issues": [{"id": 1}]}, "is not of type 'string'"),
        ("GET", "/rest/api/3/myself", 201, {}, "status 201 is not documented"),
        ("GET", "/rest/api/3/myself", 500, "oops", "ErrorCollection"),
        (
            "GET",
            "/rest/api/3/issue/A-1/comment",
            200,
            {"comments": [{"created": 5}]},
            "is not of type",
        ),
    ],
)
def test_validate_response_catches_mistakes(
    method: str, path: str, status: int, body: Any, fragment: str
) -> None:
    with pytest.raises(ContractError) as err:
        validate_response(method, path, status, body)
    assert fragment in str(err.value)


def test_nulls_are_tolerated_where_cloud_sends_them() -> None:
    item = {
        "field": "assignee",
        "fieldtype": "jira",
        "from": None,
        "fromString": None,
        "to": "x",
        "toString": "X",
    }
    validate_response(
        "POST",
        "/rest/api/3/changelog/bulkfetch",
        200,
        {"issueChangeLogs": [{"issueId": "1", "changeHistories": [{"id": "1", "items": [item]}]}]},
    )
    validate_request("PUT", "/rest/api/3/issue/A-1/assignee", {}, {"accountId": None})


def test_subset_builder_follows_references_transitively() -> None:
    top = {
        "responses": {
            "200": {
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Top"}}}
            }
        }
    }
    paths: dict[str, dict[str, Any]] = {}
    for method, path in vendor_openapi.OPERATIONS:
        paths.setdefault(path, {})[method] = top
    doc = {
        "openapi": "3.0.1",
        "info": {"version": "1"},
        "paths": paths,
        "components": {
            "schemas": {
                "Top": {"properties": {"a": {"items": {"$ref": "#/components/schemas/Mid"}}}},
                "Mid": {"allOf": [{"$ref": "#/components/schemas/Leaf"}]},
                "Leaf": {"type": "string"},
                "Unused": {"type": "integer"},
                "ErrorCollection": {"type": "object"},
            }
        },
    }
    subset = vendor_openapi.build_subset(doc, "abc")
    assert sorted(subset["components"]["schemas"]) == ["ErrorCollection", "Leaf", "Mid", "Top"]
    assert subset["x-vendored"]["sourceSha256"] == "abc"


def test_committed_subset_is_loadable_and_consistent() -> None:
    spec = contract.load_spec()
    ops = {
        f"{m.upper()} {p}" for p, item in spec["paths"].items() for m in item if m != "parameters"
    }
    assert ops == {f"{m.upper()} {p}" for m, p in vendor_openapi.OPERATIONS}
    text_refs = json.dumps(spec)
    for name in spec["components"]["schemas"]:
        assert f'"#/components/schemas/{name}"' in text_refs or name == "ErrorCollection"
    readme = (SUBSET.parent / "README.md").read_text(encoding="utf-8")
    assert spec["x-vendored"]["sourceSha256"] in readme
    assert spec["info"]["version"] in readme


@pytest.mark.skipif(
    not SOURCE.exists(), reason="the full Atlassian document is only on the team machine"
)
def test_regenerating_from_the_source_reproduces_the_committed_file(tmp_path: Path) -> None:
    out = tmp_path / "subset.json"
    assert vendor_openapi.main([str(SOURCE), "--out", str(out)]) == 0
    assert out.read_bytes() == SUBSET.read_bytes()
    assert (
        json.loads(out.read_text())["x-vendored"]["sourceSha256"]
        == hashlib.sha256(SOURCE.read_bytes()).hexdigest()
    )
