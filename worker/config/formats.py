"""The shape of the single values a config names: addresses, ids, keys, time zones, durations.

Each check takes the value and answers ``None`` when it is acceptable, else ``(message, fix)``
ready for a :class:`~worker.config.errors.ConfigIssue`. Nothing here knows about paths or lines.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

Problem = tuple[str, str] | None
Check = Callable[[str], Problem]

# The longest duration any setting or SLA of the worker can mean; anything longer is a typo
# (and a value such as 99999999999999999999m does not even fit in a timedelta).
MAX_DURATION = timedelta(days=366)
MAX_BUSINESS_DAYS = 260  # a working year
MAX_DURATION_TEXT = "one year (366d or 52w)"

_EMAIL = re.compile(
    r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$"
)
_PROJECT_KEY = re.compile(r"^[A-Z][A-Z0-9_]+$")
_E164 = re.compile(r"^\+[1-9][0-9]{6,14}$")
_SLACK_MEMBER = re.compile(r"^[UW][A-Z0-9]{2,20}$")
_SLACK_CHANNEL_NAME = re.compile(r"^#?[a-z0-9_][a-z0-9_-]{0,79}$")
_SLACK_CHANNEL_ID = re.compile(r"^[CG][A-Z0-9]{8,20}$")
_FIELD_ID = re.compile(r"^(?:customfield_[0-9]{1,12}|[a-z][A-Za-z0-9_]{0,63})$")
_SPACE_KEY = re.compile(r"^(?:[A-Za-z0-9]{1,255}|~[A-Za-z0-9:_-]{1,254})$")
_PROPERTY_KEY_MAX = 255  # Jira: "The maximum length is 255 characters"
_TITLE_MAX = 255  # Confluence page titles


def project_key(value: str) -> Problem:
    if _PROJECT_KEY.match(value):
        return None
    return (
        f"'{value}' is not a Jira project key.",
        "write the project key in capitals as Jira shows it, e.g. SHOP (letters, digits, _; "
        "a letter first; at least 2 characters)",
    )


def email(value: str) -> Problem:
    if "\r" in value or "\n" in value:
        return (
            "the email contains a line break, which would let it add lines to a mail's headers.",
            "write one address on one line, e.g. name@example.com",
        )
    if value.count("@") > 1 or any(sep in value for sep in ",;"):
        return (
            f"'{value}' holds more than one address; a message would go to each of them.",
            "write the one address of this person; give every person their own entry",
        )
    if not _EMAIL.match(value.strip()) or value != value.strip():
        return (
            f"'{value}' is not an email address.",
            "write one address such as name@example.com (no spaces, no display name)",
        )
    return None


def phone(value: str) -> Problem:
    if _E164.match(value):
        return None
    return (
        f"'{value}' is not an international (E.164) phone number.",
        'write "+", the country code and the number, digits only, in quotes, e.g. "+33612345678"',
    )


def slack_member(value: str) -> Problem:
    if _SLACK_MEMBER.match(value):
        return None
    return (
        f"'{value}' is not a Slack member id.",
        "write the member id from the person's Slack profile (⋮ › Copy member ID), e.g. U012AB3CD",
    )


def slack_channel(value: str) -> Problem:
    if _SLACK_CHANNEL_NAME.match(value) or _SLACK_CHANNEL_ID.match(value):
        return None
    return (
        f"'{value}' is not a Slack channel name.",
        'write the name in lower case (letters, digits, - and _, at most 80), e.g. "#team-checkout", '
        "or the channel id (C…)",
    )


def field_id(value: str) -> Problem:
    if _FIELD_ID.match(value):
        return None
    return (
        f"'{value}' is not a Jira field id.",
        "write the id Jira gives the field, e.g. customfield_10020 (GET /rest/api/3/field lists them)",
    )


def property_key(value: str) -> Problem:
    if not value.strip():
        return (
            "the issue property key is empty.",
            "write a key such as escalation-worker, or remove the line for the default",
        )
    if len(value) > _PROPERTY_KEY_MAX:
        return (
            f"the issue property key is {len(value)} characters long; Jira allows at most "
            f"{_PROPERTY_KEY_MAX}.",
            "write a short key such as escalation-worker",
        )
    return None


def space_key(value: str) -> Problem:
    if not value.strip():
        return (
            "the Confluence space key is empty.",
            "write the key of the space that holds the page (…/wiki/spaces/<KEY>/…), e.g. PROD",
        )
    if not _SPACE_KEY.match(value):
        return (
            f"'{value}' is not a Confluence space key.",
            "write the key from the space's address (…/wiki/spaces/<KEY>/…): letters and digits, "
            "e.g. PROD",
        )
    return None


def page_title(value: str) -> Problem:
    if not value.strip():
        return ("the page title is empty.", "write a title, e.g. Escalation matrix")
    if len(value) > _TITLE_MAX:
        return (
            f"the page title is {len(value)} characters long; Confluence allows {_TITLE_MAX}.",
            "write a shorter title",
        )
    return None


def time_zone(value: str) -> Problem:
    """An IANA place name (``Europe/Paris``); UTC and its aliases; not abbreviations like EST."""
    try:
        zone = ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a name too long for a file
        return (
            f"unknown time zone '{value}'.",
            "write an IANA time zone name such as Europe/Paris or America/New_York",
        )
    if "/" in value:
        return None
    winter = zone.utcoffset(datetime(2026, 1, 15))
    summer = zone.utcoffset(datetime(2026, 7, 15))
    if winter == summer == timedelta(0):
        return None  # UTC, GMT, Zulu...: an explicit choice of universal time
    if winter == summer:
        what = f"'{value}' is an abbreviation for a fixed offset: it never moves for daylight saving time."
    else:
        what = f"'{value}' is a legacy abbreviation, not a place: its daylight saving rule may not be the local one."
    return (
        what,
        "write the place the team works in, e.g. America/New_York (not EST) or Europe/Paris "
        "(not CET)",
    )


def too_long(d: timedelta) -> bool:
    return d > MAX_DURATION
