"""``status``: from Jira alone, when the worker last ran, what it did, and whether it looks alive.

The verdict, from the heartbeat record (:mod:`worker.ops.heartbeat`) and the clock:

* ``alive`` — the last cycle succeeded less than ``heartbeat.stale_after`` ago;
* ``failing`` — the last cycle ran recently but failed (the error is shown);
* ``stopped`` — the worker said it stopped (SIGTERM, Ctrl-C), or no cycle for ``stale_after``;
* ``never ran`` — no record: no cycle has ever finished with these credentials.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from worker.cycle.readable import iso, moment, span
from worker.ops.heartbeat import read_record

if TYPE_CHECKING:
    from worker.app import Services

ALIVE, FAILING, STOPPED, NEVER = "alive", "failing", "stopped", "never ran"


@dataclass(frozen=True)
class Status:
    verdict: str
    why: str
    record: dict[str, Any] | None
    last_at: datetime | None

    @property
    def healthy(self) -> bool:
        return self.verdict == ALIVE


def _parse(at: Any) -> datetime | None:
    if not isinstance(at, str):
        return None
    try:
        return datetime.fromisoformat(at.replace("Z", "+00:00"))
    except ValueError:
        return None


def judge(record: dict[str, Any] | None, now: datetime, stale_after: timedelta) -> Status:
    """The verdict on a heartbeat record at ``now`` (pure)."""
    if record is None:
        return Status(NEVER, "no heartbeat record: no cycle has finished yet", None, None)
    last = _parse(record.get("at"))
    if last is None:
        return Status(STOPPED, "the heartbeat record is unreadable", record, None)
    age = now - last
    if record.get("state") == "stopped":
        why = str(record.get("reason") or "asked to stop")
        return Status(STOPPED, f"stopped {span(age)} ago ({why})", record, last)
    if age > stale_after:
        return Status(
            STOPPED,
            f"no cycle for {span(age)} (more than heartbeat.stale_after, {span(stale_after)})",
            record,
            last,
        )
    if record.get("state") == "failed":
        return Status(FAILING, f"the last cycle failed: {record.get('error', '?')}", record, last)
    return Status(ALIVE, f"last cycle {span(age)} ago", record, last)


def read_status(services: Services) -> Status:
    record = read_record(services.gateway, services.account_id) if services.account_id else None
    return judge(record, services.now(), services.config.heartbeat.stale_after)


def render_status(services: Services, status: Status, *, as_json: bool = False) -> str:
    now = services.now()
    rec = status.record or {}
    if as_json:
        return json.dumps(
            {
                "verdict": status.verdict,
                "why": status.why,
                "now": iso(now),
                "last_cycle_at": iso(status.last_at),
                "record": status.record,
            },
            indent=2,
            ensure_ascii=False,
        )
    tz = ZoneInfo(services.config.calendar.timezone)
    lines = [f"worker: {status.verdict} — {status.why}"]
    if status.last_at is not None:
        lines.append(
            f"  last record: {moment(status.last_at, now, tz)}, by `{rec.get('mode', '?')}` on "
            f"{rec.get('host', '?')} (version {rec.get('version', '?')}, "
            f"{rec.get('cycles', '?')} cycle(s) since it started {moment(_parse(rec.get('started_at')), now, tz)})"
        )
    cycle = rec.get("cycle")
    if isinstance(cycle, dict):
        actions = cycle.get("actions") or {}
        did = ", ".join(f"{n} {k}" for k, n in sorted(actions.items())) or "no action"
        lines.append(
            f"  last cycle: {cycle.get('mode', '?')}, {cycle.get('issues_seen', 0)} issue(s) seen, "
            f"{cycle.get('acted', 0)} acted on ({did}), {cycle.get('requests', 0)} requests, "
            f"{cycle.get('errors', 0)} error(s), {cycle.get('duration_s', 0)} s"
        )
    if rec.get("error"):
        lines.append(f"  error: {rec['error']}")
    return "\n".join(lines)
