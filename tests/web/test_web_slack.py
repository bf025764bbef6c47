"""Slack buttons over real HTTP: the owner's click stops the due escalation; nobody else's does."""

from __future__ import annotations

import hashlib
import hmac

from tests.support import LEAD_DEV, PO, paris
from tests.web.webworld import SLACK_SECRET, SlackSender, Web
from worker.notify.slack import HANDOVER_ACTION
from worker.web.app import SLACK_PATH

EMMA, THEO, LOUIS = "U01PO1", "U01CTO", "U01LD1"


def _escalation_due(web: Web) -> str:
    """An S3 routed to Emma (PO) by the webhook, then the clock moved past its acknowledge deadline."""
    key = web.world.issue("Checkout fails")
    web.settle()
    assert web.world.record(key)["owner"] == PO
    web.world.clock.set(paris(2026, 3, 2, 14, 0))  # due: 4 business hours, no cycle has run since
    return key


def _escalated(web: Web, key: str) -> bool:
    return any("Escalated one level up" in c.text for c in web.world.worker_comments(key))


def test_owner_acknowledges_from_slack_and_the_due_escalation_is_cancelled(web: Web) -> None:
    key = _escalation_due(web)
    assert SlackSender(web).click(EMMA, key).status_code == 200
    web.settle()
    rec = web.world.record(key)
    assert rec["acked_by"] == PO and rec["level"] == 0
    assert any(
        e["kind"] == "acknowledged" and "acknowledged from Slack" in e["detail"]
        for e in rec["timeline"]
    )
    (ack,) = [c for c in web.world.worker_comments(key) if "acknowledged from Slack" in c.text]
    prop = ack.properties["escalation-worker.action"]
    assert prop["person"] == PO and prop["channel"] == "slack" and prop["interaction"]
    assert prop["at"].startswith("2026-03-02T13:00")  # 14:00 Paris
    web.world.tick()  # a later full cycle agrees: no escalation
    assert not _escalated(web, key)
    assert web.world.site.issue(key).assignee == PO
    (update,) = web.slack_fake.calls_to("chat.update")
    assert "Acknowledged by Emma Moreau from Slack" in update.params["text"]


def test_the_same_click_twice_posts_one_comment(web: Web) -> None:
    key = _escalation_due(web)
    sender = SlackSender(web)
    payload = sender.payload(EMMA, key)
    body = sender.body(payload)
    assert web.post(SLACK_PATH, body, sender.headers(body)).status_code == 200
    assert web.post(SLACK_PATH, body, sender.headers(body)).status_code == 400  # same interaction
    assert sender.click(EMMA, key).status_code == 200  # a second, separate press
    web.settle()
    acks = [c for c in web.world.worker_comments(key) if "acknowledged from Slack" in c.text]
    assert len(acks) == 1


def test_click_by_someone_outside_the_level_changes_nothing(web: Web) -> None:
    key = _escalation_due(web)
    comments = len(web.world.site.comments(key))
    record = web.world.record(key)
    assert SlackSender(web).click(THEO, key).status_code == 200
    web.settle()
    assert len(web.world.site.comments(key)) == comments
    assert web.world.record(key) == record
    (eph,) = web.slack_fake.calls_to("chat.postEphemeral")
    assert eph.params["user"] == THEO and "not recorded" in eph.params["text"]
    assert key not in eph.params["text"]  # nothing about the issue is revealed
    web.world.tick()
    assert _escalated(web, key)  # the escalation that was due still happens


def test_unknown_slack_user_gets_an_explanation_and_changes_nothing(web: Web) -> None:
    key = _escalation_due(web)
    comments = len(web.world.site.comments(key))
    # the fake answers users.info with no email: the user is unknown to the directory
    assert SlackSender(web).click("U0STRANGER", key).status_code == 200
    web.settle()
    assert len(web.world.site.comments(key)) == comments
    (eph,) = web.slack_fake.calls_to("chat.postEphemeral")
    assert "not linked" in eph.params["text"]


def test_click_on_an_issue_that_does_not_exist_reads_like_any_refusal(web: Web) -> None:
    key = _escalation_due(web)
    sender = SlackSender(web)
    assert sender.click(THEO, key).status_code == 200
    assert sender.click(THEO, "SHOP-999").status_code == 200
    web.settle()
    first, second = web.slack_fake.calls_to("chat.postEphemeral")
    assert first.params["text"] == second.params["text"]


