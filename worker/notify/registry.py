"""Builds every notification channel from the environment, and describes what is missing.

All channel ids are always present in the result of :func:`build_channels`; a channel whose
settings are absent reports ``configured() == False`` and the dispatcher skips it (with one
warning) and falls back to the backup. Nothing here performs I/O.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from worker.notify.email import EmailChannel, EmailSettings
from worker.notify.jira import JiraChannel
from worker.notify.pagerduty import PagerDutyChannel, PagerDutySettings
from worker.notify.port import Channel
from worker.notify.slack import (
    SlackApi,
    SlackChannelChannel,
    SlackDmChannel,
    SlackMentionChannel,
    SlackSettings,
)
from worker.notify.twilio import TwilioCallChannel, TwilioClient, TwilioSettings, TwilioSmsChannel

CHANNEL_IDS: tuple[str, ...] = (
    "phone",
    "sms",
    "slack_channel",
    "slack_dm",
    "slack_mention",
    "email",
    "jira",
    "pagerduty",
)

# Which environment variables each channel needs (the optional ones are not listed).
_MISSING: dict[str, Callable[[Mapping[str, str]], list[str]]] = {
    "phone": TwilioSettings.missing,
    "sms": TwilioSettings.missing,
    "slack_channel": SlackSettings.missing,
    "slack_dm": SlackSettings.missing,
    "slack_mention": SlackSettings.missing,
    "email": EmailSettings.missing,
    "jira": lambda environ: [],
    "pagerduty": PagerDutySettings.missing,
}


def build_channels(environ: Mapping[str, str]) -> dict[str, Channel]:
    """Every channel by id, configured from ``environ`` (clients are shared within a provider)."""
    slack = SlackApi(SlackSettings.from_env(environ))
    twilio = TwilioClient(TwilioSettings.from_env(environ))
    channels: list[Channel] = [
        TwilioCallChannel(twilio),
        TwilioSmsChannel(twilio),
        SlackChannelChannel(slack),
        SlackDmChannel(slack),
        SlackMentionChannel(slack),
        EmailChannel(EmailSettings.from_env(environ)),
        JiraChannel(),
        PagerDutyChannel(PagerDutySettings.from_env(environ)),
    ]
    return {channel.id: channel for channel in channels}


def describe_settings(environ: Mapping[str, str]) -> list[tuple[str, bool, list[str]]]:
    """``(channel, configured, missing variables)`` for every channel, for the ``check`` command."""
    rows = []
    for channel in CHANNEL_IDS:
        missing = _MISSING[channel](environ)
        rows.append((channel, not missing, missing))
    return rows
