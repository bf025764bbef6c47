"""Jira webhooks over real HTTP: a signed delivery wakes a cycle for its key; bad ones change nothing."""

from __future__ import annotations

import hashlib
import hmac
import json

from tests.support import PO
from tests.web.webworld import JIRA_SECRET, Web
from worker.web.app import JIRA_PATH


def _signed(body: bytes, identifier: str, secret: str = JIRA_SECRET) -> dict[str, str]:
    digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return {
        "Content-Type": "application/json",
        "X-Hub-Signature": f"sha256={digest}",
        "X-Atlassian-Webhook-Identifier": identifier,
    }


def test_label_applied_is_routed_through_the_webhook_without_a_poll(web: Web) -> None:
    world = web.world
    key = world.issue("Checkout fails")  # created, then labelled: two deliveries
    web.settle()
    assert key in web.keys_woken()
    assert web.services.stats.received >= 2
    (comment,) = world.worker_comments(key)  # routed by the key cycle the webhook asked for
    rec = world.record(key)
    assert rec["status"] == "open" and rec["owner"] == PO
    assert "Emma Moreau" in comment.text
    # every delivery carried Jira's headers and a valid signature over the exact body
    for d in web.webhooks.sent:
        expected = hmac.new(JIRA_SECRET.encode(), d.body, hashlib.sha256).hexdigest()
        assert d.headers["X-Hub-Signature"] == f"sha256={expected}"
        assert json.loads(d.body)["issue"]["key"] == key


def test_replayed_delivery_is_refused_and_wakes_nothing(web: Web) -> None:
    web.world.issue()
    web.settle()
    delivery = web.webhooks.sent[-1]
    before = len(web.woken)
    assert web.webhooks.replay(delivery) == 400
    web.settle()
    assert len(web.woken) == before


def test_forged_unsigned_and_foreign_signatures_are_refused(web: Web) -> None:
    key = web.world.issue()
    web.settle()
    before = len(web.woken)
    body = json.dumps(
        {"webhookEvent": "jira:issue_updated", "issue": {"id": "1", "key": key}}
    ).encode()
    unsigned = {"Content-Type": "application/json", "X-Atlassian-Webhook-Identifier": "u-1"}
    assert web.post(JIRA_PATH, body, unsigned).status_code == 401
    assert web.post(JIRA_PATH, body, _signed(body, "f-1", "another-secret")).status_code == 401
    tampered = _signed(body, "t-1")
    assert web.post(JIRA_PATH, body.replace(b"jira:", b"jira:x"), tampered).status_code == 401
    bad_prefix = {**_signed(body, "p-1")}
    bad_prefix["X-Hub-Signature"] = bad_prefix["X-Hub-Signature"].replace("sha256=", "sha1=")
    assert web.post(JIRA_PATH, body, bad_prefix).status_code == 401
    web.settle()
    assert len(web.woken) == before
    assert web.services.stats.refused >= 4


def test_oversized_malformed_and_unidentified_deliveries_are_refused(web: Web) -> None:
    key = web.world.issue()
    web.settle()
    before = len(web.woken)
    huge = b'{"webhookEvent":"jira:issue_updated","x":"' + b"a" * 1_100_000 + b'"}'
    assert web.post(JIRA_PATH, huge, _signed(huge, "h-1")).status_code == 413
    nested = b"[" * 200_000 + b"]" * 200_000
    for n, junk in enumerate((b"not json", b"[]", b'{"issue":{"key":"SHOP-1"}}', nested)):
        assert web.post(JIRA_PATH, junk, _signed(junk, f"j-{n}")).status_code == 400
    body = json.dumps({"webhookEvent": "jira:issue_updated", "issue": {"key": key}}).encode()
    no_id = _signed(body, "x")
    del no_id["X-Atlassian-Webhook-Identifier"]
    assert web.post(JIRA_PATH, body, no_id).status_code == 400
    web.settle()
    assert len(web.woken) == before


def test_a_valid_delivery_for_a_project_out_of_scope_wakes_nothing(web: Web) -> None:
    before = len(web.woken)
    body = json.dumps(
        {"webhookEvent": "jira:issue_updated", "issue": {"id": "9", "key": "OTHER-9"}}
    ).encode()
    assert web.post(JIRA_PATH, body, _signed(body, "o-1")).status_code == 204
    web.settle()
    assert len(web.woken) == before


def test_healthz_counts_deliveries_for_check_online(web: Web) -> None:
    import requests

    web.world.issue()
    web.settle()
    health = requests.get(web.url + "/healthz", timeout=10).json()
    assert health["status"] == "ok"
    assert health["jira_webhooks"]["received"] >= 2
    assert health["jira_webhooks"]["last_at"] is not None
