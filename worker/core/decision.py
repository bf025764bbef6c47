"""What ``decide`` answers for one issue: what it did (:class:`Did`), the actions and the record."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from worker.core.actions import Action
from worker.core.record import Record


class Did(StrEnum):
    """What one decision did to the escalation (the headline; the actions carry the details)."""

    NOTHING = "none"  # not an escalation, or already resolved before it was routed
    ROUTE = "route"
    ADOPT = "adopt"  # labelled before adoption.since: recorded and owned, no comment, assignment or message
    REROUTE = "reroute"  # the severity or the kind changed: routed to the new cell
    ACKNOWLEDGED = "acknowledged"  # an acknowledgement was found and recorded
    NUDGE = "nudge"
    ESCALATE = "escalate"
    REMIND = "remind"
    COMMENT = "comment"  # a note only (unknown label, several labels, resolve breach at the top)
    WAIT = "wait"  # an open escalation with nothing due yet
    CLOSE = "close"


@dataclass(frozen=True, kw_only=True)
class Decision:
    """The outcome of ``decide`` for one issue."""

    issue_key: str
    did: Did
    reason: str  # why, in words a person reads (``explain`` prints it)
    record: Record | None  # the record once every action is applied (None: nothing to remember)
    changed: bool  # the record differs from the stored one
    actions: tuple[Action, ...] = ()
    next_at: datetime | None = None  # when something will next be due, if nothing changes
