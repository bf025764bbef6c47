"""A fake Confluence Cloud (REST v2, under ``/wiki/api/v2``) that plugs into ``SandboxServer``.

It keeps spaces, pages with their full version history (author, time, message), child pages and
content properties, answers in the shapes of Atlassian's OpenAPI document, and behaves like the
real service where it matters to a publisher:

* saving requires ``version.number`` = current + 1, otherwise 409;
* stored bodies are rewritten on save (whitespace between tags dropped, attributes re-ordered,
  ``ac:local-id`` / ``data-layout`` added), so the bytes read back differ from the bytes sent while
  the meaning is the same; malformed storage XML is refused with 400;
* content properties are addressed by numeric id, and their updates are versioned too;
* lists are paged with an opaque cursor in ``_links.next`` and the ``Link`` header.

Test helpers: :meth:`ConfluenceSite.edit_page_as` (a person saves the page in the editor),
:meth:`ConfluenceSite.create_page_as`, :meth:`ConfluenceSite.fail_next` (the next N matching
responses are errors such as 401/429/503) and :attr:`ConfluenceSite.requests` (what was asked).
"""

from __future__ import annotations

import base64
import contextlib
import html.entities
import json
import re
import threading
import xml.etree.ElementTree as ET
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol
from urllib.parse import urlencode

from worker.sandbox.app import BadJson, Request, Response

PREFIX = "/wiki/api/v2"
SYSTEM_ACCOUNT = "557058:confluence-system"
_NS_WRAP = (
    '<root xmlns:ac="http://atlassian.com/content" xmlns:ri="http://atlassian.com/resource/identifier" '
    'xmlns:at="http://atlassian.com/template">{}</root>'
)


class _Clock(Protocol):
    def now(self) -> datetime: ...


# --------------------------------------------------------------------------------------------
# Storage format helpers
# --------------------------------------------------------------------------------------------


def _xml_safe_entities(body: str) -> str:
    """Turn HTML named entities (``&nbsp;``) into numeric ones so an XML parser accepts them."""

    def sub(m: re.Match[str]) -> str:
        name = m.group(1)
        if name in ("amp", "lt", "gt", "quot", "apos"):
            return m.group(0)
        cp = html.entities.name2codepoint.get(name)
        return f"&#{cp};" if cp is not None else m.group(0)

    return re.sub(r"&([A-Za-z][A-Za-z0-9]*);", sub, body)


def storage_problem(body: str) -> str | None:
    """Why ``body`` is not acceptable storage format, or None when it parses."""
    try:
        ET.fromstring(_NS_WRAP.format(_xml_safe_entities(body)))
    except ET.ParseError as exc:
        return f"Error parsing xhtml: {exc}"
    return None


_START_TAG = re.compile(r'<([A-Za-z][\w:.-]*)((?:\s+[\w:.-]+\s*=\s*"[^"]*")*)\s*(/?)>')
_ATTR = re.compile(r'([\w:.-]+)\s*=\s*"([^"]*)"')


def normalize_storage(body: str, new_local_id: Callable[[], str]) -> str:
    """Rewrite markup the way Confluence does on save: same meaning, different bytes."""
    body = re.sub(r">\s+<", "><", body.strip())

    def tag(m: re.Match[str]) -> str:
        name, raw_attrs, selfclose = m.group(1), m.group(2), m.group(3)
        attrs = dict(_ATTR.findall(raw_attrs))
        if name in ("ac:structured-macro", "table") and "ac:local-id" not in attrs:
            attrs["ac:local-id"] = new_local_id()
        if name == "table" and "data-layout" not in attrs:
            attrs["data-layout"] = "default"
        rendered = "".join(f' {k}="{v}"' for k, v in sorted(attrs.items()))
        return f"<{name}{rendered}{' /' if selfclose else ''}>"

    return _START_TAG.sub(tag, body)


# --------------------------------------------------------------------------------------------
# State
# --------------------------------------------------------------------------------------------


@dataclass
class _Space:
    id: str
    key: str
    name: str
    homepage_id: str
    author_id: str
    created_at: datetime


