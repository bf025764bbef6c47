"""Slack blocks on escalation messages, settings and secrets, the dedupe memory, Jira payload parsing."""

from __future__ import annotations

import json

import pytest

from tests.notify.fake_slack import FakeSlack
from worker.notify.message import Message, Recipient
from worker.notify.slack import SlackApi, SlackDmChannel, SlackSettings
from worker.redact import redact
from worker.web.dedupe import SeenIds
from worker.web.jira_hooks import BadPayload, issue_keys
from worker.web.settings import WebSettings, WebSetupError
from worker.web.verify import jira_signature, jira_signature_ok


def _message(event: str) -> Message:
    return Message(
        id=f"SHOP-1#1.0:notify:{event}:L0",
        issue_key="SHOP-1",
        issue_url="https://acme.atlassian.net/browse/SHOP-1",
        severity="S2",
        event=event,
        title="Checkout fails",
        text="Please acknowledge.",
        recipients=(Recipient("acc-1", "Emma Moreau", slack_id="U01PO1"),),
    )


def _blocks(call_params: dict[str, object]) -> list[dict[str, object]]:
    raw = call_params.get("blocks")
    return json.loads(raw) if isinstance(raw, str) else list(raw or [])  # type: ignore[call-overload]


@pytest.mark.parametrize("event", ["route", "escalate", "nudge", "remind"])
def test_messages_that_ask_for_an_acknowledgement_carry_the_buttons(
    slack: FakeSlack, event: str
) -> None:
    settings = SlackSettings.from_env(
        {
            "SLACK_BOT_TOKEN": "xoxb-1-abcdef",
            "SLACK_API_URL": slack.url,
            "SLACK_SIGNING_SECRET": "s3cr3t-value",
        }
    )
    assert SlackDmChannel(SlackApi(settings)).send(_message(event)).status == "sent"
    (post,) = slack.calls_to("chat.postMessage")
    blocks = _blocks(post.params)
    actions = next(b for b in blocks if b["type"] == "actions")
    assert actions["block_id"] == "escalation-ack:SHOP-1"
    elements = actions["elements"]
    assert isinstance(elements, list)
    kinds = [(e["type"], e["action_id"]) for e in elements]
    assert kinds == [("button", "acknowledge"), ("users_select", "hand_over")]
    assert "Checkout fails" in post.params["text"]  # the notification text is still there


def test_no_buttons_without_the_signing_secret_or_on_a_digest(slack: FakeSlack) -> None:
    env = {"SLACK_BOT_TOKEN": "xoxb-1-abcdef", "SLACK_API_URL": slack.url}
    SlackDmChannel(SlackApi(SlackSettings.from_env(env))).send(_message("route"))
    interactive = SlackSettings.from_env({**env, "SLACK_SIGNING_SECRET": "s3cr3t-value"})
    SlackDmChannel(SlackApi(interactive)).send(_message("digest"))
    assert [_blocks(c.params) for c in slack.calls_to("chat.postMessage")] == [[], []]


def test_settings_register_every_secret_and_refuse_bad_values() -> None:
    env = {
        "PORT": "5001",
        "ESCALATION_WORKER_PUBLIC_URL": "https://w.example.com/",
        "JIRA_WEBHOOK_SECRET": "jira+secret/with=signs",
        "SLACK_SIGNING_SECRET": "slack-signing-canary",
        "TWILIO_AUTH_TOKEN": "twilio-token-canary",
    }
    s = WebSettings.from_env(env)
    assert s.port == 5001 and s.public_url == "https://w.example.com"
    assert "jira+secret" not in repr(s) and "canary" not in repr(s)
    forms = (
        "jira+secret/with=signs",
        "jira%2Bsecret%2Fwith%3Dsigns",
        "slack-signing-canary",
        "twilio-token-canary",
    )
    out = redact("logged: " + " | ".join(forms))
    assert all(f not in out for f in forms), out
    with pytest.raises(WebSetupError, match="PORT"):
        WebSettings.from_env({"PORT": "http"})
    with pytest.raises(WebSetupError, match="ESCALATION_WORKER_PUBLIC_URL"):
        WebSettings.from_env({"ESCALATION_WORKER_PUBLIC_URL": "worker.example.com"})
    with pytest.raises(WebSetupError, match="Twilio signs"):
        WebSettings.from_env({"TWILIO_AUTH_TOKEN": "twilio-token-canary"})


def test_seen_ids_forget_the_oldest_past_capacity() -> None:
    seen = SeenIds(capacity=3)
    assert [seen.first(x) for x in "abca"] == [True, True, True, False]
    seen.first("d")
    seen.first("e")
    assert seen.first("b") is True  # forgotten: only the newest three are kept


def test_jira_signature_is_over_the_exact_bytes() -> None:
    body = b'{"webhookEvent":"jira:issue_updated"}'
    header = jira_signature("k3y-value", body)
    assert jira_signature_ok("k3y-value", body, header)
    assert not jira_signature_ok("k3y-value", body + b" ", header)
    assert not jira_signature_ok("k3y-value", body, header.upper())
    assert not jira_signature_ok("k3y-value", body, None)


def test_issue_keys_from_documented_payload_shapes() -> None:
    updated = {
        "timestamp": 1,
        "webhookEvent": "jira:issue_updated",
        "issue_event_type_name": "issue_generic",
        "issue": {"id": "10001", "key": "SHOP-12", "fields": {}},
        "changelog": {"id": "1", "items": [{"field": "labels"}]},
    }
    comment = {"webhookEvent": "comment_created", "comment": {"id": "1"}, "issue": {"key": "PAY-3"}}
    assert issue_keys(json.dumps(updated).encode(), ["SHOP"]) == ["SHOP-12"]
    assert issue_keys(json.dumps(comment).encode(), ["SHOP", "PAY"]) == ["PAY-3"]
    assert issue_keys(json.dumps(comment).encode(), ["SHOP"]) == []
    other = {"webhookEvent": "project_created", "project": {"key": "X"}}
    assert issue_keys(json.dumps(other).encode(), []) == []
    for bad in (
        b"",
        b"null",
        b'{"webhookEvent": 3}',
        b'{"webhookEvent":"jira:issue_updated","issue":{"key":"no key"}}',
    ):
        with pytest.raises(BadPayload):
            issue_keys(bad, [])


def test_sms_says_how_to_acknowledge_only_when_replies_are_received() -> None:
    from worker.notify.twilio import sms_body

    assert sms_body(_message("route"), True).endswith("Reply ACK to acknowledge.")
    assert "Reply ACK" not in sms_body(_message("route"), False)
    assert "Reply ACK" not in sms_body(_message("digest"), True)
    long = Message(**{**_message("escalate").__dict__, "title": "x" * 600})
    assert len(sms_body(long, True)) <= 480 and sms_body(long, True).endswith("acknowledge.")
