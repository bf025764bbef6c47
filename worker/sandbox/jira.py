"""The fake Jira Cloud site: state, seeding API and the REST v3 endpoints the worker uses.

Everything is in memory and guarded by one re-entrant lock.  Each issue keeps a list of
versions (see :class:`~worker.sandbox.model.IssueRecord`) so that search can answer from the
index "as it was ``staleness`` ago" while reads by key are always current.

Behaviour worth knowing (all modelled on Jira Cloud):

* ``POST/GET /rest/api/3/search/jql`` pages with an opaque ``nextPageToken`` (absent on the last
  page, where ``isLast`` is true) and never returns ``total``.  Without ``fields`` an issue is
  just ``{"id": ...}``.  ``maxResults`` defaults to 50 and is capped at 100, or 5000 when only
  ``id``/``key`` is requested.  The token pins the index snapshot of the first page.
* ``expand=changelog`` in search shows only the 40 newest histories and ``fields=comment`` only
  the 20 newest comments -- use the dedicated endpoints for complete data.
* Entity-property and watcher writes create a new indexed version but do not change
  ``updated``; label, assignee, status and comment writes do. The spec does not say whether a
  property write moves ``updated`` on the real site: ``property_write_updates = True`` makes it
  do so, so the worker can be tested both ways.
* ``watcher = currentUser()`` (and ``watcher in (...)``) is searchable, from the indexed version.
* The old ``/rest/api/3/search`` answers 410 Gone.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import threading
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from worker.sandbox import adf, jql
from worker.sandbox.app import BadJson, Request, Response, error
from worker.sandbox.clock import SandboxClock
from worker.sandbox.faults import FaultPlan
from worker.sandbox.model import (
    CATEGORY_INFO,
    RESOLUTION_ID,
    STATUS_CATEGORY,
    STATUS_ID,
    ChangeItem,
    CommentRecord,
    History,
    IssueRecord,
    IssueState,
    Project,
    User,
    jira_time,
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
_NOT_FOUND = "Issue does not exist or you do not have permission to see it."


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


@dataclass(frozen=True)
class _Route:
    method: str
    pattern: re.Pattern[str]
    template: str
    handler: Callable[[Request, re.Match[str]], Response]


class JiraSite:
    """An in-memory Jira Cloud site implementing the :class:`~worker.sandbox.app.App` protocol."""

    def __init__(self, clock: SandboxClock, *, staleness: timedelta = timedelta(0)) -> None:
        self.clock = clock
        self.staleness = staleness
        self.property_write_updates = False  # True: a property write moves the issue's ``updated``
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
        self._routes = self._build_routes()
        # called after each issue event (see worker.sandbox.webhooks): (event, state, extra)
        self.listeners: list[Callable[[str, IssueState, Mapping[str, Any]], None]] = []

    def _emit(self, event: str, state: IssueState, **extra: Any) -> None:
        for listener in list(self.listeners):
            listener(event, state, extra)

    # ------------------------------------------------------------------ seeding API

    def add_user(
        self,
        account_id: str,
        display_name: str,
        *,
        email: str | None = None,
        active: bool = True,
        api_token: str | None = None,
        groups: Sequence[str] = (),
    ) -> None:
        """Create or replace a user.  Only users with both ``email`` and ``api_token`` can log in."""
        user = User(account_id, display_name, email, active, api_token, tuple(groups))
        with self._lock:
            old = self._users.get(account_id)
            if old is not None and old.email:
                self._by_email.pop(old.email.lower(), None)
            self._users[account_id] = user
            if email:
                self._by_email[email.lower()] = user

    def set_user_active(self, account_id: str, active: bool) -> None:
        with self._lock:
            self._users[account_id] = replace(self._users[account_id], active=active)
            user = self._users[account_id]
            if user.email:
                self._by_email[user.email.lower()] = user

    def add_project(
        self,
        key: str,
        name: str,
        *,
        components: Sequence[str] = (),
        issue_types: Sequence[str] = ("Bug", "Task", "Story", "Incident"),
    ) -> None:
        with self._lock:
            self._projects[key] = Project(
                self._next_project_id, key, name, tuple(components), tuple(issue_types)
            )
            self._next_project_id += 1
            self._project_seq.setdefault(key, 0)

    def revoke_permission(self, account_id: str, project: str, permission: str) -> None:
        """Take a project permission (``ASSIGN_ISSUES``, ``EDIT_ISSUES``…) away from an account.

        Only what ``GET /mypermissions`` reports changes; the write endpoints stay permissive."""
        with self._lock:
            self._revoked.add((project, account_id, permission))

    def set_assignable(self, project: str, account_ids: Sequence[str]) -> None:
        """Restrict who may be assigned issues of ``project`` (the *Assignable user* permission)."""
        with self._lock:
            self._assignable[project] = frozenset(account_ids)

    def remove_project(self, key: str) -> None:
        """An admin deletes the project (its issues go to the trash with it): from now on
        ``GET /project/{key}`` answers 404 and JQL naming it answers 400, as on Jira Cloud."""
        with self._lock:
            self._projects.pop(key, None)

    def create_issue(
        self,
        project: str,
        summary: str,
        *,
        reporter: str,
        issue_type: str = "Task",
        labels: Iterable[str] = (),
        components: Iterable[str] = (),
        description: str | dict[str, Any] | None = None,
        assignee: str | None = None,
        sprint_end: datetime | None = None,
        at: datetime | None = None,
    ) -> str:
        """Create an issue in status "To Do" and return its key (e.g. ``"SHOP-1"``)."""
        when = at or self.clock.now()
        with self._lock:
            proj = self._require_project(project)
            if issue_type not in proj.issue_types:
                raise ValueError(f"issue type {issue_type!r} is not in project {project}")
            self._project_seq[project] += 1
            key = f"{project}-{self._project_seq[project]}"
            issue_id = self._next_issue_id
            self._next_issue_id += 1
            doc = adf.text_doc(description) if isinstance(description, str) else description
            sprint = None
            if sprint_end is not None:
                start = sprint_end - timedelta(days=14)
                sprint = {
                    "id": 1,
                    "name": f"{project} Sprint 1",
                    "state": "active" if when < sprint_end else "closed",
                    "boardId": 1,
                    "goal": "",
                    "startDate": _iso_z(start),
                    "endDate": _iso_z(sprint_end),
                }
            state = IssueState(
                id=issue_id,
                key=key,
                project=project,
                summary=summary,
                issue_type=issue_type,
                labels=tuple(dict.fromkeys(labels)),
                components=tuple(components),
                description=doc,
                assignee=assignee,
                reporter=reporter,
                status="To Do",
                resolution=None,
                resolutiondate=None,
                created=when,
                updated=when,
                sprint=sprint,
                properties={},
                n_histories=0,
                n_comments=0,
            )
            self._seq += 1
            self._latest_write = max(self._latest_write, when)
            self._issues[issue_id] = IssueRecord(versions=[(self._seq, when, state)])
            self._keys[key] = issue_id
            self._emit("jira:issue_created", state, user=reporter)
            return key

    def add_labels(self, key: str, *labels: str, by: str, at: datetime | None = None) -> None:
        with self._lock:
            rec = self._record(key)
            old = rec.current.labels
            new = old + tuple(lab for lab in dict.fromkeys(labels) if lab not in old)
            self._set_labels(rec, new, by, at)

    def remove_labels(self, key: str, *labels: str, by: str, at: datetime | None = None) -> None:
        with self._lock:
            rec = self._record(key)
            self._set_labels(
                rec, tuple(lab for lab in rec.current.labels if lab not in labels), by, at
            )

    def set_assignee(
        self, key: str, account_id: str | None, *, by: str, at: datetime | None = None
    ) -> None:
        with self._lock:
            rec = self._record(key)
            old = rec.current.assignee
            if old == account_id:
                return
            item = ChangeItem(
                "assignee",
                "jira",
                "assignee",
                old,
                self._name(old),
                account_id,
                self._name(account_id),
            )
            self._change(rec, at, (item,), by, assignee=account_id)

    def transition(self, key: str, status: str, *, by: str, at: datetime | None = None) -> None:
        """Move to ``status`` ("To Do", "In Progress" or "Done"); Done sets resolution "Done"."""
        if status not in STATUS_CATEGORY:
            raise ValueError(
                f"unknown status {status!r}; the sandbox workflow has {list(STATUS_CATEGORY)}"
            )
        when = at or self.clock.now()
        with self._lock:
            rec = self._record(key)
            cur = rec.current
            if cur.status == status:
                return
            items = [
                ChangeItem(
                    "status",
                    "jira",
                    "status",
                    STATUS_ID[cur.status],
                    cur.status,
                    STATUS_ID[status],
                    status,
                )
            ]
            resolution, resolved_at = cur.resolution, cur.resolutiondate
            if status == "Done" and cur.resolution is None:
                resolution, resolved_at = "Done", when
                items.append(
                    ChangeItem(
                        "resolution",
                        "jira",
                        "resolution",
                        None,
                        None,
                        RESOLUTION_ID["Done"],
                        "Done",
                    )
                )
            elif status != "Done" and cur.resolution is not None:
                items.append(
                    ChangeItem(
                        "resolution",
                        "jira",
                        "resolution",
                        RESOLUTION_ID.get(cur.resolution),
                        cur.resolution,
                        None,
                        None,
                    )
                )
                resolution, resolved_at = None, None
            self._change(
                rec,
                when,
                tuple(items),
                by,
                status=status,
                resolution=resolution,
                resolutiondate=resolved_at,
            )

    def add_comment(
        self,
        key: str,
        author: str,
        text_or_adf: str | dict[str, Any],
        *,
        at: datetime | None = None,
        visibility: Mapping[str, Any] | None = None,
        properties: Mapping[str, Any] | None = None,
    ) -> str:
        """Add a comment (plain text is wrapped in ADF) and return its id."""
        when = at or self.clock.now()
        body = adf.text_doc(text_or_adf) if isinstance(text_or_adf, str) else text_or_adf
        with self._lock:
            rec = self._record(key)
            comment_id = str(self._next_comment_id)
            self._next_comment_id += 1
            rec.comments.append(
                CommentRecord(
                    comment_id,
                    author,
                    body,
                    when,
                    when,
                    dict(visibility) if visibility else None,
                    dict(properties or {}),
                )
            )
            self._write(rec, when, updated=when)
            self._emit("comment_created", rec.current, user=author, comment=rec.comments[-1])
            return comment_id

    def set_property(
        self, key: str, prop_key: str, value: Any, *, at: datetime | None = None
    ) -> bool:
        """Store an issue entity property; returns True when it was created."""
        with self._lock:
            rec = self._record(key)
            props = dict(rec.current.properties)
            created = prop_key not in props
            props[prop_key] = json.loads(json.dumps(value))
            when = at or self.clock.now()
            if self.property_write_updates:
                self._write(rec, when, properties=props, updated=when)
            else:
                self._write(rec, when, properties=props)
            return created

    def delete_property(self, key: str, prop_key: str) -> bool:
        with self._lock:
            rec = self._record(key)
            props = dict(rec.current.properties)
            if props.pop(prop_key, _MISSING) is _MISSING:
                return False
            self._write(rec, self.clock.now(), properties=props)
            return True

    def link_issues(self, outward_key: str, inward_key: str, link_type: str = "Blocks") -> str:
        """Link two issues (``outward_key`` *blocks* ``inward_key`` for "Blocks"); returns the link id.

        Links are not versioned: search sees them at once, as with deletions and restrictions.
        """
        if link_type not in LINK_TYPES:
            raise ValueError(f"unknown link type {link_type!r}; the sandbox has {list(LINK_TYPES)}")
        with self._lock:
            out_id, in_id = (
                self._record(outward_key).current.id,
                self._record(inward_key).current.id,
            )
            link_id = str(self._next_link_id)
            self._next_link_id += 1
            self._links.append((link_id, link_type, out_id, in_id))
            return link_id

    def set_custom_field(self, key: str, field_id: str, value: Any) -> None:
        """Give an issue a custom field value (any JSON: a string, ``{"value": ...}``, a list...).

        Not versioned, like links. Fields never set on an issue read as null.
        """
        if not field_id.startswith("customfield_") or field_id == SPRINT_FIELD:
            raise ValueError(f"{field_id!r} is not a free custom field id")
        with self._lock:
            rec = self._record(key)
            self._custom.setdefault(rec.current.id, {})[field_id] = json.loads(json.dumps(value))

    def add_watcher(self, key: str, account_id: str, *, at: datetime | None = None) -> None:
        with self._lock:
            rec = self._record(key)
            if account_id not in rec.watchers:
                rec.watchers.append(account_id)
            self._write(rec, at or self.clock.now(), watchers=tuple(rec.watchers))

    def remove_watcher(self, key: str, account_id: str) -> bool:
        with self._lock:
            rec = self._record(key)
            if account_id not in rec.watchers:
                return False
            rec.watchers.remove(account_id)
            self._write(rec, self.clock.now(), watchers=tuple(rec.watchers))
            return True

    def delete_issue(self, key: str) -> None:
        with self._lock:
            self._record(key).deleted = True

    def move_issue(self, key: str, new_project: str) -> str:
        """Move an issue to another project; its old key keeps resolving to it.  Returns the new key."""
        with self._lock:
            rec = self._record(key)
            self._require_project(new_project)
            self._project_seq[new_project] += 1
            new_key = f"{new_project}-{self._project_seq[new_project]}"
            old_key = rec.current.key
            when = self.clock.now()
            items = (
                ChangeItem("Key", "jira", "key", None, old_key, None, new_key),
                ChangeItem(
                    "project",
                    "jira",
                    "project",
                    str(self._projects[rec.current.project].id),
                    rec.current.project,
                    str(self._projects[new_project].id),
                    new_project,
                ),
            )
            self._change(rec, when, items, None, key=new_key, project=new_project)
            self._keys[new_key] = rec.current.id
            return new_key

    def restrict_issue(self, key: str, allowed_account_ids: Iterable[str] | None) -> None:
        """Only ``allowed_account_ids`` may see the issue (others get 404); ``None`` lifts it."""
        with self._lock:
            self._record(key).allowed = (
                None if allowed_account_ids is None else frozenset(allowed_account_ids)
            )

    # ------------------------------------------------------------------ inspection API

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

    def endpoint_of(self, method: str, path: str) -> str:
        for route in self._routes:
            if route.method == method and route.pattern.fullmatch(path):
                return f"{method} {route.template}"
        return f"{method} {path}"

    # ------------------------------------------------------------------ App protocol

    def handle(self, req: Request) -> Response | None:
        if req.path.startswith("/_sandbox/"):
            from worker.sandbox.control import handle_control  # local: control imports this module

            return handle_control(self, req)
        if not req.path.startswith(API + "/") and req.path != API:
            return None
        resp = self._dispatch(req)
        try:
            body = req.json() if req.body else None
        except BadJson:
            body = req.body.decode("utf-8", "replace")
        self.log(
            LoggedRequest(
                req.method,
                req.path,
                req.query,
                body,
                resp.status,
                self.clock.now(),
                self.endpoint_of(req.method, req.path),
                req.user.account_id if req.user else None,
            )
        )
        return resp

    def _dispatch(self, req: Request) -> Response:
        if self.strict_contract:
            from worker.sandbox.contract import ContractError, validate_request, validate_response

            try:
                body = req.json() if req.body else None
            except BadJson:
                body = None
            try:
                validate_request(req.method, req.path, req.query, body)
            except ContractError as exc:
                self.contract_violations.append(f"request {req.method} {req.path}: {exc}")
                return error(400, f"Sandbox contract check failed: {exc}")
            resp = self._route(req)
            try:
                validate_response(req.method, req.path, resp.status, resp.body)
            except ContractError as exc:
                self.contract_violations.append(
                    f"response {req.method} {req.path} {resp.status}: {exc}"
                )
                return error(500, f"Sandbox response broke the contract: {exc}")
            return resp
        return self._route(req)

    def _route(self, req: Request) -> Response:
        if req.user is None:
            return error(
                401, "You are not authenticated. Authentication required to perform this operation."
            )
        path_matched = False
        for route in self._routes:
            match = route.pattern.fullmatch(req.path)
            if match is None:
                continue
            path_matched = True
            if route.method != req.method:
                continue
            try:
                with self._lock:
                    return route.handler(req, match)
            except BadJson as exc:
                return error(400, str(exc))
            except ValueError as exc:
                return error(400, str(exc))
        if path_matched:
            return error(405, f"Method {req.method} is not allowed for {req.path}.")
        return error(404, f"No API endpoint matches {req.method} {req.path}.")

    def _build_routes(self) -> list[_Route]:
        table: list[tuple[str, str, Callable[[Request, re.Match[str]], Response]]] = [
            ("GET", "/myself", self._get_myself),
            ("GET", "/user", self._get_user),
            ("GET", "/user/bulk", self._get_users_bulk),
            ("GET", "/user/properties/{propertyKey}", self._get_user_property),
            ("PUT", "/user/properties/{propertyKey}", self._put_user_property),
            ("GET", "/project/{projectIdOrKey}", self._get_project),
            ("GET", "/mypermissions", self._get_my_permissions),
            ("GET", "/user/assignable/search", self._get_assignable),
            ("GET", "/label", self._get_labels),
            ("POST", "/search/jql", self._post_search),
            ("GET", "/search/jql", self._get_search),
            ("POST", "/search", self._gone),
            ("GET", "/search", self._gone),
            ("POST", "/changelog/bulkfetch", self._bulk_changelog),
            ("GET", "/issue/{issueIdOrKey}", self._get_issue),
            ("GET", "/issue/{issueIdOrKey}/changelog", self._get_changelog),
            ("GET", "/issue/{issueIdOrKey}/comment", self._get_comments),
            ("POST", "/issue/{issueIdOrKey}/comment", self._post_comment),
            ("DELETE", "/issue/{issueIdOrKey}/comment/{id}", self._delete_comment),
            ("PUT", "/issue/{issueIdOrKey}/assignee", self._put_assignee),
            ("GET", "/issue/{issueIdOrKey}/watchers", self._get_watchers),
            ("POST", "/issue/{issueIdOrKey}/watchers", self._post_watcher),
            ("DELETE", "/issue/{issueIdOrKey}/watchers", self._delete_watcher),
            ("GET", "/issue/{issueIdOrKey}/properties/{propertyKey}", self._get_property),
            ("PUT", "/issue/{issueIdOrKey}/properties/{propertyKey}", self._put_property),
            ("DELETE", "/issue/{issueIdOrKey}/properties/{propertyKey}", self._delete_property),
        ]
        routes = []
        for method, template, handler in table:
            regex = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(API + template))
            routes.append(_Route(method, re.compile(regex), API + template, handler))
        return routes

    # ------------------------------------------------------------------ users & projects

    def _get_myself(self, req: Request, _: re.Match[str]) -> Response:
        assert req.user is not None
        return Response(200, self._user_json(req, req.user, full=True))

    def _get_user(self, req: Request, _: re.Match[str]) -> Response:
        account = req.arg("accountId")
        if not account:
            return error(400, "The query parameter 'accountId' is required.")
        user = self._users.get(account)
        if user is None:
            return error(
                404, "Specified user does not exist or you do not have required permissions"
            )
        return Response(200, self._user_json(req, user, full=True))

    def _get_users_bulk(self, req: Request, _: re.Match[str]) -> Response:
        ids = req.query.get("accountId", [])
        if not ids:
            return error(400, "You must provide at least one accountId.")
        start, size = _int_arg(req, "startAt", 0), min(_int_arg(req, "maxResults", 10), 200)
        found = [self._users[a] for a in dict.fromkeys(ids) if a in self._users]
        page = found[start : start + size]
        return Response(
            200,
            {
                "self": f"{_base(req)}{req.path}",
                "maxResults": size,
                "startAt": start,
                "total": len(found),
                "isLast": start + size >= len(found),
                "values": [self._user_json(req, u, full=True) for u in page],
            },
        )

    def _get_my_permissions(self, req: Request, _: re.Match[str]) -> Response:
        assert req.user is not None
        wanted = [k for k in (req.arg("permissions") or "").split(",") if k.strip()]
        if not wanted:
            return error(400, "The permissions parameter is required.")
        project = req.arg("projectKey")
        if project is not None and project not in self._projects:
            return error(404, f"No project could be found with key '{project}'.")
        perms = {}
        for n, key in enumerate(wanted):
            key = key.strip()
            have = project is None or (project, req.user.account_id, key) not in self._revoked
            perms[key] = {
                "id": str(n + 1),
                "key": key,
                "name": key.replace("_", " ").title(),
                "type": "PROJECT",
                "description": f"The {key} permission.",
                "havePermission": have,
            }
        return Response(200, {"permissions": perms})

    def _get_assignable(self, req: Request, _: re.Match[str]) -> Response:
        project = req.arg("project")
        if not project and not req.arg("issueKey"):
            return error(400, "A project or an issue must be given.")
        if project and project not in self._projects:
            return error(404, f"No project could be found with key '{project}'.")
        allowed = self._assignable.get(project or "")
        account = req.arg("accountId")
        users = [
            u
            for u in self._users.values()
            if u.active
            and (allowed is None or u.account_id in allowed)
            and (account is None or u.account_id == account)
        ]
        start, size = _int_arg(req, "startAt", 0), min(_int_arg(req, "maxResults", 50), 1000)
        return Response(
            200, [self._user_json(req, u, full=False) for u in users[start : start + size]]
        )

    def _get_labels(self, req: Request, _: re.Match[str]) -> Response:
        """Every label in use on the site, sorted, paged by offset (getAllLabels)."""
        labels = sorted(
            {lab for r in self._issues.values() if not r.deleted for lab in r.current.labels}
        )
        start, size = _int_arg(req, "startAt", 0), min(_int_arg(req, "maxResults", 1000), 1000)
        page = labels[start : start + size]
        return Response(
            200,
            {
                "self": f"{_base(req)}{req.path}",
                "maxResults": size,
                "startAt": start,
                "total": len(labels),
                "isLast": start + size >= len(labels),
                "values": page,
            },
        )

    def _get_project(self, req: Request, match: re.Match[str]) -> Response:
        ident = match["projectIdOrKey"]
        proj = self._projects.get(ident.upper()) or next(
            (p for p in self._projects.values() if str(p.id) == ident), None
        )
        if proj is None:
            return error(404, f"No project could be found with key '{ident}'.")
        base = _base(req)
        return Response(
            200,
            {
                "self": f"{base}{API}/project/{proj.id}",
                "id": str(proj.id),
                "key": proj.key,
                "name": proj.name,
                "projectTypeKey": "software",
                "simplified": False,
                "style": "classic",
                "isPrivate": False,
                "components": [
                    {
                        "self": f"{base}{API}/component/{proj.id}{i}",
                        "id": f"{proj.id}{i}",
                        "name": c,
                    }
                    for i, c in enumerate(proj.components)
                ],
                "issueTypes": [
                    {
                        "self": f"{base}{API}/issuetype/{i + 1}",
                        "id": str(i + 1),
                        "name": t,
                        "subtask": False,
                    }
                    for i, t in enumerate(proj.issue_types)
                ],
            },
        )

    # ------------------------------------------------------------------ search

    def _gone(self, req: Request, _: re.Match[str]) -> Response:
        return error(
            410,
            "The requested API has been removed. Please migrate to the /rest/api/3/search/jql API. "
            "A full migration guideline is available at "
            "https://developer.atlassian.com/changelog/#CHANGE-2046",
        )

    def _get_search(self, req: Request, _: re.Match[str]) -> Response:
        params: dict[str, Any] = {"jql": req.arg("jql", "")}
        if req.arg("nextPageToken"):
            params["nextPageToken"] = req.arg("nextPageToken")
        if req.arg("maxResults"):
            params["maxResults"] = _int_arg(req, "maxResults", 50)
        if "fields" in req.query:
            params["fields"] = req.args("fields")
        if "properties" in req.query:
            params["properties"] = req.args("properties")
        if "reconcileIssues" in req.query:
            params["reconcileIssues"] = [
                _int(v, "reconcileIssues") for v in req.args("reconcileIssues")
            ]
        if req.arg("expand"):
            params["expand"] = req.arg("expand")
        return self._search(req, params)

    def _post_search(self, req: Request, _: re.Match[str]) -> Response:
        body = req.json()
        if not isinstance(body, dict):
            return error(400, "The request body must be a JSON object.")
        return self._search(req, body)

    def _search(self, req: Request, params: Mapping[str, Any]) -> Response:
        fields = _split_list(params.get("fields") or ["id"])
        prop_keys = _split_list(params.get("properties") or [])
        if len(prop_keys) > 5:
            return error(400, "A maximum of 5 issue property keys can be specified.")
        reconcile = params.get("reconcileIssues") or []
        if len(reconcile) > 50:
            return error(400, "The number of issues to reconcile cannot exceed 50.")
        reconcile_ids = {int(v) for v in reconcile}
        id_only = set(fields) <= {"id", "key"}
        cap = 5000 if id_only else 100
        max_results = params.get("maxResults", 50)
        if not isinstance(max_results, int) or max_results < 0:
            return error(400, "maxResults must be a non-negative integer.")
        max_results = min(max_results, cap)
        jql_text = params.get("jql") or ""
        expand = {e.strip() for e in str(params.get("expand") or "").split(",") if e.strip()}
        try:
            query = jql.parse(jql_text)
        except jql.JqlError as exc:
            return error(400, str(exc))
        digest = zlib.crc32(jql_text.encode("utf-8"))
        token = params.get("nextPageToken")
        if token:
            decoded = _decode_token(token)
            if decoded is None or decoded[3] != digest:
                return error(400, "The provided next page token is invalid or expired.")
            offset, seq, cutoff, _ = decoded
        else:
            offset, seq, cutoff = 0, self._seq, self.clock.now() - self.staleness
            if self.staleness <= timedelta(
                0
            ):  # no lag: even writes seeded "in the future" are indexed
                cutoff = max(cutoff, self._latest_write)
        ctx = self._eval_context(req)
        try:
            predicate = jql.compile_query(query, ctx)
        except jql.JqlError as exc:
            return error(400, str(exc))
        account = req.user.account_id if req.user else None
        # The token pins the snapshot (seq, cutoff), so every page of one search sees the same result:
        # it is computed once and kept, like a real search index would serve later pages cheaply.
        cache_key = (digest, seq, cutoff, account, frozenset(reconcile_ids))
        cached = (
            self._search_cache.get(cache_key) if token else None
        )  # a new search is always evaluated
        if cached is not None:
            matches = cached
        else:
            matches = []
            # Fast path: no lag and no write since the snapshot was taken -> the index is current.
            fresh = seq == self._seq and cutoff >= self._latest_write
            for rec in self._issues.values():
                if not rec.visible_to(account):
                    continue
                if fresh or rec.versions[0][2].id in reconcile_ids:
                    state: IssueState | None = rec.current
                else:
                    state = rec.as_of(seq, cutoff)
                if state is not None and predicate(state):
                    matches.append((rec, state))
            if query.order_by:
                by_state = {id(s): (r, s) for r, s in matches}
                ordered = jql.sort_issues([s for _, s in matches], query.order_by)
                matches = [by_state[id(s)] for s in ordered]
            self._search_cache[cache_key] = matches
            while len(self._search_cache) > 8:
                self._search_cache.pop(next(iter(self._search_cache)))
        page = matches[offset : offset + max_results]
        more = offset + max_results < len(matches)
        result: dict[str, Any] = {
            "issues": [
                self._issue_json(req, rec, state, fields, prop_keys, expand, search=True)
                for rec, state in page
            ],
            "isLast": not more,
        }
        if more:
            result["nextPageToken"] = _encode_token(offset + max_results, seq, cutoff, digest)
        return Response(200, result)

    def _eval_context(self, req: Request) -> jql.EvalContext:
        def project_alias(value: str) -> str | None:
            if value.upper() in self._projects:
                return value.upper()
            for p in self._projects.values():
                if p.name.lower() == value.lower() or str(p.id) == value:
                    return p.key
            return None

        def user_alias(value: str) -> str | None:
            if value in self._users:
                return value
            by_mail = self._by_email.get(value.lower())
            return by_mail.account_id if by_mail else value

        def key_alias(value: str) -> str | None:
            rec = self._lookup(value)
            return rec.current.key if rec is not None else None

        return jql.EvalContext(
            self.clock.now(),
            req.user.account_id if req.user else None,
            project_alias,
            user_alias,
            key_alias,
        )

    # ------------------------------------------------------------------ issues

    def _get_issue(self, req: Request, match: re.Match[str]) -> Response:
        rec = self._visible(req, match["issueIdOrKey"])
        if rec is None:
            return error(404, _NOT_FOUND)
        fields = req.args("fields") or ["*all"]
        expand = {e.strip() for e in (req.arg("expand") or "").split(",") if e.strip()}
        return Response(
            200,
            self._issue_json(
                req, rec, rec.current, fields, req.args("properties"), expand, search=False
            ),
        )

    def _issue_json(
        self,
        req: Request,
        rec: IssueRecord,
        state: IssueState,
        fields: Sequence[str],
        prop_keys: Sequence[str],
        expand: set[str],
        *,
        search: bool,
    ) -> dict[str, Any]:
        wanted = _wanted_fields(fields)
        out: dict[str, Any] = {"id": str(state.id)}
        if wanted or set(fields) - {"id"}:
            base = _base(req)
            out = {
                "expand": "renderedFields,names,schema,operations,editmeta,changelog,versionedRepresentations",
                "id": str(state.id),
                "self": f"{base}{API}/issue/{state.id}",
                "key": state.key,
            }
            out["fields"] = {
                name: self._field_json(req, rec, state, name, search) for name in wanted
            }
        if prop_keys:
            out["properties"] = {k: state.properties[k] for k in prop_keys if k in state.properties}
        if "changelog" in expand:
            histories = rec.histories[: state.n_histories]
            limit = SEARCH_CHANGELOG_LIMIT if search else 100
            newest = list(reversed(histories))[:limit]
            out["changelog"] = {
                "startAt": 0,
                "maxResults": len(newest),
                "total": len(histories),
                "histories": [self._history_json(req, h) for h in newest],
            }
        return out

    def _field_json(
        self, req: Request, rec: IssueRecord, s: IssueState, name: str, search: bool
    ) -> Any:
        base = _base(req)
        match name:
            case "summary":
                return s.summary
            case "issuetype":
                proj = self._projects[s.project]
                idx = (
                    proj.issue_types.index(s.issue_type) + 1
                    if s.issue_type in proj.issue_types
                    else 0
                )
                return {
                    "self": f"{base}{API}/issuetype/{idx}",
                    "id": str(idx),
                    "name": s.issue_type,
                    "subtask": False,
                }
            case "project":
                proj = self._projects[s.project]
                return {
                    "self": f"{base}{API}/project/{proj.id}",
                    "id": str(proj.id),
                    "key": proj.key,
                    "name": proj.name,
                    "projectTypeKey": "software",
                    "simplified": False,
                }
            case "labels":
                return list(s.labels)
            case "components":
                return [{"name": c} for c in s.components]
            case "assignee":
                return self._user_ref(req, s.assignee)
            case "reporter":
                return self._user_ref(req, s.reporter)
            case "status":
                cat = STATUS_CATEGORY[s.status]
                cat_id, cat_name, colour = CATEGORY_INFO[cat]
                return {
                    "self": f"{base}{API}/status/{STATUS_ID[s.status]}",
                    "description": "",
                    "iconUrl": "",
                    "name": s.status,
                    "id": STATUS_ID[s.status],
                    "statusCategory": {
                        "self": f"{base}{API}/statuscategory/{cat_id}",
                        "id": cat_id,
                        "key": cat,
                        "colorName": colour,
                        "name": cat_name,
                    },
                }
            case "resolution":
                if s.resolution is None:
                    return None
                return {
                    "self": f"{base}{API}/resolution/{RESOLUTION_ID[s.resolution]}",
                    "id": RESOLUTION_ID[s.resolution],
                    "description": "",
                    "name": s.resolution,
                }
            case "resolutiondate":
                return jira_time(s.resolutiondate)
            case "created":
                return jira_time(s.created)
            case "updated":
                return jira_time(s.updated)
            case "description":
                return s.description
            case "customfield_10020":
                return [dict(s.sprint)] if s.sprint else None
            case "watches":
                return {
                    "self": f"{base}{API}/issue/{s.key}/watchers",
                    "watchCount": len(rec.watchers),
                    "isWatching": bool(req.user and req.user.account_id in rec.watchers),
                }
            case "issuelinks":
                return self._links_json(req, s)
            case "comment":
                visible = [c for c in rec.comments[: s.n_comments] if self._comment_visible(req, c)]
                shown = visible[-SEARCH_COMMENT_LIMIT:] if search else visible
                return {
                    "comments": [self._comment_json(req, s, c, False) for c in shown],
                    "self": f"{base}{API}/issue/{s.id}/comment",
                    "maxResults": len(shown),
                    "total": len(visible),
                    "startAt": len(visible) - len(shown),
                }
        if name.startswith("customfield_"):
            return self._custom.get(s.id, {}).get(name)
        return None

    def _links_json(self, req: Request, s: IssueState) -> list[dict[str, Any]]:
        """The issue's links as Jira shows them: the other issue under ``inwardIssue``/``outwardIssue``."""
        base = _base(req)
        out: list[dict[str, Any]] = []
        for link_id, type_name, out_id, in_id in self._links:
            if s.id not in (out_id, in_id):
                continue
            inward, outward = LINK_TYPES[type_name]
            other_id, side = (in_id, "outwardIssue") if s.id == out_id else (out_id, "inwardIssue")
            other = self._issues[other_id]
            if not other.visible_to(req.user.account_id if req.user else None):
                continue
            o = other.current
            out.append(
                {
                    "id": link_id,
                    "self": f"{base}{API}/issueLink/{link_id}",
                    "type": {
                        "id": str(list(LINK_TYPES).index(type_name) + 10_000),
                        "name": type_name,
                        "inward": inward,
                        "outward": outward,
                        "self": f"{base}{API}/issueLinkType/{type_name}",
                    },
                    side: {
                        "id": str(o.id),
                        "key": o.key,
                        "self": f"{base}{API}/issue/{o.id}",
                        "fields": {
                            "summary": o.summary,
                            "status": {"name": o.status, "id": STATUS_ID[o.status]},
                            "issuetype": {"name": o.issue_type},
                        },
                    },
                }
            )
        return out

    # ------------------------------------------------------------------ changelog

    def _get_changelog(self, req: Request, match: re.Match[str]) -> Response:
        rec = self._visible(req, match["issueIdOrKey"])
        if rec is None:
            return error(404, _NOT_FOUND)
        start, size = (
            _int_arg(req, "startAt", 0),
            min(max(_int_arg(req, "maxResults", 100), 1), 100),
        )
        histories = rec.histories[start : start + size]
        base = f"{_base(req)}{API}/issue/{rec.current.key}/changelog"
        body: dict[str, Any] = {
            "self": f"{base}?startAt={start}&maxResults={size}",
            "maxResults": size,
            "startAt": start,
            "total": len(rec.histories),
            "isLast": start + size >= len(rec.histories),
            "values": [self._history_json(req, h) for h in histories],
        }
        if not body["isLast"]:
            body["nextPage"] = f"{base}?startAt={start + size}&maxResults={size}"
        return Response(200, body)

    def _bulk_changelog(self, req: Request, _: re.Match[str]) -> Response:
        body = req.json()
        if not isinstance(body, dict):
            return error(400, "The request body must be a JSON object.")
        ids = body.get("issueIdsOrKeys")
        if not isinstance(ids, list) or not ids:
            return error(400, "issueIdsOrKeys must contain at least one issue.")
        if len(ids) > 1000:
            return error(400, "The maximum number of issues that can be requested is 1000.")
        field_ids = body.get("fieldIds") or []
        if len(field_ids) > 10:
            return error(400, "The maximum number of field IDs that can be requested is 10.")
        size = body.get("maxResults", 1000)
        if not isinstance(size, int) or size < 1:
            return error(400, "maxResults must be a positive integer.")
        size = min(size, 1000)
        offset = 0
        if body.get("nextPageToken"):
            decoded = _decode_token(body["nextPageToken"])
            if decoded is None:
                return error(400, "The provided next page token is invalid or expired.")
            offset = decoded[0]
        wanted = set(field_ids)
        flat: list[tuple[IssueRecord, History]] = []
        seen: set[int] = set()
        for ident in ids:
            rec = self._visible(req, str(ident))
            if rec is None or rec.current.id in seen:
                continue
            seen.add(rec.current.id)
            for h in rec.histories:
                if wanted:
                    items = tuple(i for i in h.items if i.field_id in wanted)
                    if not items:
                        continue
                    h = replace(h, items=items)
                flat.append((rec, h))
        page = flat[offset : offset + size]
        logs: list[dict[str, Any]] = []
        for rec, h in page:
            if not logs or logs[-1]["issueId"] != str(rec.current.id):
                logs.append({"issueId": str(rec.current.id), "changeHistories": []})
            logs[-1]["changeHistories"].append(self._history_json(req, h))
        result: dict[str, Any] = {"issueChangeLogs": logs}
        if offset + size < len(flat):
            result["nextPageToken"] = _encode_token(offset + size, 0, self.clock.now(), 0)
        return Response(200, result)

    def _history_json(self, req: Request, h: History) -> dict[str, Any]:
        out: dict[str, Any] = {"id": h.id, "created": jira_time(h.created), "items": []}
        if h.author is not None:
            out["author"] = self._user_ref(req, h.author)
        for i in h.items:
            out["items"].append(
                {
                    "field": i.field,
                    "fieldtype": i.fieldtype,
                    "fieldId": i.field_id,
                    "from": i.from_,
                    "fromString": i.from_string,
                    "to": i.to,
                    "toString": i.to_string,
                }
            )
        return out

    # ------------------------------------------------------------------ comments

    def _get_comments(self, req: Request, match: re.Match[str]) -> Response:
        rec = self._visible(req, match["issueIdOrKey"])
        if rec is None:
            return error(404, _NOT_FOUND)
        order = req.arg("orderBy") or "created"
        if order not in ("created", "-created", "+created"):
            return error(400, f"Invalid orderBy value '{order}'.")
        start, size = (
            _int_arg(req, "startAt", 0),
            min(max(_int_arg(req, "maxResults", 100), 0), 100),
        )
        expand = {e.strip() for e in (req.arg("expand") or "").split(",")}
        visible = [c for c in rec.comments if self._comment_visible(req, c)]
        visible.sort(key=lambda c: (c.created, int(c.id)), reverse=order == "-created")
        page = visible[start : start + size]
        return Response(
            200,
            {
                "comments": [
                    self._comment_json(req, rec.current, c, "properties" in expand) for c in page
                ],
                "maxResults": size,
                "startAt": start,
                "total": len(visible),
            },
        )

    def _post_comment(self, req: Request, match: re.Match[str]) -> Response:
        rec = self._visible(req, match["issueIdOrKey"])
        if rec is None:
            return error(404, _NOT_FOUND)
        assert req.user is not None
        body = req.json()
        if not isinstance(body, dict) or "body" not in body:
            return error(400, errors={"comment": "Comment body can not be empty!"})
        try:
            adf.validate(body["body"], lambda acc: acc in self._users)
        except adf.AdfError as exc:
            return error(400, errors={"comment": str(exc)})
        if len(adf.plain_text(body["body"])) > MAX_COMMENT_CHARS:
            return error(
                400,
                errors={
                    "comment": "The entered text is too long. It exceeds the allowed limit "
                    f"of {MAX_COMMENT_CHARS:,} characters."
                },
            )
        visibility = body.get("visibility")
        if visibility is not None:
            problem = self._check_visibility(visibility)
            if problem:
                return error(400, problem)
        props: dict[str, Any] = {}
        for prop in body.get("properties") or []:
            if not isinstance(prop, dict) or not isinstance(prop.get("key"), str):
                return error(400, "Each comment property needs a string 'key'.")
            if len(json.dumps(prop.get("value")).encode("utf-8")) > MAX_PROPERTY_BYTES:
                return error(400, f"The property value exceeds {MAX_PROPERTY_BYTES} bytes.")
            props[prop["key"]] = prop.get("value")
        cid = self.add_comment(
            rec.current.key,
            req.user.account_id,
            body["body"],
            visibility=visibility,
            properties=props,
        )
        comment = next(c for c in rec.comments if c.id == cid)
        return Response(201, self._comment_json(req, rec.current, comment, bool(props)))

    def _delete_comment(self, req: Request, match: re.Match[str]) -> Response:
        # Jira Cloud: "Delete own comments" lets an account delete what it wrote; another user's
        # comment needs "Delete all comments" (granted to nobody here), refused with 400
        rec = self._visible(req, match["issueIdOrKey"])
        if rec is None:
            return error(404, _NOT_FOUND)
        assert req.user is not None
        comment = next((c for c in rec.comments if c.id == match["id"]), None)
        if comment is None or not self._comment_visible(req, comment):
            return error(404, f"Can not find a comment for key: {match['id']}.")
        if comment.author != req.user.account_id:
            return error(400, "You do not have the permission to delete this comment.")
        rec.comments.remove(comment)
        when = self.clock.now()
        self._write(rec, when, updated=when)
        return Response(204)

    def _check_visibility(self, vis: Any) -> str | None:
        if not isinstance(vis, dict) or vis.get("type") not in ("group", "role"):
            return "Visibility type must be 'group' or 'role'."
        name = vis.get("value") or vis.get("identifier")
        if not isinstance(name, str) or not name:
            return "Visibility needs a 'value' or an 'identifier'."
        if vis["type"] == "group" and not any(name in u.groups for u in self._users.values()):
            return f"Group: {name} does not exist."
        return None

    def _comment_visible(self, req: Request, c: CommentRecord) -> bool:
        vis = c.visibility
        if not vis or vis.get("type") != "group":
            return True
        group = vis.get("value") or vis.get("identifier")
        return bool(req.user and (group in req.user.groups or req.user.account_id == c.author))

    def _comment_json(
        self, req: Request, s: IssueState, c: CommentRecord, with_props: bool
    ) -> dict[str, Any]:
        out: dict[str, Any] = {
            "self": f"{_base(req)}{API}/issue/{s.id}/comment/{c.id}",
            "id": c.id,
            "author": self._user_ref(req, c.author),
            "body": c.body,
            "updateAuthor": self._user_ref(req, c.author),
            "created": jira_time(c.created),
            "updated": jira_time(c.updated),
            "jsdPublic": True,
        }
        if c.visibility:
            out["visibility"] = dict(c.visibility)
        if with_props:
            out["properties"] = [{"key": k, "value": v} for k, v in c.properties.items()]
        return out

    # ------------------------------------------------------------------ assignee & watchers

    def _put_assignee(self, req: Request, match: re.Match[str]) -> Response:
        rec = self._visible(req, match["issueIdOrKey"])
        if rec is None:
            return error(404, _NOT_FOUND)
        assert req.user is not None
        body = req.json()
        if not isinstance(body, dict) or "accountId" not in body:
            return error(400, errors={"assignee": "An accountId must be given (null unassigns)."})
        account = body["accountId"]
        if account == "-1":
            account = None
        if account is not None:
            user = self._users.get(account) if isinstance(account, str) else None
            if user is None or not user.active:
                return error(
                    400, errors={"assignee": f"User '{account}' cannot be assigned issues."}
                )
        self.set_assignee(rec.current.key, account, by=req.user.account_id)
        return Response(204)

    def _get_watchers(self, req: Request, match: re.Match[str]) -> Response:
        rec = self._visible(req, match["issueIdOrKey"])
        if rec is None:
            return error(404, _NOT_FOUND)
        assert req.user is not None
        return Response(
            200,
            {
                "self": f"{_base(req)}{API}/issue/{rec.current.key}/watchers",
                "isWatching": req.user.account_id in rec.watchers,
                "watchCount": len(rec.watchers),
                "watchers": [self._user_ref(req, a) for a in rec.watchers],
            },
        )

    def _post_watcher(self, req: Request, match: re.Match[str]) -> Response:
        rec = self._visible(req, match["issueIdOrKey"])
        if rec is None:
            return error(404, _NOT_FOUND)
        assert req.user is not None
        account: Any = req.user.account_id
        if req.body.strip():
            account = req.json()
        if not isinstance(account, str):
            return error(400, "The request body must be a JSON string holding an accountId.")
        user = self._users.get(account)
        if user is None:
            return error(404, f"The user with account ID '{account}' does not exist.")
        if not user.active:
            return error(400, f"The user '{account}' is inactive and cannot watch issues.")
        self.add_watcher(rec.current.key, account)
        return Response(204)

    def _delete_watcher(self, req: Request, match: re.Match[str]) -> Response:
        rec = self._visible(req, match["issueIdOrKey"])
        if rec is None:
            return error(404, _NOT_FOUND)
        account = req.arg("accountId") or req.arg("username")
        if not account:
            return error(400, "accountId is required.")
        if account not in self._users:
            return error(404, f"The user with account ID '{account}' does not exist.")
        self.remove_watcher(rec.current.key, account)
        return Response(204)

    # ------------------------------------------------------------------ properties

    def _get_property(self, req: Request, match: re.Match[str]) -> Response:
        rec = self._visible(req, match["issueIdOrKey"])
        if rec is None:
            return error(404, _NOT_FOUND)
        key = match["propertyKey"]
        if key not in rec.current.properties:
            return error(404, f"The property with key '{key}' was not found.")
        return Response(200, {"key": key, "value": rec.current.properties[key]})

    def _put_property(self, req: Request, match: re.Match[str]) -> Response:
        rec = self._visible(req, match["issueIdOrKey"])
        if rec is None:
            return error(404, _NOT_FOUND)
        key = match["propertyKey"]
        if len(key) > 255:
            return error(400, "The property key cannot be longer than 255 characters.")
        if len(req.body) > MAX_PROPERTY_BYTES:
            return error(
                400, f"The property value cannot be longer than {MAX_PROPERTY_BYTES} bytes."
            )
        value = req.json()
        created = self.set_property(rec.current.key, key, value)
        return Response(201 if created else 200)

    def _delete_property(self, req: Request, match: re.Match[str]) -> Response:
        rec = self._visible(req, match["issueIdOrKey"])
        if rec is None:
            return error(404, _NOT_FOUND)
        if not self.delete_property(rec.current.key, match["propertyKey"]):
            return error(404, f"The property with key '{match['propertyKey']}' was not found.")
        return Response(204)

    # ------------------------------------------------------------------ user properties
    # Jira Cloud: any account with access to Jira may read and write the properties of its own
    # record; another user's need the Administer Jira global permission (the sandbox grants it to
    # nobody, so that answers 403).

    def _user_property_owner(self, req: Request) -> tuple[str | None, Response | None]:
        assert req.user is not None
        account = req.arg("accountId")
        if not account:
            return None, error(400, "The query parameter 'accountId' is required.")
        if account not in self._users:
            return None, error(404, "The user with the provided accountId does not exist.")
        if account != req.user.account_id:
            return None, error(403, "You do not have permission to access this user's properties.")
        return account, None

    def _get_user_property(self, req: Request, match: re.Match[str]) -> Response:
        account, problem = self._user_property_owner(req)
        if problem is not None or account is None:
            return problem or error(400, "bad request")
        key = match["propertyKey"]
        with self._lock:
            props = self._user_properties.get(account, {})
            if key not in props:
                return error(404, f"The property with key '{key}' was not found.")
            return Response(200, {"key": key, "value": props[key]})

    def _put_user_property(self, req: Request, match: re.Match[str]) -> Response:
        account, problem = self._user_property_owner(req)
        if problem is not None or account is None:
            return problem or error(400, "bad request")
        key = match["propertyKey"]
        if len(key) > 255:
            return error(400, "The property key cannot be longer than 255 characters.")
        if len(req.body) > MAX_PROPERTY_BYTES:
            return error(
                400, f"The property value cannot be longer than {MAX_PROPERTY_BYTES} bytes."
            )
        value = req.json()
        with self._lock:
            props = self._user_properties.setdefault(account, {})
            created = key not in props
            props[key] = value
        return Response(201 if created else 200)

    def user_property(self, account_id: str, key: str) -> Any:
        """A user property as stored (None when absent), for tests."""
        with self._lock:
            return self._user_properties.get(account_id, {}).get(key)

    # ------------------------------------------------------------------ internals

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

    def _user_json(self, req: Request, user: User, *, full: bool) -> dict[str, Any]:
        out: dict[str, Any] = {
            "self": f"{_base(req)}{API}/user?accountId={user.account_id}",
            "accountId": user.account_id,
            "accountType": "atlassian",
            "displayName": user.display_name,
            "active": user.active,
            "timeZone": "UTC",
            "avatarUrls": _avatars(user.account_id),
        }
        if full and user.email and req.user is not None and req.user.account_id == user.account_id:
            out["emailAddress"] = user.email
        if full:
            out["locale"] = "en_US"
        return out

    def _user_ref(self, req: Request, account_id: str | None) -> dict[str, Any] | None:
        if account_id is None:
            return None
        user = self._users.get(account_id) or User(account_id, account_id, active=False)
        return self._user_json(req, user, full=False)


