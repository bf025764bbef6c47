"""Channels by severity through the real worker: sandbox Jira over HTTP, fake Slack, Twilio via ``responses``."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs

import responses

from tests.e2e.harness import World
from tests.notify.fake_slack import FakeSlack
from tests.support import CPO, CTO, PD
from worker.cycle.cycle import Memory
from worker.cycle.notifications import DispatcherNotifier, notifier_from_channels
from worker.notify.registry import build_channels

CALLS = "https://api.twilio.com/2010-04-01/Accounts/AC123/Calls.json"
MESSAGES = "https://api.twilio.com/2010-04-01/Accounts/AC123/Messages.json"
TWILIO = {
    "TWILIO_ACCOUNT_SID": "AC123",
    "TWILIO_AUTH_TOKEN": "twilio-secret",
    "TWILIO_FROM": "+15559990000",
}
PHONES = {CPO: "+33600000001", CTO: "+33600000002", PD: "+33600000005"}


def to_numbers(url: str) -> list[str]:
    out = []
    for call in responses.calls:
        if call.request.url == url:
            body = call.request.body
            out.append(parse_qs(body.decode() if isinstance(body, bytes) else str(body))["To"][0])
    return out


def notifier(world: World, slack: FakeSlack) -> DispatcherNotifier:
    channels = build_channels(
        {**TWILIO, "SLACK_BOT_TOKEN": "xoxb-test", "SLACK_API_URL": slack.url}
    )
    return notifier_from_channels(
        channels, world.config, now=world.clock.now, site_url=world.server.url
    )


@responses.activate
def test_s1_calls_each_handler_and_opens_one_dedicated_channel(
    world: World, slack: FakeSlack
) -> None:
    responses.add_passthru("http://127.0.0.1")
    responses.post(CALLS, json={"sid": "CA1"}, status=201)
    responses.post(MESSAGES, json={"sid": "SM1"}, status=201)
    key = world.issue("Payments down", labels=("escalation-S1", "escalation-type-incident"))
    n = notifier(world, slack)
    world.tick(notifier=n)
    world.tick(notifier=n)  # a second process: nothing is sent twice
    assert len(world.worker_comments(key)) == 1
    assert sorted(to_numbers(CALLS)) == sorted([PHONES[CPO], PHONES[CTO]])
    assert to_numbers(MESSAGES) == []
    created = slack.calls_to("conversations.create")
    assert len(created) == 1 and created[0].params["name"] == "esc-" + key.lower()
    invited = {
        u
        for call in slack.calls_to("conversations.invite")
        for u in call.params["users"].split(",")
    }
    assert invited == {"U01CPO", "U01CTO"}
    rec = world.record(key)
    assert {e["channel"] for e in rec["outbox"] if e["status"] == "sent"} == {
        "phone",
        "slack_channel",
    }


@responses.activate
def test_s1_with_the_phone_provider_failing_sends_one_sms_each(
    world: World, slack: FakeSlack
) -> None:
    responses.add_passthru("http://127.0.0.1")
    # a definite refusal, retried later (a 5xx would leave the call's fate unknown: see below)
    responses.post(CALLS, json={"code": 21215, "message": "Geo permission missing"}, status=400)
    responses.post(MESSAGES, json={"sid": "SM1"}, status=201)
    key = world.issue("Payments down", labels=("escalation-S1", "escalation-type-incident"))
    memory = Memory()
    n = notifier(world, slack)
    world.cycle(memory, notifier=n).run()
    assert sorted(to_numbers(MESSAGES)) == sorted([PHONES[CPO], PHONES[CTO]])
    # the failed phone calls are retried on later cycles, up to the outbox's limit; the SMS are never re-sent
    for _ in range(4):
        world.clock.advance(timedelta(seconds=30))
        world.cycle(memory, notifier=n).run()
    assert sorted(to_numbers(MESSAGES)) == sorted([PHONES[CPO], PHONES[CTO]])
    assert len(to_numbers(CALLS)) == 2 * 3  # two handlers × three attempts
    assert len(world.worker_comments(key)) == 1
    assert world.site.issue(key).assignee == CPO
    rec = world.record(key)
    assert rec["notify_retry"] == []


@responses.activate
def test_s1_with_the_phone_provider_answering_5xx_never_calls_twice(
    world: World, slack: FakeSlack
) -> None:
    """A 5xx from Twilio does not say the call was not placed (no idempotency key): the phone
    channel is abandoned at once, visibly, and the SMS backup goes out; no call is ever repeated."""
    responses.add_passthru("http://127.0.0.1")
    responses.post(CALLS, json={"code": 20500, "message": "Internal error"}, status=500)
    responses.post(MESSAGES, json={"sid": "SM1"}, status=201)
    key = world.issue("Payments down", labels=("escalation-S1", "escalation-type-incident"))
    memory = Memory()
    n = notifier(world, slack)
    for _ in range(4):
        world.cycle(memory, notifier=n).run()
        world.clock.advance(timedelta(seconds=30))
    assert sorted(to_numbers(CALLS)) == sorted([PHONES[CPO], PHONES[CTO]])  # once each
    assert sorted(to_numbers(MESSAGES)) == sorted([PHONES[CPO], PHONES[CTO]])
    rec = world.record(key)
    assert rec["notify_retry"] == []
    (event,) = [e for e in rec["timeline"] if e["kind"] == "abandoned"]
    assert (
        event["detail"].startswith("route via phone: outcome unknown")
        and "backup: sms sent" in event["detail"]
    )


@responses.activate
def test_a_failing_channel_never_blocks_the_comment_or_the_assignment(
    world: World, slack: FakeSlack
) -> None:
    responses.add_passthru("http://127.0.0.1")
    responses.post(CALLS, body=ConnectionError("twilio down"))
    responses.post(MESSAGES, body=ConnectionError("twilio down"))
    key = world.issue("Payments down", labels=("escalation-S1", "escalation-type-incident"))
    report = world.tick(notifier=notifier(world, slack))
    assert not report.errors
    assert world.site.issue(key).assignee == CPO
    assert len(world.worker_comments(key)) == 1


@responses.activate
def test_the_timeline_says_where_each_notification_went(world: World, slack: FakeSlack) -> None:
    responses.add_passthru("http://127.0.0.1")
    responses.post(CALLS, json={"code": 21215, "message": "Geo permission missing"}, status=400)
    responses.post(MESSAGES, json={"sid": "SM1"}, status=201)
    key = world.issue("Payments down", labels=("escalation-S1", "escalation-type-incident"))
    world.tick(notifier=notifier(world, slack))
    (event,) = [e for e in world.record(key)["timeline"] if e["kind"] == "notified"]
    assert event["detail"] == "route via phone: failed, slack_channel: sent, sms: sent"


def test_an_unconfigured_channel_warns_once_per_cycle(world: World) -> None:
    from structlog.testing import capture_logs

    n = notifier_from_channels(
        build_channels({}), world.config, now=world.clock.now, site_url=world.server.url
    )
    world.issue("First", labels=("escalation-S1", "escalation-type-incident"))
    world.issue("Second", labels=("escalation-S1", "escalation-type-incident"))
    memory = Memory()
    with capture_logs() as first:
        world.cycle(memory, notifier=n).run()
    warnings = [e for e in first if e["event"] == "notify.channel_not_configured"]
    # phone, slack_channel and the sms backup: one warning each although two issues were notified
    assert sorted(e["channel"] for e in warnings) == ["phone", "slack_channel", "sms"]
    world.issue("Third", labels=("escalation-S1", "escalation-type-incident"))
    world.clock.advance(timedelta(minutes=1))
    with capture_logs() as second:
        world.cycle(memory, notifier=n).run()
    assert sorted(
        e["channel"] for e in second if e["event"] == "notify.channel_not_configured"
    ) == ["phone", "slack_channel", "sms"]
