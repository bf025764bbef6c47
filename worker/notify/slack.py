"""Slack through the Web API (``slack_sdk.WebClient``): a dedicated channel, DMs, team mentions.

Environment: ``SLACK_BOT_TOKEN`` (required) and ``SLACK_API_URL`` (optional, for a sandbox or a
test double; default ``https://slack.com/api/``).

Channels (``id`` → behaviour):

* ``slack_channel``: a channel per escalation named from the issue key (``SHOP-12`` →
  ``esc-shop-12``), the recipients invited, then the summary posted with a link to the issue.
  **name_taken**: the name is deterministic, so a taken name almost always means we created the
  channel earlier (a retry, or a later level of the same escalation). We look it up with
  ``conversations.list`` and reuse it (joining it if the bot is not a member), which keeps the
  whole history of the escalation in one place. Only when the name is taken by a channel we cannot
  see (archived or private) do we fall back to the deterministic suffixes ``-2`` … ``-5``.
* ``slack_dm``: ``conversations.open`` + ``chat.postMessage`` per recipient; when the message asks
  for ``here`` and names a team channel, one ``<!here>`` post goes there too. That post is a
  courtesy: its failure is noted in the detail but does not fail the delivery.
* ``slack_mention``: one ``chat.postMessage`` in the team channel mentioning the recipients.

Sensitive messages never reach a shared channel: ``slack_channel`` and ``slack_mention`` degrade to
DMs, and ``slack_dm`` leaves out the ``@here`` post. The text is sent as given (the core has
already filtered it).

Recipients are addressed by ``slack_id``; when only an email is known, ``users.lookupByEmail``
finds the id (cached for the life of the client).

**Rate limits**: a ``ratelimited`` answer (HTTP 429) ends the send at once with a ``failed``
delivery whose ``retry_after`` carries Slack's Retry-After. slack_sdk's
``RateLimitErrorRetryHandler`` is deliberately not installed: it sleeps inside the call, which
would stall the whole worker cycle, while the outbox already retries on a later cycle no earlier
than Retry-After. The default connection-error retry handler of slack_sdk is kept.
"""

from __future__ import annotations

import re
import socket
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.error import URLError

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from worker.core.i18n_marks import N_
from worker.notify import _env
from worker.notify.message import Delivery, Message, Recipient, texts_of
from worker.redact import redact, secret_from_env
from worker.sanitise import slack_text

DEFAULT_API_URL = "https://slack.com/api/"
_NAME_LIMIT = 80
_SUFFIXES = ("", "-2", "-3", "-4", "-5")
_LIST_PAGES = 20
_TIMEOUT = 15


@dataclass(frozen=True)
class SlackSettings:
    token: str | None = field(default=None, repr=False)
    api_url: str = DEFAULT_API_URL
    # the web process verifies button clicks with the signing secret: without it, no buttons
    interactive: bool = False

    REQUIRED = ("SLACK_BOT_TOKEN",)

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> SlackSettings:
        url = _env.text(environ, "SLACK_API_URL") or DEFAULT_API_URL
        return cls(
            token=secret_from_env(environ, "SLACK_BOT_TOKEN"),
            api_url=url.rstrip("/") + "/",
            interactive=not _env.missing(environ, "SLACK_SIGNING_SECRET"),
        )

    @staticmethod
    def missing(environ: Mapping[str, str]) -> list[str]:
        return _env.missing(environ, *SlackSettings.REQUIRED)


def channel_name(issue_key: str, suffix: str = "") -> str:
    """A valid Slack channel name for an issue: lowercase, ``[a-z0-9_-]``, at most 80 characters."""
    slug = re.sub(r"[^a-z0-9_-]+", "-", issue_key.lower()).strip("-") or "issue"
    return f"esc-{slug}"[: _NAME_LIMIT - len(suffix)] + suffix


def escape(text: str) -> str:
    """User text for a message: control characters gone, and Slack's three markup characters
    escaped so it cannot form links or mentions (:func:`worker.sanitise.slack_text`)."""
    return slack_text(text)


def summary(message: Message) -> str:
    return f"*{escape(message.title)}*\n{escape(message.text)}\n<{message.issue_url}|{message.issue_key}>"


#: the events whose messages ask someone to acknowledge, and so carry the buttons
ACK_EVENTS = frozenset({"route", "escalate", "nudge", "remind"})
ACK_BLOCK_PREFIX = "escalation-ack:"
ACK_ACTION = "acknowledge"
HANDOVER_ACTION = "hand_over"
ACKNOWLEDGE_LABEL = N_("Acknowledge")
HANDOVER_LABEL = N_("Hand over to…")


