"""The outbox: at-most-once delivery with retries and backups.

Each (message id, channel) pair has one :class:`OutboxEntry` in the issue's state property. The
life of an entry::

    (none) --record_intent--> intent --send--> sent | skipped | failed --(max attempts)--> abandoned
                                 \\--crash--> (found as "intent" on the next cycle) --> abandoned

Rules, implemented by the pure :func:`plan_sends` and :func:`settle_intents`:

* ``sent``, ``skipped`` and ``abandoned`` are final: that channel is never used again for the message.
* ``intent`` with no outcome means the worker may have died mid-send. The provider may or may not
  have acted, so the entry is abandoned rather than re-sent: at-most-once beats a second phone call
  at 3 a.m.
* ``failed`` is retried on a later cycle while ``attempts < max_attempts`` (and not before the
  ``retry_at`` a provider's 429 asked for); after that it becomes ``abandoned``.
* A backup channel is used once, and only when a primary did not reach people: it failed, was
  skipped (not configured, or nobody had an identity for it), or its outcome is unknown after a
  crash. Backups go to the recipients that primary did not reach. A failed backup is retried like
  any channel.

:class:`Dispatcher` is the thin imperative shell: it persists the intent through a callback before
every send, calls the providers and folds their outcomes back into entries.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import structlog

from worker.core.delivery import (
    EntryStatus,
    OutboxEntry,
    dump_entries,
    load_entries,
)
from worker.notify.message import Delivery, Message
from worker.notify.port import Channel

# Outcomes after which a backup is called for: the primary did not (knowably) reach people.
_NEEDS_BACKUP: frozenset[str] = frozenset({"failed", "skipped", "abandoned", "intent"})

_log = structlog.get_logger(__name__)

# Channels already reported as unconfigured by this process (one warning per process per channel).
_WARNED_THIS_PROCESS: set[str] = set()


def iso_utc(moment: datetime) -> str:
    """``moment`` as an ISO 8601 string in UTC (naive datetimes are taken to be UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def _parse_iso(value: str) -> datetime:
    moment = datetime.fromisoformat(value)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def entries_for(message_id: str, entries: Iterable[OutboxEntry]) -> dict[str, OutboxEntry]:
    """The entry per channel for one message (the last one wins if the list has duplicates)."""
    return {e.channel: e for e in entries if e.message_id == message_id}


def _retryable(entry: OutboxEntry, max_attempts: int, now: datetime | None) -> bool:
    if entry.status != "failed" or entry.attempts >= max_attempts:
        return False
    if now is not None and entry.retry_at is not None:
        return _parse_iso(entry.retry_at) <= (now if now.tzinfo else now.replace(tzinfo=UTC))
    return True


def _unique(channels: Sequence[str]) -> list[str]:
    seen: list[str] = []
    for c in channels:
        if c not in seen:
            seen.append(c)
    return seen


def plan_sends(
    message_id: str,
    primary: Sequence[str],
    backup: Sequence[str],
    entries: Sequence[OutboxEntry],
    *,
    max_attempts: int = 3,
    now: datetime | None = None,
) -> list[tuple[str, str | None]]:
    """Which channels to (re)send now, as ``(channel, backup_for)`` pairs, primaries first.

    ``now`` is optional: when given, a failed entry whose ``retry_at`` lies in the future waits.
    """
    current = entries_for(message_id, entries)
    primaries = _unique(primary)
    plan: list[tuple[str, str | None]] = []
    for channel in primaries:
        entry = current.get(channel)
        if entry is None or _retryable(entry, max_attempts, now):
            plan.append((channel, None))
    trigger = next(
        (c for c in primaries if c in current and current[c].status in _NEEDS_BACKUP),
        None,
    )
    for channel in _unique(backup):
        if channel in primaries:
            continue
        entry = current.get(channel)
        if entry is None:
            if trigger is not None:
                plan.append((channel, trigger))
        elif _retryable(entry, max_attempts, now):
            plan.append((channel, entry.backup_for))
    return plan


def _put(entries: Sequence[OutboxEntry], entry: OutboxEntry) -> list[OutboxEntry]:
    """``entries`` with ``entry`` replacing the one for the same message and channel (or appended)."""
    out = list(entries)
    for i, e in enumerate(out):
        if e.message_id == entry.message_id and e.channel == entry.channel:
            out[i] = entry
            return out
    out.append(entry)
    return out


def settle_intents(message_id: str, entries: Sequence[OutboxEntry], at: str) -> list[OutboxEntry]:
    """Mark leftover ``intent`` entries of ``message_id`` as abandoned (a crash happened mid-send)."""
    return [
        replace(
            e,
            status="abandoned",
            last_at=at,
            detail="outcome unknown: interrupted during the send; not sent again",
        )
        if e.message_id == message_id and e.status == "intent"
        else e
        for e in entries
    ]


class Dispatcher:
    """Sends one message through its planned channels, recording intent before every send."""

    def __init__(
        self,
        channels: Mapping[str, Channel],
        *,
        now: Callable[[], datetime],
        max_attempts: int = 3,
        warned: set[str] | None = None,
    ) -> None:
        self._channels = dict(channels)
        self._now = now
        self._max_attempts = max_attempts
        # Shared with the whole process unless a caller (a test) brings its own set.
        self._warned = _WARNED_THIS_PROCESS if warned is None else warned

    def deliver(
        self,
        message: Message,
        primary: Sequence[str],
        backup: Sequence[str],
        entries: Sequence[OutboxEntry],
        record_intent: Callable[[list[OutboxEntry]], None],
    ) -> list[OutboxEntry]:
        """Deliver ``message`` and return all entries, updated.

        ``record_intent`` receives the full entry list right before each provider call and must
        persist it; if it raises, nothing is sent and the exception propagates (sending without a
        recorded intent could send twice). Provider failures never propagate.
        """
        current = settle_intents(message.id, entries, iso_utc(self._now()))
        attempted: set[str] = set()
        while True:
            plan = [
                step
                for step in plan_sends(
                    message.id,
                    primary,
                    backup,
                    current,
                    max_attempts=self._max_attempts,
                    now=self._now(),
                )
                if step[0] not in attempted
            ]
            if not plan:
                return current
            for channel, backup_for in plan:
                attempted.add(channel)
                current = self._send_one(message, channel, backup_for, current, record_intent)

    def _send_one(
        self,
        message: Message,
        channel_id: str,
        backup_for: str | None,
        entries: list[OutboxEntry],
        record_intent: Callable[[list[OutboxEntry]], None],
    ) -> list[OutboxEntry]:
        known = entries_for(message.id, entries)
        previous = known.get(channel_id)
        attempts = previous.attempts if previous else 0
        reached = previous.reached if previous else ()
        at = iso_utc(self._now())
        channel = self._channels.get(channel_id)
        if channel is None or not channel.configured():
            if channel_id not in self._warned:
                self._warned.add(channel_id)
                _log.warning("notify.channel_not_configured", channel=channel_id)
            skipped = OutboxEntry(
                message.id,
                channel_id,
                "skipped",
                attempts,
                at,
                "not configured",
                backup_for,
                reached,
            )
            return _put(entries, skipped)

        # Leave out people already reached by this channel, or (for a backup) by the primary it replaces.
        done = set(reached)
        if backup_for is not None and backup_for in known:
            done.update(known[backup_for].reached)
        target = replace(
            message, recipients=tuple(r for r in message.recipients if r.account_id not in done)
        )

        intent = OutboxEntry(
            message.id, channel_id, "intent", attempts + 1, at, "", backup_for, reached
        )
        entries = _put(entries, intent)
        record_intent(list(entries))

        delivery = self._safe_send(channel, channel_id, target)
        return _put(entries, self._outcome(intent, delivery))

    def _safe_send(self, channel: Channel, channel_id: str, message: Message) -> Delivery:
        try:
            return channel.send(message)
        except Exception as exc:  # a provider broke its promise not to raise; keep going
            # Only the exception type: its text might carry provider data we did not vet.
            return Delivery(channel_id, "failed", f"provider raised {type(exc).__name__}")

    def _outcome(self, intent: OutboxEntry, delivery: Delivery) -> OutboxEntry:
        now = self._now()
        reached = intent.reached + tuple(r for r in delivery.recipients if r not in intent.reached)
        detail = delivery.detail
        retry_at = None
        status: EntryStatus
        if delivery.status == "unknown":
            status = "abandoned"
            detail = f"outcome unknown, not sent again: {detail}"
        else:
            status = delivery.status
        if status == "failed":
            if intent.attempts >= self._max_attempts:
                status = "abandoned"
                detail = f"gave up after {intent.attempts} attempts: {detail}"
            elif delivery.retry_after is not None:
                retry_at = iso_utc(now + timedelta(seconds=delivery.retry_after))
        log = _log.warning if status in ("failed", "abandoned") else _log.info
        log(
            "notify.delivery",
            message_id=intent.message_id,
            channel=intent.channel,
            status=status,
            attempt=intent.attempts,
            detail=detail,
            retry_after=delivery.retry_after,
        )
        return replace(
            intent,
            status=status,
            last_at=iso_utc(now),
            detail=detail,
            reached=reached,
            retry_at=retry_at,
        )


__all__ = [
    "Dispatcher",
    "EntryStatus",
    "OutboxEntry",
    "dump_entries",
    "entries_for",
    "iso_utc",
    "load_entries",
    "plan_sends",
    "settle_intents",
]
