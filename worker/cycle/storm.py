"""The storm guard in the shell: counts kept on the site, decisions folded before they are applied,
one digest per person and window.

The counts live in a property of the worker's own Jira account, so cron ticks (separate processes)
and a restarted dyno share them. Two processes running at the same instant must not each let a
person reach ``storm.max_per_person``, so every change of the counts is a *transition* from one
numbered state to the next, and a transition is won by creating a slot: the user property
``escalation-worker.storm.seq.<n+1>`` (Jira answers 201 to the one process that created it, 200 to
the others). Only the winner writes state ``n+1``; a loser reads the new state and decides again
from it. Verdicts are provisional until their transition is won, and the cycle commits the
provisional verdicts of a batch (one transition) before applying it, so nothing reaches a person
on counts that another process has not seen. docs/design.md, "Storm counts", has the argument.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
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
SLOT_PREFIX = PROPERTY_KEY + ".seq."
MAX_PENDING = 1500  # digest lines kept per person between windows (a property holds 32 KB)
ATTEMPTS = 8  # transitions tried before an update is folded (liveness only; folding is safe)
PATIENCE = 4  # back-offs (0.05 s doubling, about 0.75 s in all) before a stuck slot is skipped
KEEP_SLOTS = 64  # slots of past states kept (a stale process finds them taken)


@dataclass(frozen=True, slots=True)
class _Provisional:
    """A verdict's admission of ``person``, not yet committed to the site."""

    key: tuple[str, ...]  # the decision's action ids
    person: str
    severity: str | None
    issue_key: str
    event: str
    at: datetime


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
        token: str = "",
        sleep: Callable[[float], None] = time.sleep,
        stores: bool = True,
    ) -> None:
        self.rules = rules
        self.texts = texts
        self.policy = core.StormPolicy.of(rules, settings.max_per_person, settings.window)
        self.gateway = gateway
        self.account_id = account_id
        self.token = token
        self.sleep = sleep
        self.stores = stores  # False: read the site's counts, keep every change in memory
        # the counts as of state ``seq`` (the last one read or written), plus our own provisional
        # admissions on top of them
        self.seq = 0
        self.sent: dict[str, list[datetime]] = {}
        self.digest_at: dict[str, datetime] = {}
        self.pending: dict[str, list[str]] = {}
        self._verdicts: dict[tuple[str, ...], frozenset[str]] = {}
        self._provisional: list[_Provisional] = []
        self._folded: dict[str, list[str]] = {}
        self._local_sent: dict[str, list[datetime]] = {}  # S1 counted here, not yet stored
        self._lock = threading.RLock()
        self._dirty = False
        self.transitions = 0  # won (for tests and the log)

    @property
    def shared(self) -> bool:
        return self.stores and self.gateway is not None and self.account_id is not None

    # -- the site -------------------------------------------------------------------------------

    def load(self) -> None:
        if self.gateway is None or self.account_id is None:
            return
        found = site_state.read(self.gateway, self.account_id, PROPERTY_KEY) or {}
        self._mirror(found)

    def _mirror(self, found: dict[str, Any]) -> None:
        seq = found.get("seq")
        self.seq = seq if isinstance(seq, int) and not isinstance(seq, bool) and seq >= 0 else 0
        self.sent, self.digest_at, self.pending = {}, {}, {}
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

    def _value(self, now: datetime) -> dict[str, Any]:
        window = self.policy.window
        return {
            "schema": 2,
            "seq": self.seq,
            "sent": {
                p: [_iso(t) for t in ts if now - window < t]
                for p, ts in self.sent.items()
                if any(now - window < t for t in ts)
            },
            "digest": {p: _iso(t) for p, t in self.digest_at.items() if now - window < t},
            "pending": {p: lines[-MAX_PENDING:] for p, lines in self.pending.items() if lines},
        }

    def _transition(self, now: datetime, change: Callable[[], None]) -> bool:
        """Apply ``change`` to the counts of the latest state and store them as the next state,
        once this process has won that state's slot. ``change`` runs again on the newer state
        after a lost slot. False when no slot was won in ``ATTEMPTS`` tries (nothing stored)."""
        if not self.shared or self.gateway is None or self.account_id is None:
            change()
            return True
        gateway, account = self.gateway, self.account_id
        target = self.seq + 1
        for attempt in range(ATTEMPTS):
            slot = f"{SLOT_PREFIX}{target}"
            status = site_state.create(
                gateway, account, slot, {"token": self.token, "at": _iso(now)}
            )
            if status == 201:
                change()
                self.seq = target
                site_state.write(gateway, account, PROPERTY_KEY, self._value(now))
                self.transitions += 1
                if target > KEEP_SLOTS:
                    site_state.delete(gateway, account, f"{SLOT_PREFIX}{target - KEEP_SLOTS}")
                return True
            # lost: another process owns the move to ``target``; decide again from its state
            self.load()
            for person, times in self._local_sent.items():  # ours, not stored yet
                self.sent.setdefault(person, []).extend(times)
            if self.seq >= target:
                target = self.seq + 1
                continue
            if attempt >= PATIENCE:
                # the state never came after several back-offs: its holder died between the
                # slot and the state (it sent nothing then); the next slot
                target += 1
                continue
            self.sleep(min(0.05 * 2**attempt, 1.0))  # its holder writes the state next
        log.warning(
            "storm_transition_lost",
            seq=self.seq,
            hint="updates not admitted now are folded into the digest",
        )
        return False

    def save(self, now: datetime) -> None:
        """Store what this cycle folded (digest lines) and its S1 counts: one transition."""
        if not self.shared or not self._dirty:
            return
        with self._lock:
            folded, self._folded = self._folded, {}
            mine = self._local_sent

            if self._transition(now, lambda: self._merge(folded, mine)):
                self._local_sent = {}
                self._dirty = False
            else:
                for person, lines in folded.items():
                    self._folded.setdefault(person, []).extend(lines)

    # -- folding --------------------------------------------------------------------------------

    def guard(self, decision: Decision, now: datetime) -> Decision:
        """The decision with the people over their budget folded out of it (counted once).

        The people it reaches are admitted provisionally; :meth:`commit` makes that final (or
        folds them after all) before the decision is applied.
        """
        people = core.reached(decision)
        if not people:
            return decision
        key = tuple(a.id for a in decision.actions)
        severity = decision.record.severity if decision.record else None
        with self._lock:
            folded = self._verdicts.get(key)
            if folded is None:
                event = core.event_of(decision)
                folded = frozenset(
                    self._count(people, severity, now, key, decision.issue_key, event)
                )
                self._verdicts[key] = folded
                for person in folded:
                    item = core.Folded(person, decision.issue_key, severity or "?", event)
                    self._folded.setdefault(person, []).append(item.line(self.texts))
            return core.fold(decision, self._verdicts[key])

    def commit(self, now: datetime) -> None:
        """Make the provisional admissions final in one transition: re-checked against the
        latest counts on the site, those over the limit there are folded after all (their
        decisions fold them when the applier decides again)."""
        with self._lock:
            todo, self._provisional = self._provisional, []
            if not todo:
                return
            revoked: list[_Provisional] = []

            def change() -> None:
                revoked.clear()
                for item in todo:
                    sent = self.sent.setdefault(item.person, [])
                    if core.may_reach(self.policy, item.severity, sent, now):
                        sent.append(now)
                    else:
                        revoked.append(item)

            if not self._transition(now, change):
                revoked[:] = todo  # nothing stored: nobody is reached on these counts
            for item in revoked:
                self._verdicts[item.key] = self._verdicts.get(item.key, frozenset()) | {item.person}
                line = core.Folded(item.person, item.issue_key, item.severity or "?", item.event)
                self._folded.setdefault(item.person, []).append(line.line(self.texts))
                self._dirty = True

    def admit(self, notify: Notify, now: datetime) -> bool:
        """Whether a message of the worker's own (an adoption list) may go out now; if not, its
        lines join the person's digest."""
        with self._lock:
            key = (notify.id,)
            folded = set(
                self._count(
                    notify.recipients, notify.severity, now, key, notify.issue_key, notify.event
                )
            )
            self._verdicts[key] = frozenset(folded)
            self.commit(now)
            folded |= self._verdicts[key]
            if folded:
                for person in folded:
                    item = core.Folded(person, notify.issue_key, notify.severity, notify.event)
                    lines = self._folded.setdefault(person, [])
                    if item.line(self.texts) not in lines:
                        lines.append(item.line(self.texts))
                self._dirty = True
        return not folded

    def _count(
        self,
        people: Sequence[str],
        severity: str | None,
        now: datetime,
        key: tuple[str, ...],
        issue_key: str,
        event: str,
    ) -> list[str]:
        """Who of ``people`` is over budget on the counts known here (folding is always safe);
        the others are admitted provisionally (S1, never folded, is counted at once)."""
        folded = []
        exempt = severity is not None and severity in self.policy.exempt
        for person in people:
            sent = self.sent.setdefault(person, [])
            if exempt:
                sent.append(now)
                if self.shared:
                    self._local_sent.setdefault(person, []).append(now)
            elif not core.may_reach(self.policy, severity, [*sent, *self._held(person)], now):
                folded.append(person)
            elif self.shared:  # held until committed; a later verdict counts it
                self._provisional.append(_Provisional(key, person, severity, issue_key, event, now))
            else:
                sent.append(now)
            self._dirty = True
        return folded

    def _held(self, person: str) -> list[datetime]:
        return [p.at for p in self._provisional if p.person == person]

    # -- the digests ----------------------------------------------------------------------------

    def digests(
        self, now: datetime, send: Callable[[Notify], bool], *, hold: bool = False
    ) -> dict[str, int]:
        """At the end of a cycle: one digest per person with folded updates whose last digest is
        older than the window; the others keep their lines for the next cycle. Returns the count
        of lines sent per person. Taking a person's lines and noting the digest is one transition,
        so two processes never send the same person a digest in one window."""
        out: dict[str, int] = {}
        with self._lock:
            self.commit(now)
            folded, self._folded = self._folded, {}
            mine = self._local_sent
            taken: dict[str, list[str]] = {}

            def change() -> None:
                self._merge(folded, mine)
                taken.clear()
                taken.update(self._take_due(now, hold))

            if not folded and not mine and not self._due(now, hold):
                return out
            if not self._transition(now, change):
                for person, lines in folded.items():
                    self._folded.setdefault(person, []).extend(lines)
                return out
            self._local_sent = {}
            self._dirty = False
        for person, lines in taken.items():
            severities = core.pending_severities({person: lines})[person]
            notify = core.digest(
                self.rules, self.policy, person, lines, severities, now, self.texts
            )
            if notify is None or not send(notify):
                with self._lock:  # kept for the next cycle's digest
                    self._folded.setdefault(person, []).extend(lines)
                    self.digest_at.pop(person, None)
                    self._dirty = True
                continue
            out[person] = len(lines)
            log.info("storm_digest", person=person, folded=len(lines))
        return out

    def _merge(self, folded: dict[str, list[str]], mine: dict[str, list[datetime]]) -> None:
        """This process's folded lines and S1 counts added to the counts of the latest state."""
        for person, lines in folded.items():
            self.pending.setdefault(person, []).extend(lines)
        for person, times in mine.items():
            have = self.sent.setdefault(person, [])
            have.extend(t for t in times if t not in have)

    def _take_due(self, now: datetime, hold: bool) -> dict[str, list[str]]:
        """The pending lines of everyone whose last digest is older than the window, taken out
        of the counts and their digest noted (the caller sends them once the state is stored)."""
        taken: dict[str, list[str]] = {}
        for person, lines in list(self.pending.items()):
            last = self.digest_at.get(person)
            if hold or not lines or (last is not None and now - last < self.policy.window):
                continue
            taken[person] = lines
            self.digest_at[person] = now
            self.pending[person] = []
        return taken

    def _due(self, now: datetime, hold: bool) -> bool:
        if hold:
            return False
        for person, lines in self.pending.items():
            last = self.digest_at.get(person)
            if lines and (last is None or now - last >= self.policy.window):
                return True
        return False