@dataclass
class _Version:
    number: int
    author_id: str
    created_at: datetime
    message: str
    title: str
    body: str


@dataclass
class _Property:
    id: str
    key: str
    value: Any
    number: int
    author_id: str
    created_at: datetime
    message: str = ""


@dataclass
class _Page:
    id: str
    space_id: str
    parent_id: str | None
    status: str
    author_id: str
    created_at: datetime
    versions: list[_Version] = field(default_factory=list)
    properties: dict[str, _Property] = field(default_factory=dict)  # by property id

    @property
    def current(self) -> _Version:
        return self.versions[-1]


@dataclass
class _Fault:
    status: int
    method: str | None
    path: re.Pattern[str] | None
    remaining: int
    retry_after: str | None
    applied: bool = False  # the request is carried out, then answered with ``status``


@dataclass(frozen=True, slots=True)
class PageView:
    """A read-only snapshot of a sandbox page, for tests."""

    id: str
    space_key: str
    parent_id: str | None
    title: str
    status: str
    version: int
    body: str
    version_authors: tuple[str, ...]
    version_messages: tuple[str, ...]
    properties: Mapping[str, Any]  # key -> value


class _HttpError(Exception):
    def __init__(self, status: int, title: str, code: str | None = None):
        super().__init__(title)
        self.status = status
        self.title = title
        self.code = code or {
            400: "INVALID_REQUEST_PARAMETER",
            401: "UNAUTHORIZED",
            404: "NOT_FOUND",
            409: "CONFLICT",
        }.get(status, "ERROR")


def _err(
    status: int, title: str, code: str | None = None, headers: dict[str, str] | None = None
) -> Response:
    e = _HttpError(status, title, code)
    body = {"errors": [{"status": status, "code": e.code, "title": title, "detail": None}]}
    return Response(status, body, dict(headers or {}))


