"""Apply a decision's actions exactly once.

Protocol for one issue (docs/design.md, "How each effect happens exactly once"):

1. Re-read the issue by key (GET is never stale, unlike search), together with the claim slots of
   the record it expects (``worker/cycle/claims.py``). If it changed since it was gathered, decide
   again on the fresh data: stale search must never cause a second escalation.
2. Skip actions whose id the fresh record lists as done. For ids a previous holder may have
   performed (pending in the record, or listed by a claim whose holder died), look for the effect
   first: a comment carrying the action id, the assignee already set. Notifications are settled by
   their outbox.
3. Claim: create the slot of the record's present state (201 = ours, 200 = another process got it
   first), then read the record and the slot back in one request: the record must be unchanged and
   the slot must carry our token. No waiting: correctness does not depend on anyone's speed.
4. Perform the effects in order (re-checking and renewing the claim first whenever half the lease has
   gone by), then write the new record with the ids marked done.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from functools import partial
from typing import Any, Protocol

import structlog

from worker.config.model import Visibility
from worker.core import sentences as S
from worker.core.actions import Action, AddWatcher, Assign, Notify, PostComment
from worker.core.decision import Decision
from worker.core.delivery import OutboxEntry
from worker.core.i18n_marks import N_
from worker.core.record import (
    OWN_COMMENTS_LIMIT,
    SCHEMA,
    Event,
    Record,
    archived,
    dumps,
    fit,
    history_key,
    part_key,
    part_to_json,
    to_json,
)
from worker.core.snapshot import Comment
from worker.core.texts import ENGLISH, Texts
from worker.cycle.claims import (
    HOST,
    SLOT_SCAN,
    Survey,
    claim_id,
    claim_live,
    claims_seen,
    confession,
    digest,
    mark_live,
    new_claim_token,
    own_claim_key,
    own_claim_value,
    pid_alive,
    read_slot,
    slot_key,
    slot_value,
    survey,
)
from worker.cycle.gather import Gatherer, Loaded
from worker.jira.adf import to_adf
from worker.jira.gateway import JiraGateway
from worker.jira.http import AmbiguousWriteError, JiraError, RetryableError
from worker.jira.stored_record import read_record

log = structlog.get_logger("worker.apply")

__all__ = [
    "HOST",
    "Applier",
    "ApplyResult",
    "Claim",
    "mark_live",
    "new_claim_token",
    "pid_alive",
    "run_now",
]


class Notifier(Protocol):
    """Sends a Notify action through its channels; returns the updated outbox entries."""

    def start_cycle(self) -> None: ...

    def deliver(
        self,
        action: Notify,
        entries: Sequence[OutboxEntry],
        persist: Callable[[list[OutboxEntry]], None],
    ) -> list[OutboxEntry]: ...


MET = "claims this state too; left to it"  # (the note of a claimer that met another)
AMBIGUOUS_ATTEMPTS = 2  # sends of one comment per cycle when the answers leave its fate unknown


class RecordTooLarge(JiraError):
    """A record still above the property size limit after ``fit`` moved everything it could."""


class RecordNotStored(JiraError):
    """Jira refuses the issue's record or claim (400/403 on the property PUT, or too large): nothing
    can be stored on the issue. ``state``: the digest of the record it still holds."""

    def __init__(self, message: str, status: int | None, state: str) -> None:
        super().__init__(message, status)
        self.state = state


def refused_write(exc: JiraError) -> bool:
    """A property PUT refused for good: the request or the value is wrong (400), or the worker may
    not edit the issue (403). A 404 means the issue is gone, a 5xx or 429 is not a refusal."""
    return exc.status in (400, 403) and not isinstance(exc, (RetryableError, AmbiguousWriteError))


class ClaimLapsed(Exception):
    """The claim was taken over while this process was slow (checked right before a provider call):
    nothing more is sent or written; the process that took over completes the issue."""


class RecordWriteRefused(JiraError):
    """The record could not be written where an effect needs its intent recorded first."""


@dataclass
class ApplyResult:
    key: str
    performed: list[Action] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # ids already done / detected
    failed: list[str] = field(default_factory=list)
    record: Record | None = None
    note: str = ""
    unfinished: bool = False  # effects left pending for the next cycle (an error of this cycle)
    unstored: str = ""  # the new record was refused (a fallback was stored): why
    stored_state: str = ""  # digest of the record stored on the issue after this apply
    # stood back from a claim of the same state whose holder may have stood back too (two claimers
    # that met): the issue stays due, so the next cycle tries again rather than the next full one
    retry: bool = False


class Applier:
    def __init__(
        self,
        gateway: JiraGateway,
        gatherer: Gatherer,
        redecide: Callable[[Loaded], Decision],
        *,
        visibility: Visibility | None = None,
        notifier: Notifier | None = None,
        claim: str | None = None,
        now: Callable[[], datetime],
        sleep: Callable[[float], None] = time.sleep,
        lease: timedelta = timedelta(minutes=2),
        max_confession_wait: float = 1.0,
        texts: Texts = ENGLISH,
        stopping: Callable[[], bool] = lambda: False,
    ) -> None:
        self.texts = texts  # the language of the timeline entries written here
        self.stopping = stopping  # the process is shutting down: no new claim
        # the host's clock: SLA decisions and elapsed time, never compared with another host's
        self.now = now
        self.max_confession_wait = max_confession_wait
        self.sleep = sleep
        self.lease = lease
        self.gateway = gateway
        self.gatherer = gatherer
        self.redecide = redecide
        self.visibility = visibility
        self.notifier = notifier
        self.claim = claim or new_claim_token()
        # how a slot deletion is run: at once by default; a cycle with a pool hands it to a
        # helper thread for the batch, so the issue's thread goes on (``Cycle._slot_cleanup``)
        self.defer: Callable[[Callable[[], None]], None] = run_now
        # notifications abandoned while applying the current issue: one list per thread, as a
        # pool finishes several issues on this one Applier at once
        self._local = threading.local()
        # the worker's own comments whose action ids a whole read taught this cycle, per issue: the
        # next record write of the issue lists them, so the read is not needed again
        self._learned: dict[str, dict[str, str]] = {}
        self._learned_lock = threading.Lock()

    @property
    def _abandoned(self) -> list[Event]:
        events: list[Event] | None = getattr(self._local, "abandoned", None)
        if events is None:
            events = self._local.abandoned = []
        return events

    @_abandoned.setter
    def _abandoned(self, events: list[Event]) -> None:
        self._local.abandoned = events

    # -- public -------------------------------------------------------------------------------

    def apply(self, loaded: Loaded, decision: Decision) -> ApplyResult:
        """Claim and finish one issue."""
        claim = self.claim_issue(loaded, decision)
        if isinstance(claim, ApplyResult):
            return claim
        return self.finish(claim)

    def server_now(self) -> datetime:
        """Jira's time (``Date`` of its latest answer); the host's clock only before any answer."""
        clock = getattr(self.gateway, "server_clock", None)
        at = clock.now() if clock is not None else None
        return at if at is not None else self.now()

    def claim_issue(self, loaded: Loaded, decision: Decision) -> Claim | ApplyResult:
        """Fresh read, re-decide if needed, win the claim slot. An ApplyResult means nothing more to do."""
        key = loaded.snapshot.key
        result = ApplyResult(key)
        if loaded.blocked:
            result.note = f"record written by a newer worker ({loaded.problem}); left untouched"
            return result
        self.compensate(loaded)
        if not decision.actions:
            record = decision.record
            retry = record is not None and bool(record.notify_retry) and self.notifier is not None
            if record is None or not (retry or decision.changed):
                return result
            # a record write (and the re-sending of failed notifications) is a change of the record
            # too: it takes the claim of the state it builds on, but needs no fresh read of the issue
            if own_protocol(loaded.record):
                return self._claim_own(loaded, decision, result, refresh=False)
            return self._claim(loaded, decision, [], set(), set(), result, None)
        if own_protocol(loaded.record):
            return self._claim_own(loaded, decision, result, refresh=True)
        return self._claim_shared(loaded, decision, result)

    def _claim_shared(
        self, loaded: Loaded, decision: Decision, result: ApplyResult
    ) -> Claim | ApplyResult:
        """The shared-slot protocol (no record yet, or one of schema 2): fresh read with the slots of
        the state, re-decide if needed, then ``_claim``."""
        expected = digest(loaded.record)
        fresh = self.gatherer.refresh(
            loaded,
            [slot_key(self.gateway.property_key, expected, g) for g in range(SLOT_SCAN)],
        )
        if fresh is None:
            result.note = "the issue is gone or no longer visible to the worker"
            return result
        if fresh.blocked:
            result.note = f"record written by a newer worker ({fresh.problem}); left untouched"
            return result
        if own_protocol(fresh.record):
            # the search was older than the record: decide on the record as it is, and claim its
            # state the schema-3 way
            decision = self.redecide(fresh)
            if not decision.actions and not (decision.changed and decision.record is not None):
                result.note = "fresh read showed nothing left to do"
                return result
            return self._claim_own(fresh, decision, result, refresh=True)
        if (
            fresh.record != loaded.record
            or fresh.snapshot.updated != loaded.snapshot.updated
            or fresh.snapshot.labels != loaded.snapshot.labels
            or not loaded.description_read  # searched without it: decide on the whole issue
        ):
            decision = self.redecide(fresh)
            if not decision.actions:
                if decision.changed and decision.record is not None:
                    result.note = "fresh read showed nothing left to do"
                    return self._claim(fresh, decision, [], set(), set(), result, expected)
                result.note = "fresh read showed nothing left to do"
                return result
        base = fresh.record
        if base is not None and base.journal.pending and self.claim_is_live(base):
            result.note = f"another worker process ({base.writer}) is applying this issue's actions; left to it"
            return result
        done = set(base.journal.done) if base else set()
        pending = set(base.journal.pending) if base else set()
        return self._claim(fresh, decision, [], done, pending, result, expected)

    # -- claims of one's own (records of schema 3; docs/design.md "Claims of one's own") --------

    def _claim_own(
        self, loaded: Loaded, decision: Decision, result: ApplyResult, *, refresh: bool
    ) -> Claim | ApplyResult:
        """Claim the state the search showed with a property of our own, then read the issue with
        every claim in it (one current read), decide on that read and act only if no other live
        claim names the state. Four requests with the completion and the claim's deletion."""
        key = loaded.snapshot.key
        if self.stopping():
            result.note = "stopping; left to the next cycle"
            return result
        state = digest(loaded.record)
        name = own_claim_key(self.gateway.property_key, state, self.claim)
        ids = [a.id for a in decision.actions]
        if not self._put_own(key, name, state, ids, ()):
            # our key is derived from our token, nobody else writes it: a 200 is a retried write of
            # ours or a claim this process left behind. Not what the protocol expects: give way
            log.info("claim_lost", issue=key, slot=name, reason="own claim existed (200)")
            self._delete_slots(key, [name])
            result.note = "the claim was found already written; left to the next cycle"
            return result
        exclude = big_properties(self.gateway.property_key, loaded.record)
        fresh: Loaded | None = loaded
        if refresh:
            fresh = self.gatherer.refresh(loaded, all_but=exclude)
            props: Mapping[str, Any] | None = fresh.extra if fresh is not None else None
        else:
            props = self.gateway.all_properties(key, exclude)
        if fresh is None or props is None:
            result.note = "the issue is gone or no longer visible to the worker"
            return result
        if refresh and fresh.blocked:
            self._delete_slots(key, [name])
            result.note = f"record written by a newer worker ({fresh.problem}); left untouched"
            return result
        found = self._others(key, name, state, fresh.record if refresh else None, props, result)
        if isinstance(found, ApplyResult):
            return found
        if refresh and (
            fresh.record != loaded.record
            or fresh.snapshot.updated != loaded.snapshot.updated
            or fresh.snapshot.labels != loaded.snapshot.labels
            or not loaded.description_read
        ):
            decision = self.redecide(fresh)
            if not decision.actions and not (decision.changed and decision.record is not None):
                self._delete_slots(key, [name])
                result.note = "fresh read showed nothing left to do"
                return result
        return self._take_own(fresh, decision, result, name, state, ids, found)

    def _put_own(
        self, key: str, name: str, state: str, ids: Sequence[str], over: Sequence[str]
    ) -> bool:
        """Write our own claim of ``state`` (pending ``ids``); True when Jira created it (201)."""
        value = own_claim_value(self.claim, self.server_now(), ids, state, over)
        return self._put_claim(key, name, value, state)

    def _put_claim(self, key: str, name: str, value: Mapping[str, Any], state: str) -> bool:
        """Write a claim (a slot or our own); True when Jira created it (201). A claim Jira
        refuses for good is the record not stored."""
        try:
            return self.gateway.put_property(key, name, value)
        except JiraError as exc:
            if refused_write(exc):
                raise RecordNotStored(
                    f"record not stored: the claim write was refused ({exc})", exc.status, state
                ) from exc
            raise

    def _others(
        self,
        key: str,
        name: str,
        state: str,
        record: Record | None,
        props: Mapping[str, Any],
        result: ApplyResult,
    ) -> Survey | ApplyResult:
        """What the read after our claim says: go on (the survey: claims of dead holders to take over)
        or give way (an ApplyResult, our claim withdrawn). With another live claim of the state, the
        higher claim id gives way at once and the lower reads once more: it goes on only when the
        other claim is gone, so two claimers in lockstep do not both stand back every time."""
        pk = self.gateway.property_key
        for attempt in (0, 1):
            if attempt == 0 and record is None:
                record = read_record(props.get(pk))[0]
            elif attempt == 1:
                again = self.gateway.all_properties(key, big_properties(pk, record))
                if again is None:
                    result.note = "the issue is gone or no longer visible to the worker"
                    return result
                props, record = again, read_record(again.get(pk))[0]
            seen = claims_seen(pk, props)
            found = survey(seen, state, self.claim, self.server_now(), self.lease)
            if found.stale:
                self.defer(partial(self._delete_slots, key, list(found.stale)))
            why = self._give_way(record, state, found, attempt)
            if why is None:
                return found
            if why != "wait":
                log.info("claim_lost", issue=key, slot=name, reason=why)
                self._delete_slots(key, [name])
                result.note = why
                # two claimers met: the other may have stood back too, so the issue stays due
                result.retry = why.endswith(MET)
                return result
            self.sleep(self.max_confession_wait / 4)
        raise AssertionError("unreachable: the second read decides")

    def _give_way(
        self, record: Record | None, state: str, found: Survey, attempt: int
    ) -> str | None:
        """Why this process must not act on the claimed state (None: it may; "wait": read again)."""
        if digest(record) != state:
            return "the record changed since it was read; decided again next cycle"
        if found.mine is None or found.mine.token != self.claim:
            return (
                "our claim is not on the issue (removed by another process); left to the next cycle"
            )
        if record is not None and record.journal.pending and self.claim_is_live(record):
            return f"another worker process ({record.writer}) is applying this issue's actions; left to it"
        if not found.live:
            return None
        mine = claim_id(self.claim)
        lower = [s for s in found.live if not s.cid or s.cid < mine]
        if lower or attempt or found.over_me:
            holder = (lower or found.live)[0].held.token
            return f"another worker process ({holder}) {MET}"
        return "wait"

    def _take_own(
        self,
        fresh: Loaded,
        decision: Decision,
        result: ApplyResult,
        name: str,
        state: str,
        claimed: Sequence[str],
        found: Survey,
    ) -> Claim | ApplyResult:
        """Our claim stands: take over what dead holders listed, correct the claim when it does not
        list what is about to be done, and hand the claim to ``finish``."""
        key = fresh.snapshot.key
        base = fresh.record
        done = set(base.journal.done) if base else set()
        pending = set(base.journal.pending) if base else set()
        over = [s.held.token for s in found.dead if s.held.token]
        if base is not None and base.journal.pending and base.writer not in (None, self.claim):
            over.append(base.writer)  # a record written mid-way by a holder that is gone
        for s in found.dead:
            pending.update(s.held.pending)
        todo, fresh = self._todo(fresh, decision, done, pending, result)
        if self.stopping():  # a stop asked during the read: give the claim back, act on nothing
            self._delete_slots(key, [name])
            result.note = "stopping; left to the next cycle"
            return result
        if over or not {a.id for a in todo} <= set(claimed):
            # a successor of ours would look only for the ids our claim lists; and a holder we take
            # over learns it from ``over`` at its next check: correct the claim before acting
            self._put_own(key, name, state, [a.id for a in todo], sorted(set(over)))
        server = self.server_now()
        intent_base = base if base is not None else Record(epoch=0, status="invalid")
        intent = (
            replace(intent_base, writer=self.claim, claimed_at=server)
            .with_done(*sorted(done))
            .with_pending(*(a.id for a in todo))
        )
        return Claim(
            fresh,
            decision,
            todo,
            done,
            intent,
            result,
            name,
            state,
            0,
            self.now(),
            own=True,
            taken=tuple(s.name for s in found.dead),
            over=tuple(sorted(set(over))),
        )

    def _todo(
        self,
        fresh: Loaded,
        decision: Decision,
        done: set[str],
        pending: set[str],
        result: ApplyResult,
    ) -> tuple[list[Action], Loaded]:
        """The decision's actions not known to be done (and the issue, its comments read whole when
        a previous holder may have acted): for such ids the effect is looked for first."""
        todo: list[Action] = []
        if decision.actions and pending:
            # a previous holder may have acted: read the comments whole (with their action
            # ids; those of a search carry none) before deciding what is left to do
            fresh = self.gatherer.with_comments(fresh)
            self.compensate(fresh)
        for action in decision.actions:
            if action.id in done:
                result.skipped.append(action.id)
            elif action.id in pending and self._already_happened(fresh, action):
                result.skipped.append(action.id)
                done.add(action.id)
            else:
                todo.append(action)
        return todo, fresh

    # Complexity over 10 (C901) and 95 lines: winning the claim slot is one protocol (read the
    # slots of this state, skip live holders, take over a dead one's pending ids, create the slot,
    # read it back); its steps share the slot name, generation and server time, in this order.
    def _claim(  # noqa: C901
        self,
        fresh: Loaded,
        decision: Decision,
        todo: list[Action],
        done: set[str],
        pending: set[str],
        result: ApplyResult,
        scanned: str | None,
    ) -> Claim | ApplyResult:
        """Find the free slot of the record's state, look for effects a dead holder may have left,
        create the slot and read it back."""
        key = fresh.snapshot.key
        pk = self.gateway.property_key
        state = digest(fresh.record)
        slots = dict(fresh.extra)
        if scanned != state:
            # the slots of this state were not read with the issue: read them with the record
            got = self.gateway.issue_properties(
                key, [pk, *(slot_key(pk, state, g) for g in range(SLOT_SCAN))]
            )
            if got is None:
                result.note = "the issue is gone or no longer visible to the worker"
                return result
            now_record, _, _ = read_record(got.pop(pk, None))
            if digest(now_record) != state:
                result.note = "the record changed since it was read; decided again next cycle"
                return result
            slots = got
        generation = 0
        server = self.server_now()
        while True:
            name = slot_key(pk, state, generation)
            if name not in slots:
                if generation >= SLOT_SCAN:
                    got = self.gateway.issue_properties(key, [name])
                    if got and name in got:
                        slots[name] = got[name]
                        continue
                break
            held = read_slot(slots[name])
            assert held is not None
            if claim_live(held.token, held.at, self.claim, server, self.lease):
                result.note = f"another worker process ({held.token}) holds the claim; left to it"
                return result
            # a claim whose holder is gone: what it may have done is looked up before doing it again
            pending.update(held.pending)
            generation += 1

        todo, fresh = self._todo(fresh, decision, done, pending, result)

        if self.stopping():  # a stop asked during the fresh read: claim nothing new
            result.note = "stopping; left to the next cycle"
            return result
        slot = slot_key(pk, state, generation)
        t0 = time.perf_counter()
        created = self._put_claim(
            key, slot, slot_value(self.claim, server, [a.id for a in todo], state), state
        )
        latency = time.perf_counter() - t0
        if not created:
            # our PUT replaced the winner's value: say so in the slot, for the winner's read-back
            log.info("claim_lost", issue=key, slot=slot, reason="the slot existed (200, not 201)")
            self.gateway.put_property(
                key, slot, confession(self.claim, server, [a.id for a in todo], state)
            )
            result.note = "another worker process claimed this issue first; left to it"
            return result
        if not self._still_ours(key, state, slot, generation, todo, latency):
            result.note = (
                "the claim was overwritten or the record changed; left to the other process"
            )
            return result
        # the record as it will be written while effects are under way (never written otherwise)
        intent_base = (
            fresh.record if fresh.record is not None else Record(epoch=0, status="invalid")
        )
        intent = (
            replace(intent_base, writer=self.claim, claimed_at=server)
            .with_done(*sorted(done))
            .with_pending(*(a.id for a in todo))
        )
        return Claim(
            fresh, decision, todo, done, intent, result, slot, state, generation, self.now()
        )

    def _still_ours(
        self,
        key: str,
        state: str,
        slot: str,
        generation: int,
        todo: Sequence[Action],
        latency: float | None = None,
    ) -> bool:
        """Read the record and the slot back: unchanged, and carrying our token (no takeover after it).

        Right after winning (``latency`` given), a foreign token may be a loser's value whose
        confession is still on its way: the slot is read once more after a short pause. That pause
        only helps two workers that collided get on (so they do not both stand back); whether a
        process acts never depends on it.
        """
        pk = self.gateway.property_key
        nxt = slot_key(pk, state, generation + 1)
        got = self.gateway.issue_properties(key, [pk, slot, nxt])
        if got is None:
            return False
        held = read_slot(got.get(slot))
        if latency is not None and held is not None and held.token not in (self.claim, None):
            self.sleep(min(self.max_confession_wait, max(0.05, 3 * latency)))
            got = self.gateway.issue_properties(key, [pk, slot, nxt])
            if got is None:
                return False
            held = read_slot(got.get(slot))
        record, _, _ = read_record(got.get(pk))
        if digest(record) != state:
            log.info(
                "claim_lost", issue=key, slot=slot, reason="the record changed after the claim"
            )
            if latency is not None:
                # the slot we just created names a state the record has left: it serves nobody
                self._delete_slots(key, [slot])
            return False
        if held is not None and held.token is None and held.lost and held.lost != self.claim:
            # a loser replaced our value and confessed: the slot is ours; put our token back
            log.info("claim_restored", issue=key, slot=slot, loser=held.lost)
            self.gateway.put_property(
                key, slot, slot_value(self.claim, self.server_now(), [a.id for a in todo], state)
            )
        elif held is None or held.token != self.claim:
            # another token, and no confession: a loser that has not confessed yet, or a second 201
            # for the same key (Jira's create-if-absent not atomic). Nobody can be sure to be alone,
            # so this process stands back; the slot then looks held until the lease ends
            log.warning(
                "claim_overwritten",
                issue=key,
                slot=slot,
                by=held.token if held else None,
                hint="two workers claimed the same issue at the same instant; it is retried once the claim lapses",
            )
            return False
        if nxt in got:
            log.info("claim_lost", issue=key, slot=slot, reason="taken over by another process")
            return False
        return True

    def release(self, claim: Claim) -> None:
        """Give back a claim whose effects were not started (stopping): its slot is deleted, so the
        next cycle claims the same state at once instead of waiting for the lease."""
        if claim.written is None:
            self.gateway.delete_property(claim.fresh.snapshot.key, claim.slot)

    def _drop_slots(self, claim: Claim) -> None:
        """The record has moved on from the claimed state: that state's slots -- ours and those of
        dead holders we took over -- serve nobody any more and are deleted, so an issue keeps no
        slot at rest. Safe for exclusion: a late process that creates a deleted slot again finds,
        on its read-back, a record that is no longer the state it claimed, and stands back."""
        pk = self.gateway.property_key
        if claim.own:
            names = [claim.slot, *claim.taken]
        else:
            names = [slot_key(pk, claim.state, g) for g in range(claim.generation, -1, -1)]
        key = claim.fresh.snapshot.key
        # nothing waits for this answer: the record has already left the state (see ``defer``)
        self.defer(lambda: self._delete_slots(key, names))

    def _delete_slots(self, key: str, names: Sequence[str]) -> None:
        for name in names:
            try:
                self.gateway.delete_property(key, name)
            except JiraError as exc:  # left behind: a few hundred bytes, harmless
                log.info("claim_slot_kept", issue=key, slot=name, error=str(exc))

    def settle(self) -> None:
        """Nothing to wait for: a won slot is exclusive whatever the others' speed (kept for callers)."""

    def _keep_claim(self, claim: Claim, *, force: bool = False) -> bool:
        """Before an effect: once half the lease has gone by since the claim was last confirmed, read it
        back and renew it, so that a long cycle never acts on a claim others may take over.

        ``force`` (right before a provider call): read it back whatever the time, and leave the
        renewal to the intent write that follows (a record of ours with a fresh ``claimed_at``)."""
        due = self.now() - claim.confirmed >= self.lease / 2
        if not due and not force:
            return True
        key = claim.fresh.snapshot.key
        left = [a.id for a in claim.todo if a.id not in claim.done]
        if claim.written is None and not claim.own:
            ok = self._still_ours(key, claim.state, claim.slot, claim.generation, claim.todo)
            if ok and not force:
                self.gateway.put_property(
                    key, claim.slot, slot_value(self.claim, self.server_now(), left, claim.state)
                )
        elif claim.written is None:
            ok = self._own_still_ours(claim, claim.state, claim.fresh.record)
            if ok and not force:
                self._put_own(key, claim.slot, claim.state, left, claim.over)
        else:
            # an intermediate record of ours is the claim now: it must still be there, untaken
            ok = self._own_still_ours(claim, claim.written, claim.intent)
            if ok and not force:
                self._write_intermediate(claim, claim.intent)
        if not ok:
            log.warning(
                "claim_expired",
                issue=key,
                hint="this process was slower than the lease; another one took the issue over",
            )
        elif not force:
            claim.confirmed = self.now()
        return ok

    def _own_still_ours(self, claim: Claim, state: str, record: Record | None) -> bool:
        """One read of every claim: the record is still ``state``, our own claim is still there (until
        a record written mid-way is the claim) and no claim of that state says it took us over.

        (A taker of a schema-3 state, or of a record written mid-way -- always schema 3 -- claims
        with a claim of its own and names us in ``over`` before acting.) Another claim of the state
        without ``over`` is a newcomer that gives way -- or, once our claim is old enough to look
        dead to others (half a lease: a taker needs a whole one), possibly a taker whose correction
        is on its way: then read once more after a short pause, and stop if it is still there."""
        key = claim.fresh.snapshot.key
        pk = self.gateway.property_key
        for attempt in (0, 1):
            got = self.gateway.all_properties(key, big_properties(pk, record))
            stored = read_record(got.get(pk))[0] if got is not None else None
            if got is None or digest(stored) != state:
                return False
            server = self.server_now()
            found = survey(claims_seen(pk, got), state, self.claim, server, self.lease)
            if found.over_me:
                return False
            if claim.written is None and (found.mine is None or found.mine.token != self.claim):
                return False
            since = found.mine.at if claim.written is None and found.mine else None
            if claim.written is not None and stored is not None:
                since = stored.claimed_at
            others = [s for s in (*found.live, *found.dead) if s.name not in claim.taken]
            if not others or (since is not None and server - since < self.lease / 2):
                return True
            if attempt == 0:
                self.sleep(self.max_confession_wait / 4)
        return False

    def finish(self, claim: Claim) -> ApplyResult:
        """Perform the effects while the claim is ours, then record them done."""
        try:
            return self._finish(claim)
        except ClaimLapsed:
            claim.result.note = (
                "claim taken over before a notification; the process that took over completes it"
            )
            if claim.own:
                # a claim of our own: nobody else deletes it once we stop (a taker that named us
                # already holds what it lists), so it would stay on the issue at rest
                self._delete_slots(claim.fresh.snapshot.key, [claim.slot])
            return claim.result

    # Complexity over 10 (C901) and ~125 lines: the effects in order with their failure classes
    # (ambiguous, retryable, refused, claim lost), then the one record write and its fallback;
    # split, the running state (done, outbox, retry, intent, notified, result) would be passed
    # between the parts and the order of the exactly-once protocol (docs/design.md) harder to check.
    def _finish(self, claim: Claim) -> ApplyResult:  # noqa: C901
        fresh, decision, todo, done, result = (
            claim.fresh,
            claim.decision,
            claim.todo,
            claim.done,
            claim.result,
        )
        key = fresh.snapshot.key
        if not decision.actions:
            record = decision.record
            assert record is not None
            if not self._keep_claim(claim):
                result.note = "claim lapsed before the record was written; left to the next cycle"
                return result
            if record.notify_retry and self.notifier is not None:
                retried = self._retry_notifications(key, record, claim)
                if retried == record and not decision.changed:
                    # nothing happened: give the slot back rather than let it stand for a lease
                    self.gateway.delete_property(key, claim.slot)
                    return result
                if retried != record:
                    result.note = (
                        f"re-tried {len(record.notify_retry)} notification(s) with a failed channel"
                    )
                record = retried
            result.record = self._write(
                key, with_own_comments(record, fresh, (), self._taught(key))
            )
            self._drop_slots(claim)
            return result

        outbox = working_outbox(decision, fresh.record)
        retry = list((decision.record.notify_retry if decision.record else ()) or ())
        notified: list[Event] = []
        self._abandoned = []
        for action in todo:
            if not self._keep_claim(claim):
                result.note = (
                    "claim lapsed during the effects; the process that took over completes them"
                )
                return result
            try:
                if isinstance(action, Notify):
                    outbox = self._notify(key, action, outbox, claim)
                    if still_failing(outbox, action.id):
                        retry.append(action)
                    notified.extend(notified_events(outbox, action, self.now(), self.texts))
                else:
                    self._perform(fresh, action)
                done.add(action.id)
                result.performed.append(action)
            except AmbiguousWriteError as exc:
                # still unknown after looking (``_post_comment``): the id stays pending and the
                # next cycle looks for the comment again before sending it
                result.failed.append(action.id)
                result.note = str(exc)
                result.unfinished = True
                break
            except (RetryableError, RecordWriteRefused) as exc:
                # not done: the id stays pending and the next cycle takes it up again
                result.failed.append(action.id)
                result.note = str(exc)
                result.unfinished = True
                break
            except JiraError as exc:
                # refused for good (400/403/404): record it and carry on with the other effects
                log.warning(
                    "action_refused",
                    issue=key,
                    action=action.kind,
                    action_id=action.id,
                    error=str(exc),
                    hint=refusal_hint(action, exc.status),
                )
                done.add(action.id)
                result.failed.append(action.id)
                claim.intent = claim.intent.with_events(
                    Event(self.now(), "failed", f"{action.kind}: {exc}"[:300])
                )
        intent = claim.intent

        if result.failed and any(a not in done for a in result.failed):
            # leave the old record with what is done, the claim given up (no lease to wait for):
            # the next cycle continues from here
            partial = replace(intent, writer=self.claim, claimed_at=None).with_done(*sorted(done))
            partial = replace(partial, outbox=tuple(outbox), notify_retry=tuple(retry))
            partial = with_own_comments(
                partial, fresh, self.gateway.posted_comments(key), self._taught(key)
            )
            if self._abandoned:
                partial = partial.with_events(*self._abandoned)
            self._write(key, partial)
            self._drop_slots(claim)
            result.record = partial
            return result

        assert decision.record is not None
        final = (
            replace(
                decision.record,
                writer=self.claim,
                claimed_at=None,
                outbox=tuple(outbox),
                notify_retry=tuple(retry),
            )
            .without_pending()
            .with_done(*[a.id for a in decision.actions if a.id in done])
        )
        failures = [e for e in intent.timeline if e.kind == "failed" and e not in final.timeline]
        if failures or notified or self._abandoned:
            final = final.with_events(*failures, *self._abandoned, *notified)
        final = with_own_comments(
            final, fresh, self.gateway.posted_comments(key), self._taught(key)
        )
        final = self._archive(key, fresh.record, final)
        try:
            result.record = self._write(key, final)
            self._drop_slots(claim)
        except RetryableError:
            raise
        except JiraError as exc:
            # The new record is refused (too large, or a 4xx): keep what is known -- the effects
            # done, the outbox -- on the last stored record, with the failure on its timeline
            # (once), so that the next cycle does not repeat anything and people can see why.
            fallback = replace(intent, writer=self.claim, claimed_at=None).with_done(*sorted(done))
            fallback = replace(fallback, outbox=tuple(outbox), notify_retry=tuple(retry))
            fallback = with_failure(fallback, self.now(), f"record not stored: {exc}")
            try:
                stored = self._write(key, fallback)
            except JiraError as again:
                if refused_write(again):
                    raise RecordNotStored(
                        f"record not stored: {exc}; nor the previous one with the failure ({again})",
                        again.status,
                        digest(fresh.record),
                    ) from again
                raise
            self._drop_slots(claim)
            result.unstored = f"record not stored: {exc}"[:300]
            result.stored_state = digest(read_record(to_json(stored))[0])
            result.record = fallback
            result.failed.append(f"{key}:record")
            result.note = f"the new record could not be stored: {exc}"
        return result

    def claim_is_live(self, record: Record) -> bool:
        """Is another, still running, process applying this record's pending actions?

        The claim's time is Jira's (``claimed_at`` comes from a ``Date`` header) and so is the
        comparison; a process known to be gone (same kernel and pid namespace, pid no longer running)
        is dead at once, whatever the lease.
        """
        return claim_live(
            record.writer, record.claimed_at, self.claim, self.server_now(), self.lease
        )

    def compensate(self, loaded: Loaded) -> None:
        """The last line: the worker's comments carrying the same action id twice are cut back to one.

        Two processes can only both comment if Jira's create-if-absent failed, or a process acted after
        pausing longer than the lease; whichever worker next reads the comments deletes the later copies.
        """
        if not loaded.snapshot.comments:
            return
        key = loaded.snapshot.key
        with self._learned_lock:
            learned = dict(self._learned.get(key, {}))
        comments = known_actions(loaded.snapshot.comments, loaded.record, learned)
        if maybe_doubled(comments):
            # comments from a search carry no action ids, and the record does not list this one
            # (posted by a process whose record write was lost, or by an older worker): the
            # comments are read again whole, with their ids, to tell a duplicate for sure
            try:
                comments = tuple(self.gateway.comments(key))
            except JiraError as exc:
                log.info("compensation_deferred", issue=key, error=str(exc))
                return
            with self._learned_lock:
                self._learned.setdefault(key, {}).update(
                    (c.id, c.action_id) for c in comments if c.action_id
                )
        seen: set[str] = set()
        for c in sorted(comments, key=lambda c: (c.created, int(c.id) if c.id.isdigit() else 0)):
            if c.action_id is None:
                continue
            if c.action_id in seen:
                log.warning(
                    "duplicate_comment_deleted",
                    issue=loaded.snapshot.key,
                    action_id=c.action_id,
                    comment_id=c.id,
                )
                try:
                    self.gateway.delete_comment(loaded.snapshot.key, c.id)
                except JiraError as exc:
                    log.warning(
                        "duplicate_comment_kept",
                        issue=loaded.snapshot.key,
                        comment_id=c.id,
                        error=str(exc),
                        hint="the worker account needs 'Delete own comments'",
                    )
            seen.add(c.action_id)

    def _taught(self, key: str) -> tuple[tuple[str, str], ...]:
        """The worker's comments of ``key`` a whole read taught this cycle (taken once)."""
        with self._learned_lock:
            return tuple(self._learned.pop(key, {}).items())

    # -- effects ------------------------------------------------------------------------------

    def _perform(self, fresh: Loaded, action: Action) -> None:
        key = fresh.snapshot.key
        if isinstance(action, Assign):
            self.gateway.assign(key, action.account_id)
        elif isinstance(action, AddWatcher):
            self.gateway.add_watcher(key, action.account_id)
        elif isinstance(action, PostComment):
            visibility = None
            if action.restricted and self.visibility is not None:
                visibility = {"type": self.visibility.type, "value": self.visibility.value}
            self._post_comment(key, action, visibility)

    def _post_comment(
        self, key: str, action: PostComment, visibility: Mapping[str, str] | None
    ) -> None:
        """Post a comment once: an answer that leaves its fate unknown (timeout, dropped connection,
        5xx) is followed by a look-up of the comment carrying the action id before any resend.

        Raises :class:`AmbiguousWriteError` when a resend is ambiguous too and the look-up still
        finds nothing; the action then stays pending for the next cycle, which looks again.
        """
        body = to_adf(action.body)
        for attempt in range(1, AMBIGUOUS_ATTEMPTS + 1):
            try:
                self.gateway.post_comment(key, body, action_id=action.id, visibility=visibility)
                return
            except AmbiguousWriteError as exc:
                found = self.gateway.find_comment(key, action.id)
                log.warning(
                    "comment_outcome_unknown",
                    issue=key,
                    action_id=action.id,
                    error=str(exc),
                    found=bool(found),
                    attempt=attempt,
                )
                if found:
                    self.gateway.note_own_comment(key, found, action.id)
                    return
                if attempt == AMBIGUOUS_ATTEMPTS:
                    raise

    def _already_happened(self, fresh: Loaded, action: Action) -> bool:
        if isinstance(action, PostComment):
            comments = fresh.snapshot.comments or ()
            return any(c.action_id == action.id for c in comments)
        if isinstance(action, Assign):
            return fresh.snapshot.assignee == action.account_id
        # Watchers are idempotent. A pending notification is never taken as done here: only its
        # outbox entries can say so. ``_notify`` sends what has no entry yet, abandons (visibly,
        # backup used) what was left in ``intent`` and leaves final entries alone.
        return False

    def _notify(
        self, key: str, action: Notify, outbox: list[OutboxEntry], claim: Claim
    ) -> list[OutboxEntry]:
        if self.notifier is None:
            return outbox

        def persist(entries: list[OutboxEntry]) -> None:
            # right before each provider call: is the claim still ours? A process paused in an
            # earlier effect (a slow provider, a stall) longer than the lease may have been taken
            # over; the taker has sent, or abandoned, what this one was about to send
            if not self._keep_claim(claim, force=True):
                raise ClaimLapsed(key)
            claim.intent = replace(claim.intent, outbox=tuple(entries))
            try:
                self._write_intermediate(claim, claim.intent)
            except JiraError as exc:
                # no recorded intent, so nothing is sent; the notification stays pending
                raise RecordWriteRefused(
                    f"the record could not be written before sending ({exc}); "
                    "the notification stays pending",
                    exc.status,
                ) from exc

        after = list(self.notifier.deliver(action, outbox, persist))
        for event in abandoned_events(outbox, after, action, self.now(), self.texts):
            log.warning(
                "notification_abandoned",
                issue=key,
                action_id=action.id,
                detail=event.detail,
            )
            self._abandoned.append(event)
        return after

    def _retry_notifications(self, key: str, record: Record, claim: Claim) -> Record:
        outbox = list(record.outbox)
        keep = []
        for action in record.notify_retry:
            self._abandoned = []
            outbox = self._notify(key, action, outbox, claim)
            if still_failing(outbox, action.id):
                keep.append(action)
            record = record.with_events(*self._abandoned)
        return replace(record, outbox=tuple(outbox), notify_retry=tuple(keep))

    def _write(self, key: str, record: Record) -> Record:
        """Store ``record`` (timeline parts first, see ``fit``); returns what was stored.

        Always in this worker's schema: from then on its states are claimed the schema-3 way and
        schema-2 workers leave the issue alone (docs/design.md, "Rolling upgrades")."""
        fitted = fit(replace(record, schema=SCHEMA))
        if not fitted.fits:
            raise RecordTooLarge(
                f"the escalation record of {key} does not fit in a Jira property "
                f"({size_of(fitted.record):,} bytes after moving its history out)",
                400,
            )
        prop = self.gateway.property_key
        for part in fitted.parts:
            self.gateway.put_property(
                key,
                part_key(prop, fitted.record.epoch, part.number),
                part_to_json(fitted.record.epoch, part),
            )
        self.gateway.put_record(key, to_json(fitted.record))
        return fitted.record

    def _archive(self, key: str, stored: Record | None, new: Record) -> Record:
        """Keep a closed escalation whole before a new one on the same issue replaces the record.

        The closed record goes to its own history property first (a repeat after a crash writes
        the same value again), then the new record lists its epoch in ``history``.
        """
        if stored is None or stored.status != "closed" or new.epoch <= stored.epoch:
            return new
        if stored.epoch not in stored.history:
            self.gateway.put_property(
                key,
                history_key(self.gateway.property_key, stored.epoch),
                to_json(archived(stored)),
            )
        history = tuple(dict.fromkeys(stored.history + new.history + (stored.epoch,)))
        return replace(new, history=history)

    def _write_intermediate(self, claim: Claim, record: Record) -> None:
        """A record written while effects are under way: it carries our token and a fresh ``claimed_at``
        (Jira time), so that it is itself the claim; others take it over only once that lapses."""
        stored = self._write(
            claim.fresh.snapshot.key,
            replace(record, writer=self.claim, claimed_at=self.server_now()),
        )
        claim.written = digest(read_record(to_json(stored))[0])
        claim.confirmed = self.now()


