"""A real local SMTP server (aiosmtpd) for the email tests."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, Session


def free_port() -> int:
    """A port that was free a moment ago (aiosmtpd's Controller cannot take port 0)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Mailbox:
    """Records what the SMTP server received."""

    envelopes: list[Envelope] = field(default_factory=list)
    logins: list[str] = field(default_factory=list)
    accept_password: str | None = None

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        self.envelopes.append(envelope)
        return "250 OK"

    def authenticate(
        self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, auth_data: Any
    ) -> AuthResult:
        """aiosmtpd's authenticator: records the login and answers :meth:`answer`'s reply."""
        login, password = (
            v.decode() if isinstance(v, bytes) else str(v)
            for v in (auth_data.login, auth_data.password)
        )
        self.logins.append(login)
        return self.answer(password)

    def answer(self, password: str) -> AuthResult:
        ok = self.accept_password is not None and password == self.accept_password
        return AuthResult(success=ok, handled=False)  # let aiosmtpd send the 235/535 reply


@dataclass
class SmtpServer:
    port: int
    mailbox: Mailbox


def serve(mailbox: Mailbox, **kwargs: Any) -> Iterator[SmtpServer]:
    """A generator (for a fixture or ``contextmanager``): the server runs until it is closed."""
    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port, **kwargs)
    controller.start()
    try:
        yield SmtpServer(port, mailbox)
    finally:
        controller.stop()
