"""The one port every notification provider implements."""

from __future__ import annotations

from typing import Protocol

from worker.notify.message import Delivery, Message


class Channel(Protocol):
    """A way of reaching people (phone, SMS, a Slack DM, ...).

    ``send`` must not raise for provider or network errors: it reports them as a ``failed``
    :class:`Delivery` whose ``detail`` never contains a secret. The dispatcher still guards
    against a provider that breaks this promise.
    """

    id: str

    def configured(self) -> bool:
        """False when the settings or secrets this channel needs are absent."""
        ...

    def send(self, message: Message) -> Delivery:
        """Send ``message`` to its recipients over this channel, once."""
        ...
