"""Helpers for the Confluence tests: account ids and an in-process transport for ``requests``.

``InProcessAdapter`` is a ``requests`` transport adapter that hands each prepared request to a
sandbox app instead of a socket, so the client's real serialisation (URLs, query strings, JSON
bodies, headers) is exercised without any network. Tests over real HTTP live in test_http.py.
"""

from __future__ import annotations

import base64
import json
from typing import Any
from urllib.parse import parse_qs, urlsplit

import requests
from requests.adapters import BaseAdapter

from worker.sandbox.app import Request, Response
from worker.sandbox.model import User

WORKER = "worker-account-0001"
EVE = "eve-account-0002"
USERS = {
    ("worker@example.com", "worker-token"): User(WORKER, "Escalation worker", "worker@example.com"),
    ("eve@example.com", "eve-token"): User(EVE, "Eve", "eve@example.com"),
}


class InProcessAdapter(BaseAdapter):
    """Send requests to a sandbox app's ``handle`` and turn its Response into a requests.Response."""

    def __init__(self, app: Any, users: dict[tuple[str, str], User]):
        super().__init__()
        self.app = app
        self.users = users
        self.sent: list[requests.PreparedRequest] = []

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        self.sent.append(request)
        parts = urlsplit(request.url or "")
        user = None
        auth = request.headers.get("Authorization", "")
        if auth.startswith("Basic "):
            email, _, token = base64.b64decode(auth[6:]).decode().partition(":")
            user = self.users.get((email, token))
        body = request.body or b""
        req = Request(
            method=request.method or "GET",
            path=parts.path,
            query=parse_qs(parts.query, keep_blank_values=True),
            headers=dict(request.headers),
            body=body.encode() if isinstance(body, str) else body,
            user=user,
        )
        answer = self.app.handle(req) or Response(404, {"message": "no app"})
        resp = requests.Response()
        resp.status_code = answer.status
        resp.headers.update(answer.headers)
        if answer.body is None:
            resp._content = b""
        elif isinstance(answer.body, bytes):
            resp._content = answer.body
        elif isinstance(answer.body, str):
            resp._content = answer.body.encode()
        else:
            resp._content = json.dumps(answer.body).encode()
            resp.headers.setdefault("Content-Type", "application/json")
        resp.url = request.url or ""
        resp.request = request
        resp.encoding = "utf-8"
        return resp

    def close(self) -> None:
        pass
