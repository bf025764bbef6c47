"""Typed actions returned by ``decide``. Each has a deterministic id and a reason a person can read.

The shell applies them exactly once: the id is recorded in the issue's record before and after
the effect, and effects are detected (a comment carrying the id, an assignee already set) when a
crash happened in between.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from worker.core.messages import Doc

if TYPE_CHECKING:  # the record stores Notify actions to retry: import it only for the checker
    from worker.core.record import Record


@dataclass(frozen=True, slots=True)
class Assign:
    id: str
    issue_key: str
    account_id: str
    reason: str
    kind: str = "assign"


@dataclass(frozen=True, slots=True)
class AddWatcher:
    id: str
    issue_key: str
    account_id: str
    reason: str
    kind: str = "watch"


@dataclass(frozen=True, slots=True)
class PostComment:
    id: str
    issue_key: str
    body: Doc
    # route, relabel, escalate, nudge, remind, resolve_breach (at the top of the ladder),
    # multi_label, unknown_label, recommendation
    purpose: str
    restricted: bool  # people issues: the comment is visible to the configured group/role only
    reason: str
    kind: str = "comment"


@dataclass(frozen=True, slots=True)
class Notify:
    id: str
    issue_key: str
    severity: str
    event: str  # route, escalate, nudge, remind
    recipients: tuple[str, ...]  # accountIds
    primary: tuple[str, ...]  # channel ids
    backup: tuple[str, ...]
    here: bool
    title: str
    text: str
    sensitive: bool
    reason: str
    team: str | None = None
    kind: str = "notify"


Action = Assign | AddWatcher | PostComment | Notify


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
