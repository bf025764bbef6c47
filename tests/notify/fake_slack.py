"""A tiny stand-in for the Slack Web API on 127.0.0.1, for tests.

slack_sdk talks through urllib, so ``responses`` cannot intercept it; instead the client's
``base_url`` points here. The server records every call (method, parameters, Authorization header)
and answers like Slack: ``{"ok": true, ...}`` for success, ``{"ok": false, "error": ...}`` for
errors, and HTTP 429 with ``Retry-After`` for ``ratelimited``. Tests can queue scripted answers
per method with :meth:`FakeSlack.script`.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit


@dataclass(frozen=True)
class Call:
    method: str
    params: dict[str, Any]
    authorization: str | None


@dataclass
class Answer:
    status: int
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)


class FakeSlack:
    """State and behaviour of the fake workspace; :meth:`start` serves it on a free port."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.users_by_email: dict[str, str] = {}
        # name -> channel dict (id, name, is_member); "hidden" ones are taken but not listed.
        self.channels: dict[str, dict[str, Any]] = {}
        self.hidden_names: set[str] = set()
        self._scripted: dict[str, list[Answer]] = {}
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # ---- test controls -------------------------------------------------------------------
    def script(self, method: str, *answers: Answer) -> None:
        self._scripted.setdefault(method, []).extend(answers)

    def rate_limit(self, method: str, retry_after: int = 7) -> None:
        self.script(
            method,
            Answer(429, {"ok": False, "error": "ratelimited"}, {"Retry-After": str(retry_after)}),
        )

    def calls_to(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    @property
    def url(self) -> str:
        assert self._server is not None
        host, port = self._server.server_address[:2]
        assert isinstance(host, str)  # a TCP server, not a Unix socket
        return f"http://{host}:{port}/api/"

    def start(self) -> FakeSlack:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                self._handle(b"")

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                self._handle(self.rfile.read(length))

            def _handle(self, body: bytes) -> None:
                parts = urlsplit(self.path)
                method = parts.path.rsplit("/", 1)[-1]
                params: dict[str, Any] = dict(parse_qsl(parts.query))
                kind = self.headers.get("Content-Type") or ""
                if body and "json" in kind:
                    params.update(json.loads(body))
                elif body:
                    params.update(parse_qsl(body.decode()))
                answer = fake.answer(Call(method, params, self.headers.get("Authorization")))
                data = json.dumps(answer.body).encode()
                self.send_response(answer.status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                for key, value in answer.headers.items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(data)

            def log_message(
                self, format: str, *args: Any
            ) -> None:  # silence the default stderr log
                return

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    # ---- behaviour ---------------------------------------------------------------------
    def answer(self, call: Call) -> Answer:
        with self._lock:
            self.calls.append(call)
            queued = self._scripted.get(call.method)
            if queued:
                return queued.pop(0)
            return Answer(200, self._default(call))

    def _default(self, call: Call) -> dict[str, Any]:
        p = call.params
        if call.method == "conversations.create":
            name = p["name"]
            if name in self.channels or name in self.hidden_names:
                return {"ok": False, "error": "name_taken"}
            channel = {"id": f"C{len(self.channels) + 100}", "name": name, "is_member": True}
            self.channels[name] = channel
            return {"ok": True, "channel": channel}
        if call.method == "conversations.list":
            return {
                "ok": True,
                "channels": list(self.channels.values()),
                "response_metadata": {"next_cursor": ""},
            }
        if call.method == "conversations.join":
            for channel in self.channels.values():
                if channel["id"] == p["channel"]:
                    channel["is_member"] = True
            return {"ok": True, "channel": {"id": p["channel"]}}
        if call.method == "conversations.invite":
            return {"ok": True, "channel": {"id": p["channel"]}}
        if call.method == "users.lookupByEmail":
            user = self.users_by_email.get(p["email"])
            return (
                {"ok": True, "user": {"id": user}}
                if user
                else {"ok": False, "error": "users_not_found"}
            )
        if call.method == "conversations.open":
            return {"ok": True, "channel": {"id": "D" + p["users"]}}
        if call.method == "chat.postMessage":
            return {"ok": True, "channel": p["channel"], "ts": f"{len(self.calls)}.000100"}
        return {"ok": False, "error": "unknown_method"}
