"""Slack channels against a fake Slack Web API served on 127.0.0.1."""

from __future__ import annotations

import pytest

from tests.notify.fake_slack import Answer, FakeSlack
from tests.notify.notify_builders import ALICE, BOB, Clock, message
from worker.notify.message import Recipient
from worker.notify.outbox import Dispatcher
from worker.notify.registry import build_channels
from worker.notify.slack import (
    _LIST_PAGES,
    SlackApi,
    SlackChannelChannel,
    SlackDmChannel,
    SlackFailure,
    SlackMentionChannel,
    SlackSettings,
    channel_name,
)

TOKEN = "xoxb-test-token"


def api(fake: FakeSlack) -> SlackApi:
    return SlackApi(SlackSettings.from_env({"SLACK_BOT_TOKEN": TOKEN, "SLACK_API_URL": fake.url}))


def test_channel_names_are_valid_slack_names() -> None:
    assert channel_name("SHOP-12") == "esc-shop-12"
    assert channel_name("Ops.Team 7") == "esc-ops-team-7"
    long = channel_name("X" * 200, "-2")
    assert len(long) == 80 and long.endswith("-2") and long.startswith("esc-xxx")


def test_dedicated_channel_is_created_handlers_invited_and_summary_posted(
    fake_slack: FakeSlack,
) -> None:
    fake_slack.users_by_email["bob@example.com"] = "UBOB"
    delivery = SlackChannelChannel(api(fake_slack)).send(message())
    assert delivery.status == "sent", delivery.detail
    assert delivery.recipients == (ALICE.account_id, BOB.account_id)
    assert [c.params["name"] for c in fake_slack.calls_to("conversations.create")] == [
        "esc-shop-12"
    ]
    channel_id = fake_slack.channels["esc-shop-12"]["id"]
    invites = fake_slack.calls_to("conversations.invite")
    assert [(c.params["channel"], c.params["users"]) for c in invites] == [
        (channel_id, "UALICE"),
        (channel_id, "UBOB"),
    ]
    assert [c.params["email"] for c in fake_slack.calls_to("users.lookupByEmail")] == [
        "bob@example.com"
    ]
    (post,) = fake_slack.calls_to("chat.postMessage")
    assert post.params["channel"] == channel_id
    assert "<https://example.atlassian.net/browse/SHOP-12|SHOP-12>" in post.params["text"]
    assert "*SHOP-12 checkout down: escalated to L1*" in post.params["text"]
    assert all(c.authorization == f"Bearer {TOKEN}" for c in fake_slack.calls)


def test_name_taken_reuses_the_existing_channel_and_joins_it(fake_slack: FakeSlack) -> None:
    fake_slack.channels["esc-shop-12"] = {"id": "C777", "name": "esc-shop-12", "is_member": False}
    delivery = SlackChannelChannel(api(fake_slack)).send(message(recipients=(ALICE,)))
    assert delivery.status == "sent" and "reused #esc-shop-12" in delivery.detail
    assert [c.params["channel"] for c in fake_slack.calls_to("conversations.join")] == ["C777"]
    assert fake_slack.calls_to("chat.postMessage")[0].params["channel"] == "C777"
    assert len(fake_slack.calls_to("conversations.create")) == 1


def test_name_taken_by_an_invisible_channel_falls_back_to_a_suffix(fake_slack: FakeSlack) -> None:
    fake_slack.hidden_names.add("esc-shop-12")
    delivery = SlackChannelChannel(api(fake_slack)).send(message(recipients=(ALICE,)))
    assert delivery.status == "sent" and "created #esc-shop-12-2" in delivery.detail
    names = [c.params["name"] for c in fake_slack.calls_to("conversations.create")]
    assert names == ["esc-shop-12", "esc-shop-12-2"]


