"""Jira JSON -> snapshots: changelog items, comment markers, sprints, ADF, and odd values that must not raise."""

from __future__ import annotations

from datetime import UTC
from typing import Any

from tests.support import in_zone
from worker.core.messages import Doc, Mention, Text
from worker.jira.adf import to_adf, to_text
from worker.jira.jql import by_keys, full_scan, in_list, quote
from worker.jira.mapping import (
    COMMENT_PROPERTY,
    comment_from_json,
    parse_time,
    snapshot_from_json,
    sprint_end,
)

ISSUE = {
    "id": "10001",
    "key": "SHOP-1",
    "fields": {
        "summary": "Checkout fails",
        "issuetype": {"name": "Bug"},
        "project": {"key": "SHOP"},
        "labels": ["escalation-S2", "escalation-type-incident"],
        "components": [{"name": "Payments"}],
        "assignee": {"accountId": "acc-po"},
        "reporter": {"accountId": "acc-rep", "displayName": "Rita Reporter"},
        "status": {"name": "In Progress", "statusCategory": {"key": "indeterminate"}},
        "resolution": None,
        "created": "2026-03-02T08:00:00.000+0000",
        "updated": "2026-03-02T09:30:00.000+0100",
        "description": {
            "type": "doc",
            "version": 1,
            "content": [
                {
                    "type": "paragraph",
                    "content": [
                        {"type": "text", "text": "What happened: "},
                        {"type": "mention", "attrs": {"id": "acc-po", "text": "@Emma"}},
                    ],
                }
            ],
        },
        "customfield_10020": [
            {"state": "closed", "endDate": "2026-02-27T17:00:00.000Z"},
            {"state": "active", "endDate": "2026-03-13T17:00:00.000Z"},
        ],
    },
}
HISTORIES: list[dict[str, Any]] = [
    {
        "created": "2026-03-02T08:05:00.000+0000",
        "author": {"accountId": "acc-rep"},
        "items": [
            {
                "field": "labels",
                "fromString": "",
                "toString": "escalation-S2 escalation-type-incident",
            }
        ],
    },
    {
        "created": "2026-03-02T08:20:00.000+0000",
        "author": {"accountId": "acc-po"},
        "items": [
            {"field": "status", "fromString": "To Do", "toString": "In Progress"},
            {
                "field": "assignee",
                "from": None,
                "to": "acc-po",
                "fromString": None,
                "toString": "Emma",
            },
            {"field": "summary", "fromString": "a", "toString": "b"},
        ],
    },
    {"created": "not a date", "items": [{"field": "labels"}]},
]


utc = in_zone(UTC)


def test_snapshot_fields_and_history() -> None:
    snap = snapshot_from_json(
        ISSUE, sprint_field="customfield_10020", histories=HISTORIES, comments=()
    )
    assert (snap.key, snap.id, snap.project, snap.issue_type) == ("SHOP-1", "10001", "SHOP", "Bug")
    assert snap.labels == ("escalation-S2", "escalation-type-incident") and snap.components == (
        "Payments",
    )
    assert snap.assignee == "acc-po" and snap.reporter == "acc-rep"
    assert snap.reporter_name == "Rita Reporter"
    assert snap.updated == utc(2026, 3, 2, 8, 30)  # +0100 normalised to UTC
    assert snap.sprint_end == utc(2026, 3, 13, 17, 0)  # the active sprint, not the closed one
    assert snap.description == "What happened: @Emma"
    assert [(c.field, c.before, c.after) for c in snap.changes] == [
        ("labels", "", "escalation-S2 escalation-type-incident"),
        ("status", "To Do", "In Progress"),
        ("assignee", None, "acc-po"),
    ]
    assert snap.label_added_at("escalation-S2") == utc(2026, 3, 2, 8, 5)
    assert snap.comments == ()


def test_odd_values_never_raise() -> None:
    odd = {
        "id": 7,
        "key": "X-1",
        "fields": {
            "labels": ["ok", 3, None],
            "status": None,
            "assignee": "not-an-object",
            "created": 12,
            "components": ["nope"],
            "customfield_10020": "garbage",
        },
    }
    snap = snapshot_from_json(odd, sprint_field="customfield_10020", histories=[{"items": None}])
    assert snap.labels == ("ok",) and snap.assignee is None and snap.sprint_end is None
    assert snap.comments is None and snap.changes == ()
    assert sprint_end([{"state": "future", "endDate": "2026-05-01T00:00:00Z"}]) == utc(2026, 5, 1)
    assert (
        parse_time("2026-03-02T08:00:00Z") == utc(2026, 3, 2, 8) and parse_time("garbage") is None
    )


def test_comments_carry_the_worker_marker_and_plain_text() -> None:
    c = comment_from_json(
        {
            "id": "5",
            "author": {"accountId": "w"},
            "created": "2026-03-02T08:00:00.000+0000",
            "body": {
                "type": "doc",
                "version": 1,
                "content": [{"type": "paragraph", "content": [{"type": "text", "text": "hello"}]}],
            },
            "properties": [
                {"key": COMMENT_PROPERTY, "value": {"id": "SHOP-1#1.0:comment:routed:L0"}}
            ],
        }
    )
    assert c is not None and c.action_id == "SHOP-1#1.0:comment:routed:L0" and c.text == "hello"
    assert comment_from_json({"id": "6"}) is None


def test_doc_to_adf_uses_mention_nodes() -> None:
    doc = Doc(((Text("Hi "), Mention("acc-1", "Emma Moreau"), Text(", please look.")),))
    adf = to_adf(doc)
    assert adf == {
        "type": "doc",
        "version": 1,
        "content": [
            {
                "type": "paragraph",
                "content": [
                    {"type": "text", "text": "Hi "},
                    {"type": "mention", "attrs": {"id": "acc-1", "text": "@Emma Moreau"}},
                    {"type": "text", "text": ", please look."},
                ],
            }
        ],
    }
    assert to_text(adf) == "Hi @Emma Moreau, please look."


def test_jql_values_are_always_quoted() -> None:
    assert quote('a"b\\c') == '"a\\"b\\\\c"'
    assert (
        in_list(["SHOP", 'x") OR project = "SECRET']) == '("SHOP", "x\\") OR project = \\"SECRET")'
    )
    assert by_keys(["SHOP-1"]) == 'key in ("SHOP-1")'
    from zoneinfo import ZoneInfo

    q = full_scan(["SHOP"], ["escalation-S1"], utc(2026, 3, 2, 8, 0), ZoneInfo("Europe/Paris"))
    assert q == (
        'project in ("SHOP") AND ((labels in ("escalation-S1") AND resolution is EMPTY) '
        'OR updated >= "2026-03-02 09:00") ORDER BY key ASC'
    )
