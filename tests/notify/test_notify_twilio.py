"""Twilio calls and SMS: the real REST request shapes, through ``responses``."""

from __future__ import annotations

import base64
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs

import pytest
import requests
import responses
from urllib3.exceptions import MaxRetryError, NewConnectionError

from tests.notify.notify_builders import ALICE, BOB, message
from worker.notify.message import Recipient
from worker.notify.outbox import Dispatcher, plan_sends
from worker.notify.twilio import TwilioCallChannel, TwilioClient, TwilioSettings, TwilioSmsChannel

ENV = {"TWILIO_ACCOUNT_SID": "AC123", "TWILIO_AUTH_TOKEN": "tok-456", "TWILIO_FROM": "+15559990000"}
CALLS = "https://api.twilio.com/2010-04-01/Accounts/AC123/Calls.json"
MESSAGES = "https://api.twilio.com/2010-04-01/Accounts/AC123/Messages.json"
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def channels() -> tuple[TwilioCallChannel, TwilioSmsChannel]:
    client = TwilioClient(TwilioSettings.from_env(ENV))
    return TwilioCallChannel(client), TwilioSmsChannel(client)


def form(call: responses.Call) -> dict[str, str]:
    body = call.request.body
    text = body.decode() if isinstance(body, bytes) else str(body)
    return {k: v[0] for k, v in parse_qs(text).items()}


@responses.activate
def test_one_call_per_recipient_with_twiml_and_basic_auth() -> None:
    responses.post(CALLS, json={"sid": "CA1"}, status=201)
    phone, _ = channels()
    delivery = phone.send(message(title="Checkout <down> & out"))
    assert delivery.status == "sent"
    assert delivery.recipients == (ALICE.account_id, BOB.account_id)
    assert len(responses.calls) == 2
    expected_auth = "Basic " + base64.b64encode(b"AC123:tok-456").decode()
    sent = [form(c) for c in responses.calls]
    assert [f["To"] for f in sent] == [ALICE.phone, BOB.phone]
    for call, fields in zip(responses.calls, sent, strict=True):
        assert call.request.url == CALLS
        assert call.request.headers["Authorization"] == expected_auth
        assert fields["From"] == "+15559990000"
        say = ET.fromstring(fields["Twiml"]).find("Say")  # well-formed despite < and &
        assert say is not None and say.text is not None
        assert "SHOP-12" in say.text and "Checkout <down> & out" in say.text
        assert len(say.text) <= 300


@responses.activate
def test_sms_body_has_severity_title_and_link() -> None:
    responses.post(MESSAGES, json={"sid": "SM1"}, status=201)
    _, sms = channels()
    delivery = sms.send(message(recipients=(ALICE,)))
    assert delivery.status == "sent" and delivery.recipients == (ALICE.account_id,)
    fields = form(responses.calls[0])
    assert fields["To"] == ALICE.phone and fields["From"] == "+15559990000"
    assert fields["Body"] == (
        "[S1] SHOP-12: SHOP-12 checkout down: escalated to L1 https://example.atlassian.net/browse/SHOP-12"
    )


@responses.activate
def test_429_fails_with_retry_after_and_stops() -> None:
    responses.post(
        CALLS,
        json={"code": 20429, "message": "Too Many Requests"},
        status=429,
        headers={"Retry-After": "12"},
    )
    phone, _ = channels()
    delivery = phone.send(message())
    assert delivery.status == "failed"
    assert delivery.retry_after == 12.0
    assert delivery.recipients == ()
    assert len(responses.calls) == 1  # Bob is not hammered after the rate limit


@responses.activate
def test_other_4xx_fails_for_that_recipient_and_continues() -> None:
    responses.post(CALLS, json={"code": 21211, "message": "Invalid 'To' Phone Number"}, status=400)
    responses.post(CALLS, json={"sid": "CA2"}, status=201)
    phone, _ = channels()
    delivery = phone.send(message())
    assert delivery.status == "failed" and delivery.retry_after is None
    assert delivery.recipients == (BOB.account_id,)
    assert "Alice: HTTP 400 (Twilio 21211: Invalid 'To' Phone Number)" in delivery.detail


def refused() -> requests.ConnectionError:
    return requests.ConnectionError(
        # urllib3 wants the pool and connection; neither matters to a refused connection's error
        MaxRetryError(None, MESSAGES, NewConnectionError(None, "refused"))  # type: ignore[arg-type]
    )