def ack_blocks(message: Message, text: str) -> list[dict[str, Any]] | None:
    """Block Kit for a message that asks for an acknowledgement: the text, *Acknowledge*, *Hand over to…*.

    The issue key rides in the block id and the button value; the web process trusts neither and
    re-reads the issue from Jira before recording anything.
    """
    if message.event not in ACK_EVENTS:
        return None
    texts = texts_of(message)
    return [
        {"type": "section", "text": {"type": "mrkdwn", "text": text[:3000]}},
        {
            "type": "actions",
            "block_id": f"{ACK_BLOCK_PREFIX}{message.issue_key}"[:255],
            "elements": [
                {
                    "type": "button",
                    "action_id": ACK_ACTION,
                    "style": "primary",
                    "text": {"type": "plain_text", "text": texts.gettext(ACKNOWLEDGE_LABEL)},
                    "value": message.issue_key[:2000],
                },
                {
                    "type": "users_select",
                    "action_id": HANDOVER_ACTION,
                    "placeholder": {
                        "type": "plain_text",
                        "text": texts.gettext(HANDOVER_LABEL),
                    },
                },
            ],
        },
    ]


def done_blocks(text: str, note: str) -> list[dict[str, Any]]:
    """The message once acknowledged: the same text, the buttons replaced by who did it and when."""
    return [
        {"type": "section", "text": {"type": "mrkdwn", "text": text[:3000]}},
        {"type": "context", "elements": [{"type": "mrkdwn", "text": escape(note)[:3000]}]},
    ]


class SlackFailure(Exception):
    """A Slack call that did not succeed; its text is built by us and holds no secret."""

    def __init__(
        self,
        detail: str,
        error: str | None = None,
        retry_after: float | None = None,
        *,
        unknown: bool = False,
    ):
        super().__init__(detail)
        self.detail = detail
        self.error = error
        self.retry_after = retry_after
        # a message post whose answer leaves open whether Slack posted it (a 5xx, a lost answer):
        # chat.postMessage has no idempotency key, so it is never sent again
        self.unknown = unknown

    @property
    def rate_limited(self) -> bool:
        return self.error == "ratelimited"


def _never_sent(exc: BaseException) -> bool:
    """The request provably never left: the connection was refused or the host is unknown."""
    reason = exc.reason if isinstance(exc, URLError) else exc
    return isinstance(reason, (ConnectionRefusedError, socket.gaierror))


