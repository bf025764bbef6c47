"""Seed scenarios end to end through the real providers: fake Slack, ``responses`` for Twilio, aiosmtpd."""

from __future__ import annotations

from urllib.parse import parse_qs

import responses

from tests.notify.fake_slack import FakeSlack
from tests.notify.notify_builders import ALICE, BOB, Clock, message
from tests.notify.notify_smtp import SmtpServer
from worker.notify.outbox import Dispatcher, OutboxEntry, entries_for
from worker.notify.registry import build_channels

CALLS = "https://api.twilio.com/2010-04-01/Accounts/AC123/Calls.json"
MESSAGES = "https://api.twilio.com/2010-04-01/Accounts/AC123/Messages.json"
TWILIO = {"TWILIO_ACCOUNT_SID": "AC123", "TWILIO_AUTH_TOKEN": "tok", "TWILIO_FROM": "+15559990000"}


def sent_to(url: str) -> list[str]:
    out = []
    for call in responses.calls:
        if call.request.url == url:
            body = call.request.body
            text = body.decode() if isinstance(body, bytes) else str(body)
            out.append(parse_qs(text)["To"][0])
    return out


@responses.activate
def test_s1_with_phone_failing_sends_one_sms_each_and_one_dedicated_channel(
    fake_slack: FakeSlack,
) -> None:
    responses.add_passthru("http://127.0.0.1")
    # a definite refusal (a 5xx would leave the call's fate unknown: never retried, see
    # test_notify_twilio.py::test_an_answer_that_leaves_the_call_unknown_is_never_resent)
    responses.post(CALLS, json={"code": 21215, "message": "Geo permission missing"}, status=400)
    responses.post(MESSAGES, json={"sid": "SM1"}, status=201)
    fake_slack.users_by_email["bob@example.com"] = "UBOB"
    channels = build_channels(
        {**TWILIO, "SLACK_BOT_TOKEN": "xoxb-1", "SLACK_API_URL": fake_slack.url}
    )
    clock = Clock()
    dispatcher = Dispatcher(channels, now=clock, max_attempts=2, warned=set())
    persisted: list[list[OutboxEntry]] = []

    entries = dispatcher.deliver(
        message(), ["phone", "slack_channel"], ["sms"], [], persisted.append
    )
    clock.advance(60)
    entries = dispatcher.deliver(
        message(), ["phone", "slack_channel"], ["sms"], entries, persisted.append
    )
    clock.advance(60)
    entries = dispatcher.deliver(
        message(), ["phone", "slack_channel"], ["sms"], entries, persisted.append
    )

    assert (
        sent_to(CALLS) == [ALICE.phone, BOB.phone] * 2
    )  # first try and one retry (max_attempts=2)
    assert sent_to(MESSAGES) == [ALICE.phone, BOB.phone]  # one SMS each, never repeated
    assert len(fake_slack.calls_to("conversations.create")) == 1
    assert sorted(c.params["users"] for c in fake_slack.calls_to("conversations.invite")) == [
        "UALICE",
        "UBOB",
    ]
    by = entries_for(message().id, entries)
    assert {c: e.status for c, e in by.items()} == {
        "phone": "abandoned",
        "slack_channel": "sent",
        "sms": "sent",
    }
    # Every send was preceded by a persisted intent: 2 phone + 1 channel + 1 sms.
    assert len(persisted) == 4


def test_s2_without_slack_falls_back_to_email(smtp_server: SmtpServer) -> None:
    env = {
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(smtp_server.port),
        "SMTP_FROM": "esc@example.com",
        "SMTP_STARTTLS": "0",
    }
    dispatcher = Dispatcher(build_channels(env), now=Clock(), warned=set())
    entries = dispatcher.deliver(
        message(severity="S2", here=True), ["slack_dm"], ["email"], [], lambda entries: None
    )
    by = entries_for(message().id, entries)
    assert (by["slack_dm"].status, by["email"].status, by["email"].backup_for) == (
        "skipped",
        "sent",
        "slack_dm",
    )
    assert [list(e.rcpt_tos) for e in smtp_server.mailbox.envelopes] == [
        ["alice@example.com"],
        ["bob@example.com"],
    ]
