"""Jira admin webhooks: a verified delivery names issues; the worker is asked to look at them now.

The payload is trusted for nothing but the issue key (and even that only picks which issues to
re-read): the cycle reads each issue from Jira by key and decides on what it finds there.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from worker.web.wake import ISSUE_KEY

#: the events the README asks the admin to register (others are accepted and ignored)
EVENTS = (
    "jira:issue_created",
    "jira:issue_updated",
    "jira:issue_deleted",
    "comment_created",
    "comment_updated",
    "comment_deleted",
)


class BadPayload(ValueError):
    """Not a Jira webhook payload (400)."""


def issue_keys(body: bytes, projects: Sequence[str]) -> list[str]:
    """The issue keys a delivery concerns, limited to the projects in scope."""
    try:
        payload: Any = json.loads(body)
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise BadPayload("the body is not JSON") from exc
    if not isinstance(payload, dict) or not isinstance(payload.get("webhookEvent"), str):
        raise BadPayload("no webhookEvent")
    issue = payload.get("issue")
    if payload["webhookEvent"] not in EVENTS or not isinstance(issue, dict):
        return []
    key = issue.get("key")
    if not isinstance(key, str) or not ISSUE_KEY.match(key):
        raise BadPayload("no issue key")
    if projects and key.rsplit("-", 1)[0] not in projects:
        return []
    return [key]


@dataclass
class DeliveryStats:
    """A small counter the server keeps so that ``check --online`` can tell whether deliveries arrive."""

    received: int = 0  # verified deliveries
    refused: int = 0  # unsigned, wrongly signed, replayed, oversized or malformed
    last_at: datetime | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def accepted(self, at: datetime) -> None:
        with self._lock:
            self.received += 1
            self.last_at = at

    def rejected(self) -> None:
        with self._lock:
            self.refused += 1

    def as_json(self) -> dict[str, Any]:
        with self._lock:
            return {
                "received": self.received,
                "refused": self.refused,
                "last_at": self.last_at.isoformat() if self.last_at else None,
            }
