"""Jira Cloud REST v3 operations the worker needs: each method is one logical call (paged where Jira pages).

Reads return plain JSON (or core types where the mapping is obvious); writes perform one effect.
Deciding what to do is not this module's job: see ``worker.core.decide`` and ``worker.cycle``.
"""

from __future__ import annotations

import email.utils
import itertools
import queue
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote

from worker.core.snapshot import Comment
from worker.jira.adf import to_text
from worker.jira.http import HttpResponse, JiraError, RetryingHttp
from worker.jira.mapping import (
    COMMENT_PROPERTY,
    COMMENT_TEXT_LIMIT,
    TRACKED_FIELDS,
    comment_from_json,
)
from worker.paging import (
    BULK_CHANGELOG_PAGES,
    ISSUE_CHANGELOG_PAGES,
    ISSUE_COMMENT_PAGES,
    SEARCH_PAGES,
    USER_PAGES,
    PageGuard,
    RunawayPaging,
)

API = "/rest/api/3"
BASE_FIELDS = (
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
)


# What a polling search asks for: no description (read by key when routing needs it), the newest
# comments embedded (a separate comment read only when that list is truncated past what the
# record last saw), and whether the worker watches the issue (how it finds its own records).
SEARCH_FIELDS = tuple(f for f in BASE_FIELDS if f != "description") + ("comment", "watches")


# Parts of Jira's JSON the worker never reads: user avatars and REST links on every user, comment
# and issue, a comment's last editor. Dropped from search and bulk-changelog pages as they arrive,
# they no longer cost most of the memory of a chunk of 1,000 issues (issue 15's peak-RSS target).
UNREAD_KEYS = frozenset({"avatarUrls", "self", "updateAuthor", "jsdPublic", "expand"})


def lean(value: Any) -> Any:
    """``value`` (parsed JSON) without the keys in :data:`UNREAD_KEYS`, at any depth, in place.
    Entity properties (the worker's record among them) are left exactly as stored."""
    if isinstance(value, dict):
        for k in UNREAD_KEYS.intersection(value):
            del value[k]
        for k, v in value.items():
            if k != "properties" and isinstance(v, dict | list):
                lean(v)
    elif isinstance(value, list):
        for v in value:
            if isinstance(v, dict | list):
                lean(v)
    return value


