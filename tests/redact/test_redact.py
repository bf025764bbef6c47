"""Redaction: every spelling of a registered secret is hidden, and reading a secret registers it."""

from __future__ import annotations

import base64
import json
from urllib.parse import quote, quote_plus

import pytest
import requests
import responses

from tests.faults.secret_echo import spellings
from worker.confluence.client import ConfluenceError
from worker.jira.http import JiraError
from worker.notify.message import Delivery, Message, Recipient
from worker.notify.twilio import TwilioClient, TwilioSettings
from worker.redact import redact, redact_value, secret_from_env, secret_url_from_env

# a token with every character that changes under URL- or JSON-encoding
TOKEN = 'tok+en/with=plus&slash?"q"-7c1e9a'
USER = "bot@example.com"


def test_reading_a_secret_registers_every_spelling_of_it() -> None:
    token = TOKEN + "-read"
    for form in spellings(token, USER).values():
        assert form in redact(f"x {form} y")  # not known yet
    assert secret_from_env({"MY_TOKEN": f" {token}\n"}, "MY_TOKEN", user=USER) == token
    for name, form in spellings(token, USER).items():
        text = redact(f"before {form} after")
        assert form not in text and "[redacted]" in text, name


def test_a_secret_url_registers_its_path() -> None:
    url = "https://hc-ping.example/ping/0f8e2c6a-1b2c-4d5e-9f00-abcdef123456"
    assert secret_url_from_env({"HEARTBEAT_URL": url}, "HEARTBEAT_URL") == url
    assert "0f8e2c6a" not in redact("GET /ping/0f8e2c6a-1b2c-4d5e-9f00-abcdef123456 failed")
    assert "0f8e2c6a" not in redact(quote_plus(url))


def test_unset_or_blank_secrets_are_none() -> None:
    assert secret_from_env({}, "X_TOKEN") is None
    assert secret_from_env({"X_TOKEN": "  "}, "X_TOKEN") is None


def test_an_authorization_header_is_hidden_whatever_it_holds() -> None:
    text = redact(
        '{"Authorization": "Basic dW5rbm93bjpjcmVkcw=="} and authorization: Bearer abc.def'
    )
    assert "dW5rbm93bjpjcmVkcw" not in text and "abc.def" not in text


def test_errors_and_deliveries_are_redacted_when_built() -> None:
    token = TOKEN + "-errors"
    secret_from_env({"T_TOKEN": token}, "T_TOKEN", user=USER)
    basic = spellings(token, USER)["basic"]
    echoed = f"Authorization: Basic {basic} token={quote_plus(token)}"
    jira = JiraError(f"HTTP 400 {echoed}", 400, {"errorMessages": [echoed], "n": 1})
    wiki = ConfluenceError(400, "GET", "/pages", echoed)
    delivery = Delivery("phone", "failed", echoed)
    for text in (str(jira), json.dumps(jira.body), str(wiki), wiki.detail, delivery.detail):
        assert token not in text and quote_plus(token) not in text and basic not in text
    assert redact_value({"a": [echoed, 3]})["a"][1] == 3


@responses.activate
def test_twilio_error_echoing_basic_auth_is_redacted_in_the_detail() -> None:
    """Reproduces issue 12 item 4: a Twilio answer quoting ``Authorization: Basic …`` (sid:token)
    was stored verbatim in the delivery detail (then in the issue's record and the log)."""
    sid, token = "AC0123456789", "twilio+tok/en=9f8e7d6c"
    settings = TwilioSettings.from_env(
        {"TWILIO_ACCOUNT_SID": sid, "TWILIO_AUTH_TOKEN": token, "TWILIO_FROM": "+15550001111"}
    )
    basic = base64.b64encode(f"{sid}:{token}".encode()).decode()
    responses.post(
        f"https://api.twilio.com/2010-04-01/Accounts/{sid}/Calls.json",
        json={
            "code": 20003,
            "message": f"Bad credentials in header: Basic {basic} ({quote(token)})",
        },
        status=401,
    )
    result = TwilioClient(settings, requests.Session()).call("+15550002222", _message())
    assert not result.ok
    assert basic not in result.detail and quote(token) not in result.detail
    assert token not in result.detail and "[redacted]" in result.detail


def _message() -> Message:
    return Message(
        "SHOP-1/1/route/L0",
        "SHOP-1",
        "https://x/browse/SHOP-1",
        "S1",
        "route",
        "Checkout down",
        "text",
        (Recipient("a1", "Ann", phone="+15550002222"),),
    )


@pytest.mark.parametrize("length", [0, 3, 5])
def test_short_values_are_not_treated_as_secrets(length: int) -> None:
    value = "abcdef"[:length]
    secret_from_env({"S_TOKEN": value}, "S_TOKEN")
    assert redact(f"x{value}y") == f"x{value}y"


def test_the_environment_is_registered_at_start_up() -> None:
    from worker.redact import register_environment

    env = {
        "SOME_NEW_API_TOKEN": "never+read/by=this-process",
        "HEARTBEAT_URL": "https://hc.example/ping/5f0c8e1a-0d8b-4c55-b3a4-9e2f0a7c1d22",
        "HOME": "/home/someone-plain",
    }
    register_environment(env)
    text = redact(
        f"{quote_plus(env['SOME_NEW_API_TOKEN'])} /ping/5f0c8e1a-0d8b-4c55-b3a4-9e2f0a7c1d22 /home/someone-plain"
    )
    assert "never" not in text and "5f0c8e1a" not in text and "/home/someone-plain" in text
