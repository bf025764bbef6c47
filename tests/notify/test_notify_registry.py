"""The registry: every channel present, configured from the environment, missing settings named."""

from __future__ import annotations

from tests.notify.notify_builders import message
from worker.notify.registry import CHANNEL_IDS, build_channels, describe_settings


def test_every_channel_id_is_built_and_unconfigured_without_settings() -> None:
    channels = build_channels({})
    assert tuple(channels) == CHANNEL_IDS
    assert all(channels[c].id == c for c in CHANNEL_IDS)
    assert [c for c in CHANNEL_IDS if channels[c].configured()] == ["jira"]


def test_channel_ids_match_the_rules_file() -> None:
    import pathlib

    import yaml

    rules = yaml.safe_load(
        (pathlib.Path(__file__).parents[2] / "rules" / "channels.yaml").read_text()
    )
    assert set(rules["channels"]) == set(CHANNEL_IDS)


def test_describe_settings_names_what_is_missing() -> None:
    env = {"SLACK_BOT_TOKEN": "xoxb-1", "SMTP_HOST": "mail", "TWILIO_ACCOUNT_SID": "AC1"}
    rows = {channel: (ok, missing) for channel, ok, missing in describe_settings(env)}
    assert rows["slack_dm"] == (True, [])
    assert rows["slack_channel"] == (True, [])
    assert rows["email"] == (False, ["SMTP_FROM"])
    assert rows["phone"] == (False, ["TWILIO_AUTH_TOKEN", "TWILIO_FROM"])
    assert rows["sms"] == rows["phone"]
    assert rows["jira"] == (True, [])
    assert rows["pagerduty"] == (False, ["PAGERDUTY_ROUTING_KEY"])


def test_describe_agrees_with_configured() -> None:
    env = {
        "SLACK_BOT_TOKEN": "xoxb-1",
        "SMTP_HOST": "mail",
        "SMTP_FROM": "a@b",
        "SMTP_USERNAME": "u",
        "TWILIO_ACCOUNT_SID": "AC1",
        "TWILIO_AUTH_TOKEN": "t",
        "TWILIO_FROM": "+1",
    }
    channels = build_channels(env)
    for channel, ok, _ in describe_settings(env):
        assert channels[channel].configured() == ok, channel


def test_jira_channel_is_a_no_op_that_reports_sent() -> None:
    delivery = build_channels({})["jira"].send(message())
    assert delivery.status == "sent" and delivery.channel == "jira"