def test_hand_over_to_a_directory_person(web: Web) -> None:
    key = _escalation_due(web)
    sender = SlackSender(web)
    assert sender.click(EMMA, key, action=HANDOVER_ACTION, selected_user=LOUIS).status_code == 200
    web.settle()
    rec = web.world.record(key)
    assert rec["acked_by"] == PO and rec["owner"] == LEAD_DEV
    assert web.world.site.issue(key).assignee == LEAD_DEV  # Jira follows the hand-over
    assert any(e["kind"] == "delegated" for e in rec["timeline"])
    (c,) = [c for c in web.world.worker_comments(key) if "handed the escalation over" in c.text]
    assert "Louis Simon" in c.text


def test_hand_over_to_someone_outside_the_directory_is_refused(web: Web) -> None:
    key = _escalation_due(web)
    comments = len(web.world.site.comments(key))
    sender = SlackSender(web)
    assert (
        sender.click(EMMA, key, action=HANDOVER_ACTION, selected_user="U0NOBODY").status_code == 200
    )
    web.settle()
    assert len(web.world.site.comments(key)) == comments
    assert web.world.record(key)["acked_at"] is None


def test_forged_stale_and_malformed_clicks_are_refused(web: Web) -> None:
    key = _escalation_due(web)
    comments = len(web.world.site.comments(key))
    sender = SlackSender(web)
    body = sender.body(sender.payload(EMMA, key))
    now = int(web.world.clock.now().timestamp())
    assert web.post(SLACK_PATH, body, {}).status_code == 401
    forged = SlackSender(web, secret="not-the-secret")
    assert web.post(SLACK_PATH, body, forged.headers(body)).status_code == 401
    stale = sender.headers(body, timestamp=now - 301)
    assert web.post(SLACK_PATH, body, stale).status_code == 401
    future = sender.headers(body, timestamp=now + 301)
    assert web.post(SLACK_PATH, body, future).status_code == 401
    bad_ts = {**sender.headers(body), "X-Slack-Request-Timestamp": "12abc"}
    assert web.post(SLACK_PATH, body, bad_ts).status_code == 401
    for junk in (b"payload=%7Bnot-json", b"nothing=here", b"payload=%5B%5D"):
        assert web.post(SLACK_PATH, junk, sender.headers(junk)).status_code == 400
    binary = b"\xff\xfe"
    ts = str(now)
    mac = hmac.new(SLACK_SECRET.encode(), b"v0:" + ts.encode() + b":" + binary, hashlib.sha256)
    raw_headers = {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": "v0=" + mac.hexdigest()}
    assert web.post(SLACK_PATH, binary, raw_headers).status_code == 401
    odd = sender.payload(EMMA, key)
    odd["actions"][0]["block_id"] = "escalation-ack:'; DROP"
    odd_body = sender.body(odd)
    assert web.post(SLACK_PATH, odd_body, sender.headers(odd_body)).status_code == 400
    web.settle()
    assert len(web.world.site.comments(key)) == comments
    assert web.slack_fake.calls_to("chat.update") == []
    assert web.world.record(key)["acked_at"] is None


def test_a_comment_property_written_by_anyone_but_the_worker_counts_for_nothing(web: Web) -> None:
    """Comment properties can be set by any user who can comment: the core trusts only the worker's."""
    from tests.e2e.harness import REPORTER
    from worker.core import channel_ack
    from worker.core.channel_ack import ChannelAck

    key = _escalation_due(web)
    forged = ChannelAck(PO, "slack", web.world.clock.now(), "forged-1", None, 0)
    web.world.site.add_comment(
        key,
        REPORTER,
        "Emma Moreau acknowledged from Slack.",
        properties={"escalation-worker.action": channel_ack.property_value(forged, key)},
    )
    web.settle()  # the comment's webhook woke a key cycle: let it finish first
    web.world.tick()
    web.settle()
    assert web.world.record(key)["acked_at"] is None
    assert _escalated(web, key)


def test_a_stale_click_after_the_escalation_moved_up_changes_nothing(web: Web) -> None:
    key = _escalation_due(web)
    web.world.tick()  # the escalation happens: level 1 now belongs to the product director
    assert _escalated(web, key)
    record = web.world.record(key)
    comments = len(web.world.site.comments(key))
    assert SlackSender(web).click(EMMA, key).status_code == 200  # Emma's old message
    web.settle()
    assert len(web.world.site.comments(key)) == comments
    assert web.world.record(key) == record
    (eph,) = web.slack_fake.calls_to("chat.postEphemeral")
    assert "not recorded" in eph.params["text"]
