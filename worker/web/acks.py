"""Record an acknowledgement given in Slack or on the phone: one Jira comment, then wake the worker.

The recorder re-reads the issue by key (never the payload), asks the core whether the person may
acknowledge the current level, and posts one comment carrying the interaction id. The comment is
looked up before it is posted, so a repeated press, a provider retry or a crash between the post
and the answer never makes a second one. Whether the acknowledgement stops the escalation is then
the core's decision, in the next cycle for that key, which the recorder asks for at once.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import Enum

import structlog

from worker.core import channel_ack
from worker.core.channel_ack import ChannelAck
from worker.core.directory import Person
from worker.cycle.cycle import Cycle
from worker.jira.adf import to_adf
from worker.jira.http import JiraError
from worker.jira.stored_record import read_record, record_of
from worker.web.wake import Waker

log = structlog.get_logger("worker.web.acks")


class Outcome(Enum):
    RECORDED = "recorded"  # the comment was posted now
    ALREADY = "already"  # this interaction (or an earlier press by the same person) was recorded
    REFUSED = "refused"  # not a handler of the current level, no open escalation, ...
    UNAVAILABLE = "unavailable"  # Jira could not be reached: nothing was recorded, try again


@dataclass(frozen=True)
class AckResult:
    outcome: Outcome
    reason: str | None = None  # the core's refusal code
    at_text: str = ""


@dataclass(frozen=True)
class AckRequest:
    channel: str  # slack | phone | sms
    person: Person
    issue_key: str
    interaction: str
    at: datetime
    delegate: Person | None = None


class AckRecorder:
    def __init__(self, cycle: Cycle, waker: Waker) -> None:
        self.cycle = cycle
        self.waker = waker
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    def _lock(self, key: str) -> threading.Lock:
        with self._guard:
            if len(self._locks) > 10_000:
                self._locks.clear()
            return self._locks.setdefault(key, threading.Lock())

    def at_text(self, at: datetime) -> str:
        return self.cycle.texts.format_datetime(at, self.cycle.clocks.business.tz)

    def record(self, req: AckRequest) -> AckResult:
        with self._lock(req.issue_key):
            try:
                return self._record(req)
            except JiraError as exc:
                log.warning(
                    "ack_not_recorded",
                    issue=req.issue_key,
                    channel=req.channel,
                    error=str(exc),
                )
                return AckResult(Outcome.UNAVAILABLE)

    def _record(self, req: AckRequest) -> AckResult:
        gateway = self.cycle.gateway
        issue = gateway.issue(req.issue_key)
        record = None
        if issue is not None:
            record, _, _ = read_record(record_of(issue, gateway.property_key))
        delegate = req.delegate.account_id if req.delegate else None
        reason = channel_ack.refusal(record, req.person.account_id, delegate)
        if reason is not None or record is None or issue is None:
            return AckResult(Outcome.REFUSED, reason or "closed")
        key = str(issue.get("key") or req.issue_key)
        ack = ChannelAck(
            req.person.account_id,
            req.channel,
            req.at,
            req.interaction,
            delegate,
            record.current.level,
        )
        at_text = self.at_text(req.at)
        aid = channel_ack.action_id(key, req.channel, req.interaction)
        start = record.current.started_at
        for c in gateway.comments(key):
            if c.action_id == aid or (
                c.channel_ack is not None
                and c.channel_ack.person == req.person.account_id
                and start is not None
                and c.created >= start
            ):
                self.waker.wake([key])
                return AckResult(Outcome.ALREADY, None, at_text)
        doc = channel_ack.comment_doc(
            ack,
            req.person.name,
            at_text,
            req.delegate.name if req.delegate else None,
            self.cycle.texts,
        )
        visibility = None
        itype = self.cycle.config.rules.types.get(record.type or "")
        vis = self.cycle.config.jira.people_issue_visibility
        if itype is not None and itype.sensitive and vis is not None:
            visibility = {"type": vis.type, "value": vis.value}
        gateway.post_comment(
            key,
            to_adf(doc),
            action_id=aid,
            visibility=visibility,
            property_value=channel_ack.property_value(ack, key),
        )
        log.info(
            "acknowledged_from_channel",
            issue=key,
            channel=req.channel,
            person=req.person.handle,
            handed_to=req.delegate.handle if req.delegate else None,
        )
        self.waker.wake([key])
        return AckResult(Outcome.RECORDED, None, at_text)

    def open_for(self, person: Person, jql: str, limit: int = 50) -> list[str]:
        """Keys of the open escalations whose current level ``person`` may acknowledge now."""
        out: list[str] = []
        gateway = self.cycle.gateway
        for issue in gateway.search(jql, fields=["labels"]):
            record, _, _ = read_record(record_of(issue, gateway.property_key))
            if channel_ack.refusal(record, person.account_id) is None:
                out.append(str(issue.get("key")))
                if len(out) >= limit:
                    break
        return out


Clock = Callable[[], datetime]
