"""A listing that never ends: the sandbox side of the worker's paging guards (``worker.paging``).

:class:`EndlessPager` wraps a site (:class:`~worker.sandbox.jira.JiraSite` or the Confluence
sandbox) and rewrites the answers of the listings whose path matches ``path`` the way a
misbehaving server or proxy would, within the shapes Atlassian's OpenAPI documents give those
answers (``isLast``, ``nextPageToken``, ``startAt``, ``total``, ``_links.next``):

``fresh``   every page announces another one: a new cursor each time (``nextPageToken``,
            ``_links.next``), or, for offset listings, ``isLast: false`` / a ``total`` always
            beyond the next ``startAt``. Only a page cap stops a client.
``repeat``  the cursor the client sent comes back again (the first page's is reused); an offset
            listing answers ``startAt: 0`` whatever was asked (it ignores the cursor).
``absent``  ``isLast: false`` with no ``nextPageToken`` (search only: the other listings have no
            ``isLast`` next to a cursor).

Every page served carries the site's real first page of items, so the client sees plausible data.
``requests`` counts the requests the pager answered. With a strict-contract Jira site the rewritten
answer is checked against the OpenAPI document too.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace
from typing import Any, Literal
from urllib.parse import urlencode

from worker.sandbox.app import App, Request, Response

Mode = Literal["fresh", "repeat", "absent"]
_PREFIX = "sandbox-endless-"


@dataclass
class EndlessPager:
    path: str  # a regex searched in the request path, e.g. r"/changelog$"
    mode: Mode = "fresh"
    site: App | None = None  # the wrapped site; may be set after the server started
    requests: int = 0
    contract_violations: list[str] = field(default_factory=list)
    _pattern: re.Pattern[str] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._pattern = re.compile(self.path)

    def handle(self, req: Request) -> Response | None:
        if self.site is None or self._pattern.search(req.path) is None:
            return None
        self.requests += 1
        n = self.requests
        asked_start = _int(req.query.get("startAt", ["0"])[0])
        sent_token = None
        inner = req
        if req.body:  # POST search/jql, changelog/bulkfetch: drop our own cursor before the site
            try:
                body = json.loads(req.body)
            except ValueError:
                body = None
            if isinstance(body, dict):
                sent_token = body.get("nextPageToken")
                if isinstance(sent_token, str) and sent_token.startswith(_PREFIX):
                    body.pop("nextPageToken")
                    inner = replace(inner, body=json.dumps(body).encode())
        query = {k: v for k, v in req.query.items() if k not in ("startAt", "cursor")}
        if "startAt" in req.query:
            query["startAt"] = ["0"]  # the site serves its real first page every time
        if "cursor" in req.query:
            sent_token = req.query["cursor"][0]
            if not sent_token.startswith(_PREFIX):
                query["cursor"] = req.query["cursor"]
        inner = replace(inner, query=query)
        resp = self.site.handle(inner)
        if resp is None or resp.status != 200 or not isinstance(resp.body, dict):
            return resp
        body = dict(resp.body)
        cursor = str(sent_token) if self.mode == "repeat" and sent_token else f"{_PREFIX}{n}"
        if self.mode == "repeat" and not sent_token:
            cursor = f"{_PREFIX}repeat"
        values = body.get("values") if "values" in body else body.get("comments")
        if "_links" in body:  # Confluence v2: a cursor inside the next link
            nxt = [(k, v) for k, vs in req.query.items() if k != "cursor" for v in vs]
            nxt.append(("cursor", cursor))
            body["_links"] = {**body["_links"], "next": f"{req.path}?{urlencode(nxt)}"}
        elif "startAt" in body:  # offset listings: changelog, comments, user/bulk
            size = max(len(values or ()), 1)
            body["startAt"] = 0 if self.mode == "repeat" else asked_start
            if "isLast" in body:
                body["isLast"] = False
            if "total" in body:
                body["total"] = asked_start + size * 1000
        elif self.mode == "absent":
            body["isLast"] = False
            body.pop("nextPageToken", None)
        else:  # search/jql (isLast + nextPageToken), changelog/bulkfetch (nextPageToken)
            if "isLast" in body or "issues" in body:
                body["isLast"] = False
            body["nextPageToken"] = cursor
        self._check_contract(req, body)
        return Response(200, body, dict(resp.headers))

    def _check_contract(self, req: Request, body: Any) -> None:
        if not getattr(self.site, "strict_contract", False):
            return
        from worker.sandbox.contract import ContractError, validate_response

        try:
            validate_response(req.method, req.path, 200, body)
        except ContractError as exc:
            self.contract_violations.append(f"endless {req.method} {req.path}: {exc}")


def _int(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        return 0
