"""A thin transport for the Confluence Cloud REST API v2 (``/wiki/api/v2``).

Every call sends an explicit payload and returns small typed records. Errors are never folded
into "nothing found": 401/403, 429 (after a bounded, ``Retry-After``-honouring retry), 5xx and
anything unexpected raise :class:`ConfluenceError` subclasses, so a caller that asks "is there a
page with this title?" gets either a real answer or an exception, never a silent empty list.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any, Protocol
from urllib.parse import urljoin, urlsplit

import requests
from tenacity import RetryCallState, Retrying, retry_if_exception, stop_after_attempt

from worker.paging import CONFLUENCE_PAGES, PageGuard, RunawayPaging
from worker.redact import redact

API_PREFIX = "/wiki/api/v2"


# --------------------------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------------------------


class ConfluenceError(Exception):
    """A Confluence call that did not succeed."""

    def __init__(
        self,
        status: int,
        method: str,
        path: str,
        detail: str = "",
        retry_after: float | None = None,
    ):
        # the detail quotes the server's answer, which may echo the credentials: redacted here,
        # before anything logs, stores or raises it
        detail, path = redact(detail), redact(path)
        super().__init__(f"{method} {path} -> HTTP {status}{': ' + detail if detail else ''}")
        self.status = status
        self.method = method
        self.path = path
        self.detail = detail
        self.retry_after = retry_after


class ConfluenceAuthError(ConfluenceError):
    """401 or 403: the credentials are wrong or lack permission. Never means "not found"."""


class ConfluenceNotFound(ConfluenceError):
    """404: the space, page or property does not exist (or is invisible to this account)."""


class ConfluenceConflict(ConfluenceError):
    """409: the version sent is stale; someone else saved in between."""


class ConfluenceUnavailable(ConfluenceError):
    """429 after the retries ran out, or a 5xx: try again later; says nothing about existence."""


class ConfluenceOutcomeUnknown(ConfluenceUnavailable):
    """A write answered with a 5xx, or not answered at all (timeout, dropped connection): it may or may
    not have been carried out. Confluence's spec documents no 5xx for its writes, so none of them
    means "not applied"; a caller looks before it sends again."""


class ConfluencePagingError(ConfluenceError, RunawayPaging):
    """A listing whose pages would never end (see :mod:`worker.paging`)."""


def _error_for(status: int) -> type[ConfluenceError]:
    if status in (401, 403):
        return ConfluenceAuthError
    if status == 404:
        return ConfluenceNotFound
    if status == 409:
        return ConfluenceConflict
    if status == 429 or status >= 500:
        return ConfluenceUnavailable
    return ConfluenceError


# --------------------------------------------------------------------------------------------
# Records
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Space:
    id: str
    key: str
    name: str
    homepage_id: str | None


@dataclass(frozen=True, slots=True)
class Page:
    id: str
    title: str
    space_id: str
    parent_id: str | None
    status: str
    version: int
    body: str | None = None  # storage representation, when asked for
    author_id: str | None = None  # who created the page

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Page:
        body = data.get("body") or {}
        storage = body.get("storage") if isinstance(body, Mapping) else None
        return cls(
            id=str(data["id"]),
            title=str(data.get("title", "")),
            space_id=str(data.get("spaceId", "")),
            parent_id=str(data["parentId"]) if data.get("parentId") else None,
            status=str(data.get("status", "current")),
            version=int((data.get("version") or {}).get("number", 0)),
            body=storage.get("value") if isinstance(storage, Mapping) else None,
            author_id=str(data["authorId"]) if data.get("authorId") else None,
        )


@dataclass(frozen=True, slots=True)
class PageVersion:
    number: int
    author_id: str | None
    created_at: str | None
    message: str

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> PageVersion:
        return cls(
            number=int(data["number"]),
            author_id=data.get("authorId"),
            created_at=data.get("createdAt"),
            message=str(data.get("message") or ""),
        )


@dataclass(frozen=True, slots=True)
class ContentProperty:
    id: str
    key: str
    value: Any
    version: int

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ContentProperty:
        return cls(
            id=str(data["id"]),
            key=str(data["key"]),
            value=data.get("value"),
            version=int((data.get("version") or {}).get("number", 1)),
        )


# --------------------------------------------------------------------------------------------
# The port the publisher depends on
# --------------------------------------------------------------------------------------------


class ConfluencePort(Protocol):
    """What :func:`worker.confluence.publish.publish` needs from Confluence."""

    def space_by_key(self, key: str) -> Space: ...
    def find_pages(self, title: str, *, space_id: str | None = None) -> list[Page]: ...
    def get_page(self, page_id: str, *, with_body: bool = False) -> Page: ...
    def create_page(
        self, *, space_id: str, title: str, storage: str, parent_id: str | None
    ) -> Page: ...
    def update_page(
        self,
        page_id: str,
        *,
        title: str,
        storage: str,
        version: int,
        message: str,
        parent_id: str | None = None,
    ) -> Page: ...
    def page_versions(self, page_id: str, *, newer_than: int = 0) -> list[PageVersion]: ...
    def get_property(self, page_id: str, key: str) -> ContentProperty | None: ...
    def create_property(self, page_id: str, key: str, value: Any) -> ContentProperty: ...
    def update_property(
        self, page_id: str, prop: ContentProperty, value: Any
    ) -> ContentProperty: ...


# --------------------------------------------------------------------------------------------
# The HTTP client
# --------------------------------------------------------------------------------------------


def _retry_after_seconds(
    resp: requests.Response, now: Callable[[], float] = time.time
) -> float | None:
    """Retry-After in seconds: a number, or an HTTP date counted from ``now`` (the wall clock)."""
    raw = resp.headers.get("Retry-After")
    if raw is None:
        return None
    try:
        return max(0.0, float(raw))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(raw)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - now())


class _RetryableStatus(Exception):
    def __init__(self, error: ConfluenceError):
        super().__init__(str(error))
        self.error = error


class ConfluenceClient:
    """Confluence Cloud v2 over a :class:`requests.Session`.

    ``base_url`` is the site root that serves ``/wiki`` (``https://x.atlassian.net``); a URL that
    already ends in ``/wiki`` is accepted too. ``requests_made`` counts HTTP exchanges, retries
    included, which is how the publisher proves an unchanged page costs at most two requests.
    """

    def __init__(
        self,
        base_url: str,
        session: requests.Session | None = None,
        *,
        max_attempts: int = 4,
        max_wait: float = 30.0,
        default_wait: float = 1.0,
        timeout: float = 30.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        root = base_url.rstrip("/")
        if root.endswith("/wiki"):
            root = root[: -len("/wiki")]
        self.root = root
        self.session = session if session is not None else requests.Session()
        self.max_attempts = max(1, max_attempts)
        self.max_wait = max_wait
        self.default_wait = default_wait
        self.timeout = timeout
        self._sleep = sleep
        self.requests_made = 0
        self.waits: list[float] = []  # every back-off actually slept, for logs and tests

    @classmethod
    def with_basic_auth(
        cls, base_url: str, email: str, api_token: str, **kwargs: Any
    ) -> ConfluenceClient:
        session = requests.Session()
        session.auth = (email, api_token)
        session.headers.update({"Accept": "application/json"})
        return cls(base_url, session, **kwargs)

    # -- plumbing ---------------------------------------------------------------------------

    def _url(self, path: str) -> str:
        if path.startswith(API_PREFIX) or path.startswith("/wiki/"):
            return self.root + path
        return self.root + API_PREFIX + path

    def _send_once(self, method: str, url: str, params: Any, payload: Any) -> requests.Response:
        self.requests_made += 1
        data = None if payload is None else json.dumps(payload)
        headers = {"Accept": "application/json"}
        if data is not None:
            headers["Content-Type"] = "application/json"
        try:
            resp = self.session.request(
                method, url, params=params, data=data, headers=headers, timeout=self.timeout
            )
        except (requests.Timeout, requests.ConnectionError) as exc:
            if method == "GET":
                raise
            # the write may have been carried out before the answer was lost
            raise ConfluenceOutcomeUnknown(
                0, method, urlsplit(url).path, f"no answer ({type(exc).__name__})"
            ) from None
        if resp.status_code < 400:
            return resp
        err_cls = _error_for(resp.status_code)
        if method != "GET" and resp.status_code >= 500:
            err_cls = ConfluenceOutcomeUnknown
        err = err_cls(
            resp.status_code,
            method,
            urlsplit(url).path,
            resp.text[:300],
            retry_after=_retry_after_seconds(resp),
        )
        # 429 means "not processed": safe to repeat for any method. 502/503/504 only for reads.
        if resp.status_code == 429 or (method == "GET" and resp.status_code in (502, 503, 504)):
            raise _RetryableStatus(err)
        raise err

    def _wait(self, state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome is not None else None
        hinted = exc.error.retry_after if isinstance(exc, _RetryableStatus) else None
        base = (
            hinted if hinted is not None else self.default_wait * (2 ** (state.attempt_number - 1))
        )
        wait = min(base, self.max_wait)
        self.waits.append(wait)
        return wait

    def request(self, method: str, path: str, *, params: Any = None, payload: Any = None) -> Any:
        """One call with the bounded retry; returns the decoded JSON body (or ``None``)."""
        url = self._url(path)
        retrying = Retrying(
            stop=stop_after_attempt(self.max_attempts),
            wait=self._wait,
            retry=retry_if_exception(lambda e: isinstance(e, _RetryableStatus)),
            sleep=self._sleep,
            reraise=True,
        )
        try:
            resp = retrying(self._send_once, method, url, params, payload)
        except _RetryableStatus as exc:
            raise exc.error from None
        if resp.status_code == 204 or not resp.content:
            return None
        return resp.json()

    def _paged(self, path: str, params: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
        """Follow ``_links.next`` cursors until the last page (bounded: see :mod:`worker.paging`)."""
        guard = PageGuard(
            f"Confluence listing {path}", max_pages=CONFLUENCE_PAGES, fail=self._paging_error(path)
        )
        data = self.request("GET", path, params=dict(params))
        while True:
            yield from data.get("results", [])
            nxt = guard.next_token((data.get("_links") or {}).get("next"))
            if nxt is None:
                return
            parts = urlsplit(urljoin(self.root + "/", nxt))
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            data = self.request("GET", target)

    @staticmethod
    def _paging_error(path: str) -> Callable[[str], Exception]:
        return lambda message: ConfluencePagingError(200, "GET", path, message)

    # -- spaces and pages -------------------------------------------------------------------

    def space_by_key(self, key: str) -> Space:
        data = self.request("GET", "/spaces", params={"keys": key, "limit": 1})
        for s in data.get("results", []):
            if s.get("key") == key:
                return Space(str(s["id"]), s["key"], str(s.get("name", "")), s.get("homepageId"))
        raise ConfluenceNotFound(404, "GET", "/spaces", f"no space with key {key!r}")

    def find_pages(self, title: str, *, space_id: str | None = None) -> list[Page]:
        """Current pages whose title is exactly ``title`` (in one space, or in every space)."""
        params: dict[str, Any] = {"title": title, "status": "current", "limit": 50}
        if space_id is not None:
            params["space-id"] = space_id
        return [Page.from_json(p) for p in self._paged("/pages", params) if p.get("title") == title]

    def get_page(self, page_id: str, *, with_body: bool = False) -> Page:
        params = {"body-format": "storage"} if with_body else None
        return Page.from_json(self.request("GET", f"/pages/{page_id}", params=params))

    def create_page(
        self, *, space_id: str, title: str, storage: str, parent_id: str | None
    ) -> Page:
        payload = _page_payload(title, storage, parent_id, spaceId=space_id)
        return Page.from_json(self.request("POST", "/pages", payload=payload))

    def update_page(
        self,
        page_id: str,
        *,
        title: str,
        storage: str,
        version: int,
        message: str,
        parent_id: str | None = None,
    ) -> Page:
        """Save a new version. ``version`` is the NEW number (current + 1) and is sent exactly as given."""
        payload = _page_payload(
            title, storage, parent_id, id=page_id, version={"number": version, "message": message}
        )
        return Page.from_json(self.request("PUT", f"/pages/{page_id}", payload=payload))

    def page_versions(self, page_id: str, *, newer_than: int = 0) -> list[PageVersion]:
        """Versions with a number above ``newer_than``, newest first (stops paging once past it)."""
        out: list[PageVersion] = []
        for v in self._paged(f"/pages/{page_id}/versions", {"limit": 50, "sort": "-modified-date"}):
            pv = PageVersion.from_json(v)
            if pv.number <= newer_than:
                break
            out.append(pv)
        return sorted(out, key=lambda v: v.number, reverse=True)

    # -- content properties (always addressed by their numeric id, never by key) --------------

    def get_property(self, page_id: str, key: str) -> ContentProperty | None:
        for p in self._paged(f"/pages/{page_id}/properties", {"key": key}):
            if p.get("key") == key:
                return ContentProperty.from_json(p)
        return None

    def create_property(self, page_id: str, key: str, value: Any) -> ContentProperty:
        data = self.request(
            "POST", f"/pages/{page_id}/properties", payload={"key": key, "value": value}
        )
        return ContentProperty.from_json(data)

    def update_property(self, page_id: str, prop: ContentProperty, value: Any) -> ContentProperty:
        payload = {"key": prop.key, "value": value, "version": {"number": prop.version + 1}}
        data = self.request("PUT", f"/pages/{page_id}/properties/{prop.id}", payload=payload)
        return ContentProperty.from_json(data)

    def delete_property(self, page_id: str, prop: ContentProperty) -> None:
        self.request("DELETE", f"/pages/{page_id}/properties/{prop.id}")


def _page_payload(title: str, storage: str, parent_id: str | None, **more: Any) -> dict[str, Any]:
    """The body of a page create (``spaceId``) or update (``id``, ``version``): a current page
    in storage format, under ``parent_id`` when one is given."""
    payload: dict[str, Any] = {
        **more,
        "status": "current",
        "title": title,
        "body": {"representation": "storage", "value": storage},
    }
    if parent_id:
        payload["parentId"] = parent_id
    return payload
