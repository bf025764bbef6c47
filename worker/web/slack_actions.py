"""Slack interactivity: *Acknowledge* and *Hand over to…* clicks, after the signature is verified.

Slack wants an answer within 3 seconds, so the request is answered at once and the click is
handled in a small pool of threads: the Slack user is mapped to a person of the directory, the
acknowledgement is recorded (see :mod:`worker.web.acks`), the message is updated in place, and a
person who may not acknowledge gets an ephemeral explanation that changes nothing.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import parse_qs

import structlog

from worker.core.directory import Directory
from worker.core.i18n_marks import N_
from worker.core.texts import ENGLISH, Texts
from worker.notify.slack import (
    ACK_ACTION,
    ACK_BLOCK_PREFIX,
    HANDOVER_ACTION,
    SlackApi,
    SlackFailure,
    done_blocks,
)
from worker.web.acks import AckRecorder, AckRequest, Outcome
from worker.web.people import by_slack
from worker.web.wake import ISSUE_KEY

log = structlog.get_logger("worker.web.slack")

#: what a refused person reads; it names no issue state and no other person
EXPLANATIONS = {
    "unknown": N_(
        "Your Slack account is not linked to anyone in the escalation directory, so this "
        "click was not recorded. Ask the escalation admin to add your Slack id to config.yaml."
    ),
    "refused": N_(
        "This click was not recorded: it only counts for a person the escalation is "
        "currently waiting for. Open the issue in Jira to see where it stands."
    ),
    "handover": N_(
        "This hand-over was not recorded: it can only go to someone in the escalation "
        "directory other than yourself."
    ),
    "unavailable": N_(
        "Jira could not be reached, so nothing was recorded. Please try again in a "
        "minute, or acknowledge in Jira."
    ),
}
ACKNOWLEDGED_NOTE = N_("Acknowledged by {person} from Slack at {at}.")
HANDED_OVER_NOTE = N_(" Handed over to {person}.")


class BadInteraction(ValueError):
    """The payload is not an interaction this endpoint understands (400)."""


@dataclass(frozen=True)
class Click:
    user: str
    action: str  # ACK_ACTION | HANDOVER_ACTION
    issue_key: str
    interaction: str
    channel: str | None
    message_ts: str | None
    text: str
    selected_user: str | None = None


def parse_click(body: bytes) -> Click | None:
    """The click in a verified request body; ``None`` for interactions this worker does not use."""
    try:
        form = parse_qs(body.decode("utf-8"), strict_parsing=True)
        payload = json.loads(form["payload"][0])
    except (UnicodeDecodeError, ValueError, KeyError, IndexError, RecursionError) as exc:
        raise BadInteraction("not a Slack interaction payload") from exc
    if not isinstance(payload, dict):
        raise BadInteraction("not a Slack interaction payload")
    if payload.get("type") != "block_actions":
        return None
    user = (payload.get("user") or {}).get("id")
    actions = payload.get("actions")
    if not isinstance(user, str) or not isinstance(actions, list) or not actions:
        raise BadInteraction("block_actions without a user or an action")
    action = actions[0]
    if not isinstance(action, dict) or action.get("action_id") not in (
        ACK_ACTION,
        HANDOVER_ACTION,
    ):
        return None
    block = str(action.get("block_id") or "")
    if not block.startswith(ACK_BLOCK_PREFIX):
        return None
    key = block[len(ACK_BLOCK_PREFIX) :]
    if not ISSUE_KEY.match(key):
        raise BadInteraction("no issue key in the action")
    action_ts = str(action.get("action_ts") or "")
    container = payload.get("container") or {}
    channel = container.get("channel_id") or (payload.get("channel") or {}).get("id")
    message = payload.get("message") or {}
    if not action_ts:
        raise BadInteraction("action without action_ts")
    return Click(
        user=user,
        action=str(action["action_id"]),
        issue_key=key,
        interaction=f"{user}-{action_ts}"[:120],
        channel=str(channel) if channel else None,
        message_ts=str(container.get("message_ts") or message.get("ts") or "") or None,
        text=str(message.get("text") or "")[:3000],
        selected_user=str(action.get("selected_user") or "") or None,
    )


class SlackClicks:
    def __init__(
        self,
        recorder: AckRecorder,
        directory: Directory,
        api: SlackApi | None,
        now: Callable[[], datetime],
        workers: int = 4,
        texts: Texts = ENGLISH,
    ) -> None:
        self.texts = texts  # the organisation's language: the answers a person reads
        self.recorder = recorder
        self.directory = directory
        self.api = api
        self.now = now
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="slack-click")
        self._pending: set[Future[None]] = set()
        self.handled = 0

    def submit(self, click: Click) -> None:
        at = self.now()
        future = self._pool.submit(self.handle, click, at)
        self._pending.add(future)
        future.add_done_callback(self._pending.discard)

    def drain(self, timeout: float = 30.0) -> None:
        for future in list(self._pending):
            future.result(timeout=timeout)

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=False)

    def _email_of(self, user: str) -> str | None:
        if self.api is None:
            return None
        try:
            data = self.api.call("users.info", user=user)
        except SlackFailure:
            return None
        email = ((data.get("user") or {}).get("profile") or {}).get("email")
        return str(email) if email else None

    def handle(self, click: Click, at: datetime) -> None:
        try:
            self._handle(click, at)
        except Exception as exc:  # a click must never take the process down
            log.error("slack_click_failed", error=f"{type(exc).__name__}: {exc}", exc_info=True)
        finally:
            self.handled += 1

    def _handle(self, click: Click, at: datetime) -> None:
        person = by_slack(self.directory, click.user, self._email_of)
        if person is None:
            self._ephemeral(click, EXPLANATIONS["unknown"])
            return
        delegate = None
        if click.action == HANDOVER_ACTION:
            delegate = (
                by_slack(self.directory, click.selected_user, self._email_of)
                if click.selected_user
                else None
            )
            if delegate is None or delegate.account_id == person.account_id:
                self._ephemeral(click, EXPLANATIONS["handover"])
                return
        result = self.recorder.record(
            AckRequest("slack", person, click.issue_key, click.interaction, at, delegate)
        )
        if result.outcome is Outcome.UNAVAILABLE:
            self._ephemeral(click, EXPLANATIONS["unavailable"])
            return
        if result.outcome is Outcome.REFUSED:
            self._ephemeral(click, EXPLANATIONS["refused"])
            return
        note = self.texts.gettext(ACKNOWLEDGED_NOTE).format(person=person.name, at=result.at_text)
        if delegate is not None:
            note += self.texts.gettext(HANDED_OVER_NOTE).format(person=delegate.name)
        self._update(click, note)

    def _ephemeral(self, click: Click, text: str) -> None:
        text = self.texts.gettext(text)
        if self.api is None or not click.channel:
            return
        try:
            self.api.call("chat.postEphemeral", channel=click.channel, user=click.user, text=text)
        except SlackFailure as failure:
            log.warning("slack_ephemeral_failed", detail=failure.detail)

    def _update(self, click: Click, note: str) -> None:
        if self.api is None or not click.channel or not click.message_ts:
            return
        try:
            self.api.call(
                "chat.update",
                channel=click.channel,
                ts=click.message_ts,
                text=f"{click.text}\n{note}" if click.text else note,
                blocks=done_blocks(click.text or note, note),
            )
        except SlackFailure as failure:
            log.warning("slack_update_failed", detail=failure.detail)