_MISSING = object()


def _avatars(account_id: str) -> dict[str, str]:
    url = f"https://avatar.sandbox.invalid/{account_id}"
    return {
        "16x16": f"{url}?s=16",
        "24x24": f"{url}?s=24",
        "32x32": f"{url}?s=32",
        "48x48": f"{url}?s=48",
    }


def _base(req: Request) -> str:
    host = req.headers.get("host") or req.headers.get("Host") or "127.0.0.1"
    return f"http://{host}"


def _iso_z(t: datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"


def _int(raw: str, name: str) -> int:
    try:
        return int(raw)
    except ValueError:
        raise ValueError(f"The value '{raw}' is invalid for parameter '{name}'.") from None


def _int_arg(req: Request, name: str, default: int) -> int:
    raw = req.arg(name)
    return default if raw is None or raw == "" else _int(raw, name)


def _split_list(values: Any) -> list[str]:
    if isinstance(values, str):
        values = [values]
    out: list[str] = []
    for v in values:
        out.extend(part.strip() for part in str(v).split(",") if part.strip())
    return out


def _wanted_fields(fields: Sequence[str]) -> list[str]:
    names = _split_list(fields)
    chosen: list[str] = []
    if "*all" in names or "*navigable" in names:
        chosen = [
            f
            for f in ALL_FIELDS
            if not (f == "comment" and "*navigable" in names and "*all" not in names)
        ]
    for name in names:
        if (name in ALL_FIELDS or name.startswith("customfield_")) and name not in chosen:
            chosen.append(name)
    excluded = {n[1:] for n in names if n.startswith("-")}
    return [f for f in chosen if f not in excluded]


def _encode_token(offset: int, seq: int, cutoff: datetime, digest: int) -> str:
    raw = json.dumps(
        {"o": offset, "s": seq, "t": cutoff.isoformat(), "q": digest}, separators=(",", ":")
    )
    return base64.urlsafe_b64encode(raw.encode("utf-8")).decode("ascii").rstrip("=")


def _decode_token(token: str) -> tuple[int, int, datetime, int] | None:
    try:
        padded = token + "=" * (-len(token) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
        return int(data["o"]), int(data["s"]), datetime.fromisoformat(data["t"]), int(data["q"])
    except (ValueError, KeyError, TypeError, binascii.Error, json.JSONDecodeError):
        return None
