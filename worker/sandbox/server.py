"""A standard-library HTTP server that hosts sandbox apps on 127.0.0.1.

It authenticates every request except ``/_sandbox/*`` with HTTP basic auth (email + API token,
checked against the :class:`~worker.sandbox.jira.JiraSite` passed as ``users_from``), applies the
site's :class:`~worker.sandbox.faults.FaultPlan`, then offers the request to each app in turn.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import json
import socket
import threading
import time
from collections.abc import Callable
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, urlsplit

from worker.sandbox.app import App, Request, Response, error, first_match
from worker.sandbox.faults import FaultPlan, fault_body
from worker.sandbox.jira import JiraSite, LoggedRequest
from worker.sandbox.latency import LatencyModel
from worker.sandbox.model import User

_PUBLIC_PREFIX = "/_sandbox/"


class SandboxServer:
    """Serve ``apps`` on an ephemeral 127.0.0.1 port; use as a context manager or start()/stop()."""

    def __init__(
        self,
        *apps: App,
        users_from: JiraSite | None = None,
        port: int = 0,
        latency: LatencyModel | None = None,
    ) -> None:
        if users_from is None:
            users_from = next((a for a in apps if isinstance(a, JiraSite)), None)
        self.apps: tuple[App, ...] = apps
        self.site = users_from
        self.faults: FaultPlan | None = users_from.faults if users_from is not None else None
        self._port = port
        self.latency = latency  # None: answer at loopback speed (the default)
        # how a latency or timeout fault waits: really, by default (a client's timeout must see it);
        # a test that only checks the wait was asked for records it instead
        self.stall: Callable[[float], None] = time.sleep
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.url = ""

    def start(self) -> SandboxServer:
        handler = _make_handler(self)
        httpd = ThreadingHTTPServer(("127.0.0.1", self._port), handler)
        httpd.daemon_threads = True
        self._httpd = httpd
        host, port = httpd.server_address[:2]
        self.url = f"http://{host!s}:{port}"
        self._thread = threading.Thread(
            target=httpd.serve_forever,
            # stop() waits for the loop to see its flag, once a poll: a test starts and stops
            # hundreds of servers, and 50 ms each was seconds of idle waiting in the suite
            kwargs={"poll_interval": 0.01},
            name="sandbox-http",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def authenticate(self, header: str | None) -> User | None:
        """The user named by a ``Basic`` Authorization header, or ``None``."""
        if self.site is None or not header or not header.lower().startswith("basic "):
            return None
        try:
            decoded = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return None
        email, sep, token = decoded.partition(":")
        return self.site.authenticate(email, token) if sep else None


def _make_handler(server: SandboxServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "JiraSandbox/1.0"
        disable_nagle_algorithm = True  # one small response must not wait 40 ms for a delayed ACK

        def log_message(self, format: str, *args: Any) -> None:
            return  # keep test output quiet; the site's request_log records traffic

        def do_GET(self) -> None:
            self._serve("GET")

        def do_POST(self) -> None:
            self._serve("POST")

        def do_PUT(self) -> None:
            self._serve("PUT")

        def do_DELETE(self) -> None:
            self._serve("DELETE")

        def do_PATCH(self) -> None:
            self._serve("PATCH")

        def _serve(self, method: str) -> None:
            parts = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            if len(body) < length:
                # the client went away mid-request (a killed process): like a real server, act on
                # nothing and answer nothing
                self.close_connection = True
                return
            public = parts.path.startswith(_PUBLIC_PREFIX)
            # modelled, not measured: the answer leaves no sooner than the drawn delay after the
            # request arrived; the sandbox's own work counts towards that delay, as a real
            # server's processing is part of the latency a client sees (worker/sandbox/latency.py)
            answer_at = (
                server.latency.answer_at(method, parts.path)
                if server.latency is not None
                and not public
                and not parts.path.startswith("/_sandbox")
                else None
            )
            user = None if public else server.authenticate(self.headers.get("Authorization"))
            req = Request(
                method,
                parts.path,
                parse_qs(parts.query, keep_blank_values=True),
                {k.lower(): v for k, v in self.headers.items()},
                body,
                user,
            )
            action = (
                None
                if public or server.faults is None
                else server.faults.decide(method, parts.path)
            )
            if action is not None and action.kind not in (
                "applied_status",
                "applied_drop",
                "created_anyway",
            ):
                self._log(req, action.status, action.kind)
                if action.kind == "drop":
                    self._drop()
                    return
                if action.kind == "status":
                    if answer_at is not None and server.latency is not None:
                        server.latency.until(answer_at)
                    self._write(
                        Response(action.status, fault_body(action.status), dict(action.headers))
                    )
                    return
                if action.kind == "latency":
                    server.stall(action.seconds)
            if not public and user is None:
                denied = error(
                    401,
                    "You are not authenticated. Authentication required to perform this operation.",
                )
                denied.headers["WWW-Authenticate"] = 'Basic realm="sandbox"'
                self._log(req, 401, None)
                resp: Response | None = denied
            else:
                resp = first_match(server.apps, req)
            if resp is None:
                resp = error(404, f"No sandbox app serves {method} {parts.path}.")
            if action is not None and action.kind == "timeout":
                server.stall(action.seconds)
            if action is not None and action.kind == "applied_drop":
                self._drop()  # the effect happened; the client never hears of it
                return
            if action is not None and action.kind == "applied_status":
                resp = Response(action.status, fault_body(action.status), dict(action.headers))
            if action is not None and action.kind == "created_anyway" and resp.status == 200:
                resp = Response(201, resp.body, dict(resp.headers))
            if answer_at is not None and server.latency is not None:
                server.latency.until(answer_at)
            try:
                self._write(resp)
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True

        def _log(self, req: Request, status: int, fault: str | None) -> None:
            """Record a request the apps never saw (an injected fault or a refused login)."""
            if server.site is None:
                return
            try:
                parsed = json.loads(req.body) if req.body else None
            except ValueError:
                parsed = None
            server.site.log(
                LoggedRequest(
                    req.method,
                    req.path,
                    req.query,
                    parsed,
                    status,
                    server.site.clock.now(),
                    server.site.endpoint_of(req.method, req.path),
                    req.user.account_id if req.user else None,
                    fault=fault,
                )
            )

        def _drop(self) -> None:
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)

        def _write(self, resp: Response) -> None:
            payload, ctype = _encode(resp.body)
            # like Jira, every answer carries the server's time in ``Date`` -- the sandbox clock's,
            # so that tests can move it (``send_response`` would send the host's time)
            self.log_request(resp.status)
            self.send_response_only(resp.status)
            self.send_header("Server", self.version_string())
            clock = server.site.clock if server.site is not None else None
            stamp = clock.now().timestamp() if clock is not None else time.time()
            self.send_header("Date", formatdate(stamp, usegmt=True))
            if payload or resp.status not in (204, 304):
                self.send_header("Content-Type", resp.headers.get("Content-Type", ctype))
            for name, value in resp.headers.items():
                if name.lower() != "content-type":
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            if payload:
                self.wfile.write(payload)

    return Handler


def _encode(body: Any) -> tuple[bytes, str]:
    if body is None:
        return b"", "application/json;charset=UTF-8"
    if isinstance(body, bytes):
        return body, "application/octet-stream"
    if isinstance(body, str):
        return body.encode("utf-8"), "text/plain;charset=UTF-8"
    return json.dumps(body).encode("utf-8"), "application/json;charset=UTF-8"