class SlackApi:
    """A thin wrapper over ``WebClient`` that turns every failure into :class:`SlackFailure`."""

    def __init__(self, settings: SlackSettings, client: WebClient | None = None) -> None:
        self.settings = settings
        # no retry inside the library: a resent chat.postMessage after a reset connection could post
        # twice; a failed call is the outbox's to retry (or, when its fate is unknown, to abandon)
        self._client = client or WebClient(
            token=settings.token, base_url=settings.api_url, timeout=_TIMEOUT, retry_handlers=[]
        )
        self._ids: dict[str, str | None] = {}

    def __repr__(self) -> str:
        return f"SlackApi({self.settings!r})"

    def call(self, method: str, **kwargs: Any) -> dict[str, Any]:
        """Call a Web API method; raise :class:`SlackFailure` unless Slack answered ``ok``."""
        try:
            response = getattr(self._client, method.replace(".", "_"))(**kwargs)
        except SlackApiError as exc:
            data = exc.response.data if isinstance(exc.response.data, dict) else {}
            error = str(data.get("error") or f"HTTP {exc.response.status_code}")
            retry_after = None
            if error == "ratelimited" or exc.response.status_code == 429:
                error = "ratelimited"
                retry_after = _env.retry_after_seconds(_header(exc.response.headers, "Retry-After"))
            detail = redact(f"{method}: {error}")
            posting = method == "chat.postMessage" and exc.response.status_code >= 500
            raise SlackFailure(detail, error, retry_after, unknown=posting) from None
        except (SlackClientError, OSError) as exc:
            posting = method == "chat.postMessage" and not _never_sent(exc)
            raise SlackFailure(f"{method}: {type(exc).__name__}", unknown=posting) from None
        data = response.data if isinstance(response.data, dict) else {}
        return data

    def user_id(self, recipient: Recipient) -> str | None:
        """The recipient's Slack id, looked up by email when needed; ``None`` if unknown."""
        if recipient.slack_id:
            return recipient.slack_id
        if not recipient.email:
            return None
        if recipient.email not in self._ids:
            try:
                data = self.call("users.lookupByEmail", email=recipient.email)
                self._ids[recipient.email] = str(data["user"]["id"])
            except SlackFailure as failure:
                if failure.error != "users_not_found":
                    raise
                self._ids[recipient.email] = None
        return self._ids[recipient.email]

    def find_channel(self, name: str) -> dict[str, Any] | None:
        """A non-archived public channel by name, through ``conversations.list`` pages.

        At most ``_LIST_PAGES`` pages are read (then the name counts as not found, and the caller
        falls back to a suffixed name); a cursor Slack sends twice stops the search as a failure.
        """
        cursor: str | None = None
        seen: set[str] = set()
        for page in range(1, _LIST_PAGES + 1):
            kwargs: dict[str, Any] = {
                "exclude_archived": True,
                "limit": 1000,
                "types": "public_channel",
            }
            if cursor:
                kwargs["cursor"] = cursor
            data = self.call("conversations.list", **kwargs)
            for channel in data.get("channels") or ():
                if channel.get("name") == name:
                    return dict(channel)
            cursor = (data.get("response_metadata") or {}).get("next_cursor") or None
            if not cursor:
                return None
            if cursor in seen:
                raise SlackFailure(
                    f"conversations.list: Slack sent the same page cursor twice; "
                    f"stopped after {page} page(s)"
                )
            seen.add(cursor)
        return None

    def ensure_channel(self, issue_key: str) -> tuple[str, str, bool]:
        """``(channel id, name, created)`` for the issue's dedicated channel."""
        for suffix in _SUFFIXES:
            name = channel_name(issue_key, suffix)
            try:
                data = self.call("conversations.create", name=name)
                return str(data["channel"]["id"]), name, True
            except SlackFailure as failure:
                if failure.error != "name_taken":
                    raise
            existing = self.find_channel(name)
            if existing is not None:
                if not existing.get("is_member", True):
                    self.call("conversations.join", channel=existing["id"])
                return str(existing["id"]), name, False
        raise SlackFailure(f"conversations.create: no free name for {channel_name(issue_key)}")


def _header(headers: Any, name: str) -> str | None:
    if not headers:
        return None
    for key, value in dict(headers).items():
        if key.lower() == name.lower():
            return str(value[0] if isinstance(value, list) else value)
    return None


@dataclass
class _Tally:
    """Who was reached and what went wrong, while a send is in progress."""

    reached: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    retry_after: float | None = None
    unknown: bool = False  # a post may have gone out unanswered: the channel is not tried again

    def failure(self, failure: SlackFailure) -> None:
        self.unknown = self.unknown or failure.unknown

    def delivery(self, channel: str, total: int, failed: bool | None = None) -> Delivery:
        failed = bool(self.problems) if failed is None else failed
        parts = [f"reached {len(self.reached)} of {total}"] + self.problems + self.notes
        return Delivery(
            channel,
            "unknown" if self.unknown else "failed" if failed else "sent",
            "; ".join(parts),
            tuple(self.reached),
            self.retry_after,
        )


class _SlackChannel:
    id = ""

    def __init__(self, api: SlackApi) -> None:
        self._api = api

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._api!r})"

    def configured(self) -> bool:
        return self._api.settings.token is not None

    def _dms(self, message: Message, tally: _Tally) -> bool:
        """DM every recipient; False when a rate limit stopped the run."""
        for recipient in message.recipients:
            try:
                user = self._api.user_id(recipient)
                if user is None:
                    tally.problems.append(f"{recipient.name}: no Slack id or email")
                    continue
                opened = self._api.call("conversations.open", users=user)
                self._post(opened["channel"]["id"], message, summary(message))
                tally.reached.append(recipient.account_id)
            except SlackFailure as failure:
                tally.failure(failure)
                tally.problems.append(f"{recipient.name}: {failure.detail}")
                if failure.rate_limited:
                    tally.retry_after = failure.retry_after
                    tally.problems.append("stopped after a rate limit")
                    return False
        return True

    def _post(self, channel: str, message: Message, text: str) -> dict[str, Any]:
        """``chat.postMessage``, with the acknowledgement buttons when the web process can receive them."""
        blocks = ack_blocks(message, text) if self._api.settings.interactive else None
        if blocks is None:
            return self._api.call("chat.postMessage", channel=channel, text=text)
        return self._api.call("chat.postMessage", channel=channel, text=text, blocks=blocks)

    def _dm_delivery(self, message: Message, note: str | None = None) -> Delivery:
        if not message.recipients:
            return Delivery(self.id, "skipped", "no recipients")
        tally = _Tally()
        if note:
            tally.notes.append(note)
        self._dms(message, tally)
        return tally.delivery(self.id, len(message.recipients))

    def send(self, message: Message) -> Delivery:
        raise NotImplementedError


