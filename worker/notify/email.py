"""Email through SMTP (``smtplib``): one plain-text message per recipient with an address.

Environment: ``SMTP_HOST``, ``SMTP_PORT`` (default 587), ``SMTP_FROM``, ``SMTP_USERNAME`` and
``SMTP_PASSWORD`` (both or neither; without them no login is attempted), ``SMTP_STARTTLS``
(default true; turn it off only for a local test server).

Each message carries the outbox message id in ``X-Escalation-Id`` and inside its ``Message-ID``, so
a mail filter or a human can match it to the escalation step.
"""

from __future__ import annotations

import re
import smtplib
import ssl
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.message import EmailMessage

from worker.core.i18n_marks import N_
from worker.notify import _env
from worker.notify.message import Delivery, Message, Recipient, texts_of
from worker.redact import redact, secret_from_env
from worker.sanitise import email_body, one_line

_TIMEOUT = 20.0
LINK_LINE = N_("{key}: {url}")  # the last line of every email
_NOT_ATEXT = re.compile(r"[^A-Za-z0-9!#$%&'*+\-/=?^_`{|}~.]")


@dataclass(frozen=True)
class EmailSettings:
    host: str | None = None
    port: int = 587
    sender: str | None = None
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    starttls: bool = True

    REQUIRED = ("SMTP_HOST", "SMTP_FROM")

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> EmailSettings:
        username = _env.text(environ, "SMTP_USERNAME")
        return cls(
            host=_env.text(environ, "SMTP_HOST"),
            port=_env.number(environ, "SMTP_PORT", 587),
            sender=_env.text(environ, "SMTP_FROM"),
            username=username,
            password=secret_from_env(environ, "SMTP_PASSWORD", user=username),
            starttls=_env.flag(environ, "SMTP_STARTTLS", True),
        )

    @staticmethod
    def missing(environ: Mapping[str, str]) -> list[str]:
        names = _env.missing(environ, *EmailSettings.REQUIRED)
        credentials = _env.missing(environ, "SMTP_USERNAME", "SMTP_PASSWORD")
        if len(credentials) == 1:  # one without the other cannot log in
            names += credentials
        return names

    def complete(self) -> bool:
        return bool(self.host and self.sender) and (self.username is None) == (
            self.password is None
        )


def _msgid_part(value: str) -> str:
    cleaned = _NOT_ATEXT.sub("-", value).strip(".")
    return re.sub(r"\.{2,}", ".", cleaned) or "x"


def build_email(message: Message, recipient: Recipient, sender: str) -> EmailMessage:
    """The email for one recipient: plain text, subject from the title, ids in the headers."""
    mail = EmailMessage()
    mail["Subject"] = one_line(message.title)
    mail["From"] = sender
    mail["To"] = recipient.email or ""
    domain = _msgid_part(sender.rpartition("@")[2] or "escalation-worker")
    mail["Message-ID"] = f"<{_msgid_part(message.id)}.{_msgid_part(recipient.account_id)}@{domain}>"
    mail["X-Escalation-Id"] = one_line(message.id)
    link = texts_of(message).gettext(LINK_LINE).format(key=message.issue_key, url=message.issue_url)
    mail.set_content(email_body(f"{message.text}\n\n{link}\n"))
    return mail


def _smtp_error(exc: Exception) -> str:
    """A description of an SMTP failure that cannot contain the password."""
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return f"authentication failed (SMTP {exc.smtp_code})"
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"{type(exc).__name__} (SMTP {exc.smtp_code})"
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = sorted({str(code) for code, _ in exc.recipients.values()})
        return f"recipient refused (SMTP {', '.join(codes)})"
    return type(exc).__name__


class EmailChannel:
    """``email``: one message per recipient that has an email address."""

    id = "email"

    def __init__(self, settings: EmailSettings) -> None:
        self.settings = settings

    def __repr__(self) -> str:
        return f"EmailChannel({self.settings!r})"

    def configured(self) -> bool:
        return self.settings.complete()

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        smtp = smtplib.SMTP(s.host or "", s.port, timeout=_TIMEOUT)
        try:
            smtp.ehlo()
            if s.starttls:
                smtp.starttls(context=ssl.create_default_context())
                smtp.ehlo()
            if s.username is not None and s.password is not None:
                smtp.login(s.username, s.password)
        except BaseException:
            smtp.close()
            raise
        return smtp

    def send(self, message: Message) -> Delivery:
        with_email = [r for r in message.recipients if r.email]
        without = [r.name for r in message.recipients if not r.email]
        if not with_email:
            return Delivery(self.id, "skipped", "no recipient has an email address")
        try:
            smtp = self._connect()
        except (smtplib.SMTPException, OSError) as exc:
            return Delivery(self.id, "failed", redact(_smtp_error(exc)))
        reached: list[str] = []
        problems: list[str] = []
        try:
            for recipient in with_email:
                mail = build_email(message, recipient, self.settings.sender or "")
                try:
                    smtp.send_message(mail)
                except (smtplib.SMTPException, OSError) as exc:
                    problems.append(f"{recipient.name}: {_smtp_error(exc)}")
                    if isinstance(exc, (smtplib.SMTPServerDisconnected, OSError)):
                        break
                else:
                    reached.append(recipient.account_id)
        finally:
            try:
                smtp.quit()
            except (smtplib.SMTPException, OSError):
                smtp.close()
        notes = [f"reached {len(reached)} of {len(with_email)}"] + problems
        if without:
            notes.append("no email address for " + ", ".join(without))
        detail = redact("; ".join(notes))
        return Delivery(self.id, "failed" if problems else "sent", detail, tuple(reached))
