"""Apply a decision's actions exactly once.

Protocol for one issue:

1. Re-read the issue by key (GET is never stale, unlike search). If it changed since it was
   gathered, decide again on the fresh data: stale search must never cause a second escalation.
2. Skip actions whose id the fresh record lists as done. For ids listed as pending (a previous run
   recorded its intent and then died), look for the effect first: a comment carrying the action id,
   the assignee already set. Notifications whose fate is unknown are never re-sent.
3. Record intent: write the *old* record plus the pending ids and a claim token, then read it back;
   if another process's claim is there, leave the issue to it.
4. Perform the effects in order, then write the new record with the ids marked done.
"""

from __future__ import annotations

import os
import socket
import threading
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Protocol

import structlog

from worker.config.model import Visibility
from worker.core.actions import Action, AddWatcher, Assign, Decision, Notify, PostComment
from worker.core.delivery import OutboxEntry
from worker.core.record import (
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
from worker.cycle.gather import Gatherer, Loaded
from worker.jira.adf import to_adf
from worker.jira.gateway import JiraGateway
from worker.jira.http import AmbiguousWriteError, JiraError, RetryableError
from worker.jira.stored_record import read_record

log = structlog.get_logger("worker.apply")


class Notifier(Protocol):
    """Sends a Notify action through its channels; returns the updated outbox entries."""

    def start_cycle(self) -> None: ...

    def deliver(
        self,
        action: Notify,
        entries: Sequence[OutboxEntry],
        persist: Callable[[list[OutboxEntry]], None],
    ) -> list[OutboxEntry]: ...


HOST = socket.gethostname()
AMBIGUOUS_ATTEMPTS = 2  # sends of one comment per cycle when the answers leave its fate unknown


_LIVE: set[str] = set()  # claim tokens of the cycles running in this process right now
_LIVE_LOCK = threading.Lock()


def mark_live(token: str, live: bool) -> None:
    """A cycle announces that it is running (or finished), for claims made by this very process."""
    with _LIVE_LOCK:
        (_LIVE.add if live else _LIVE.discard)(token)


def new_claim_token() -> str:
    """``host:pid:random`` — who claims an issue, so that others can tell a live claim from a dead one."""
    return f"{HOST}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def pid_alive(pid: int) -> bool:
    """Whether a process of this machine is running (a zombie — killed, not yet reaped — counts as dead)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


class RecordTooLarge(JiraError):
    """A record still above the property size limit after ``fit`` moved everything it could."""


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
        min_settle: float = 0.05,
        max_settle: float = 2.0,
    ) -> None:
        self.now = now
        self.sleep = sleep
        self.lease = lease
        self.min_settle, self.max_settle = min_settle, max_settle
        self.write_latency = 0.0
        self.gateway = gateway
        self.gatherer = gatherer
        self.redecide = redecide
        self.visibility = visibility
        self.notifier = notifier
        self.claim = claim or new_claim_token()
        self._abandoned: list[
            Event
        ] = []  # notifications abandoned while applying the current issue

    # -- public -------------------------------------------------------------------------------

    def apply(self, loaded: Loaded, decision: Decision) -> ApplyResult:
        """Claim, settle and finish one issue (a cycle with many issues calls the three phases itself)."""
        claim = self.claim_issue(loaded, decision)
        if isinstance(claim, ApplyResult):
            return claim
        self.settle()
        return self.finish(claim)

    def claim_issue(self, loaded: Loaded, decision: Decision) -> Claim | ApplyResult:
        """Phase 1: fresh read, re-decide if needed, record intent. An ApplyResult means nothing more to do."""
        key = loaded.snapshot.key
        result = ApplyResult(key)
        if loaded.blocked:
            result.note = f"record written by a newer worker ({loaded.problem}); left untouched"
            return result
        if not decision.actions:
            record = decision.record
            if record is not None and record.notify_retry and self.notifier is not None:
                retried = self._retry_notifications(key, record)
                if retried != record:
                    self._write(key, retried)
                    result.record = retried
                    result.note = (
                        f"re-tried {len(record.notify_retry)} notification(s) with a failed channel"
                    )
                return result
            if decision.changed and record is not None:
                self._write(key, record)
                result.record = record
            return result

        fresh = self.gatherer.refresh(loaded)
        if fresh is None:
            result.note = "the issue is gone or no longer visible to the worker"
            return result
        if fresh.blocked:
            result.note = f"record written by a newer worker ({fresh.problem}); left untouched"
            return result
        if (
            fresh.record != loaded.record
            or fresh.snapshot.updated != loaded.snapshot.updated
            or fresh.snapshot.labels != loaded.snapshot.labels
            or not loaded.description_read  # searched without it: decide on the whole issue
        ):
            decision = self.redecide(fresh)
            if not decision.actions:
                if decision.changed and decision.record is not None:
                    self._write(key, decision.record)
                    result.record = decision.record
                result.note = "fresh read showed nothing left to do"
                return result
        base = fresh.record
        if base is not None and base.pending and self.claim_is_live(base):
            result.note = f"another worker process ({base.writer}) is applying this issue's actions; left to it"
            return result
        done = set(base.done) if base else set()
        pending = set(base.pending) if base else set()
        if pending and fresh.snapshot.comments is None:
            fresh = self.gatherer.with_comments(fresh)

        todo: list[Action] = []
        for action in decision.actions:
            if action.id in done:
                result.skipped.append(action.id)
            elif action.id in pending and self._already_happened(fresh, action):
                result.skipped.append(action.id)
                done.add(action.id)
            else:
                todo.append(action)

        # record intent on top of the old record; ``finish`` checks nobody else claimed it since
        intent_base = base if base is not None else Record(epoch=0, status="invalid")
        intent = (
            replace(intent_base, writer=self.claim, claimed_at=self.now())
            .with_done(*sorted(done))
            .with_pending(*(a.id for a in todo))
        )
        t0 = time.perf_counter()
        self._write(key, intent)
        self.write_latency = max(self.write_latency, time.perf_counter() - t0)
        return Claim(fresh, decision, todo, done, intent, result)

    def settle(self) -> None:
        """Wait once after the claims, so that a competing writer's claim lands before we check ours.

        Jira properties have no compare-and-swap; this is Fischer's mutual exclusion: claim, wait
        longer than a write takes, check. The wait adapts to the latency measured for our own claims.
        """
        if self.write_latency <= 0:
            return
        self.sleep(min(self.max_settle, max(self.min_settle, 5 * self.write_latency)))

    def finish(self, claim: Claim) -> ApplyResult:
        """Phase 3: check the claim is still ours, perform the effects, record them done."""
        fresh, decision, todo, done, intent, result = (
            claim.fresh,
            claim.decision,
            claim.todo,
            claim.done,
            claim.intent,
            claim.result,
        )
        key = fresh.snapshot.key
        check, _, _ = read_record(self.gateway.record_value(key))
        if check is None or check.writer != self.claim:
            result.note = "another worker process claimed this issue; leaving it to that process"
            return result

        outbox = working_outbox(decision, fresh.record)
        retry = list((decision.record.notify_retry if decision.record else ()) or ())
        notified: list[Event] = []
        self._abandoned = []
        for action in todo:
            try:
                if isinstance(action, Notify):
                    outbox = self._notify(key, action, outbox, intent)
                    if still_failing(outbox, action.id):
                        retry.append(action)
                    notified.extend(notified_events(outbox, action, self.now()))
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
                intent = intent.with_events(
                    Event(self.now(), "failed", f"{action.kind}: {exc}"[:300])
                )

        if result.failed and any(a not in done for a in result.failed):
            # leave the old record with what is done; the next cycle continues from here
            partial = replace(intent, writer=self.claim).with_done(*sorted(done))
            partial = replace(partial, outbox=tuple(outbox), notify_retry=tuple(retry))
            if self._abandoned:
                partial = partial.with_events(*self._abandoned)
            self._write(key, partial)
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
        final = with_own_comment(final, self.gateway.posted_comment(key))
        final = self._archive(key, fresh.record, final)
        try:
            result.record = self._write(key, final)
        except RetryableError:
            raise
        except JiraError as exc:
            # The new record is refused (too large, or a 4xx): keep what is known -- the effects
            # done, the outbox -- on the last stored record, with the failure on its timeline
            # (once), so that the next cycle does not repeat anything and people can see why.
            fallback = replace(intent, writer=self.claim, claimed_at=None).with_done(*sorted(done))
            fallback = replace(fallback, outbox=tuple(outbox), notify_retry=tuple(retry))
            fallback = with_failure(fallback, self.now(), f"record not stored: {exc}")
            log.error("record_not_stored", issue=key, error=str(exc))
            self._write(key, fallback)
            result.record = fallback
            result.failed.append(f"{key}:record")
            result.note = f"the new record could not be stored: {exc}"
        return result

    def claim_is_live(self, record: Record) -> bool:
        """Is another, still running, process applying this record's pending actions?

        On this machine the claim's process id answers directly (a killed process's claim is dead at
        once); from another machine the claim is trusted for ``lease`` after it was made.
        """
        writer = record.writer or ""
        if not writer or writer == self.claim:
            return False
        host, _, rest = writer.partition(":")
        pid_text = rest.partition(":")[0]
        if host == HOST and pid_text.isdigit():
            if int(pid_text) == os.getpid():
                with _LIVE_LOCK:
                    return writer in _LIVE  # another cycle of this process, still running
            return pid_alive(int(pid_text))
        return record.claimed_at is not None and self.now() - record.claimed_at < self.lease

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
        self, key: str, action: Notify, outbox: list[OutboxEntry], intent: Record
    ) -> list[OutboxEntry]:
        if self.notifier is None:
            return outbox

        def persist(entries: list[OutboxEntry]) -> None:
            try:
                self._write(key, replace(intent, outbox=tuple(entries)))
            except JiraError as exc:
                # no recorded intent, so nothing is sent; the notification stays pending
                raise RecordWriteRefused(
                    f"the record could not be written before sending ({exc}); "
                    "the notification stays pending",
                    exc.status,
                ) from exc

        after = list(self.notifier.deliver(action, outbox, persist))
        for event in abandoned_events(outbox, after, action, self.now()):
            log.warning(
                "notification_abandoned",
                issue=key,
                action_id=action.id,
                detail=event.detail,
            )
            self._abandoned.append(event)
        return after

    def _retry_notifications(self, key: str, record: Record) -> Record:
        outbox = list(record.outbox)
        keep = []
        for action in record.notify_retry:
            self._abandoned = []
            outbox = self._notify(key, action, outbox, record)
            if still_failing(outbox, action.id):
                keep.append(action)
            record = record.with_events(*self._abandoned)
        return replace(record, outbox=tuple(outbox), notify_retry=tuple(keep))

    def _write(self, key: str, record: Record) -> Record:
        """Store ``record`` (timeline parts first, see ``fit``); returns what was stored."""
        fitted = fit(record)
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


PERMISSIONS = {
    "assign": "Assign issues (and the target must be assignable: Assignable user)",
    "watch": "Manage watcher list",
    "comment": "Add comments (and, for people issues, membership of the visibility group or role)",
}


def with_own_comment(record: Record, comment_id: str | None) -> Record:
    """The worker's own newest comment counts as read: the next cold cycle needs no comment read
    just because the worker commented (see ``worker.cycle.gather``)."""
    if comment_id is None or record.last_read is None:
        return record
    return replace(record, last_read=replace(record.last_read, comment=comment_id))


def refusal_hint(action: Action, status: int | None) -> str:
    """What a person should check when Jira refuses an effect for good."""
    if status == 403:
        return f"the worker account lacks the project permission: {PERMISSIONS.get(action.kind, 'Edit issues')}"
    if status == 404:
        return "the issue was deleted, moved out of scope, or is no longer visible to the worker account"
    if status == 400 and action.kind == "assign":
        return "the person cannot be assigned (inactive, or not an Assignable user in this project)"
    return "see the error text; the action is not repeated"


def notified_events(outbox: Sequence[OutboxEntry], action: Notify, at: datetime) -> list[Event]:
    """Timeline entries saying where a notification went (channel and outcome), for the written trail."""
    parts = [f"{e.channel}: {e.status}" for e in outbox if e.message_id == action.id]
    if not parts:
        return []
    return [
        Event(
            at,
            "notified",
            f"{action.event} via " + ", ".join(parts),
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
        backups = [f"{b.channel} {b.status}" for b in mine if b.backup_for == channel]
        why = (
            "outcome unknown after an interruption, not sent again"
            if was.get(channel) == "intent"
            else (e.detail or "gave up")
        )
        backup = (
            "backup: " + ", ".join(backups) if backups else "no backup channel for this severity"
        )
        events.append(
            Event(
                at,
                "abandoned",
                f"{action.event} via {channel}: {why}; {backup}"[:300],
                action.recipients[0] if action.recipients else None,
            )
        )
    return events


def still_failing(outbox: Sequence[OutboxEntry], message_id: str) -> bool:
    """A channel of this message failed and may be tried again (the outbox gives up after its attempt limit)."""
    return any(e.message_id == message_id and e.status == "failed" for e in outbox)


@dataclass
class Claim:
    """An issue whose intent is recorded, waiting for ``Applier.finish``."""

    fresh: Loaded
    decision: Decision
    todo: list[Action]
    done: set[str]
    intent: Record
    result: ApplyResult


def size_of(record: Record) -> int:
    return len(dumps(record).encode())
