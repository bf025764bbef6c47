"""A record still fits one Jira entity property as the HTTP body carries it.

requests' ``json=`` writes a space after every ',' and ':' and every non-ASCII letter as a six-byte
\\uXXXX escape. ``fit`` measured compact JSON, so a record it called fitting could be refused with
HTTP 400 once sent (found by the qps day in test_pseudo_locale.py: text with accents fills a
record faster). The sandbox refuses a body over 32,768 bytes, as Jira does.
"""

from __future__ import annotations

import json

from worker.core.delivery import OutboxEntry
from worker.core.record import Journal, Record, dumps, fit, to_json

JIRA_LIMIT = 32_768


def _entry(i: int) -> OutboxEntry:
    return OutboxEntry(
        f"SHOP-1#1.0:notify:remind:L2:{i}", "phone", "sent", 1, "2026-03-02T08:00:00+00:00", "é"
    )


def test_a_record_called_fitting_is_under_jiras_limit_as_sent() -> None:
    entries: list[OutboxEntry] = []
    rec = Record(epoch=1, status="open")
    while len(dumps(rec).encode()) < 31_500:  # compact: under the worker's own 32,000 margin
        entries.append(_entry(len(entries)))
        ids = tuple(e.message_id for e in entries)
        rec = Record(epoch=1, status="open", outbox=tuple(entries), journal=Journal(ids, ()))
    assert len(json.dumps(to_json(rec)).encode()) > JIRA_LIMIT  # but over Jira's limit as sent
    fitted = fit(rec)
    assert fitted.fits
    assert len(json.dumps(to_json(fitted.record)).encode()) <= JIRA_LIMIT
    assert fitted.parts  # settled entries moved to a part, none lost
    moved = {e.message_id for p in fitted.parts for e in p.outbox}
    assert moved | {e.message_id for e in fitted.record.outbox} == set(ids)