def _iso(t: datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"


# --------------------------------------------------------------------------------------------
# The app
# --------------------------------------------------------------------------------------------


class ConfluenceSite:
    """Confluence Cloud v2, in memory. ``handle`` answers paths under ``/wiki/api/v2``."""

    def __init__(
        self,
        clock: _Clock,
        *,
        page_size: int = 250,
        base_url: str = "https://sandbox.atlassian.net/wiki",
    ):
        self.clock = clock
        self.page_size = page_size
        self.base_url = base_url
        self._lock = threading.RLock()
        self._ids = 65536
        self._local_ids = 0
        self._spaces: dict[str, _Space] = {}
        self._pages: dict[str, _Page] = {}
        self._faults: list[_Fault] = []
        self.requests: list[
            tuple[str, str]
        ] = []  # (method, path) of every request this app answered

    # -- test helpers -----------------------------------------------------------------------

    def _next_id(self) -> str:
        self._ids += 1
        return str(self._ids)

    def _next_local_id(self) -> str:
        self._local_ids += 1
        n = self._local_ids
        return f"{n:08x}-0000-4000-8000-{n:012x}"

    def add_space(
        self, key: str, name: str | None = None, *, author_id: str = SYSTEM_ACCOUNT
    ) -> str:
        """Create a space with its homepage; returns the space id."""
        with self._lock:
            now = self.clock.now()
            space_id = self._next_id()
            home = _Page(self._next_id(), space_id, None, "current", author_id, now)
            home.versions.append(
                _Version(1, author_id, now, "", f"{name or key} Home", "<p>Welcome.</p>")
            )
            self._pages[home.id] = home
            self._spaces[space_id] = _Space(space_id, key, name or key, home.id, author_id, now)
            return space_id

    def create_page_as(
        self,
        account_id: str,
        space_key: str,
        title: str,
        body: str,
        *,
        parent_id: str | None = None,
    ) -> str:
        """A person creates a page in the editor; returns its id."""
        with self._lock:
            space = self._space_by_key(space_key)
            return self._create(account_id, space, title, body, parent_id or space.homepage_id).id

    def edit_page_as(
        self, account_id: str, page_id: str, new_body: str, *, message: str = ""
    ) -> int:
        """A person saves ``page_id`` with ``new_body``; returns the new version number."""
        with self._lock:
            page = self._pages[page_id]
            self._save(page, account_id, page.current.title, new_body, message)
            return page.current.number

    def fail_next(
        self,
        status: int,
        *,
        count: int = 1,
        method: str | None = None,
        path: str | None = None,
        retry_after: float | None = None,
        applied: bool = False,
    ) -> None:
        """Answer the next ``count`` requests matching ``method`` and the ``path`` regex with ``status``.

        ``applied``: carry the request out first, then answer ``status`` anyway -- a gateway or a
        node failing after the write committed, which leaves the client unable to tell (Confluence's
        spec documents no 5xx for its writes, so no 5xx means "not applied")."""
        with self._lock:
            self._faults.append(
                _Fault(
                    status,
                    method.upper() if method else None,
                    re.compile(path) if path else None,
                    count,
                    None if retry_after is None else f"{retry_after:g}",
                    applied,
                )
            )

    def pages(self, *, space_key: str | None = None, title: str | None = None) -> list[PageView]:
        with self._lock:
            out = []
            for p in self._pages.values():
                space = self._spaces[p.space_id]
                if space_key is not None and space.key != space_key:
                    continue
                if title is not None and p.current.title != title:
                    continue
                out.append(self._view(p))
            return out

    def page(self, page_id: str) -> PageView:
        with self._lock:
            return self._view(self._pages[page_id])

    def _view(self, p: _Page) -> PageView:
        return PageView(
            id=p.id,
            space_key=self._spaces[p.space_id].key,
            parent_id=p.parent_id,
            title=p.current.title,
            status=p.status,
            version=p.current.number,
            body=p.current.body,
            version_authors=tuple(v.author_id for v in p.versions),
            version_messages=tuple(v.message for v in p.versions),
            properties={prop.key: prop.value for prop in p.properties.values()},
        )

    # -- model operations -------------------------------------------------------------------

    def _space_by_key(self, key: str) -> _Space:
        for s in self._spaces.values():
            if s.key == key:
                return s
        raise KeyError(key)

    def _title_taken(self, space_id: str, title: str, except_id: str | None = None) -> bool:
        return any(
            p.space_id == space_id
            and p.status == "current"
            and p.current.title == title
            and p.id != except_id
            for p in self._pages.values()
        )

    def _create(
        self, author: str, space: _Space, title: str, body: str, parent_id: str | None
    ) -> _Page:
        now = self.clock.now()
        page = _Page(self._next_id(), space.id, parent_id, "current", author, now)
        page.versions.append(
            _Version(1, author, now, "", title, normalize_storage(body, self._next_local_id))
        )
        self._pages[page.id] = page
        return page

    def _save(self, page: _Page, author: str, title: str, body: str, message: str) -> None:
        page.versions.append(
            _Version(
                page.current.number + 1,
                author,
                self.clock.now(),
                message,
                title,
                normalize_storage(body, self._next_local_id),
            )
        )

    # -- JSON shapes ------------------------------------------------------------------------

    def _version_json(self, v: _Version) -> dict[str, Any]:
        return {
            "createdAt": _iso(v.created_at),
            "message": v.message,
            "number": v.number,
            "minorEdit": False,
            "authorId": v.author_id,
        }

    def _page_json(self, p: _Page, *, body: bool, version: bool = True) -> dict[str, Any]:
        space = self._spaces[p.space_id]
        out: dict[str, Any] = {
            "id": p.id,
            "status": p.status,
            "title": p.current.title,
            "spaceId": p.space_id,
            "parentType": "page",
            "position": int(p.id) % 1000,
            "authorId": p.author_id,
            "ownerId": p.author_id,
            "lastOwnerId": None,
            "createdAt": _iso(p.created_at),
        }
        if p.parent_id is not None:
            out["parentId"] = p.parent_id
        if version:
            out["version"] = self._version_json(p.current)
        out["body"] = (
            {"storage": {"representation": "storage", "value": p.current.body}} if body else {}
        )
        out["_links"] = {
            "webui": f"/spaces/{space.key}/pages/{p.id}",
            "editui": f"/pages/resumedraft.action?draftId={p.id}",
            "tinyui": f"/x/{p.id}",
        }
        return out

    def _property_json(self, prop: _Property) -> dict[str, Any]:
        return {
            "id": prop.id,
            "key": prop.key,
            "value": prop.value,
            "version": {
                "createdAt": _iso(prop.created_at),
                "message": prop.message,
                "number": prop.number,
                "minorEdit": False,
                "authorId": prop.author_id,
            },
        }

    def _paged(self, req: Request, items: list[dict[str, Any]]) -> Response:
        try:
            limit = int(req.arg("limit") or self.page_size)
        except ValueError:
            return _err(400, "limit must be an integer")
        limit = max(
            1, min(limit, 250, self.page_size)
        )  # page_size caps every answer, as 250 does on Cloud
        start = 0
        cursor = req.arg("cursor")
        if cursor:
            try:
                start = int(
                    base64.urlsafe_b64decode(cursor.encode()).decode().removeprefix("offset:")
                )
            except (ValueError, UnicodeDecodeError):
                return _err(400, "Invalid cursor")
        chunk = items[start : start + limit]
        links: dict[str, str] = {"base": self.base_url}
        headers: dict[str, str] = {}
        if start + limit < len(items):
            nxt_cursor = base64.urlsafe_b64encode(f"offset:{start + limit}".encode()).decode()
            query = [(k, v) for k, vs in req.query.items() if k != "cursor" for v in vs]
            query.append(("cursor", nxt_cursor))
            nxt = f"{req.path}?{urlencode(query)}"
            links["next"] = nxt
            headers["Link"] = f'<{nxt}>; rel="next", <{self.base_url}>; rel="base"'
        return Response(200, {"results": chunk, "_links": links}, headers)

    # -- dispatch ---------------------------------------------------------------------------

    def handle(self, req: Request) -> Response | None:
        if not (req.path == PREFIX or req.path.startswith(PREFIX + "/")):
            return None
        with self._lock:
            self.requests.append((req.method, req.path))
            fault = self._take_fault(req)
            if fault is not None and fault.applied and req.user is not None:
                # (refused anyway: the injected answer hides that too)
                with contextlib.suppress(_HttpError, BadJson):
                    self._route(req, req.path[len(PREFIX) :].rstrip("/") or "/")
            if fault is not None:
                headers = (
                    {"Retry-After": fault.retry_after} if fault.retry_after is not None else {}
                )
                return _err(fault.status, f"Injected HTTP {fault.status}", "INJECTED", headers)
            if req.user is None:
                return _err(401, "Unauthorized; scope does not match")
            sub = req.path[len(PREFIX) :].rstrip("/") or "/"
            try:
                return self._route(req, sub)
            except _HttpError as exc:
                return _err(exc.status, exc.title, exc.code)
            except BadJson as exc:
                return _err(400, str(exc))

    def _take_fault(self, req: Request) -> _Fault | None:
        for f in self._faults:
            if f.remaining <= 0:
                continue
            if f.method is not None and f.method != req.method:
                continue
            if f.path is not None and not f.path.search(req.path):
                continue
            f.remaining -= 1
            return f
        return None

    def _route(self, req: Request, sub: str) -> Response:
        m, parts = req.method, sub.strip("/").split("/")
        if parts == ["spaces"] and m == "GET":
            return self._get_spaces(req)
        if parts == ["pages"]:
            if m == "GET":
                return self._get_pages(req)
            if m == "POST":
                return self._create_page(req)
        if len(parts) >= 2 and parts[0] == "pages":
            page = self._page_or_404(parts[1])
            rest = parts[2:]
            if not rest:
                if m == "GET":
                    return self._get_page(req, page)
                if m == "PUT":
                    return self._update_page(req, page)
            elif rest == ["versions"] and m == "GET":
                items = [
                    self._version_json(v) | {"page": {"id": page.id, "title": v.title}}
                    for v in page.versions
                ]
                if (req.arg("sort") or "-modified-date") == "-modified-date":
                    items.reverse()
                return self._paged(req, items)
            elif rest == ["properties"]:
                if m == "GET":
                    key = req.arg("key")
                    props = [
                        self._property_json(p)
                        for p in page.properties.values()
                        if key is None or p.key == key
                    ]
                    return self._paged(req, props)
                if m == "POST":
                    return self._create_property(req, page)
            elif len(rest) == 2 and rest[0] == "properties":
                prop = self._property_or_error(page, rest[1])
                if m == "GET":
                    return Response(200, self._property_json(prop))
                if m == "PUT":
                    return self._update_property(req, page, prop)
                if m == "DELETE":
                    del page.properties[prop.id]
                    return Response(204)
        return _err(404, f"No route for {m} {PREFIX}{sub}")

    # -- handlers ---------------------------------------------------------------------------

    def _page_or_404(self, raw_id: str) -> _Page:
        if not raw_id.isdigit():
            raise _HttpError(400, f"Invalid page id: {raw_id!r}")
        page = self._pages.get(raw_id)
        if page is None or page.status == "deleted":
            raise _HttpError(404, "Page not found")
        return page

    def _property_or_error(self, page: _Page, raw_id: str) -> _Property:
        if not raw_id.isdigit():
            raise _HttpError(400, f"Invalid property id: {raw_id!r} (a numeric id is expected)")
        prop = page.properties.get(raw_id)
        if prop is None:
            raise _HttpError(404, "Content property not found")
        return prop

    def _get_spaces(self, req: Request) -> Response:
        keys, ids = req.args("keys"), req.args("ids")
        items = [
            {
                "id": s.id,
                "key": s.key,
                "name": s.name,
                "type": "global",
                "status": "current",
                "authorId": s.author_id,
                "createdAt": _iso(s.created_at),
                "homepageId": s.homepage_id,
                "_links": {"webui": f"/spaces/{s.key}"},
            }
            for s in self._spaces.values()
            if (not keys or s.key in keys) and (not ids or s.id in ids)
        ]
        return self._paged(req, items)

    def _get_pages(self, req: Request) -> Response:
        ids, space_ids = req.args("id"), req.args("space-id")
        statuses = req.args("status") or ["current", "archived"]
        title = req.arg("title")
        body = req.arg("body-format") == "storage"
        items = [
            self._page_json(p, body=body)
            for p in self._pages.values()
            if (not ids or p.id in ids)
            and (not space_ids or p.space_id in space_ids)
            and p.status in statuses
            and (title is None or p.current.title == title)
        ]
        return self._paged(req, items)

    def _get_page(self, req: Request, page: _Page) -> Response:
        body = req.arg("body-format") == "storage"
        out = self._page_json(
            page, body=body, version=req.arg("include-version", "true") != "false"
        )
        if req.arg("include-properties") == "true":
            out["properties"] = {
                "results": [self._property_json(p) for p in page.properties.values()][:50],
                "meta": {"hasMore": len(page.properties) > 50, "cursor": ""},
                "_links": {},
            }
        return Response(200, out)

    def _body_value(self, data: Mapping[str, Any]) -> str:
        body = data.get("body")
        if not isinstance(body, Mapping):
            raise _HttpError(400, "A body is required")
        if "storage" in body and isinstance(body["storage"], Mapping):  # the nested form
            body = {"representation": "storage", **body["storage"]}
        if body.get("representation") != "storage":
            raise _HttpError(400, "Only the storage representation is supported by the sandbox")
        value = body.get("value")
        if not isinstance(value, str):
            raise _HttpError(400, "body.value must be a string")
        problem = storage_problem(value)
        if problem:
            raise _HttpError(400, problem)
        return value

    def _create_page(self, req: Request) -> Response:
        data = req.json()
        if not isinstance(data, Mapping) or not data.get("spaceId"):
            raise _HttpError(400, "spaceId is required")
        space = self._spaces.get(str(data["spaceId"]))
        if space is None:
            raise _HttpError(404, "Space not found")
        if data.get("status", "current") != "current":
            raise _HttpError(400, "The sandbox only creates current pages")
        title = data.get("title")
        if not isinstance(title, str) or not title.strip():
            raise _HttpError(400, "A title is required")
        if self._title_taken(space.id, title):
            raise _HttpError(400, "A page with this title already exists in this space")
        parent_id = str(data["parentId"]) if data.get("parentId") else space.homepage_id
        parent = self._pages.get(parent_id)
        if parent is None or parent.space_id != space.id:
            raise _HttpError(404, "Parent page not found")
        body = self._body_value(data)
        assert req.user is not None
        page = self._create(req.user.account_id, space, title, body, parent_id)
        out = self._page_json(page, body=True)
        out["_links"]["base"] = self.base_url
        return Response(200, out)

    def _update_page(self, req: Request, page: _Page) -> Response:
        data = req.json()
        if not isinstance(data, Mapping):
            raise _HttpError(400, "A JSON object is required")
        missing = [k for k in ("id", "status", "title", "body", "version") if k not in data]
        if missing:
            raise _HttpError(400, f"Missing fields: {', '.join(missing)}")
        if str(data["id"]) != page.id:
            raise _HttpError(400, "The id in the body does not match the path")
        number = (data.get("version") or {}).get("number")
        if not isinstance(number, int):
            raise _HttpError(400, "version.number is required")
        if number != page.current.number + 1:
            raise _HttpError(
                409,
                f"Version must be incremented on update. Current version is: {page.current.number}",
                "CONFLICT",
            )
        title = str(data["title"])
        if self._title_taken(page.space_id, title, except_id=page.id):
            raise _HttpError(400, "A page with this title already exists in this space")
        if data.get("parentId"):
            parent = self._pages.get(str(data["parentId"]))
            if parent is None or parent.space_id != page.space_id:
                raise _HttpError(404, "Parent page not found")
            page.parent_id = parent.id
        body = self._body_value(data)
        assert req.user is not None
        self._save(
            page,
            req.user.account_id,
            title,
            body,
            str((data.get("version") or {}).get("message") or ""),
        )
        out = self._page_json(page, body=True)
        out["_links"]["base"] = self.base_url
        return Response(200, out)

    def _create_property(self, req: Request, page: _Page) -> Response:
        data = req.json()
        if not isinstance(data, Mapping) or not isinstance(data.get("key"), str) or not data["key"]:
            raise _HttpError(400, "A property key is required")
        if any(p.key == data["key"] for p in page.properties.values()):
            raise _HttpError(
                400, f"A property with key {data['key']!r} already exists on this page"
            )
        try:
            json.dumps(data.get("value"))
        except (TypeError, ValueError):
            raise _HttpError(400, "The value must be JSON") from None
        assert req.user is not None
        prop = _Property(
            self._next_id(),
            data["key"],
            data.get("value"),
            1,
            req.user.account_id,
            self.clock.now(),
        )
        page.properties[prop.id] = prop
        return Response(200, self._property_json(prop))

    def _update_property(self, req: Request, page: _Page, prop: _Property) -> Response:
        data = req.json()
        if not isinstance(data, Mapping):
            raise _HttpError(400, "A JSON object is required")
        if "key" in data and data["key"] != prop.key:
            raise _HttpError(400, "The key of a content property cannot be changed")
        version = data.get("version") or {}
        number = version.get("number")
        if not isinstance(number, int):
            raise _HttpError(400, "version.number is required")
        if number != prop.number + 1:
            raise _HttpError(
                409, f"Version must be incremented. Current version is: {prop.number}", "CONFLICT"
            )
        assert req.user is not None
        prop.value = data.get("value")
        prop.number = number
        prop.author_id = req.user.account_id
        prop.created_at = self.clock.now()
        prop.message = str(version.get("message") or "")
        return Response(200, self._property_json(prop))
