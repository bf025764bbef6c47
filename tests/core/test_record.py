"""The record's JSON form: schema upgrades, and fitting in one property without losing the trail."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from worker.core.delivery import EntryStatus, OutboxEntry
from worker.core.record import (
    LEGACY_SCHEMA,
    MAX_BYTES,
    SCHEMA,
    TIMELINE_LIMIT,
    Event,
    Journal,
    LevelState,
    NewerSchema,
    Record,
    RecordError,
    dumps,
    fit,
    from_json,
    part_from_json,
    part_to_json,
    to_json,
    with_parts,
)

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def events(n: int, detail: str = "x") -> tuple[Event, ...]:
    return tuple(Event(T0 + timedelta(minutes=i), "reminded", f"{detail} {i}") for i in range(n))


def test_a_schema_1_record_is_upgraded_and_a_newer_one_refused() -> None:
    stored = to_json(
        Record(epoch=3, status="open", current=LevelState(level=1), journal=Journal(("a",)))
    )
    old = {k: v for k, v in stored.items() if k not in ("history", "timeline_parts")}
    old["schema"] = 1
    rec = from_json(old)
    assert (
        rec.schema == LEGACY_SCHEMA == 2
        and rec.epoch == 3
        and rec.current.level == 1
        and rec.journal.done == ("a",)
    )
    # read, it keeps the number it was stored with (its claim protocol and slot names follow it);
    # the applier writes every record in this worker's schema
    assert to_json(rec)["schema"] == 2 and SCHEMA == 3
    assert from_json({**stored, "schema": 2}).schema == 2
    assert from_json(stored).schema == SCHEMA
    with pytest.raises(NewerSchema):
        from_json({**stored, "schema": SCHEMA + 1})
    with pytest.raises(RecordError):
        from_json({**stored, "schema": 0})


def test_events_beyond_the_limit_move_to_parts_and_nothing_is_lost() -> None:
    rec = Record(epoch=1, status="open").with_events(*events(150))
    fitted = fit(rec)
    assert len(fitted.record.timeline) == TIMELINE_LIMIT
    assert fitted.record.timeline[0] == rec.timeline[0]  # how it started stays in the record
    assert fitted.record.timeline_parts == len(fitted.parts) == 1
    stored = [part_from_json(json.loads(json.dumps(part_to_json(1, p)))) for p in fitted.parts]
    assert with_parts(fitted.record, stored).timeline == rec.timeline
    again = fit(fitted.record.with_events(*events(70, "later")))
    assert [p.number for p in again.parts] == [2]  # numbered after the parts already stored


def outbox_entries(n: int, status: EntryStatus = "sent") -> tuple[OutboxEntry, ...]:
    return tuple(
        OutboxEntry(
            f"SHOP-1#1.0:notify:remind:L2:{i}",
            "phone",
            status,
            1,
            "2026-03-02T08:00:00+00:00",
            "queued " + "z" * 300,
        )
        for i in range(n)
    )


def test_a_record_near_32_kb_moves_timeline_out_and_keeps_every_outbox_entry() -> None:
    outbox = outbox_entries(40)
    rec = Record(epoch=1, status="open", outbox=outbox).with_events(*events(58, "y" * 400))
    assert len(dumps(rec).encode()) > MAX_BYTES
    fitted = fit(rec)
    assert fitted.fits and len(dumps(fitted.record).encode()) <= MAX_BYTES
    assert fitted.record.outbox == outbox  # moving old timeline out was enough
    for part in fitted.parts:
        assert len(json.dumps(part_to_json(1, part)).encode()) <= MAX_BYTES
    restored = with_parts(fitted.record, list(fitted.parts))
    assert restored.timeline == rec.timeline


def test_settled_outbox_entries_of_done_notifications_move_out_last_and_come_back() -> None:
    outbox = outbox_entries(150)
    ids = tuple(e.message_id for e in outbox)
    rec = Record(epoch=1, status="open", outbox=outbox, journal=Journal(ids[:-1], ids[-1:]))
    fitted = fit(rec)
    assert fitted.fits
    kept = {e.message_id for e in fitted.record.outbox}
    assert ids[-1] in kept  # a pending notification keeps its entries in the record
    moved = [e for p in fitted.parts for e in p.outbox]
    assert moved and {e.message_id for e in moved} <= set(ids[:-1])
    assert sorted(map(str, with_parts(fitted.record, list(fitted.parts)).outbox)) == sorted(
        map(str, outbox)
    )


def test_an_outbox_still_in_doubt_is_never_moved_so_the_record_may_not_fit() -> None:
    rec = Record(epoch=1, status="open", outbox=outbox_entries(150, "intent"))
    fitted = fit(rec)
    assert not fitted.fits and fitted.record.outbox == rec.outbox and fitted.parts == ()