def run_now(job: Callable[[], None]) -> None:
    job()


def known_actions(
    comments: Sequence[Comment], record: Record | None, learned: Mapping[str, str] | None = None
) -> tuple[Comment, ...]:
    """The comments, with the action id the record (or a whole read this cycle) gives each of
    the worker's own."""
    known = dict(record.own_comments) if record is not None else {}
    known.update(learned or {})
    if not known or all(c.action_id is not None or c.id not in known for c in comments):
        return tuple(comments)
    return tuple(
        c if c.action_id is not None or c.id not in known else replace(c, action_id=known[c.id])
        for c in comments
    )


# Whether an issue without a record is claimed with the shared slot ``<key>.claim.none`` (five
# requests) rather than a claim of one's own (four). Only unreleased builds of round 2 read shared
# slots; no released worker does (docs/design.md, "Rolling upgrades"), so new issues take the
# four-request claim. The race tests of the shared slot turn it on to keep exercising that path,
# which records of schema 2 still take.
SHARED_SLOT_FOR_NEW_ISSUES = False


def own_protocol(record: Record | None) -> bool:
    """Whether a state is claimed with a property of one's own: records stored by a schema-3 worker
    and issues without a record. An older record: the shared slots, which schema-2 workers read."""
    if record is None:
        return not SHARED_SLOT_FOR_NEW_ISSUES
    return record.schema >= SCHEMA


