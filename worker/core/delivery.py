"""One outbox entry: how one notification went on one channel. Pure, stored in the record.

The planning over these entries (which channel to try, when to use the backup, what to abandon)
lives in :mod:`worker.notify.outbox`; the record keeps them as a tuple of :class:`OutboxEntry`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

EntryStatus = Literal["intent", "sent", "failed", "skipped", "abandoned"]
STATUSES: frozenset[str] = frozenset({"intent", "sent", "failed", "skipped", "abandoned"})
# Final for the channel: never used again for the message.
SETTLED: frozenset[str] = frozenset({"sent", "skipped", "abandoned"})


@dataclass(frozen=True, slots=True)
class OutboxEntry:
    """The delivery record of one channel for one message.

    ``reached`` (account ids already reached) and ``retry_at`` (ISO UTC, from a provider's
    Retry-After) are optional extensions that make retries precise; both default to empty.
    """

    message_id: str
    channel: str
    status: EntryStatus
    attempts: int
    last_at: str
    detail: str = ""
    backup_for: str | None = None
    reached: tuple[str, ...] = ()
    retry_at: str | None = None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "message_id": self.message_id,
            "channel": self.channel,
            "status": self.status,
            "attempts": self.attempts,
            "last_at": self.last_at,
            "detail": self.detail,
        }
        if self.backup_for is not None:
            data["backup_for"] = self.backup_for
        if self.reached:
            data["reached"] = list(self.reached)
        if self.retry_at is not None:
            data["retry_at"] = self.retry_at
        return data

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> OutboxEntry:
        status = str(d["status"])
        if status not in STATUSES:
            raise ValueError(f"unknown outbox status {status!r}")
        backup_for = d.get("backup_for")
        retry_at = d.get("retry_at")
        return cls(
            message_id=str(d["message_id"]),
            channel=str(d["channel"]),
            status=status,  # type: ignore[arg-type]  # checked against STATUSES just above
            attempts=int(d.get("attempts", 0)),
            last_at=str(d.get("last_at", "")),
            detail=str(d.get("detail", "")),
            backup_for=str(backup_for) if backup_for is not None else None,
            reached=tuple(str(r) for r in d.get("reached", ())),
            retry_at=str(retry_at) if retry_at is not None else None,
        )


def dump_entries(entries: Iterable[OutboxEntry]) -> list[dict[str, Any]]:
    """Entries as JSON-ready dicts, for the issue's record."""
    return [e.to_json() for e in entries]


def load_entries(data: Iterable[Mapping[str, Any]]) -> list[OutboxEntry]:
    """The inverse of :func:`dump_entries`."""
    return [OutboxEntry.from_json(d) for d in data]


def of_message(entries: Iterable[OutboxEntry], message_id: str) -> list[OutboxEntry]:
    return [e for e in entries if e.message_id == message_id]