def test_already_in_channel_counts_as_invited_and_unknown_people_are_noted(
    fake_slack: FakeSlack,
) -> None:
    fake_slack.script(
        "conversations.invite", Answer(200, {"ok": False, "error": "already_in_channel"})
    )
    ghost = Recipient("acc-ghost", "Ghost")
    delivery = SlackChannelChannel(api(fake_slack)).send(message(recipients=(ALICE, ghost)))
    assert delivery.status == "sent"
    assert delivery.recipients == (ALICE.account_id,)
    assert "Ghost: no Slack id or email, not invited" in delivery.detail


def test_dm_to_each_recipient_plus_here_in_the_team_channel(fake_slack: FakeSlack) -> None:
    fake_slack.users_by_email["bob@example.com"] = "UBOB"
    delivery = SlackDmChannel(api(fake_slack)).send(message(severity="S2", here=True))
    assert delivery.status == "sent", delivery.detail
    assert [c.params["users"] for c in fake_slack.calls_to("conversations.open")] == [
        "UALICE",
        "UBOB",
    ]
    posts = [
        (c.params["channel"], c.params["text"]) for c in fake_slack.calls_to("chat.postMessage")
    ]
    assert [p[0] for p in posts] == ["DUALICE", "DUBOB", "#team-checkout"]
    assert posts[2][1].startswith("<!here> ")
    assert "<!here>" not in posts[0][1]


def test_dm_without_here_makes_no_team_post(fake_slack: FakeSlack) -> None:
    SlackDmChannel(api(fake_slack)).send(message(recipients=(ALICE,), here=False))
    assert [c.params["channel"] for c in fake_slack.calls_to("chat.postMessage")] == ["DUALICE"]


def test_mention_is_one_post_in_the_team_channel(fake_slack: FakeSlack) -> None:
    fake_slack.users_by_email["bob@example.com"] = "UBOB"
    delivery = SlackMentionChannel(api(fake_slack)).send(message(severity="S3", title="a <b> & c"))
    assert delivery.status == "sent"
    (post,) = fake_slack.calls_to("chat.postMessage")
    assert post.params["channel"] == "#team-checkout"
    assert post.params["text"].startswith("<@UALICE> <@UBOB> *a &lt;b&gt; &amp; c*")


def test_mention_without_team_channel_is_skipped(fake_slack: FakeSlack) -> None:
    delivery = SlackMentionChannel(api(fake_slack)).send(message(team_channel=None))
    assert (delivery.status, delivery.detail) == ("skipped", "no team channel configured")
    assert fake_slack.calls == []


def test_ratelimited_gives_failed_with_retry_after_and_stops(fake_slack: FakeSlack) -> None:
    fake_slack.users_by_email["bob@example.com"] = "UBOB"
    fake_slack.rate_limit("chat.postMessage", retry_after=7)
    delivery = SlackDmChannel(api(fake_slack)).send(message(here=True))
    assert delivery.status == "failed"
    assert delivery.retry_after == 7.0
    assert delivery.recipients == ()
    assert "ratelimited" in delivery.detail
    assert len(fake_slack.calls_to("conversations.open")) == 1  # Bob waits for the next cycle


def test_ratelimited_channel_creation_fails_then_the_retry_reuses_the_channel(
    fake_slack: FakeSlack,
) -> None:
    fake_slack.rate_limit("chat.postMessage", retry_after=3)
    channel = SlackChannelChannel(api(fake_slack))
    first = channel.send(message(recipients=(ALICE,)))
    assert (first.status, first.retry_after, first.recipients) == ("failed", 3.0, ())
    second = channel.send(message(recipients=(ALICE,)))
    assert second.status == "sent" and "reused #esc-shop-12" in second.detail
    assert len(fake_slack.channels) == 1


def test_api_error_is_a_failed_delivery(fake_slack: FakeSlack) -> None:
    fake_slack.script(
        "conversations.create", Answer(200, {"ok": False, "error": "restricted_action"})
    )
    delivery = SlackChannelChannel(api(fake_slack)).send(message())
    assert delivery.status == "failed" and delivery.retry_after is None
    assert "conversations.create: restricted_action" in delivery.detail


