"""The escalation record: the worker's memory, stored as a JSON entity property on the issue.

There is no database. Everything the worker needs to continue where it stopped lives in this
record, so a new process on an empty disk picks up exactly where the last one left off. The JSON
form is versioned (``schema``) and bounded in size: the timeline keeps the newest
``TIMELINE_LIMIT`` events and the journal of completed action ids the newest ``DONE_LIMIT``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

SCHEMA = 1
KIND = "escalation-worker/record"
TIMELINE_LIMIT = 60
DONE_LIMIT = 200
MAX_BYTES = 32_000  # Jira refuses entity properties above 32,768 bytes; keep a margin


class RecordError(ValueError):
    """The stored property is not a record this version understands."""


@dataclass(frozen=True, slots=True)
class Event:
    at: datetime
    kind: str  # labelled, routed, acknowledged, nudged, escalated, reminded, notified, relabelled, resolved, closed, ...
    detail: str
    who: str | None = None  # accountId of the person the event is about
    level: int | None = None


@dataclass(frozen=True)
class Record:
    epoch: int  # increments each time an escalation starts anew on the same issue
    status: str  # "open" | "closed" | "invalid"
    severity: str | None = None
    type: str | None = None
    team: str | None = None
    opened_at: datetime | None = None  # the resolve clock starts here
    severity_at: datetime | None = None  # when the current severity label was applied
    revision: int = (
        0  # increments on each relabel / retype within an epoch (keeps action ids unique)
    )
    level: int = 0
    owner_role: str | None = None
    owner: str | None = None  # accountId
    handlers: tuple[str, ...] = ()  # accountIds of the current level, owner first
    level_started_at: datetime | None = (
        None  # the acknowledge clock of the current level starts here
    )
    ack_due: datetime | None = None
    nudge_due: datetime | None = None
    resolve_due: datetime | None = None  # the SLA deadline (from opened_at)
    resolve_escalate_due: datetime | None = None  # next resolve-breach escalation for this level
    remind_due: datetime | None = None  # next reminder once the top of the ladder owns it
    acked_at: datetime | None = None  # acknowledgement of the current level
    acked_by: str | None = None
    first_ack_at: datetime | None = None
    first_ack_by: str | None = None
    ack_breached: bool = False
    resolve_breached: bool = False
    nudged_levels: tuple[int, ...] = ()
    resolve_escalated_levels: tuple[int, ...] = ()
    reminders: int = 0
    notes: tuple[
        str, ...
    ] = ()  # one-off comments already made (multi-label, unknown label, recommendation, ...)
    closed_at: datetime | None = None
    outcome: Mapping[str, Any] | None = None
    done: tuple[str, ...] = ()  # ids of actions whose effect is known to have happened
    pending: tuple[str, ...] = ()  # ids of actions whose effect may have happened (intent recorded)
    timeline: tuple[Event, ...] = ()
    timeline_dropped: int = 0
    outbox: tuple[Mapping[str, Any], ...] = ()
    notify_retry: tuple[
        Mapping[str, Any], ...
    ] = ()  # notifications with a failed channel, re-tried next cycles
    writer: str | None = None  # claim token (host:pid:random) of the process that last wrote
    claimed_at: datetime | None = None  # when ``writer`` recorded intent for the pending actions
    schema: int = SCHEMA

    @property
    def is_open(self) -> bool:
        return self.status == "open"

    def evolve(self, **changes: Any) -> Record:
        """A copy with ``changes`` applied (``dataclasses.replace`` without its per-field overhead)."""
        unknown = changes.keys() - _FIELD_NAMES
        if unknown:
            raise TypeError(f"unknown Record field(s): {', '.join(sorted(unknown))}")
        new = object.__new__(Record)
        new.__dict__.update(self.__dict__)
        new.__dict__.update(changes)
        return new

    def with_events(self, *events: Event) -> Record:
        timeline = self.timeline + events
        dropped = self.timeline_dropped
        if len(timeline) > TIMELINE_LIMIT:
            # keep the first event (how it started) and the newest ones
            extra = len(timeline) - TIMELINE_LIMIT
            timeline = timeline[:1] + timeline[1 + extra :]
            dropped += extra
        return self.evolve(timeline=timeline, timeline_dropped=dropped)

    def with_done(self, *ids: str) -> Record:
        done = tuple(dict.fromkeys(self.done + ids))[-DONE_LIMIT:]
        pending = tuple(p for p in self.pending if p not in ids)
        return self.evolve(done=done, pending=pending)

    def with_pending(self, *ids: str) -> Record:
        return self.evolve(pending=tuple(dict.fromkeys(self.pending + ids)))


_FIELD_NAMES = frozenset(Record.__dataclass_fields__)


# --- JSON -------------------------------------------------------------------------------------

_DATE_FIELDS = (
    "opened_at",
    "severity_at",
    "level_started_at",
    "ack_due",
    "nudge_due",
    "resolve_due",
    "resolve_escalate_due",
    "remind_due",
    "acked_at",
    "first_ack_at",
    "closed_at",
    "claimed_at",
)
_TUPLE_FIELDS = (
    "handlers",
    "nudged_levels",
    "resolve_escalated_levels",
    "notes",
    "done",
    "pending",
)


def _iso(d: datetime | None) -> str | None:
    if d is None:
        return None
    return d.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _parse_dt(v: Any, name: str) -> datetime | None:
    if v is None:
        return None
    if not isinstance(v, str):
        raise RecordError(f"{name}: expected an ISO date string, got {type(v).__name__}")
    try:
        d = datetime.fromisoformat(v.replace("Z", "+00:00"))
    except ValueError as exc:
        raise RecordError(f"{name}: not an ISO date: {v[:40]!r}") from exc
    if d.tzinfo is None:
        raise RecordError(f"{name}: date without a time zone: {v[:40]!r}")
    return d.astimezone(UTC)


def to_json(record: Record) -> dict[str, Any]:
    out: dict[str, Any] = {"kind": KIND, "schema": record.schema}
    for name in Record.__dataclass_fields__:
        if name == "schema":
            continue
        value = getattr(record, name)
        if name in _DATE_FIELDS:
            out[name] = _iso(value)
        elif name in _TUPLE_FIELDS:
            out[name] = list(value)
        elif name == "timeline":
            out[name] = [
                {
                    "at": _iso(e.at),
                    "kind": e.kind,
                    "detail": e.detail,
                    "who": e.who,
                    "level": e.level,
                }
                for e in value
            ]
        elif name in ("outbox", "notify_retry"):
            out[name] = [dict(e) for e in value]
        elif name == "outcome":
            out[name] = dict(value) if value is not None else None
        else:
            out[name] = value
    return out


def from_json(data: Any) -> Record:
    """Parse a stored property value; raise :class:`RecordError` for anything foreign or corrupt."""
    if not isinstance(data, Mapping):
        raise RecordError(f"expected a JSON object, got {type(data).__name__}")
    if data.get("kind") != KIND:
        raise RecordError("not an escalation-worker record (missing or foreign 'kind')")
    schema = data.get("schema")
    if schema != SCHEMA:
        raise RecordError(f"unsupported schema version {schema!r} (this worker reads {SCHEMA})")
    kwargs: dict[str, Any] = {}
    try:
        for name, _f in Record.__dataclass_fields__.items():
            if name not in data or name == "schema":
                continue
            v = data[name]
            if name in _DATE_FIELDS:
                kwargs[name] = _parse_dt(v, name)
            elif name in _TUPLE_FIELDS:
                if not isinstance(v, list):
                    raise RecordError(f"{name}: expected a list")
                kwargs[name] = tuple(v)
            elif name == "timeline":
                events = []
                for e in v:
                    at = _parse_dt(e["at"], "timeline.at")
                    assert at is not None
                    events.append(
                        Event(
                            at,
                            str(e["kind"]),
                            str(e.get("detail", "")),
                            e.get("who"),
                            e.get("level"),
                        )
                    )
                kwargs[name] = tuple(events)
            elif name in ("outbox", "notify_retry"):
                if not isinstance(v, list):
                    raise RecordError(f"{name}: expected a list")
                kwargs[name] = tuple(dict(e) for e in v)
            else:
                kwargs[name] = v
        if "epoch" not in kwargs or "status" not in kwargs:
            raise RecordError("missing 'epoch' or 'status'")
        if kwargs["status"] not in ("open", "closed", "invalid"):
            raise RecordError(f"unknown status {kwargs['status']!r}")
        if not isinstance(kwargs.get("level", 0), int) or not isinstance(kwargs["epoch"], int):
            raise RecordError("'level' and 'epoch' must be integers")
        return Record(**kwargs)
    except RecordError:
        raise
    except (KeyError, TypeError, AttributeError, AssertionError) as exc:
        raise RecordError(f"malformed record: {type(exc).__name__}") from exc


def dumps(record: Record) -> str:
    return json.dumps(to_json(record), separators=(",", ":"), sort_keys=True)


def fit(record: Record) -> Record:
    """Shrink a record until its JSON fits in an entity property (oldest timeline events first)."""
    r = record
    while len(dumps(r).encode()) > MAX_BYTES and len(r.timeline) > 2:
        drop = max(1, len(r.timeline) // 4)
        r = replace(
            r,
            timeline=r.timeline[:1] + r.timeline[1 + drop :],
            timeline_dropped=r.timeline_dropped + drop,
        )
    while len(dumps(r).encode()) > MAX_BYTES and len(r.done) > 20:
        r = replace(r, done=r.done[len(r.done) // 2 :])
    while len(dumps(r).encode()) > MAX_BYTES and r.outbox:
        r = replace(r, outbox=r.outbox[len(r.outbox) // 2 :] if len(r.outbox) > 1 else ())
    return r
