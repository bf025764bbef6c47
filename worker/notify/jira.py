"""The ``jira`` channel: the escalation comment on the issue itself.

The Jira adapter always posts that comment as part of the cycle, so this channel does no I/O. It
exists so that plans in ``rules/channels.yaml`` can name ``jira`` like any other channel, and the
outbox records it as sent.
"""

from __future__ import annotations

from worker.notify.message import Delivery, Message


class JiraChannel:
    id = "jira"

    def configured(self) -> bool:
        return True

    def send(self, message: Message) -> Delivery:
        return Delivery(
            self.id,
            "sent",
            "comment posted by the Jira adapter",
            tuple(r.account_id for r in message.recipients),
        )
