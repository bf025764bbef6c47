"""Email against a real SMTP server (aiosmtpd) started on a free loopback port."""

from __future__ import annotations

from email import message_from_bytes
from email.message import Message as MailMessage

from tests.notify.notify_builders import ALICE, BOB, message
from tests.notify.notify_smtp import SmtpServer, free_port
from worker.notify.email import EmailChannel, EmailSettings
from worker.notify.message import Recipient


def channel(port: int, **extra: str) -> EmailChannel:
    env = {
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(port),
        "SMTP_FROM": "escalations@example.com",
        "SMTP_STARTTLS": "false",
        **extra,
    }
    return EmailChannel(EmailSettings.from_env(env))


def received(server: SmtpServer) -> list[tuple[list[str], MailMessage]]:
    out = []
    for envelope in server.mailbox.envelopes:
        content = (
            envelope.content
            if isinstance(envelope.content, bytes)
            else str(envelope.content).encode()
        )
        out.append((list(envelope.rcpt_tos), message_from_bytes(content)))
    return out


def test_one_plain_text_email_per_recipient(smtp_server: SmtpServer) -> None:
    nobody = Recipient("acc-x", "Xavier")
    delivery = channel(smtp_server.port).send(
        message(severity="S2", recipients=(ALICE, BOB, nobody))
    )
    assert delivery.status == "sent", delivery.detail
    assert delivery.recipients == (ALICE.account_id, BOB.account_id)
    assert delivery.detail == "reached 2 of 2; no email address for Xavier"
    mails = received(smtp_server)
    assert [rcpt for rcpt, _ in mails] == [["alice@example.com"], ["bob@example.com"]]
    for (rcpt, mail), person in zip(mails, (ALICE, BOB), strict=True):
        assert mail["To"] == rcpt[0]
        assert mail["From"] == "escalations@example.com"
        assert mail["Subject"] == "SHOP-12 checkout down: escalated to L1"
        assert mail["X-Escalation-Id"] == "SHOP-12/1/escalate/L1"
        assert mail["Message-ID"] == f"<SHOP-12/1/escalate/L1.{person.account_id}@example.com>"
        assert mail.get_content_type() == "text/plain"
        payload = mail.get_payload(decode=True)
        assert isinstance(payload, bytes)
        body = payload.decode()
        assert "Checkout returns 500" in body
        assert "https://example.atlassian.net/browse/SHOP-12" in body
    assert smtp_server.mailbox.logins == []  # no credentials, no AUTH


def test_login_with_credentials(smtp_auth_server: SmtpServer) -> None:
    ch = channel(smtp_auth_server.port, SMTP_USERNAME="worker", SMTP_PASSWORD="right-password")
    delivery = ch.send(message(recipients=(ALICE,)))
    assert delivery.status == "sent", delivery.detail
    assert smtp_auth_server.mailbox.logins == ["worker"]
    assert len(smtp_auth_server.mailbox.envelopes) == 1


def test_auth_failure_is_failed_without_the_password(smtp_auth_server: SmtpServer) -> None:
    ch = channel(smtp_auth_server.port, SMTP_USERNAME="worker", SMTP_PASSWORD="smtp-SECRET-456")
    delivery = ch.send(message())
    assert delivery.status == "failed"
    assert delivery.detail == "authentication failed (SMTP 535)"
    assert "smtp-SECRET-456" not in repr(delivery) and "smtp-SECRET-456" not in repr(ch)
    assert smtp_auth_server.mailbox.envelopes == []


def test_starttls_against_a_server_without_it_fails_cleanly(smtp_server: SmtpServer) -> None:
    delivery = channel(smtp_server.port, SMTP_STARTTLS="true").send(message())
    assert delivery.status == "failed"
    assert "SMTPNotSupportedError" in delivery.detail
    assert smtp_server.mailbox.envelopes == []


def test_no_server_is_failed_not_raised() -> None:
    delivery = channel(free_port()).send(message())
    assert delivery.status == "failed" and "ConnectionRefusedError" in delivery.detail


def test_nobody_with_an_address_is_skipped(smtp_server: SmtpServer) -> None:
    delivery = channel(smtp_server.port).send(message(recipients=(Recipient("acc-x", "Xavier"),)))
    assert (delivery.status, delivery.detail) == ("skipped", "no recipient has an email address")


def test_settings_from_env() -> None:
    settings = EmailSettings.from_env({"SMTP_HOST": "mail", "SMTP_FROM": "a@b"})
    assert (settings.port, settings.starttls, settings.username) == (587, True, None)
    assert settings.complete()
    assert not EmailSettings.from_env({"SMTP_HOST": "mail"}).complete()
    assert EmailSettings.missing({"SMTP_HOST": "mail", "SMTP_PASSWORD": "p"}) == [
        "SMTP_FROM",
        "SMTP_USERNAME",
    ]