def flat_comments(issues: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Comments embedded in search results with their bodies as plain text, in place.

    A comment's ADF body is a tree of dicts several times the size of its text, and the worker
    reads comments as text (``mapping.comment_from_json``); flattened on arrival, a page of 100
    issues with 20 comments each holds much less while it waits to be consumed (issue 15's
    peak RSS)."""
    for issue in issues:
        field = (issue.get("fields") or {}).get("comment")
        if not isinstance(field, dict):
            continue
        for c in field.get("comments") or ():
            if isinstance(c, dict) and not isinstance(c.get("body"), str | None):
                c["body"] = to_text(c["body"], COMMENT_TEXT_LIMIT)
    return issues


def _k(key: str) -> str:
    return quote(key, safe="")


class JiraPagingError(JiraError, RunawayPaging):
    """A Jira listing whose pages would never end (see :mod:`worker.paging`)."""


def _guard(what: str, max_pages: int) -> PageGuard:
    return PageGuard(f"Jira {what}", max_pages=max_pages, fail=JiraPagingError)


class JiraGateway:
    def __init__(
        self, http: RetryingHttp, *, property_key: str, sprint_field: str, page_size: int = 100
    ) -> None:
        self.http = http
        self.property_key = property_key
        self.sprint_field = sprint_field
        self.page_size = page_size
        self._posted: dict[str, list[tuple[str, str]]] = {}
        self._posted_lock = threading.Lock()
        self.server_clock = ServerClock()

    def search_fields(self, *, description: bool = False) -> list[str]:
        """Fields for a polling search; ``description`` only when the decision will use it."""
        return [*SEARCH_FIELDS, self.sprint_field, *(["description"] if description else [])]

    def search_partitioned(
        self,
        queries: Sequence[str],
        *,
        fields: Sequence[str] | None = None,
        reconcile: Sequence[int] = (),
        concurrency: int = 4,
    ) -> Iterator[dict[str, Any]]:
        """Several searches paged in parallel (at most ``concurrency`` at once), merged as pages
        arrive. A bounded queue keeps at most a few pages in memory; the first error is raised."""
        if len(queries) <= 1 or concurrency <= 1:
            for q in queries:
                yield from self.search(q, fields=fields, reconcile=reconcile)
            return
        # Pages in flight are raw JSON (~1.5 MB per 100 issues with their records and comments):
        # a page is fetched only against a credit, and the consumer gives the credit back as it
        # takes the page, so at most ``concurrency`` pages wait or are being fetched (requests
        # in parallel stay ``concurrency`` when the network is the slow side), and the page being
        # consumed lets each issue go once it has been handed out (issue 15's peak RSS).
        pages: queue.SimpleQueue[tuple[str, Any]] = queue.SimpleQueue()
        credits = threading.Semaphore(concurrency)
        todo: queue.SimpleQueue[str] = queue.SimpleQueue()
        for q in queries:
            todo.put(q)
        stop = threading.Event()

        def credit() -> bool:
            while not stop.is_set():
                if credits.acquire(timeout=0.2):
                    return True
            return False

        def worker() -> None:
            # ``concurrency`` threads take the searches in turn: a thread per search (10 and more
            # with the search plan's ranges) gave each its own malloc arena, ~10 MB more peak RSS
            try:
                while not stop.is_set():
                    try:
                        q = todo.get_nowait()
                    except queue.Empty:
                        return
                    issues = self.search(q, fields=fields, reconcile=reconcile)
                    while credit():
                        batch = list(itertools.islice(issues, self.page_size))
                        if not batch:
                            credits.release()
                            break
                        pages.put(("issues", batch))
                        del batch
            except BaseException as exc:  # handed to the consumer, raised there
                pages.put(("error", exc))
            finally:
                pages.put(("done", None))

        threads = [
            threading.Thread(target=worker, daemon=True, name="search")
            for _ in range(min(concurrency, len(queries)))
        ]
        for t in threads:
            t.start()
        running = len(threads)
        try:
            while running:
                kind, value = pages.get()
                if kind == "done":
                    running -= 1
                elif kind == "error":
                    raise value
                else:
                    credits.release()
                    value.reverse()
                    while value:
                        yield value.pop()
        finally:
            stop.set()
            for t in threads:  # no thread is left behind (each stops at its next page)
                t.join(timeout=30)

    @property
    def fields(self) -> list[str]:
        return [*BASE_FIELDS, self.sprint_field]

    # --- identity and configuration checks ---------------------------------------------------

    def myself(self) -> dict[str, Any]:
        return dict(self.http.call("GET", f"{API}/myself").body or {})

    def project_exists(self, key: str) -> bool:
        resp = self.http.call("GET", f"{API}/project/{_k(key)}", allow=(404,))
        return resp.status == 200

    def my_permissions(self, project: str, keys: Sequence[str]) -> dict[str, bool]:
        """permission key -> whether the worker account holds it in ``project`` (getMyPermissions)."""
        resp = self.http.call(
            "GET",
            f"{API}/mypermissions",
            params={"projectKey": project, "permissions": ",".join(keys)},
        )
        perms = (resp.body or {}).get("permissions") or {}
        return {k: bool((perms.get(k) or {}).get("havePermission")) for k in keys}

    def assignable(self, project: str, account_id: str) -> bool:
        """Whether ``account_id`` may be assigned issues of ``project`` (findAssignableUsers)."""
        resp = self.http.call(
            "GET",
            f"{API}/user/assignable/search",
            params={"project": project, "accountId": account_id, "maxResults": 1},
        )
        return any(str(u.get("accountId")) == account_id for u in resp.body or ())

    def labels(self, *, max_pages: int = 100) -> Iterator[str]:
        """Every label in use on the site (getAllLabels), 1,000 a page, at most ``max_pages`` pages."""
        start = 0
        for _ in range(max_pages):
            resp = self.http.call(
                "GET", f"{API}/label", params={"startAt": start, "maxResults": 1000}
            )
            body = resp.body or {}
            values = [str(v) for v in body.get("values") or ()]
            yield from values
            if body.get("isLast", True) or not values:
                return
            start += len(values)
        raise JiraError(
            f"GET /label: still not the last page after {max_pages} pages; stopped there",
        )

    def users_active(self, account_ids: Sequence[str]) -> dict[str, bool]:
        """accountId -> active; unknown accounts are absent from the result."""
        out: dict[str, bool] = {}
        ids = list(dict.fromkeys(account_ids))
        for i in range(0, len(ids), 50):
            chunk = ids[i : i + 50]
            start: int | None = 0
            guard = _guard("user/bulk", USER_PAGES)
            while start is not None:
                resp = self.http.call(
                    "GET",
                    f"{API}/user/bulk",
                    params={"accountId": chunk, "startAt": start, "maxResults": 50},
                )
                body = resp.body or {}
                values = body.get("values") or []
                for u in values:
                    out[str(u.get("accountId"))] = bool(u.get("active", True))
                start = guard.next_offset(
                    asked=start,
                    answered=body.get("startAt"),
                    count=len(values),
                    last=bool(body.get("isLast", True)),
                )
        return out

    # --- reads --------------------------------------------------------------------------------

    def search(
        self,
        jql: str,
        *,
        fields: Sequence[str] | None = None,
        reconcile: Sequence[int] = (),
        with_record: bool = True,
    ) -> Iterator[dict[str, Any]]:
        """All issues matching ``jql`` via ``POST /search/jql``, following ``nextPageToken``."""
        token: str | None = None
        guard = _guard("search", SEARCH_PAGES)
        while True:
            body: dict[str, Any] = {
                "jql": jql,
                "maxResults": self.page_size,
                "fields": list(fields if fields is not None else self.fields),
            }
            if with_record:
                body["properties"] = [self.property_key]
            if reconcile:
                body["reconcileIssues"] = [int(x) for x in list(reconcile)[:50]]
            if token:
                body["nextPageToken"] = token
            resp = self.http.call("POST", f"{API}/search/jql", json=body, retry_ambiguous=True)
            page = resp.body or {}
            issues = flat_comments(lean(page.get("issues") or []))
            token = guard.next_token(page.get("nextPageToken"), last=page.get("isLast"))
            del resp, page  # only the issues stay alive while the caller takes them
            yield from issues
            del issues  # not kept while the next page is fetched
            if token is None:
                return

    def bulk_changelog(self, issue_ids: Sequence[str]) -> dict[str, list[dict[str, Any]]]:
        """Full label/assignee/status/resolution history of many issues (1,000 per request)."""
        out: dict[str, list[dict[str, Any]]] = {str(i): [] for i in issue_ids}
        ids = list(dict.fromkeys(str(i) for i in issue_ids))
        for i in range(0, len(ids), 1000):
            chunk = ids[i : i + 1000]
            token: str | None = None
            guard = _guard("changelog/bulkfetch", BULK_CHANGELOG_PAGES)
            while True:
                body: dict[str, Any] = {
                    "issueIdsOrKeys": chunk,
                    "fieldIds": list(TRACKED_FIELDS),
                    "maxResults": 10000,
                }
                if token:
                    body["nextPageToken"] = token
                resp = self.http.call(
                    "POST", f"{API}/changelog/bulkfetch", json=body, retry_ambiguous=True
                )
                page = resp.body or {}
                for log in lean(page.get("issueChangeLogs") or []):
                    out.setdefault(str(log.get("issueId")), []).extend(
                        log.get("changeHistories") or ()
                    )
                token = guard.next_token(page.get("nextPageToken"))
                if token is None:
                    break
        return out

    def changelog(self, key: str) -> list[dict[str, Any]]:
        histories: list[dict[str, Any]] = []
        start: int | None = 0
        guard = _guard(f"changelog of {key}", ISSUE_CHANGELOG_PAGES)
        while start is not None:
            resp = self.http.call(
                "GET",
                f"{API}/issue/{_k(key)}/changelog",
                params={"startAt": start, "maxResults": 100},
            )
            page = resp.body or {}
            values = page.get("values") or []
            histories.extend(values)
            start = guard.next_offset(
                asked=start,
                answered=page.get("startAt"),
                count=len(values),
                last=bool(page.get("isLast", True)),
            )
        return histories

    def comments(self, key: str) -> list[Comment]:
        out: list[Comment] = []
        start: int | None = 0
        guard = _guard(f"comments of {key}", ISSUE_COMMENT_PAGES)
        while start is not None:
            resp = self.http.call(
                "GET",
                f"{API}/issue/{_k(key)}/comment",
                params={
                    "startAt": start,
                    "maxResults": 100,
                    "orderBy": "created",
                    "expand": "properties",
                },
            )
            page = resp.body or {}
            values = page.get("comments") or []
            for c in values:
                parsed = comment_from_json(c)
                if parsed is not None:
                    out.append(parsed)
            start = guard.next_offset(
                asked=start,
                answered=page.get("startAt"),
                count=len(values),
                last=start + len(values) >= int(page.get("total") or 0),
            )
        return out

    def issue(self, key: str) -> dict[str, Any] | None:
        """The issue as it is now (GET by key is never stale), with the worker's record; None if gone."""
        return self.issue_with(key, ())

    def issue_with(self, key: str, extra_properties: Sequence[str]) -> dict[str, Any] | None:
        """``issue`` with up to four more entity properties inline (the claim slots of the record)."""
        props = ",".join([self.property_key, *extra_properties[:4]])
        resp = self._timed(
            "GET",
            f"{API}/issue/{_k(key)}",
            params={"fields": ",".join(self.fields), "properties": props},
            allow=(404, 403),
        )
        if resp.status != 200:
            return None
        return dict(resp.body or {})

    def issue_all(self, key: str, exclude: Sequence[str]) -> dict[str, Any] | None:
        """``issue`` with every entity property of the issue but ``exclude`` (``properties=*all,-k``,
        as the spec of GET issue allows): the record and every claim in one current read."""
        return self._all(key, ",".join(self.fields), exclude)

    def all_properties(self, key: str, exclude: Sequence[str]) -> dict[str, Any] | None:
        """Every entity property of the issue but ``exclude``, in one current read (``fields=updated``);
        None when the issue is gone."""
        issue = self._all(key, "updated", exclude)
        if issue is None:
            return None
        props = issue.get("properties") or {}
        return dict(props) if isinstance(props, Mapping) else {}

    def _all(self, key: str, fields: str, exclude: Sequence[str]) -> dict[str, Any] | None:
        resp = self._timed(
            "GET",
            f"{API}/issue/{_k(key)}",
            params={
                "fields": fields,
                "properties": ",".join(["*all", *(f"-{k}" for k in exclude)]),
            },
            allow=(404, 403),
        )
        if resp.status != 200:
            return None
        return dict(resp.body or {})

    def record_value(self, key: str) -> Any | None:
        resp = self.http.call(
            "GET", f"{API}/issue/{_k(key)}/properties/{_k(self.property_key)}", allow=(404,)
        )
        if resp.status == 404:
            return None
        return (resp.body or {}).get("value")

    def property_value(self, key: str, prop: str) -> Any | None:
        """The value of another entity property of the issue (history, timeline parts); None if absent."""
        resp = self.http.call("GET", f"{API}/issue/{_k(key)}/properties/{_k(prop)}", allow=(404,))
        if resp.status == 404:
            return None
        return (resp.body or {}).get("value")

    # --- writes -------------------------------------------------------------------------------

    def put_record(self, key: str, value: Mapping[str, Any]) -> None:
        self.http.call(
            "PUT", f"{API}/issue/{_k(key)}/properties/{_k(self.property_key)}", json=dict(value)
        )

    def assign(self, key: str, account_id: str) -> None:
        self.http.call("PUT", f"{API}/issue/{_k(key)}/assignee", json={"accountId": account_id})

    def add_watcher(self, key: str, account_id: str) -> None:
        # the body is a bare JSON string, not an object
        self.http.call(
            "POST", f"{API}/issue/{_k(key)}/watchers", json=account_id, retry_ambiguous=True
        )

    def post_comment(
        self,
        key: str,
        adf: Mapping[str, Any],
        *,
        action_id: str,
        visibility: Mapping[str, str] | None = None,
        property_value: Mapping[str, Any] | None = None,
    ) -> str:
        """Post a comment carrying ``action_id`` (and more, in ``property_value``) in its property."""
        value = {**(property_value or {}), "id": action_id}
        body: dict[str, Any] = {
            "body": dict(adf),
            "properties": [{"key": COMMENT_PROPERTY, "value": value}],
        }
        if visibility:
            body["visibility"] = dict(visibility)
        resp = self.http.call(
            "POST", f"{API}/issue/{_k(key)}/comment", json=body, retry_ambiguous=False
        )
        comment_id = str((resp.body or {}).get("id", ""))
        if comment_id:
            self.note_own_comment(key, comment_id, action_id)
        return comment_id

    def note_own_comment(self, key: str, comment_id: str, action_id: str) -> None:
        """Remember that comment ``comment_id`` on ``key`` is this worker's, for ``action_id``
        (posted now, or found after an answer that left the post's fate unknown)."""
        with self._posted_lock:
            self._posted.setdefault(key, []).append((comment_id, action_id))

    def posted_comments(self, key: str) -> list[tuple[str, str]]:
        """(comment id, action id) of the comments this process posted on ``key`` since last asked,
        oldest first (for the record's last read and its list of the worker's comments)."""
        with self._posted_lock:
            return self._posted.pop(key, [])

    def remove_watcher(self, key: str, account_id: str) -> None:
        self.http.call(
            "DELETE",
            f"{API}/issue/{_k(key)}/watchers",
            params={"accountId": account_id},
            allow=(404,),
        )

    def find_comment(self, key: str, action_id: str) -> str | None:
        """The id of the worker's comment carrying ``action_id``, if one exists (dedupe after a crash)."""
        for c in self.comments(key):
            if c.action_id == action_id:
                return c.id
        return None

    # --- the claim primitive: create-if-absent issue properties, read back inline -------------

    def issue_properties(self, key: str, keys: Sequence[str]) -> dict[str, Any] | None:
        """Up to five properties of an issue in one current read (GET by key, ``fields=updated``);
        None when the issue is gone. Absent properties are absent from the answer."""
        resp = self._timed(
            "GET",
            f"{API}/issue/{_k(key)}",
            params={"fields": "updated", "properties": ",".join(keys[:5])},
            allow=(404, 403),
        )
        if resp.status != 200:
            return None
        props = (resp.body or {}).get("properties") or {}
        return dict(props) if isinstance(props, Mapping) else {}

    def put_property(self, key: str, prop: str, value: Any) -> bool:
        """Set an issue property; True when Jira answered 201 (it created it), False on 200 (updated)."""
        resp = self._timed("PUT", f"{API}/issue/{_k(key)}/properties/{_k(prop)}", json=value)
        return resp.status == 201

    def delete_property(self, key: str, prop: str) -> None:
        self._timed("DELETE", f"{API}/issue/{_k(key)}/properties/{_k(prop)}", allow=(404,))

    def delete_comment(self, key: str, comment_id: str) -> None:
        """Delete one comment (the worker's own duplicates only); a comment already gone is fine."""
        self.http.call("DELETE", f"{API}/issue/{_k(key)}/comment/{_k(comment_id)}", allow=(404,))

    def _timed(self, method: str, path: str, **kwargs: Any) -> HttpResponse:
        """One call whose ``Date`` header sets the server clock (leases are measured in Jira's time)."""
        resp = self.http.call(method, path, **kwargs)
        self.server_clock.observe(resp.headers)
        return resp


class ServerClock:
    """Jira's time, from the ``Date`` header of the latest response plus the local time elapsed since.

    Hosts' clocks may disagree by minutes; every worker reading the same server's ``Date`` agrees
    within about a second (the header's resolution) plus the latency of one request.
    """

    def __init__(self, monotonic: Callable[[], float] = time.monotonic) -> None:
        self._monotonic = monotonic
        self._lock = threading.Lock()
        self._at: tuple[datetime, float] | None = None

    def observe(self, headers: Mapping[str, str]) -> None:
        raw = headers.get("Date") or headers.get("date")
        if not raw:
            return
        try:
            when = email.utils.parsedate_to_datetime(raw)
        except (TypeError, ValueError):
            return
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        with self._lock:
            self._at = (when.astimezone(UTC), self._monotonic())

    def now(self) -> datetime | None:
        """Jira's current time as best known, or None before the first answer with a ``Date``."""
        with self._lock:
            if self._at is None:
                return None
            when, mono = self._at
            return when + timedelta(seconds=max(0.0, self._monotonic() - mono))


__all__ = ["BASE_FIELDS", "JiraError", "JiraGateway", "JiraPagingError", "ServerClock"]
