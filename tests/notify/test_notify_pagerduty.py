"""PagerDuty Events API v2: request shape through ``responses``."""

from __future__ import annotations

import json

import responses

from tests.notify.notify_builders import message
from worker.notify.pagerduty import DEFAULT_EVENTS_URL, PagerDutyChannel, PagerDutySettings

ENV = {"PAGERDUTY_ROUTING_KEY": "R0UTINGKEY"}


def channel() -> PagerDutyChannel:
    return PagerDutyChannel(PagerDutySettings.from_env(ENV))


def body(call: responses.Call) -> dict:
    raw = call.request.body
    return json.loads(raw.decode() if isinstance(raw, bytes) else str(raw))


@responses.activate
def test_trigger_event_with_routing_key_and_dedup_key() -> None:
    responses.post(DEFAULT_EVENTS_URL, json={"status": "success", "dedup_key": "x"}, status=202)
    delivery = channel().send(message())
    assert delivery.status == "sent"
    assert responses.calls[0].request.url == "https://events.pagerduty.com/v2/enqueue"
    sent = body(responses.calls[0])
    assert sent["routing_key"] == "R0UTINGKEY"
    assert sent["event_action"] == "trigger"
    assert sent["dedup_key"] == "SHOP-12/1/escalate/L1"
    assert sent["payload"]["severity"] == "critical"
    assert sent["payload"]["summary"] == "[S1] SHOP-12: SHOP-12 checkout down: escalated to L1"
    assert sent["links"] == [
        {"href": "https://example.atlassian.net/browse/SHOP-12", "text": "SHOP-12"}
    ]


@responses.activate
def test_sensitive_event_carries_no_title_or_text() -> None:
    responses.post(DEFAULT_EVENTS_URL, json={"status": "success"}, status=202)
    channel().send(
        message(
            sensitive=True,
            severity="S2",
            title="Conflict between A and B",
            text="Personal matter XYZZY",
        )
    )
    raw = responses.calls[0].request.body
    text = raw.decode() if isinstance(raw, bytes) else str(raw)
    assert "Conflict" not in text and "XYZZY" not in text
    assert body(responses.calls[0])["payload"]["summary"] == "S2 escalation on SHOP-12"


@responses.activate
def test_429_and_400_are_failed_deliveries() -> None:
    responses.post(
        DEFAULT_EVENTS_URL, json={"status": "throttled"}, status=429, headers={"Retry-After": "5"}
    )
    responses.post(
        DEFAULT_EVENTS_URL,
        json={
            "message": "Event object is invalid",
            "errors": ["Length of 'routing_key' is incorrect"],
        },
        status=400,
    )
    limited = channel().send(message())
    assert (limited.status, limited.retry_after) == ("failed", 5.0)
    invalid = channel().send(message())
    assert invalid.status == "failed" and invalid.retry_after is None
    assert (
        invalid.detail == "HTTP 400 (Event object is invalid; Length of 'routing_key' is incorrect)"
    )


def test_unconfigured_without_routing_key() -> None:
    assert not PagerDutyChannel(PagerDutySettings.from_env({})).configured()
    assert PagerDutySettings.missing({}) == ["PAGERDUTY_ROUTING_KEY"]
