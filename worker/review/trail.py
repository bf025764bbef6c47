"""The written trail export: the records of S1–S2 escalations as JSON lines or CSV. Pure.

An escalation is exported when its severity keeps a written trail (``written_trail: true`` in
``rules/severities.yaml``), it was active on or after ``since`` (opened then, or still open, or
closed then), and it is not a sensitive type -- unless ``include_sensitive`` is set.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from worker.core.directory import Directory
from worker.core.rules import Rules
from worker.review.compute import Entry, Names, entry_of
from worker.review.model import Escalation
from worker.sanitise import csv_row


def _iso(at: datetime | None) -> str | None:
    return at.isoformat().replace("+00:00", "Z") if at else None


def trail_entries(
    escalations: Iterable[Escalation],
    *,
    rules: Rules,
    directory: Directory,
    now: datetime,
    since: datetime | None = None,
    include_sensitive: bool = False,
) -> tuple[list[Entry], int]:
    """The entries to export (oldest first) and how many sensitive ones were withheld."""
    names = Names(rules, directory)
    trail_sevs = {s.id for s in rules.severities.values() if s.written_trail}
    chosen: list[Entry] = []
    withheld = 0
    for e in escalations:
        rec = e.record
        if (
            rec.status not in ("open", "closed")
            or rec.severity not in trail_sevs
            or rec.opened_at is None
        ):
            continue
        if (
            since is not None
            and rec.opened_at < since
            and rec.closed_at is not None
            and rec.closed_at < since
        ):
            continue
        if names.sensitive(rec) and not include_sensitive:
            withheld += 1
            continue
        chosen.append(entry_of(e, now, names))
    chosen.sort(key=lambda x: (x.opened_at or now, x.key))
    return chosen, withheld


def entry_dict(e: Entry) -> dict[str, Any]:
    return {
        "key": e.key,
        "summary": e.summary,
        "severity": e.severity,
        "type": e.type,
        "team": e.team,
        "counterpart_team": e.counterpart,
        "status": e.status,
        "opened_at": _iso(e.opened_at),
        "first_acknowledged_at": _iso(e.first_ack_at),
        "first_acknowledged_by": e.first_ack_by,
        "owner": e.owner,
        "levels_reached": e.levels_reached,
        "acknowledge": e.acknowledge,
        "resolve": e.resolve,
        "time_to_acknowledge_s": e.time_to_acknowledge_s,
        "time_to_resolve_s": e.time_to_resolve_s,
        "closed_at": _iso(e.closed_at),
        "close_reason": e.close_reason,
        "resolution": e.resolution,
        "decision": e.decision,
        "sensitive": e.sensitive,
        "timeline_dropped": e.timeline_dropped,
        "timeline": [
            {"at": _iso(t.at), "kind": t.kind, "who": t.who, "level": t.level, "detail": t.detail}
            for t in e.timeline
        ],
    }


def to_jsonl(entries: Iterable[Entry]) -> str:
    return "".join(
        json.dumps(entry_dict(e), ensure_ascii=False, sort_keys=False) + "\n" for e in entries
    )


CSV_COLUMNS = (
    "key",
    "severity",
    "type",
    "team",
    "counterpart_team",
    "status",
    "opened_at",
    "acknowledge",
    "resolve",
    "levels_reached",
    "resolution",
    "decision",
    "event_at",
    "event",
    "who",
    "level",
    "detail",
)


def to_csv(entries: Iterable[Entry]) -> str:
    """One row per timeline event, the escalation's columns repeated on each row."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CSV_COLUMNS)
    for e in entries:
        d = entry_dict(e)
        head = [d[c] for c in CSV_COLUMNS[:12]]
        events = d["timeline"] or [
            {"at": None, "kind": "", "who": None, "level": None, "detail": ""}
        ]
        for ev in events:
            w.writerow(
                csv_row(
                    [
                        *("" if v is None else v for v in head),
                        ev["at"] or "",
                        ev["kind"],
                        ev["who"] or "",
                        "" if ev["level"] is None else ev["level"],
                        ev["detail"],
                    ]
                )
            )
    return buf.getvalue()


__all__ = ["CSV_COLUMNS", "entry_dict", "to_csv", "to_jsonl", "trail_entries"]
