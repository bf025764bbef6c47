"""Secrets stay out of logs, delivery details, entries, reprs and exception text."""

from __future__ import annotations

import logging

import pytest
import requests
import responses
from structlog.testing import capture_logs
from urllib3.exceptions import MaxRetryError, NewConnectionError

from tests.notify.fake_slack import Answer, FakeSlack
from tests.notify.notify_builders import ALICE, Clock, FakeChannel, message
from tests.notify.notify_smtp import SmtpServer
from worker.notify.outbox import Dispatcher, OutboxEntry, dump_entries
from worker.notify.registry import build_channels

SLACK_TOKEN = "xoxb-SECRET-123"
SMTP_PASSWORD = "smtp-SECRET-456"
TWILIO_TOKEN = "twilio-SECRET-789"
PD_KEY = "pd-SECRET-000"
SECRETS = (SLACK_TOKEN, SMTP_PASSWORD, TWILIO_TOKEN, PD_KEY)


def environ(slack_url: str, smtp_port: int) -> dict[str, str]:
    return {
        "SLACK_BOT_TOKEN": SLACK_TOKEN,
        "SLACK_API_URL": slack_url,
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(smtp_port),
        "SMTP_FROM": "escalations@example.com",
        "SMTP_USERNAME": "worker",
        "SMTP_PASSWORD": SMTP_PASSWORD,
        "SMTP_STARTTLS": "false",
        "TWILIO_ACCOUNT_SID": "AC123",
        "TWILIO_AUTH_TOKEN": TWILIO_TOKEN,
        "TWILIO_FROM": "+15559990000",
        "PAGERDUTY_ROUTING_KEY": PD_KEY,
    }


@responses.activate
def test_no_secret_in_logs_details_entries_or_reprs(
    fake_slack: FakeSlack, smtp_auth_server: SmtpServer, caplog: pytest.LogCaptureFixture
) -> None:
    responses.add_passthru("http://127.0.0.1")  # the fake Slack server is real HTTP on loopback
    # Providers that echo credentials back in their error bodies: the detail must still be clean.
    responses.post(
        "https://api.twilio.com/2010-04-01/Accounts/AC123/Calls.json",
        json={"code": 20003, "message": f"Authenticate with {TWILIO_TOKEN}"},
        status=401,
    )
    responses.post(
        "https://api.twilio.com/2010-04-01/Accounts/AC123/Messages.json",
        body=requests.ConnectionError(  # refused: never sent, so a plain failure
            # urllib3 wants the pool and connection; neither matters to a refused connection's error
            MaxRetryError(
                None,  # type: ignore[arg-type]
                f"https://AC123:{TWILIO_TOKEN}@api.twilio.com",
                NewConnectionError(
                    None,  # type: ignore[arg-type]
                    f"https://AC123:{TWILIO_TOKEN}@api.twilio.com refused",
                ),
            )
        ),
    )
    responses.post(
        "https://events.pagerduty.com/v2/enqueue",
        json={"message": "Event object is invalid", "errors": [f"routing_key {PD_KEY} unknown"]},
        status=400,
    )
    # (Slack itself never echoes the token; slack_sdk logs response bodies verbatim at DEBUG.)
    fake_slack.script("chat.postMessage", Answer(200, {"ok": False, "error": "invalid_auth"}))
    fake_slack.rate_limit("conversations.create")

    channels = build_channels(environ(fake_slack.url, smtp_auth_server.port))
    dispatcher = Dispatcher(channels, now=Clock(), warned=set())
    persisted: list[list[OutboxEntry]] = []
    caplog.set_level(logging.DEBUG)  # slack_sdk and urllib3 log through stdlib logging at DEBUG
    with capture_logs() as logs:
        entries = dispatcher.deliver(
            message(),
            ["phone", "slack_dm", "slack_channel", "pagerduty", "email"],
            ["sms"],
            [],
            persisted.append,
        )
    assert {e.status for e in entries} == {"failed"}, [(e.channel, e.detail) for e in entries]
    assert len(entries) == 6 and len(logs) == 6
    # The secrets really were used on the wire, so their absence below means something.
    assert any(c.authorization == f"Bearer {SLACK_TOKEN}" for c in fake_slack.calls)
    assert smtp_auth_server.mailbox.logins == ["worker", "worker"]  # PLAIN, then LOGIN

    texts = [
        repr(logs),
        caplog.text,
        repr(entries),
        repr(dump_entries(entries)),
        repr(persisted),
        repr(channels),
        repr(dispatcher.__dict__),
    ]
    for secret in SECRETS:
        for text in texts:
            assert secret not in text
    assert any(
        "[redacted]" in e.detail for e in entries
    )  # the echoed secrets were scrubbed, not just absent


def test_exception_text_from_a_broken_provider_is_not_exposed() -> None:
    broken = FakeChannel("email", [RuntimeError(f"login failed for password {SMTP_PASSWORD}")])
    with capture_logs() as logs:
        entries = Dispatcher({"email": broken}, now=Clock(), warned=set()).deliver(
            message(recipients=(ALICE,)), ["email"], [], [], lambda entries: None
        )
    assert entries[0].detail == "provider raised RuntimeError"
    assert SMTP_PASSWORD not in repr(logs)


def test_settings_reprs_hide_secrets() -> None:
    from worker.notify.email import EmailSettings
    from worker.notify.pagerduty import PagerDutySettings
    from worker.notify.slack import SlackSettings
    from worker.notify.twilio import TwilioSettings

    env = environ("http://127.0.0.1:1/api/", 25)
    for settings in (
        SlackSettings.from_env(env),
        EmailSettings.from_env(env),
        TwilioSettings.from_env(env),
        PagerDutySettings.from_env(env),
    ):
        for secret in SECRETS:
            assert secret not in repr(settings) and secret not in str(settings)