class SlackDmChannel(_SlackChannel):
    """``slack_dm``: a direct message to each recipient, plus an optional @here team post."""

    id = "slack_dm"

    def send(self, message: Message) -> Delivery:
        if not message.recipients:
            return Delivery(self.id, "skipped", "no recipients")
        tally = _Tally()
        finished = self._dms(message, tally)
        if finished and message.here and message.team_channel:
            if message.sensitive:
                tally.notes.append("no @here post: sensitive issue")
            else:
                try:
                    self._api.call(
                        "chat.postMessage",
                        channel=message.team_channel,
                        text=f"<!here> *{escape(message.title)}* <{message.issue_url}|{message.issue_key}>",
                    )
                    tally.notes.append(f"@here posted in {message.team_channel}")
                except SlackFailure as failure:
                    tally.failure(failure)
                    tally.notes.append(f"@here post failed: {failure.detail}")
        return tally.delivery(self.id, len(message.recipients))


class SlackMentionChannel(_SlackChannel):
    """``slack_mention``: one post in the team channel mentioning the recipients."""

    id = "slack_mention"

    def send(self, message: Message) -> Delivery:
        if message.sensitive:
            return self._dm_delivery(message, "sensitive issue: sent as direct messages")
        if not message.team_channel:
            return Delivery(self.id, "skipped", "no team channel configured")
        tally = _Tally()
        mentions: list[str] = []
        try:
            for recipient in message.recipients:
                user = self._api.user_id(recipient)
                if user is None:
                    mentions.append(escape(recipient.name))
                    tally.notes.append(f"{recipient.name}: no Slack id or email, named only")
                else:
                    mentions.append(f"<@{user}>")
                    tally.reached.append(recipient.account_id)
            prefix = " ".join(mentions)
            self._post(
                message.team_channel,
                message,
                f"{prefix} {summary(message)}" if prefix else summary(message),
            )
        except SlackFailure as failure:
            tally.failure(failure)
            tally.reached.clear()
            tally.problems.append(failure.detail)
            tally.retry_after = failure.retry_after
        return tally.delivery(self.id, len(message.recipients))


class SlackChannelChannel(_SlackChannel):
    """``slack_channel``: a dedicated channel for the escalation, recipients invited, summary posted."""

    id = "slack_channel"

    def send(self, message: Message) -> Delivery:
        if message.sensitive:
            return self._dm_delivery(
                message, "sensitive issue: sent as direct messages, no channel"
            )
        tally = _Tally()
        try:
            channel, name, created = self._api.ensure_channel(message.issue_key)
            tally.notes.append(f"{'created' if created else 'reused'} #{name}")
            self._invite(channel, message.recipients, tally)
            self._post(channel, message, summary(message))
        except SlackFailure as failure:
            # The channel may exist by now; a retry reuses it and invites again.
            tally.failure(failure)
            tally.reached.clear()
            tally.problems.insert(0, failure.detail)
            tally.retry_after = failure.retry_after
            return tally.delivery(self.id, len(message.recipients), failed=True)
        # Posted: the channel is there for everyone; people we could not invite are only noted.
        return tally.delivery(self.id, len(message.recipients), failed=False)

    def _invite(self, channel: str, recipients: Iterable[Recipient], tally: _Tally) -> None:
        for recipient in recipients:
            user = self._api.user_id(recipient)
            if user is None:
                tally.notes.append(f"{recipient.name}: no Slack id or email, not invited")
                continue
            try:
                self._api.call("conversations.invite", channel=channel, users=user)
            except SlackFailure as failure:
                if failure.rate_limited:
                    raise
                if failure.error not in ("already_in_channel", "cant_invite_self"):
                    tally.notes.append(f"{recipient.name}: not invited ({failure.error})")
                    continue
            tally.reached.append(recipient.account_id)
