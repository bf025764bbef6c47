"""Records the Jira sandbox keeps: users, projects, issue versions, history entries, comments."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

STATUS_CATEGORY = {"To Do": "new", "In Progress": "indeterminate", "Done": "done"}
STATUS_ID = {"To Do": "10000", "In Progress": "3", "Done": "10001"}
CATEGORY_INFO = {
    "new": (2, "To Do", "blue-gray"),
    "indeterminate": (4, "In Progress", "yellow"),
    "done": (3, "Done", "green"),
}
RESOLUTION_ID = {"Done": "10000"}


@dataclass(frozen=True)
class User:
    account_id: str
    display_name: str
    email: str | None = None
    active: bool = True
    api_token: str | None = None
    groups: tuple[str, ...] = ()


@dataclass(frozen=True)
class Project:
    id: int
    key: str
    name: str
    components: tuple[str, ...]
    issue_types: tuple[str, ...]


@dataclass(frozen=True)
class IssueState:
    """One indexed version of an issue: everything search can see about it at one moment.

    ``n_histories`` / ``n_comments`` say how much of the append-only changelog and comment lists
    existed when this version was written, so stale search results can show the old lengths.
    """

    id: int
    key: str
    project: str
    summary: str
    issue_type: str
    labels: tuple[str, ...]
    components: tuple[str, ...]
    description: Any
    assignee: str | None
    reporter: str | None
    status: str
    resolution: str | None
    resolutiondate: datetime | None
    created: datetime
    updated: datetime
    sprint: Mapping[str, Any] | None
    properties: Mapping[str, Any]
    n_histories: int
    n_comments: int
    watchers: tuple[str, ...] = ()  # accountIds; a watcher change is a new indexed version

    @property
    def status_category(self) -> str:
        return STATUS_CATEGORY[self.status]


@dataclass(frozen=True)
class ChangeItem:
    field: str
    fieldtype: str
    field_id: str
    from_: str | None
    from_string: str | None
    to: str | None
    to_string: str | None


@dataclass(frozen=True)
class History:
    id: str
    author: str
    created: datetime
    items: tuple[ChangeItem, ...]


@dataclass
class CommentRecord:
    id: str
    author: str
    body: Any
    created: datetime
    updated: datetime
    visibility: Mapping[str, Any] | None
    properties: dict[str, Any] = field(default_factory=dict)


@dataclass
class IssueRecord:
    """The live record of an issue: its version list plus append-only history and comments."""

    versions: list[tuple[int, datetime, IssueState]]  # (write sequence, sandbox time, state)
    histories: list[History] = field(default_factory=list)
    comments: list[CommentRecord] = field(default_factory=list)
    watchers: list[str] = field(default_factory=list)
    deleted: bool = False
    allowed: frozenset[str] | None = None  # None: everyone may see it

    @property
    def current(self) -> IssueState:
        return self.versions[-1][2]

    def as_of(self, seq: int, cutoff: datetime) -> IssueState | None:
        """The newest version written no later than ``cutoff`` and with sequence ``<= seq``."""
        for vseq, at, state in reversed(self.versions):
            if vseq <= seq and at <= cutoff:
                return state
        return None

    def visible_to(self, account_id: str | None) -> bool:
        return not self.deleted and (self.allowed is None or account_id in self.allowed)


def jira_time(t: datetime | None) -> str | None:
    """Jira's timestamp format: ``2026-03-02T09:15:00.000+0000``."""
    if t is None:
        return None
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}" + t.strftime("%z")