def big_properties(property_key: str, record: Record | None) -> list[str]:
    """The worker's own properties that the read of every claim leaves out (``*all,-key``): closed
    escalations kept whole and the timeline parts of the present one, each up to 32 KB."""
    if record is None:
        return []
    return [
        *(history_key(property_key, e) for e in record.history),
        *(part_key(property_key, record.epoch, n) for n in range(1, record.timeline_parts + 1)),
    ]


def maybe_doubled(comments: Sequence[Comment]) -> bool:
    """A comment whose action id is unknown has the author and text of another comment: it may be
    the other one posted twice (a comment's words follow from its action)."""
    texts = Counter((c.author, c.text) for c in comments if c.text)
    return any(c.action_id is None and c.text and texts[(c.author, c.text)] > 1 for c in comments)


PERMISSIONS = {
    "assign": "Assign issues (and the target must be assignable: Assignable user)",
    "watch": "Manage watcher list",
    "comment": "Add comments (and, for people issues, membership of the visibility group or role)",
}


def with_own_comments(
    record: Record,
    fresh: Loaded,
    posted: Sequence[tuple[str, str]] = (),
    learned: Sequence[tuple[str, str]] = (),
) -> Record:
    """The record with the worker's comments it knows of: those the stored record listed (a new
    escalation on the issue starts from an empty record), those read whole with their action ids
    (by the fresh read, or by compensation: ``learned``), and those this process just posted; the
    newest ``OWN_COMMENTS_LIMIT`` are kept.

    The newest one posted also counts as read: the next cold cycle needs no comment read just
    because the worker commented (see ``worker.cycle.gather``).
    """
    stored = fresh.record.own_comments if fresh.record is not None else ()
    read = tuple((c.id, c.action_id) for c in fresh.snapshot.comments or () if c.action_id)
    merged = dict.fromkeys(stored + record.own_comments + read + tuple(learned) + tuple(posted))
    newest = sorted(merged, key=lambda p: _comment_order(p[0]))[-OWN_COMMENTS_LIMIT:]
    own = tuple(newest)
    if own != record.own_comments:
        record = replace(record, own_comments=own)
    if posted and record.last_read is not None:
        mark = record.last_read.comment
        newest_posted = max((c for c, _ in posted), key=_comment_order)
        if mark is None or _comment_order(newest_posted) > _comment_order(mark):
            record = replace(record, last_read=replace(record.last_read, comment=newest_posted))
    return record


