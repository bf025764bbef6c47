"""The escalation record: the worker's memory, stored as a JSON entity property on the issue.

There is no database. Everything the worker needs to continue where it stopped lives in this
record, so a new process on an empty disk picks up exactly where the last one left off. The JSON
form is versioned (``schema``; older schemas are upgraded when read) and bounded in size: the
record keeps the newest ``TIMELINE_LIMIT`` events and moves older ones to numbered timeline parts
(``fit``), earlier escalations of the issue are kept whole in history properties, and the journal of
completed action ids keeps the newest ``DONE_LIMIT``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from worker.core.actions import Notify
from worker.core.delivery import SETTLED, OutboxEntry

# 3: written by workers that claim with a property of their own (docs/design.md, "Mutual
# exclusion"); schema-2 workers leave such records alone (NewerSchema). The fields are schema 2's.
SCHEMA = 3
LEGACY_SCHEMA = 2  # the newest schema whose workers claim with the shared slots only
KIND = "escalation-worker/record"
PART_KIND = "escalation-worker/timeline-part"
TIMELINE_LIMIT = 60  # events kept in the record; older ones move to timeline parts
DONE_LIMIT = 200
OWN_COMMENTS_LIMIT = 30  # the worker's newest comments whose action ids the record keeps
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


@dataclass(frozen=True, slots=True)
class LevelState:
    """The current level of the ladder: who owns it and its acknowledge clock."""

    level: int = 0  # 0 for the cell's owner, +1 per step up the ladder
    owner_role: str | None = None
    owner: str | None = None  # accountId
    handlers: tuple[str, ...] = ()  # accountIds of the level, owner first
    started_at: datetime | None = None  # the acknowledge clock of the level starts here
    ack_due: datetime | None = None
    nudge_due: datetime | None = None
    acked_at: datetime | None = None  # acknowledgement of this level
    acked_by: str | None = None
    remind_due: datetime | None = None  # next reminder once the top of the ladder owns it


@dataclass(frozen=True, slots=True)
class Journal:
    """Exactly-once bookkeeping: which action ids are known done, which may be (intent recorded)."""

    done: tuple[str, ...] = ()
    pending: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Outcome:
    """How an escalation ended, written once when it closes."""

    reason: str  # resolved | label_removed
    at: str  # ISO 8601, as stored
    resolution: str | None = None
    acknowledge: str = "none"  # met | breached | none
    resolve: str = "withdrawn"  # met | breached | withdrawn
    time_to_acknowledge_s: float | None = None
    time_to_resolve_s: float | None = None
    levels_reached: int = 0
    owner: str | None = None
    decision: str | None = None  # the owner's last comment before closing (500 characters)

    def to_json(self) -> dict[str, Any]:
        return {
            "reason": self.reason,
            "at": self.at,
            "resolution": self.resolution,
            "acknowledge": self.acknowledge,
            "resolve": self.resolve,
            "time_to_acknowledge_s": self.time_to_acknowledge_s,
            "time_to_resolve_s": self.time_to_resolve_s,
            "levels_reached": self.levels_reached,
            "owner": self.owner,
            "decision": self.decision,
        }

    @classmethod
    def from_json(cls, d: Any) -> Outcome:
        if not isinstance(d, Mapping):
            raise RecordError("outcome: expected an object")

        def text(name: str) -> str | None:
            v = d.get(name)
            return None if v is None else str(v)

        def seconds(name: str) -> float | None:
            v = d.get(name)
            if v is None:
                return None
            if isinstance(v, bool) or not isinstance(v, int | float):
                raise RecordError(f"outcome.{name}: expected a number of seconds")
            return float(v) if isinstance(v, float) else v

        levels = d.get("levels_reached", 0)
        if isinstance(levels, bool) or not isinstance(levels, int):
            raise RecordError("outcome.levels_reached: expected an integer")
        return cls(
            reason=str(d.get("reason", "")),
            at=str(d.get("at", "")),
            resolution=text("resolution"),
            acknowledge=str(d.get("acknowledge", "none")),
            resolve=str(d.get("resolve", "withdrawn")),
            time_to_acknowledge_s=seconds("time_to_acknowledge_s"),
            time_to_resolve_s=seconds("time_to_resolve_s"),
            levels_reached=levels,
            owner=text("owner"),
            decision=text("decision"),
        )


@dataclass(frozen=True, slots=True)
class LastRead:
    """What the worker had read of the issue when it stored this record.

    A cold cycle compares it with the search result: an issue whose ``updated`` has not moved past
    ``updated`` needs no changelog or comment read; one whose embedded comment list still reaches
    back to ``comment`` needs no separate comment read (see ``worker.cycle.gather``).
    """

    updated: datetime | None = None  # the issue's ``updated`` in the data the decision used
    comment: str | None = None  # newest comment id seen (the worker's own comments included)
    history: str | None = None  # newest changelog entry id seen

    def to_json(self) -> dict[str, Any]:
        return {"updated": _iso(self.updated), "comment": self.comment, "history": self.history}

    @staticmethod
    def from_json(v: Any) -> LastRead | None:
        if v is None:
            return None
        if not isinstance(v, Mapping):
            raise RecordError("last_read: expected an object")
        comment, history = v.get("comment"), v.get("history")
        if not all(x is None or isinstance(x, str) for x in (comment, history)):
            raise RecordError("last_read: comment and history must be ids (strings)")
        return LastRead(_parse_dt(v.get("updated"), "last_read.updated"), comment, history)


_NO_LEVEL = LevelState()
_EMPTY_JOURNAL = Journal()


@dataclass(frozen=True)
class Record:
    """Everything known about the escalation of one issue. Update with ``dataclasses.replace``.

    The current level (``current``), the exactly-once journal (``journal``) and the ``outcome`` are
    nested types, read through them (``rec.current.owner``, ``rec.journal.done``); only the
    stored JSON is flat (``to_json`` / ``from_json``).
    """

    epoch: int  # increments each time an escalation starts anew on the same issue
    status: str  # "open" | "closed" | "invalid"
    severity: str | None = None
    type: str | None = None
    team: str | None = None
    opened_at: datetime | None = None  # the resolve clock starts here
    severity_at: datetime | None = None  # when the current severity label was applied
    revision: int = 0  # increments on each relabel / retype within an epoch (unique action ids)
    current: LevelState = _NO_LEVEL
    resolve_due: datetime | None = None  # the SLA deadline (from opened_at)
    resolve_escalate_due: datetime | None = None  # next resolve-breach escalation for this level
    first_ack_at: datetime | None = None
    first_ack_by: str | None = None
    ack_breached: bool = False
    resolve_breached: bool = False
    nudged_levels: tuple[int, ...] = ()
    resolve_escalated_levels: tuple[int, ...] = ()
    reminders: int = 0
    notes: tuple[str, ...] = ()  # one-off comments already made (multi-label, unknown label, ...)
    closed_at: datetime | None = None
    outcome: Outcome | None = None
    journal: Journal = _EMPTY_JOURNAL
    timeline: tuple[Event, ...] = ()
    timeline_dropped: int = 0  # events dropped by schema-1 workers, before timeline parts existed
    outbox: tuple[OutboxEntry, ...] = ()  # one entry per (notification, channel)
    notify_retry: tuple[
        Notify, ...
    ] = ()  # notifications with a failed channel, re-tried next cycles
    writer: str | None = None  # claim token (host:pid:random) of the process that last wrote
    claimed_at: datetime | None = None  # when ``writer`` recorded intent for the pending actions
    history: tuple[int, ...] = ()  # epochs of earlier escalations, each kept in its own property
    timeline_parts: int = 0  # older timeline events of this epoch, moved to numbered properties
    last_read: LastRead | None = None  # absent in records of older workers: read everything once
    # (comment id, action id) of the worker's newest comments on the issue: comments embedded in a
    # search carry no action ids, and this is how a cold cycle tells two reminders with the same
    # words (two actions) from one comment posted twice without reading the comments again
    own_comments: tuple[tuple[str, str], ...] = ()
    schema: int = SCHEMA

    @property
    def is_open(self) -> bool:
        return self.status == "open"

    def with_events(self, *events: Event) -> Record:
        """Events appended; nothing is dropped here (``fit`` moves old events out when writing)."""
        return evolve(self, timeline=self.timeline + events)

    def with_done(self, *ids: str) -> Record:
        done = tuple(dict.fromkeys(self.journal.done + ids))[-DONE_LIMIT:]
        pending = tuple(p for p in self.journal.pending if p not in ids)
        return evolve(self, journal=Journal(done, pending))

    def with_pending(self, *ids: str) -> Record:
        pending = tuple(dict.fromkeys(self.journal.pending + ids))
        return evolve(self, journal=Journal(self.journal.done, pending))

    def without_pending(self) -> Record:
        return evolve(self, journal=Journal(self.journal.done, ()))


# --- updating ---------------------------------------------------------------------------------
# ``decide`` updates a record a few times per issue, and ``dataclasses.replace`` on its 32 fields was
# a fifth of the core's time (it reads every field and runs the generated ``__init__``). ``evolve``
# is the same operation for ``Record``: the type checker sees ``dataclasses.replace`` itself, so
# every field name and value type is checked at the call; at run time a record is copied field by
# field from the old one's ``__dict__`` (Record has no ``__post_init__`` and no derived field, so
# the result is the one ``replace`` builds). Other dataclasses go through ``replace``.

if TYPE_CHECKING:
    from dataclasses import replace as evolve
else:
    _RECORD_FIELDS = frozenset(f.name for f in fields(Record))

    def evolve(obj, /, **changes):
        """``dataclasses.replace(obj, **changes)``; without its cost when ``obj`` is a Record."""
        if type(obj) is not Record:
            return replace(obj, **changes)
        if not _RECORD_FIELDS.issuperset(changes):
            unknown = sorted(set(changes) - _RECORD_FIELDS)
            raise TypeError(f"Record has no field {unknown[0]!r}")
        new = object.__new__(Record)
        state = new.__dict__
        state.update(obj.__dict__)
        state.update(changes)
        return new


# --- JSON -------------------------------------------------------------------------------------
# The stored form is flat (the field names of schema 1): nesting is how the code sees it.

_LEVEL_JSON = (
    ("level", "level"),
    ("owner_role", "owner_role"),
    ("owner", "owner"),
    ("handlers", "handlers"),
    ("level_started_at", "started_at"),
    ("ack_due", "ack_due"),
    ("nudge_due", "nudge_due"),
    ("acked_at", "acked_at"),
    ("acked_by", "acked_by"),
    ("remind_due", "remind_due"),
)
_DATE_FIELDS = frozenset(
    {
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
    }
)
_TUPLE_FIELDS = frozenset(
    {"handlers", "nudged_levels", "resolve_escalated_levels", "notes", "done", "pending", "history"}
)
_PLAIN = (
    "epoch",
    "status",
    "severity",
    "type",
    "team",
    "opened_at",
    "severity_at",
    "revision",
    "resolve_due",
    "resolve_escalate_due",
    "first_ack_at",
    "first_ack_by",
    "ack_breached",
    "resolve_breached",
    "nudged_levels",
    "resolve_escalated_levels",
    "reminders",
    "notes",
    "closed_at",
    "timeline_dropped",
    "writer",
    "claimed_at",
    "history",
    "timeline_parts",
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


def _out(name: str, value: Any) -> Any:
    if name in _DATE_FIELDS:
        return _iso(value)
    if name in _TUPLE_FIELDS:
        return list(value)
    return value


def _in(name: str, value: Any) -> Any:
    if name in _DATE_FIELDS:
        return _parse_dt(value, name)
    if name in _TUPLE_FIELDS:
        if not isinstance(value, list):
            raise RecordError(f"{name}: expected a list")
        return tuple(value)
    return value


def to_json(record: Record) -> dict[str, Any]:
    out: dict[str, Any] = {"kind": KIND, "schema": record.schema}
    for name in _PLAIN:
        out[name] = _out(name, getattr(record, name))
    for key, attr in _LEVEL_JSON:
        out[key] = _out(key, getattr(record.current, attr))
    out["done"] = list(record.journal.done)
    out["pending"] = list(record.journal.pending)
    out["outcome"] = record.outcome.to_json() if record.outcome is not None else None
    out["timeline"] = [_event_json(e) for e in record.timeline]
    out["outbox"] = [e.to_json() for e in record.outbox]
    out["notify_retry"] = [notify_to_json(n) for n in record.notify_retry]
    if record.last_read is not None:  # optional: older workers ignore it, newer ones read it
        out["last_read"] = record.last_read.to_json()
    if record.own_comments:  # optional too: older workers ignore it
        out["own_comments"] = [[c, a] for c, a in record.own_comments]
    return out


def _own_comments_in(value: Any) -> tuple[tuple[str, str], ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(
        isinstance(x, list) and len(x) == 2 and all(isinstance(i, str) for i in x) for x in value
    ):
        raise RecordError("own_comments: expected [comment id, action id] pairs")
    return tuple((c, a) for c, a in value)


def _event_json(e: Event) -> dict[str, Any]:
    return {"at": _iso(e.at), "kind": e.kind, "detail": e.detail, "who": e.who, "level": e.level}


def _event_from_json(e: Any) -> Event:
    at = _parse_dt(e["at"], "timeline.at")
    assert at is not None
    return Event(at, str(e["kind"]), str(e.get("detail", "")), e.get("who"), e.get("level"))


class NewerSchema(RecordError):
    """Written by a newer worker: never interpreted nor overwritten by this one."""


def upgrade(data: Mapping[str, Any]) -> dict[str, Any]:
    """A stored record of any schema this worker knows, as a schema-``SCHEMA`` mapping.

    Upgrading only ever adds what the newer schema knows, with the value that means "nothing yet";
    the escalation itself (epoch, level, clocks, done and pending ids, outbox) is carried over as
    is, so a worker upgrade never restarts or re-routes an escalation. The upgraded form is what the
    next write stores, in the same property.
    """
    schema = data.get("schema")
    if isinstance(schema, int) and not isinstance(schema, bool) and schema > SCHEMA:
        raise NewerSchema(f"schema {schema} is newer than this worker's ({SCHEMA})")
    if schema == 1:
        # 1 -> 2: earlier escalations and older timeline events kept in further properties
        data = {**data, "schema": 2, "history": [], "timeline_parts": 0}
        schema = 2
    if schema not in (LEGACY_SCHEMA, SCHEMA):
        raise RecordError(
            f"unsupported schema version {schema!r} (this worker reads 1 to {SCHEMA})"
        )
    # 2 -> 3 adds no field; the record keeps the number it was stored with (``Record.schema``), so
    # that it serialises as a schema-2 worker serialises it (same digest, same claim slot names)
    # and the claim protocol of its state is known. The next write of this worker stores ``SCHEMA``.
    return dict(data)


def _check_scalars(plain: Mapping[str, Any], level: Mapping[str, Any]) -> None:
    """The status, level, epoch and counters a stored record must hold, else RecordError."""
    if plain["status"] not in ("open", "closed", "invalid"):
        raise RecordError(f"unknown status {plain['status']!r}")
    if not isinstance(level.get("level", 0), int) or not isinstance(plain["epoch"], int):
        raise RecordError("'level' and 'epoch' must be integers")
    if not isinstance(plain.get("timeline_parts", 0), int):
        raise RecordError("'timeline_parts' must be an integer")
    if not all(isinstance(n, int) for n in plain.get("history", ())):
        raise RecordError("'history' must list epochs (integers)")


def from_json(data: Any) -> Record:
    """Parse a stored property value; raise :class:`RecordError` for anything foreign or corrupt.

    Older schemas are upgraded (:func:`upgrade`); a newer one raises :class:`NewerSchema`.
    """
    if not isinstance(data, Mapping):
        raise RecordError(f"expected a JSON object, got {type(data).__name__}")
    if data.get("kind") != KIND:
        raise RecordError("not an escalation-worker record (missing or foreign 'kind')")
    data = upgrade(data)
    try:
        if "epoch" not in data or "status" not in data:
            raise RecordError("missing 'epoch' or 'status'")
        plain = {name: _in(name, data[name]) for name in _PLAIN if name in data}
        level = {attr: _in(key, data[key]) for key, attr in _LEVEL_JSON if key in data}
        _check_scalars(plain, level)
        journal = Journal(
            _in("done", data.get("done", [])), _in("pending", data.get("pending", []))
        )
        outbox = data.get("outbox", [])
        retry = data.get("notify_retry", [])
        if not isinstance(outbox, list) or not isinstance(retry, list):
            raise RecordError("'outbox' and 'notify_retry' must be lists")
        raw_outcome = data.get("outcome")
        return Record(
            **plain,
            current=LevelState(**level),
            journal=journal,
            outcome=Outcome.from_json(raw_outcome) if raw_outcome is not None else None,
            timeline=tuple(_event_from_json(e) for e in data.get("timeline", [])),
            outbox=tuple(OutboxEntry.from_json(e) for e in outbox),
            # an unreadable retry payload is left out (it was only a retry), never the whole record
            notify_retry=tuple(n for n in map(_notify_or_none, retry) if n is not None),
            last_read=LastRead.from_json(data.get("last_read")),
            own_comments=_own_comments_in(data.get("own_comments")),
            schema=int(data["schema"]),
        )
    except RecordError:
        raise
    except (KeyError, TypeError, ValueError, AttributeError, AssertionError) as exc:
        raise RecordError(f"malformed record: {type(exc).__name__}") from exc


def notify_to_json(action: Notify) -> dict[str, Any]:
    return {
        "id": action.id,
        "issue_key": action.issue_key,
        "severity": action.severity,
        "event": action.event,
        "recipients": list(action.recipients),
        "primary": list(action.primary),
        "backup": list(action.backup),
        "here": action.here,
        "title": action.title,
        "text": action.text,
        "sensitive": action.sensitive,
        "reason": action.reason,
        "team": action.team,
    }


def notify_from_json(d: Mapping[str, Any]) -> Notify:
    team = d.get("team")
    return Notify(
        id=str(d["id"]),
        issue_key=str(d["issue_key"]),
        severity=str(d["severity"]),
        event=str(d["event"]),
        recipients=tuple(str(r) for r in d["recipients"]),
        primary=tuple(str(c) for c in d["primary"]),
        backup=tuple(str(c) for c in d["backup"]),
        here=bool(d["here"]),
        title=str(d["title"]),
        text=str(d["text"]),
        sensitive=bool(d["sensitive"]),
        reason=str(d.get("reason", "")),
        team=str(team) if team is not None else None,
    )


def _notify_or_none(d: Any) -> Notify | None:
    try:
        return notify_from_json(d)
    except (KeyError, TypeError, AttributeError):
        return None


def dumps(record: Record) -> str:
    return json.dumps(to_json(record), separators=(",", ":"), sort_keys=True)


@dataclass(frozen=True, slots=True)
class Part:
    """What ``fit`` moved out of a record: older timeline events and finished outbox entries."""

    number: int
    events: tuple[Event, ...] = ()
    outbox: tuple[OutboxEntry, ...] = ()


@dataclass(frozen=True, slots=True)
class Fitted:
    """A record ready to store, and the parts to store before it."""

    record: Record
    parts: tuple[Part, ...] = ()

    @property
    def fits(self) -> bool:
        return _size(self.record) <= MAX_BYTES


def _size(record: Record) -> int:
    # measured as the HTTP body carries it: requests' ``json=`` writes ", " and ": " separators
    # and \uXXXX escapes, so a compact count would let a record near the limit be refused (400)
    return len(json.dumps(to_json(record)).encode())


def fit(record: Record) -> Fitted:
    """Bring a record within what one entity property holds, losing nothing of the trail.

    The timeline keeps its first event and the newest ``TIMELINE_LIMIT``; older events move, oldest
    first, into numbered parts of the same epoch (``timeline_parts`` counts them), and so do further
    events while the JSON is above ``MAX_BYTES``. Outbox entries are never dropped: when still too
    large, the entries of notifications that are done and settled (sent, skipped or abandoned on
    every channel) move to the parts too, oldest first -- the done id keeps them from being sent
    again. Only then is the journal of done ids trimmed, oldest first. ``Fitted.fits`` says whether
    that was enough.
    """
    r = record
    moved: list[Event] = []
    if len(r.timeline) > TIMELINE_LIMIT:
        extra = len(r.timeline) - TIMELINE_LIMIT
        moved += r.timeline[1 : 1 + extra]
        r = replace(r, timeline=r.timeline[:1] + r.timeline[1 + extra :])
    while _size(r) > MAX_BYTES and len(r.timeline) > 2:
        drop = max(1, len(r.timeline) // 4)
        moved += r.timeline[1 : 1 + drop]
        r = replace(r, timeline=r.timeline[:1] + r.timeline[1 + drop :])
    moved_outbox: list[OutboxEntry] = []
    if _size(r) > MAX_BYTES:
        settled = _settled_messages(r)
        for message_id in settled:
            if _size(r) <= MAX_BYTES:
                break
            moved_outbox += [e for e in r.outbox if e.message_id == message_id]
            r = replace(r, outbox=tuple(e for e in r.outbox if e.message_id != message_id))
    parts = _parts(moved, moved_outbox, r.timeline_parts)
    if parts:
        r = replace(r, timeline_parts=r.timeline_parts + len(parts))
    while _size(r) > MAX_BYTES and len(r.journal.done) > 20:
        r = replace(
            r, journal=Journal(r.journal.done[len(r.journal.done) // 2 :], r.journal.pending)
        )
    return Fitted(r, parts)


def _settled_messages(record: Record) -> list[str]:
    """Ids of done notifications whose every outbox entry is final, oldest first."""
    done = set(record.journal.done) - set(record.journal.pending)
    retry = {n.id for n in record.notify_retry}
    order: list[str] = []
    open_ids: set[str] = set()
    for e in record.outbox:
        mid = e.message_id
        if mid not in order:
            order.append(mid)
        if e.status not in SETTLED:
            open_ids.add(mid)
    return [m for m in order if m in done and m not in open_ids and m not in retry]


def _json_size(value: Any) -> int:
    return len(json.dumps(value).encode()) + 1


def _parts(events: list[Event], outbox: list[OutboxEntry], existing: int) -> tuple[Part, ...]:
    """What was moved out, cut into parts that each fit in one property, numbered after ``existing``."""
    out: list[Part] = []
    chunk_e: list[Event] = []
    chunk_o: list[OutboxEntry] = []
    size = 300

    def flush() -> None:
        out.append(Part(existing + len(out) + 1, tuple(chunk_e), tuple(chunk_o)))

    items: list[Event | OutboxEntry] = [*events, *outbox]
    for item in items:
        n = _json_size(_event_json(item) if isinstance(item, Event) else item.to_json())
        if (chunk_e or chunk_o) and size + n > MAX_BYTES:
            flush()
            chunk_e, chunk_o, size = [], [], 300
        if isinstance(item, Event):
            chunk_e.append(item)
        else:
            chunk_o.append(item)
        size += n
    if chunk_e or chunk_o:
        flush()
    return tuple(out)


def part_to_json(epoch: int, part: Part) -> dict[str, Any]:
    return {
        "kind": PART_KIND,
        "schema": SCHEMA,
        "epoch": epoch,
        "part": part.number,
        "events": [_event_json(e) for e in part.events],
        "outbox": [e.to_json() for e in part.outbox],
    }


def part_from_json(data: Any) -> Part:
    """A stored part; :class:`RecordError` if the value is not one."""
    if not isinstance(data, Mapping) or data.get("kind") != PART_KIND:
        raise RecordError("not an escalation-worker timeline part")
    try:
        return Part(
            int(data["part"]),
            tuple(_event_from_json(e) for e in data["events"]),
            tuple(OutboxEntry.from_json(e) for e in data.get("outbox", ())),
        )
    except (KeyError, TypeError, ValueError, AssertionError) as exc:
        raise RecordError(f"malformed timeline part: {type(exc).__name__}") from exc


def with_parts(record: Record, parts: Sequence[Part]) -> Record:
    """The record with what ``fit`` moved out put back: events after the first one, outbox first."""
    moved = tuple(e for part in parts for e in part.events)
    outbox = tuple(e for part in parts for e in part.outbox)
    if not moved and not outbox:
        return record
    return replace(
        record,
        timeline=record.timeline[:1] + moved + record.timeline[1:],
        outbox=outbox + record.outbox,
    )


def history_key(property_key: str, epoch: int) -> str:
    """Where a closed escalation of an earlier epoch is kept once the issue is escalated again."""
    return f"{property_key}.history.{epoch}"


def part_key(property_key: str, epoch: int, number: int) -> str:
    """Where timeline part ``number`` of ``epoch`` is kept."""
    return f"{property_key}.history.{epoch}.{number}"


def archived(record: Record) -> Record:
    """A closed record as kept in history: no claim, nothing pending."""
    return replace(record, writer=None, claimed_at=None).without_pending()


__all__ = [
    "DONE_LIMIT",
    "KIND",
    "LEGACY_SCHEMA",
    "MAX_BYTES",
    "PART_KIND",
    "SCHEMA",
    "TIMELINE_LIMIT",
    "Event",
    "Fitted",
    "Journal",
    "LastRead",
    "LevelState",
    "NewerSchema",
    "Outcome",
    "Part",
    "Record",
    "RecordError",
    "archived",
    "dumps",
    "evolve",
    "fit",
    "from_json",
    "history_key",
    "notify_from_json",
    "notify_to_json",
    "part_from_json",
    "part_key",
    "part_to_json",
    "to_json",
    "upgrade",
    "with_parts",
]