def test_sensitive_message_never_reaches_a_shared_slack_channel(fake_slack: FakeSlack) -> None:
    fake_slack.users_by_email["bob@example.com"] = "UBOB"
    env = {"SLACK_BOT_TOKEN": TOKEN, "SLACK_API_URL": fake_slack.url}
    dispatcher = Dispatcher(build_channels(env), now=Clock(), warned=set())
    people = message(
        id="HR-3/1/escalate/L1", issue_key="HR-3", sensitive=True, here=True, text="Private text"
    )
    entries = dispatcher.deliver(
        people, ["slack_channel", "slack_dm", "slack_mention"], [], [], lambda entries: None
    )
    assert {e.status for e in entries} == {"sent"}
    assert fake_slack.calls_to("conversations.create") == []
    assert fake_slack.calls_to("conversations.invite") == []
    targets = {c.params["channel"] for c in fake_slack.calls_to("chat.postMessage")}
    assert targets == {"DUALICE", "DUBOB"}  # direct messages only
    assert "sensitive" in entries[0].detail


def test_unreachable_slack_is_a_failed_delivery_not_an_exception() -> None:
    # Port 9 (discard) on loopback is closed on this machine: the connection is refused.
    closed = SlackApi(SlackSettings(token=TOKEN, api_url="http://127.0.0.1:9/api/"))
    delivery = SlackDmChannel(closed).send(message(recipients=(ALICE,)))
    assert delivery.status == "failed"
    assert "conversations.open" in delivery.detail


def test_channel_listing_stops_on_a_repeated_cursor_and_at_its_page_cap(
    fake_slack: FakeSlack,
) -> None:
    page = {"ok": True, "channels": [], "response_metadata": {"next_cursor": "c1"}}
    fake_slack.script("conversations.list", Answer(200, page), Answer(200, page))
    with pytest.raises(SlackFailure, match="same page cursor twice; stopped after 2 page"):
        api(fake_slack).find_channel("esc-shop-1")
    assert len(fake_slack.calls_to("conversations.list")) == 2

    pages = [
        Answer(200, {"ok": True, "channels": [], "response_metadata": {"next_cursor": f"c{n}"}})
        for n in range(_LIST_PAGES + 5)
    ]
    fake_slack.script("conversations.list", *pages)
    assert api(fake_slack).find_channel("esc-shop-1") is None
    assert len(fake_slack.calls_to("conversations.list")) == 2 + _LIST_PAGES


@pytest.mark.parametrize("status", [500, 503])
def test_a_post_answered_5xx_is_never_sent_again(fake_slack: FakeSlack, status: int) -> None:
    """chat.postMessage has no idempotency key: a 5xx does not say the message was not posted. The
    channel is abandoned for that message (visible in the outbox, backup used), never re-posted."""
    fake_slack.users_by_email["alice@example.com"] = "UALICE"
    fake_slack.script("chat.postMessage", Answer(status, {"ok": False, "error": "fatal_error"}))
    env = {"SLACK_BOT_TOKEN": TOKEN, "SLACK_API_URL": fake_slack.url}
    dispatcher = Dispatcher(build_channels(env), now=Clock(), warned=set())
    msg = message(recipients=(ALICE,))
    entries = dispatcher.deliver(msg, ["slack_dm"], [], [], lambda entries: None)
    for _ in range(3):  # later cycles
        entries = dispatcher.deliver(msg, ["slack_dm"], [], entries, lambda entries: None)
    (entry,) = entries
    assert entry.status == "abandoned" and entry.detail.startswith("outcome unknown")
    assert len(fake_slack.calls_to("chat.postMessage")) == 1


def test_a_slack_error_that_did_not_post_is_still_retried(fake_slack: FakeSlack) -> None:
    fake_slack.users_by_email["alice@example.com"] = "UALICE"
    fake_slack.script("conversations.open", Answer(500, {"ok": False, "error": "fatal_error"}))
    delivery = SlackDmChannel(api(fake_slack)).send(message(recipients=(ALICE,)))
    assert delivery.status == "failed"  # nothing was posted: a later cycle tries again