def _comment_order(comment_id: str) -> tuple[int, str]:
    return (int(comment_id), "") if comment_id.isdigit() else (-1, comment_id)


def refusal_hint(action: Action, status: int | None) -> str:
    """What a person should check when Jira refuses an effect for good."""
    if status == 403:
        return f"the worker account lacks the project permission: {PERMISSIONS.get(action.kind, 'Edit issues')}"
    if status == 404:
        return "the issue was deleted, moved out of scope, or is no longer visible to the worker account"
    if status == 400 and action.kind == "assign":
        return "the person cannot be assigned (inactive, or not an Assignable user in this project)"
    return "see the error text; the action is not repeated"


NOTIFIED = N_("{event} via {channels}")
CHANNEL_STATUS = N_("{channel}: {status}")
STATUS_WORDS = {
    "intent": N_("intent"),
    "sent": N_("sent"),
    "failed": N_("failed"),
    "skipped": N_("skipped"),
    "abandoned": N_("abandoned"),
}
ABANDONED = N_("{event} via {channel}: {why}; {backup}")
UNKNOWN_OUTCOME = N_("outcome unknown after an interruption, not sent again")
GAVE_UP = N_("gave up")
BACKUPS = N_("backup: {channels}")
NO_BACKUP = N_("no backup channel for this severity")


