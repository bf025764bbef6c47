"""Fixtures for the notification tests: a fake Slack server and a real local SMTP server."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.notify.fake_slack import FakeSlack
from tests.notify.notify_smtp import Mailbox, SmtpServer, serve


@pytest.fixture
def fake_slack(slack: FakeSlack) -> FakeSlack:
    """The fake Slack of tests/conftest.py under the name these tests use."""
    return slack


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    """A plain SMTP server without authentication."""
    yield from serve(Mailbox())


@pytest.fixture
def smtp_auth_server() -> Iterator[SmtpServer]:
    """A plain SMTP server that offers AUTH (without TLS) and accepts only 'right-password'."""
    mailbox = Mailbox(accept_password="right-password")
    yield from serve(mailbox, authenticator=mailbox.authenticate, auth_require_tls=False)