@responses.activate
def test_a_connection_never_opened_is_a_failed_delivery_tried_again_later() -> None:
    responses.post(MESSAGES, body=refused())
    _, sms = channels()
    delivery = sms.send(message(recipients=(ALICE,)))
    assert delivery.status == "failed" and "ConnectionError" in delivery.detail


@pytest.mark.parametrize(
    "answer",
    [
        {"body": requests.ReadTimeout("read timed out")},
        {"body": requests.ConnectionError("Connection aborted.")},
        {"json": {"code": 20500, "message": "Internal Server Error"}, "status": 500},
        {"json": {}, "status": 503},
    ],
    ids=["read-timeout", "dropped", "500", "503"],
)
@responses.activate
def test_an_answer_that_leaves_the_call_unknown_is_never_resent(answer: dict[str, Any]) -> None:
    """Twilio has no idempotency key: a call whose fate is unknown may have rung. The channel is
    abandoned for that message (the outbox never tries it again) and the backup takes over."""
    responses.post(CALLS, **answer)
    responses.post(CALLS, json={"sid": "CA2"}, status=201)
    phone, _ = channels()
    delivery = phone.send(message())
    assert delivery.status == "unknown" and delivery.recipients == (BOB.account_id,)
    responses.reset()
    responses.post(CALLS, **answer)
    responses.post(CALLS, json={"sid": "CA2"}, status=201)
    outbox = Dispatcher({"phone": phone}, now=lambda: NOW, warned=set())
    entries = outbox.deliver(message(), ["phone"], [], [], lambda entries: None)
    (entry,) = entries
    assert entry.status == "abandoned" and entry.detail.startswith("outcome unknown")
    assert plan_sends(entry.message_id, ["phone"], [], entries, now=NOW) == []  # never again


def test_recipients_without_phone_are_skipped_or_named() -> None:
    phone, _ = channels()
    nobody = Recipient("acc-x", "Xavier", email="x@example.com")
    delivery = phone.send(message(recipients=(nobody,)))
    assert (delivery.status, delivery.detail) == ("skipped", "no recipient has a phone number")


@responses.activate
def test_missing_phone_is_named_in_the_detail() -> None:
    responses.post(CALLS, json={"sid": "CA1"}, status=201)
    phone, _ = channels()
    nobody = Recipient("acc-x", "Xavier")
    delivery = phone.send(message(recipients=(ALICE, nobody)))
    assert delivery.status == "sent"
    assert delivery.detail == "reached 1 of 1; no phone number for Xavier"


def test_configured_only_with_all_three_settings() -> None:
    assert channels()[0].configured()
    partial = TwilioClient(
        TwilioSettings.from_env({"TWILIO_ACCOUNT_SID": "AC1", "TWILIO_FROM": "+1"})
    )
    assert not TwilioCallChannel(partial).configured()
    assert TwilioSettings.missing({"TWILIO_ACCOUNT_SID": "AC1", "TWILIO_AUTH_TOKEN": " "}) == [
        "TWILIO_AUTH_TOKEN",
        "TWILIO_FROM",
    ]


@responses.activate
def test_api_url_override_for_a_sandbox() -> None:
    responses.post(
        "http://127.0.0.1:9/2010-04-01/Accounts/AC123/Messages.json",
        json={"sid": "SM1"},
        status=201,
    )
    client = TwilioClient(TwilioSettings.from_env({**ENV, "TWILIO_API_URL": "http://127.0.0.1:9/"}))
    assert TwilioSmsChannel(client).send(message(recipients=(ALICE,))).status == "sent"


@pytest.mark.parametrize(
    ("title", "body"),
    [
        # the worker's own titles already carry "[S1] KEY": not said twice
        ("[S1] SHOP-12: Checkout down", "[S1] SHOP-12: Checkout down URL"),
        ("[S1] SHOP-12 needs you", "[S1] SHOP-12 needs you URL"),
        # any other title gets them in front
        ("Checkout down", "[S1] SHOP-12: Checkout down URL"),
    ],
)
def test_sms_says_severity_and_key_once(title: str, body: str) -> None:
    from worker.notify.twilio import sms_body

    url = "https://example.atlassian.net/browse/SHOP-12"
    assert sms_body(message(title=title, issue_url=url)) == body.replace("URL", url)
