"""The fake Jira site's memory: users, projects, versioned issues, links, properties and the
request log, behind one re-entrant lock; the read API tests assert on and the low-level writes
the seeding API and the request handlers share.

The underscored attributes and helpers are private to ``worker.sandbox.jira``: its modules
(seeding, render, search, handlers, site) read and write them; code outside goes through the
seeding API and the HTTP endpoints."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from worker.sandbox.app import Request
from worker.sandbox.clock import SandboxClock
from worker.sandbox.faults import FaultPlan
from worker.sandbox.model import (
    ChangeItem,
    CommentRecord,
    History,
    IssueRecord,
    IssueState,
    Project,
    User,
)

API = "/rest/api/3"
MAX_PROPERTY_BYTES = 32_768
MAX_COMMENT_CHARS = 32_767
SEARCH_CHANGELOG_LIMIT = 40
SEARCH_COMMENT_LIMIT = 20
SPRINT_FIELD = "customfield_10020"
ALL_FIELDS = (
    "summary",
    "issuetype",
    "project",
    "labels",
    "components",
    "assignee",
    "reporter",
    "status",
    "resolution",
    "resolutiondate",
    "created",
    "updated",
    "description",
    SPRINT_FIELD,
    "comment",
    "watches",
    "issuelinks",
)
# Issue link types of a default Jira Cloud site: name -> (inward phrase, outward phrase)
LINK_TYPES = {
    "Blocks": ("is blocked by", "blocks"),
    "Relates": ("relates to", "relates to"),
    "Duplicate": ("is duplicated by", "duplicates"),
    "Cloners": ("is cloned by", "clones"),
}
NOT_FOUND = "Issue does not exist or you do not have permission to see it."


@dataclass(frozen=True)
class LoggedRequest:
    """One request the site saw (or a fault the server injected in its place)."""

    method: str
    path: str
    query: Mapping[str, list[str]]
    json: Any
    status: int
    at: datetime
    endpoint: str  # e.g. "POST /rest/api/3/issue/{issueIdOrKey}/comment"
    user: str | None = None
    fault: str | None = None


class SiteState:
    """The state of one in-memory Jira Cloud site."""

    def __init__(self, clock: SandboxClock, *, staleness: timedelta = timedelta(0)) -> None:
        self.clock = clock
        self.staleness = staleness
        self.property_write_updates = False  # True: a property write moves the issue's ``updated``
        # changelog/bulkfetch: the most change histories one page holds. The spec's maximum for
        # maxResults is 10,000 (default 1,000); a site that answers fewer is modelled by lowering it
        self.bulk_changelog_page_max = 10_000
        self.strict_contract = False
        self.contract_violations: list[str] = []
        self._search_cache: dict[tuple[Any, ...], list[tuple[IssueRecord, IssueState]]] = {}
        self.faults = FaultPlan()
        self.request_log: list[LoggedRequest] = []
        self._log_lock = threading.Lock()
        self._lock = threading.RLock()
        self._users: dict[str, User] = {}
        self._user_properties: dict[str, dict[str, Any]] = {}  # accountId -> key -> JSON value
        self._by_email: dict[str, User] = {}
        self._projects: dict[str, Project] = {}
        self._project_seq: dict[str, int] = {}
        # project key -> (account id, permission key) pairs taken away; everything else is granted
        self._revoked: set[tuple[str, str, str]] = set()
        # project key -> the accounts that may be assigned; a project absent here: every active user
        self._assignable: dict[str, frozenset[str]] = {}
        self._issues: dict[int, IssueRecord] = {}
        self._keys: dict[str, int] = {}  # current and former keys -> id
        self._next_issue_id = 10_000
        self._next_project_id = 10_000
        self._next_history_id = 50_000
        self._next_comment_id = 20_000
        self._seq = 0
        self._latest_write = datetime.min.replace(tzinfo=clock.now().tzinfo)  # newest version time
        self._links: list[
            tuple[str, str, int, int]
        ] = []  # (link id, type name, outward id, inward id)
        self._next_link_id = 30_000
        self._custom: dict[int, dict[str, Any]] = {}  # issue id -> custom field id -> JSON value
        # called after each issue event (see worker.sandbox.webhooks): (event, state, extra)
        self.listeners: list[Callable[[str, IssueState, Mapping[str, Any]], None]] = []

    def _emit(self, event: str, state: IssueState, **extra: Any) -> None:
        for listener in list(self.listeners):
            listener(event, state, extra)

    def issue(self, key: str) -> IssueState:
        """The current state of an issue (frozen; for assertions)."""
        with self._lock:
            return self._record(key).current

    def comments(self, key: str) -> list[CommentRecord]:
        with self._lock:
            return list(self._record(key).comments)

    def histories(self, key: str) -> list[History]:
        with self._lock:
            return list(self._record(key).histories)

    def watchers(self, key: str) -> list[str]:
        with self._lock:
            return list(self._record(key).watchers)

    def property(self, key: str, prop_key: str) -> Any:
        """An issue property's value, or ``None`` when absent."""
        with self._lock:
            return self._record(key).current.properties.get(prop_key)

    def user(self, account_id: str) -> User | None:
        with self._lock:
            return self._users.get(account_id)

    def authenticate(self, email: str, token: str) -> User | None:
        """The user with this email and API token, or ``None``."""
        with self._lock:
            user = self._by_email.get(email.lower())
        if user is None or user.api_token is None or user.api_token != token:
            return None
        return user

    def keys(self) -> list[str]:
        with self._lock:
            return [r.current.key for r in self._issues.values() if not r.deleted]

    def counts_by_endpoint(self) -> dict[str, int]:
        """How many requests each endpoint template received (faulted ones included)."""
        with self._log_lock:
            return dict(Counter(entry.endpoint for entry in self.request_log))

    def log(self, entry: LoggedRequest) -> None:
        with self._log_lock:
            self.request_log.append(entry)

    def user_property(self, account_id: str, key: str) -> Any:
        """A user property as stored (None when absent), for tests."""
        with self._lock:
            return self._user_properties.get(account_id, {}).get(key)

    def _require_project(self, key: str) -> Project:
        proj = self._projects.get(key)
        if proj is None:
            raise KeyError(f"unknown project {key!r}")
        return proj

    def _lookup(self, ident: str) -> IssueRecord | None:
        issue_id = self._keys.get(ident.upper())
        if issue_id is None and ident.isdigit():
            issue_id = int(ident)
        return self._issues.get(issue_id) if issue_id is not None else None

    def _record(self, key: str) -> IssueRecord:
        rec = self._lookup(key)
        if rec is None or rec.deleted:
            raise KeyError(f"no issue {key!r}")
        return rec

    def _visible(self, req: Request, ident: str) -> IssueRecord | None:
        rec = self._lookup(ident)
        if rec is None or not rec.visible_to(req.user.account_id if req.user else None):
            return None
        return rec

    def _write(self, rec: IssueRecord, at: datetime, **changes: Any) -> None:
        self._seq += 1
        self._latest_write = max(self._latest_write, at)
        state = replace(
            rec.current, n_histories=len(rec.histories), n_comments=len(rec.comments), **changes
        )
        rec.versions.append((self._seq, at, state))

    def _change(
        self,
        rec: IssueRecord,
        at: datetime | None,
        items: tuple[ChangeItem, ...],
        by: str | None,
        **changes: Any,
    ) -> None:
        when = at or self.clock.now()
        rec.histories.append(History(str(self._next_history_id), by, when, items))  # type: ignore[arg-type]
        self._next_history_id += 1
        self._write(rec, when, updated=when, **changes)
        self._emit("jira:issue_updated", rec.current, user=by, history=rec.histories[-1])

    def _set_labels(
        self, rec: IssueRecord, new: tuple[str, ...], by: str, at: datetime | None
    ) -> None:
        old = rec.current.labels
        if new == old:
            return
        item = ChangeItem(
            "labels", "jira", "labels", None, " ".join(old) or None, None, " ".join(new) or None
        )
        self._change(rec, at, (item,), by, labels=new)

    def _name(self, account_id: str | None) -> str | None:
        if account_id is None:
            return None
        user = self._users.get(account_id)
        return user.display_name if user else account_id
