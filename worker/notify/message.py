"""Channel-neutral values exchanged between the core and the notification providers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from worker.core.texts import Texts
from worker.i18n import texts_for
from worker.redact import redact

# "unknown": the provider may have acted (an answer lost after sending, a 5xx): never sent again,
# recorded as abandoned, and the backup goes to the people not known to be reached
DeliveryStatus = Literal["sent", "failed", "skipped", "unknown"]


@dataclass(frozen=True)
class Recipient:
    """A person to reach, with whatever channel identities the directory knows for them."""

    account_id: str
    name: str
    email: str | None = None
    phone: str | None = None
    slack_id: str | None = None


@dataclass(frozen=True)
class Message:
    """One notification, as decided by the core.

    ``id`` is the deterministic dedupe key: the action id of the Notify the core decided (e.g.
    ``"SHOP-12#1.0:notify:escalate:L1"``: issue, escalation epoch and revision, what, level), or
    ``"digest/<ISO week>/<accountId>"`` for the weekly digest. The outbox keys its entries on it,
    so the same step never produces a second send on the same channel.
    """

    id: str
    issue_key: str
    issue_url: str
    severity: str
    event: str  # route | escalate | nudge | remind | digest
    title: str
    text: str
    recipients: tuple[Recipient, ...]
    team_channel: str | None = None
    here: bool = False
    sensitive: bool = False
    language: str = "en"  # the organisation's language: a channel words its own parts in it


def texts_of(message: Message) -> Texts:
    """The words a channel adds around the message (call script, buttons, link lines)."""
    return texts_for(message.language)


@dataclass(frozen=True)
class Delivery:
    """What happened when one channel tried to send one message.

    ``recipients`` lists the account ids actually reached, so a retry can leave them out.
    ``retry_after`` (seconds) is set when the provider asked us to slow down.
    ``detail`` is redacted on construction: it goes to the outbox (stored in the issue's record,
    readable by every viewer of the issue) and to the log, and may quote a provider's answer.
    """

    channel: str
    status: DeliveryStatus
    detail: str
    recipients: tuple[str, ...] = ()
    retry_after: float | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "detail", redact(self.detail))