def _word(texts: Texts, words: Mapping[str, str], key: str) -> str:
    msgid = words.get(key)
    return texts.gettext(msgid) if msgid else key


def notified_events(
    outbox: Sequence[OutboxEntry], action: Notify, at: datetime, texts: Texts = ENGLISH
) -> list[Event]:
    """Timeline entries saying where a notification went (channel and outcome), for the written trail."""
    parts = [
        texts.gettext(CHANNEL_STATUS).format(
            channel=e.channel, status=_word(texts, STATUS_WORDS, e.status)
        )
        for e in outbox
        if e.message_id == action.id
    ]
    if not parts:
        return []
    return [
        Event(
            at,
            "notified",
            texts.gettext(NOTIFIED).format(
                event=_word(texts, S.EVENT_WORDS, action.event), channels=", ".join(parts)
            ),
            action.recipients[0] if action.recipients else None,
        )
    ]


def with_failure(record: Record, at: datetime, detail: str) -> Record:
    """``record`` with a ``failed`` event, unless its newest failure already says the same."""
    detail = detail[:300]
    last = next((e for e in reversed(record.timeline) if e.kind == "failed"), None)
    if last is not None and last.detail == detail:
        return record
    return record.with_events(Event(at, "failed", detail))


def working_outbox(decision: Decision, stored: Record | None) -> list[OutboxEntry]:
    """The outbox to deliver this decision's notifications against.

    The decision's record carries the outbox forward, except when it starts a new record: the stored
    one may then be only a claim placeholder whose outbox holds the entries of a delivery cut short
    by a crash. Those entries are kept, or the next attempt would not know what was already sent.
    """
    outbox = list((decision.record.outbox if decision.record else ()) or ())
    if stored is None:
        return outbox
    ids = {a.id for a in decision.actions if isinstance(a, Notify)}
    have = {(e.message_id, e.channel) for e in outbox}
    for e in stored.outbox:
        if e.message_id in ids and (e.message_id, e.channel) not in have:
            outbox.append(e)
    return outbox


