"""The provider message a Notify action becomes, for the language tests (one recipient: the CPO)."""

from __future__ import annotations

from tests.support import CPO
from worker.core.actions import Notify
from worker.notify.message import Message, Recipient


def message_for(notify: Notify, language: str) -> Message:
    return Message(
        id=notify.id,
        issue_key=notify.issue_key,
        issue_url="https://acme.atlassian.net/browse/SHOP-1",
        severity=notify.severity,
        event=notify.event,
        title=notify.title,
        text=notify.text,
        recipients=(Recipient(CPO, "Camille Durand", "camille@example.com", "+33600000001"),),
        language=language,
    )
