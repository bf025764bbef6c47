"""Builders and fakes shared by the notification tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from worker.notify.message import Delivery, Message, Recipient

ALICE = Recipient(
    "acc-alice", "Alice", email="alice@example.com", phone="+15550000001", slack_id="UALICE"
)
BOB = Recipient("acc-bob", "Bob", email="bob@example.com", phone="+15550000002")


def message(**overrides: Any) -> Message:
    values: dict[str, Any] = {
        "id": "SHOP-12/1/escalate/L1",
        "issue_key": "SHOP-12",
        "issue_url": "https://example.atlassian.net/browse/SHOP-12",
        "severity": "S1",
        "event": "escalate",
        "title": "SHOP-12 checkout down: escalated to L1",
        "text": "Checkout returns 500 for every card payment.",
        "recipients": (ALICE, BOB),
        "team_channel": "#team-checkout",
    }
    values.update(overrides)
    return Message(**values)


class Clock:
    """A settable clock for the dispatcher."""

    def __init__(self, start: datetime = datetime(2024, 3, 4, 3, 0, tzinfo=UTC)) -> None:
        self.moment = start

    def __call__(self) -> datetime:
        return self.moment

    def advance(self, seconds: float) -> None:
        self.moment += timedelta(seconds=seconds)


class Crash(BaseException):
    """Stands for the process dying mid-send (not an Exception, so nothing catches it)."""


@dataclass
class FakeChannel:
    """A channel that records what it was asked to send and answers from a script.

    Each script item is a status string (every recipient reached, or none), a Delivery, or an
    exception to raise. When the script runs out, the last item repeats.
    """

    id: str
    script: list[Any] = field(default_factory=lambda: ["sent"])
    is_configured: bool = True
    sent: list[Message] = field(default_factory=list)

    def configured(self) -> bool:
        return self.is_configured

    def send(self, message: Message) -> Delivery:
        self.sent.append(message)
        step = self.script[min(len(self.sent), len(self.script)) - 1]
        if isinstance(step, BaseException):
            raise step
        if isinstance(step, Delivery):
            return step
        reached = tuple(r.account_id for r in message.recipients) if step == "sent" else ()
        return Delivery(self.id, step, f"fake {step}", reached)