def abandoned_events(
    before: Sequence[OutboxEntry],
    after: Sequence[OutboxEntry],
    action: Notify,
    at: datetime,
    texts: Texts = ENGLISH,
) -> list[Event]:
    """One timeline event per channel of ``action`` that became ``abandoned`` during this delivery,
    naming the backup that went to the people it may not have reached (or saying there was none)."""
    was = {e.channel: e.status for e in before if e.message_id == action.id}
    mine = [e for e in after if e.message_id == action.id]
    events = []
    for e in mine:
        channel = e.channel
        if e.status != "abandoned" or was.get(channel) == "abandoned":
            continue
        backups = [
            f"{b.channel} {_word(texts, STATUS_WORDS, b.status)}"
            for b in mine
            if b.backup_for == channel
        ]
        why = (
            texts.gettext(UNKNOWN_OUTCOME)
            if was.get(channel) == "intent"
            else (e.detail or texts.gettext(GAVE_UP))
        )
        backup = (
            texts.gettext(BACKUPS).format(channels=", ".join(backups))
            if backups
            else texts.gettext(NO_BACKUP)
        )
        detail = texts.gettext(ABANDONED).format(
            event=_word(texts, S.EVENT_WORDS, action.event), channel=channel, why=why, backup=backup
        )
        events.append(
            Event(
                at,
                "abandoned",
                detail[:300],
                action.recipients[0] if action.recipients else None,
            )
        )
    return events


def still_failing(outbox: Sequence[OutboxEntry], message_id: str) -> bool:
    """A channel of this message failed and may be tried again (the outbox gives up after its attempt limit)."""
    return any(e.message_id == message_id and e.status == "failed" for e in outbox)


@dataclass
class Claim:
    """An issue whose claim slot this process won, waiting for ``Applier.finish``."""

    fresh: Loaded
    decision: Decision
    todo: list[Action]
    done: set[str]
    intent: Record  # the record as written while effects are under way
    result: ApplyResult
    slot: str = ""  # the slot property won
    state: str = ""  # digest of the record the claim builds on
    generation: int = 0
    confirmed: datetime = field(default_factory=lambda: datetime.min)  # host clock, elapsed only
    written: str | None = None  # digest of our latest intermediate record, once one is written
    own: bool = False  # claimed with a property of our own (schema 3), not a shared slot
    taken: tuple[str, ...] = ()  # claims of dead holders taken over: deleted with ours
    over: tuple[str, ...] = ()  # their tokens, listed in our claim


def size_of(record: Record) -> int:
    return len(dumps(record).encode())
