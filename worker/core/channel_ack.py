"""Acknowledgements given outside Jira: a Slack button, a key pressed during a call, an SMS reply.

The web process never decides anything. When a person presses *Acknowledge* it re-reads the
issue, asks :func:`refusal` whether that person may acknowledge the current level, and if so
posts one Jira comment (the written trail) built by :func:`comment_doc`, carrying a comment
property with :func:`property_value`. The core then reads that comment like any other response
of the level's people: :func:`as_response` turns it into an acknowledgement by the person who
pressed, at the moment they pressed, from the channel they used. A comment whose person is not a
handler of the level when the core looks (a stale click, a level that moved on) counts for
nothing.

Pure: no I/O, ``now`` is an argument.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from worker.core import sentences as S
from worker.core.messages import Doc, Mention
from worker.core.record import Record
from worker.core.texts import ENGLISH, Texts
from worker.core.wording import fill

PROPERTY_KIND = "channel-ack"

#: channel id -> the words used in the comment and in the timeline ("acknowledged from Slack")
CHANNELS: Mapping[str, str] = S.ACK_CHANNELS


@dataclass(frozen=True, slots=True)
class ChannelAck:
    """What the comment property of a channel acknowledgement says."""

    person: str  # accountId of the person who pressed
    channel: str  # a key of CHANNELS
    at: datetime  # when they pressed (the provider's request time, as the web process saw it)
    interaction: str  # the provider's id of the click, call or message (dedupe)
    delegate: str | None = None  # "Hand over to…": the accountId the level is handed to
    level: int | None = None  # the level they acknowledged, for the trail

    @property
    def how(self) -> str:
        words = CHANNELS.get(self.channel, self.channel)
        if self.delegate:
            return f"handed it over from {words}"
        return f"acknowledged from {words}"


def level_people(record: Record) -> frozenset[str]:
    """The accountIds that may acknowledge the current level: its handlers and its owner."""
    people = set(record.current.handlers)
    if record.current.owner:
        people.add(record.current.owner)
    return frozenset(people)


def refusal(record: Record | None, person: str, delegate: str | None = None) -> str | None:
    """Why ``person`` may not acknowledge now (``None``: they may). The reason is a code, not text.

    ``closed``: no open escalation; ``acknowledged``: the level is already acknowledged (a second
    press changes nothing); ``not_handler``: the person is not one of the level's people;
    ``self_handover``: a hand-over to oneself.
    """
    if record is None or not record.is_open or record.current.started_at is None:
        return "closed"
    if person not in level_people(record):
        return "not_handler"
    if record.current.acked_at is not None:
        return "acknowledged"
    if delegate is not None and delegate == person:
        return "self_handover"
    return None


def action_id(issue_key: str, channel: str, interaction: str) -> str:
    """The comment's action id: one comment per interaction, found again after a crash."""
    return f"{issue_key}/ack/{channel}/{interaction}"[:255]


def property_value(ack: ChannelAck, issue_key: str) -> dict[str, Any]:
    """The value of the comment property (stored under the worker's comment property key)."""
    return {
        "id": action_id(issue_key, ack.channel, ack.interaction),
        "kind": PROPERTY_KIND,
        "person": ack.person,
        "channel": ack.channel,
        "at": ack.at.astimezone(UTC).isoformat().replace("+00:00", "Z"),
        "interaction": ack.interaction,
        "delegate": ack.delegate,
        "level": ack.level,
    }


def from_property(value: Any) -> ChannelAck | None:
    """The acknowledgement a comment property describes, or ``None`` when it describes none."""
    if not isinstance(value, Mapping) or value.get("kind") != PROPERTY_KIND:
        return None
    person, channel, at, interaction = (
        value.get("person"),
        value.get("channel"),
        value.get("at"),
        value.get("interaction"),
    )
    if not (
        isinstance(person, str)
        and person
        and isinstance(channel, str)
        and channel in CHANNELS
        and isinstance(at, str)
        and isinstance(interaction, str)
        and interaction
    ):
        return None
    try:
        when = datetime.fromisoformat(at.replace("Z", "+00:00"))
    except ValueError:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    delegate = value.get("delegate")
    level = value.get("level")
    return ChannelAck(
        person,
        channel,
        when,
        interaction,
        delegate if isinstance(delegate, str) and delegate else None,
        level if isinstance(level, int) and not isinstance(level, bool) else None,
    )


def comment_doc(
    ack: ChannelAck,
    person_name: str,
    at_text: str,
    delegate_name: str | None = None,
    texts: Texts = ENGLISH,
) -> Doc:
    """The Jira comment: who acknowledged, when, from which channel (and to whom it was handed)."""
    msgid = CHANNELS.get(ack.channel)
    words = texts.gettext(msgid) if msgid else ack.channel
    lead = fill(
        texts.gettext(S.CHANNEL_ACKED),
        person=Mention(ack.person, person_name),
        channel=words,
        at=at_text,
    )
    if ack.delegate and delegate_name:
        handed = fill(
            texts.gettext(S.CHANNEL_HANDED_OVER),
            person_name=person_name,
            delegate=Mention(ack.delegate, delegate_name),
        )
        return Doc((lead, handed))
    return Doc((lead,))


def as_response(
    ack: ChannelAck,
    record: Record,
    *,
    comment_created: datetime,
    known_people: frozenset[str] | set[str],
    now: datetime,
) -> tuple[datetime, str, str, str | None] | None:
    """``(at, by, how, delegate)`` when the comment acknowledges the current level, else ``None``.

    It counts only when its person is one of the level's people and the press happened after the
    level began; a hand-over counts only to a person of the directory (``known_people``).
    """
    start = record.current.started_at
    if start is None or ack.person not in level_people(record):
        return None
    at = min(ack.at, comment_created, now)
    if at < start:
        return None
    delegate = ack.delegate if ack.delegate in known_people and ack.delegate != ack.person else None
    how = ack.how if delegate or not ack.delegate else f"acknowledged from {CHANNELS[ack.channel]}"
    return at, ack.person, how, delegate


__all__ = [
    "CHANNELS",
    "ChannelAck",
    "action_id",
    "as_response",
    "comment_doc",
    "from_property",
    "level_people",
    "property_value",
    "refusal",
]
