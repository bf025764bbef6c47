"""What the core knows about a Jira issue: an immutable snapshot gathered by the shell."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from worker.core.channel_ack import ChannelAck


@dataclass(frozen=True, slots=True)
class Change:
    """One field change from the issue's changelog."""

    at: datetime
    author: str | None  # accountId; None for changes made by Jira itself
    field: str  # "labels" | "assignee" | "status" | "resolution"
    before: str | None  # labels: space-separated list; assignee: accountId; status: name
    after: str | None


@dataclass(frozen=True, slots=True)
class Comment:
    id: str
    author: str | None
    created: datetime
    action_id: str | None = (
        None  # the worker's own comments carry the id of the action that posted them
    )
    text: str = ""
    channel_ack: ChannelAck | None = (
        None  # posted by the worker for a Slack/phone/SMS acknowledgement
    )


@dataclass(frozen=True)
class IssueSnapshot:
    key: str
    id: str
    project: str
    issue_type: str
    summary: str
    reporter: str | None
    assignee: str | None
    status: str
    status_category: str  # "new" | "indeterminate" | "done"
    resolution: str | None
    resolved_at: datetime | None
    created: datetime
    updated: datetime
    labels: tuple[str, ...]
    components: tuple[str, ...] = ()
    description: str = ""
    sprint_end: datetime | None = None
    changes: tuple[Change, ...] = ()  # oldest first
    comments: tuple[Comment, ...] | None = (
        None  # None: not read this cycle (nothing pending needs them)
    )
    reporter_name: str | None = None  # the reporter's display name, as Jira gives it

    @property
    def is_resolved(self) -> bool:
        return self.resolution is not None or self.status_category == "done"

    def _label_changes(self, label: str) -> list[tuple[datetime, bool]]:
        """(when, added?) for each change of ``label`` in the changelog, oldest first (case-insensitive)."""
        low = label.lower()
        out = []
        for ch in self.changes:
            if ch.field != "labels":
                continue
            before = low in {x.lower() for x in (ch.before or "").split()}
            after = low in {x.lower() for x in (ch.after or "").split()}
            if before != after:
                out.append((ch.at, after))
        return out

    def label_added_at(self, label: str) -> datetime:
        """When ``label`` was last added (creation time if it was there from the start)."""
        added = [at for at, was_added in self._label_changes(label) if was_added]
        return added[-1] if added else self.created

    def label_removed_at(self, label: str) -> datetime | None:
        """When ``label`` was last removed, if it ever was."""
        removed = [at for at, was_added in self._label_changes(label) if not was_added]
        return removed[-1] if removed else None
