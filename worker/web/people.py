"""From a provider's identity (a Slack user id, a phone number) to a person of the directory."""

from __future__ import annotations

import re
from collections.abc import Callable

from worker.core.directory import Directory, Person

_NOT_DIGITS = re.compile(r"[^0-9+]")


def normalise_phone(number: str) -> str:
    """``+33 6 12-34-56-78`` -> ``+33612345678``; anything else stays comparable but never matches."""
    n = _NOT_DIGITS.sub("", number.strip())
    if n.startswith("00"):
        n = "+" + n[2:]
    return n


def by_phone(directory: Directory, number: str) -> Person | None:
    wanted = normalise_phone(number)
    if len(wanted) < 8 or not wanted.startswith("+"):
        return None
    for person in directory.people.values():
        if person.phone and normalise_phone(person.phone) == wanted:
            return person
    return None


def by_slack(
    directory: Directory, user_id: str, email_of: Callable[[str], str | None] | None = None
) -> Person | None:
    """The person whose ``slack_id`` is ``user_id``; else, through ``email_of``, the one with that email."""
    for person in directory.people.values():
        if person.slack_id and person.slack_id == user_id:
            return person
    if email_of is None:
        return None
    email = email_of(user_id)
    if not email:
        return None
    for person in directory.people.values():
        if person.email and person.email.lower() == email.lower():
            return person
    return None
