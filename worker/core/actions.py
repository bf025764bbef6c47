"""Typed actions returned by ``decide``. Each has a deterministic id and a reason a person can read.

The shell applies them exactly once: the id is recorded in the issue's record before and after
the effect, and effects are detected (a comment carrying the id, an assignee already set) when a
crash happened in between.
"""

from __future__ import annotations

from dataclasses import dataclass

from worker.core.messages import Doc


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
    # route, relabel, escalate, nudge, remind, resolve_breach (at the top of the ladder), and for
    # a note said once: multi_label, unknown_label, near_miss_label, recommendation
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
