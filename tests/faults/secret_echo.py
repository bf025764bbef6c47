"""Servers that echo credentials back, for the secrets tests: every provider answers an error that
quotes what it was sent -- the Authorization header, the body, and the secrets URL-encoded and
base64-encoded -- so the worker's redaction is tested against the worst a provider (or a proxy in
between) could do."""

from __future__ import annotations

import base64
import json
import re
import threading
from collections.abc import Generator, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import quote, quote_plus

from aiosmtpd.smtp import AuthResult

from tests.notify.notify_smtp import Mailbox, serve


def spellings(secret: str, user: str | None = None) -> dict[str, str]:
    """Every form a secret can take on the way out (what the redaction must hide)."""
    out = {
        "raw": secret,
        "quote": quote(secret, safe=""),
        "quote-keep-slash": quote(secret),
        "quote_plus": quote_plus(secret),
        "quote-lower-hex": re.sub(
            r"%[0-9A-F]{2}", lambda m: m.group(0).lower(), quote(secret, safe="")
        ),
        "json": json.dumps(secret)[1:-1],
        "base64": base64.b64encode(secret.encode()).decode(),
        "base64-url": base64.urlsafe_b64encode(secret.encode()).decode().rstrip("="),
    }
    if user:
        out["basic"] = base64.b64encode(f"{user}:{secret}".encode()).decode()
        out["smtp-plain"] = base64.b64encode(f"\0{user}\0{secret}".encode()).decode()
    return out


def echo_text(secrets: Sequence[str], *extra: str) -> str:
    """One error text quoting ``extra`` and every spelling of every secret."""
    forms = [f for s in secrets for f in spellings(s).values()]
    return " | ".join([*extra, *forms])


@dataclass
class EchoHttp:
    """Answers every request with HTTP 400 and a body in the shapes Slack, Twilio and PagerDuty use
    for errors (``ok``/``error``, ``code``/``message``, ``message``/``errors``), quoting the request."""

    secrets: Sequence[str]
    paths: list[str] = field(default_factory=list)
    _server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> EchoHttp:
        echo = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode("utf-8", "replace")
                echo.paths.append(self.path)
                text = echo_text(
                    echo.secrets, f"Authorization: {self.headers.get('Authorization')}", body
                )
                data: dict[str, Any] = {
                    "ok": False,
                    "error": text,
                    "code": 20003,
                    "message": text,
                    "errors": [text],
                }
                raw = json.dumps(data).encode()
                self.send_response(400)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            do_GET = do_POST

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        # shutdown() waits for the loop to look at its flag, every poll_interval (0.5 s by default)
        threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        ).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()


@dataclass
class EchoSmtp(Mailbox):
    """An SMTP server that refuses every login with a reply quoting the password in every form."""

    secrets: Sequence[str] = ()

    def answer(self, password: str) -> AuthResult:
        text = echo_text(self.secrets, password).replace("\r", " ").replace("\n", " ")
        return AuthResult(success=False, handled=False, message=f"535 5.7.8 rejected: {text}")


@contextmanager
def echo_servers(secrets: Sequence[str]) -> Iterator[tuple[EchoHttp, EchoSmtp, int]]:
    http = EchoHttp(secrets).start()
    smtp = EchoSmtp(secrets=secrets)
    servers = serve(smtp, authenticator=smtp.authenticate, auth_require_tls=False)
    assert isinstance(servers, Generator)  # a generator: closed below, which stops the server
    try:
        yield http, smtp, next(servers).port
    finally:
        servers.close()
        http.stop()
