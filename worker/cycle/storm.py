"""The storm guard in the shell: counts kept on the site, decisions folded before they are applied,
one digest per person and window.

The counts live in a property of the worker's own Jira account, so cron ticks (separate processes)
and a restarted dyno share them: each cycle reads them once and writes them back once at its end.
Folding is decided once per decision (the applier's re-decision of the same actions gets the same
verdict), under a lock because issues are applied on a small thread pool.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

import structlog

from worker.config.model import StormSettings
from worker.core import storm as core
from worker.core.actions import Notify
from worker.core.decision import Decision
from worker.core.rules import Rules
from worker.core.texts import ENGLISH, Texts
from worker.cycle import site_state
from worker.jira.gateway import JiraGateway

log = structlog.get_logger("worker.storm")
PROPERTY_KEY = "escalation-worker.storm"
MAX_PENDING = 1500  # digest lines kept per person between windows (a property holds 32 KB)


def _iso(at: datetime) -> str:
    return at.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _at(text: Any) -> datetime | None:
    try:
        at = datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    except ValueError:
        return None
    return at if at.tzinfo is not None else None


class StormGuard:
    def __init__(
        self,
        rules: Rules,
        settings: StormSettings,
        *,
        gateway: JiraGateway | None = None,
        account_id: str | None = None,
        texts: Texts = ENGLISH,
    ) -> None:
        self.rules = rules
        self.texts = texts
        self.policy = core.StormPolicy.of(rules, settings.max_per_person, settings.window)
        self.gateway = gateway
        self.account_id = account_id
        self.sent: dict[str, list[datetime]] = {}
        self.digest_at: dict[str, datetime] = {}
        self.pending: dict[str, list[str]] = {}
        self._verdicts: dict[tuple[str, ...], frozenset[str]] = {}
        self._folded: dict[str, list[str]] = {}
        self._lock = threading.Lock()
        self._dirty = False

    # -- the site -------------------------------------------------------------------------------

    def load(self) -> None:
        if self.gateway is None or self.account_id is None:
            return
        found = site_state.read(self.gateway, self.account_id, PROPERTY_KEY) or {}
        sent = found.get("sent") if isinstance(found.get("sent"), dict) else {}
        for person, times in (sent or {}).items():
            at = [t for t in (_at(x) for x in times or ()) if t is not None]
            self.sent[str(person)] = at
        for person, when in (found.get("digest") or {}).items():
            t = _at(when)
            if t is not None:
                self.digest_at[str(person)] = t
        for person, lines in (found.get("pending") or {}).items():
            self.pending[str(person)] = [str(x) for x in lines or ()]

    def save(self, now: datetime) -> None:
        if self.gateway is None or self.account_id is None or not self._dirty:
            return
        window = self.policy.window
        value = {
            "schema": 1,
            "sent": {
                p: [_iso(t) for t in ts if now - window < t]
                for p, ts in self.sent.items()
                if any(now - window < t for t in ts)
            },
            "digest": {p: _iso(t) for p, t in self.digest_at.items() if now - window < t},
            "pending": {p: lines[-MAX_PENDING:] for p, lines in self.pending.items() if lines},
        }
        site_state.write(self.gateway, self.account_id, PROPERTY_KEY, value)
        self._dirty = False

    # -- folding --------------------------------------------------------------------------------

    def guard(self, decision: Decision, now: datetime) -> Decision:
        """The decision with the people over their budget folded out of it (counted once)."""
        people = core.reached(decision)
        if not people:
            return decision
        key = tuple(a.id for a in decision.actions)
        severity = decision.record.severity if decision.record else None
        with self._lock:
            folded = self._verdicts.get(key)
            if folded is None:
                folded = frozenset(self._count(people, severity, now))
                self._verdicts[key] = folded
                event = core.event_of(decision)
                for person in folded:
                    item = core.Folded(person, decision.issue_key, severity or "?", event)
                    self._folded.setdefault(person, []).append(item.line(self.texts))
        return core.fold(decision, folded)

    def admit(self, notify: Notify, now: datetime) -> bool:
        """Whether a message of the worker's own (an adoption list) may go out now; if not, its
        lines join the person's digest."""
        with self._lock:
            folded = self._count(notify.recipients, notify.severity, now)
            for person in folded:
                item = core.Folded(person, notify.issue_key, notify.severity, notify.event)
                line = item.line(self.texts)
                self._folded.setdefault(person, []).append(line)
        return not folded

    def _count(self, people: Sequence[str], severity: str | None, now: datetime) -> list[str]:
        folded = []
        for person in people:
            sent = self.sent.setdefault(person, [])
            if core.may_reach(self.policy, severity, sent, now):
                sent.append(now)
            else:
                folded.append(person)
            self._dirty = True
        return folded

    # -- the digests ----------------------------------------------------------------------------

    def digests(
        self, now: datetime, send: Callable[[Notify], bool], *, hold: bool = False
    ) -> dict[str, int]:
        """At the end of a cycle: one digest per person with folded updates whose last digest is
        older than the window; the others keep their lines for the next cycle. Returns the count
        of lines sent per person."""
        out: dict[str, int] = {}
        with self._lock:
            folded, self._folded = self._folded, {}
        for person, lines in folded.items():
            self.pending.setdefault(person, []).extend(lines)
            self._dirty = True
        for person, lines in list(self.pending.items()):
            if not lines or hold:
                continue
            last = self.digest_at.get(person)
            if last is not None and now - last < self.policy.window:
                continue
            severities = core.pending_severities({person: lines})[person]
            notify = core.digest(
                self.rules, self.policy, person, lines, severities, now, self.texts
            )
            if notify is None or not send(notify):
                continue
            self.digest_at[person] = now
            self.pending[person] = []
            out[person] = len(lines)
            log.info("storm_digest", person=person, folded=len(lines))
        return out
