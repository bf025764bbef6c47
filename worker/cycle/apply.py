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

import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Protocol

import structlog

from worker.config.model import Visibility
from worker.core.actions import Action, AddWatcher, Assign, Decision, Notify, PostComment
from worker.core.record import Event, Record, dumps, fit, to_json
from worker.cycle.gather import Gatherer, Loaded, read_record
from worker.jira.adf import to_adf
from worker.jira.gateway import JiraGateway
from worker.jira.http import AmbiguousWriteError, JiraError, RetryableError

log = structlog.get_logger("worker.apply")


class Notifier(Protocol):
    """Sends a Notify action through its channels; returns the updated outbox entries."""

    def deliver(
        self, action: Notify, entries: Sequence[Mapping[str, Any]], persist: Callable[[list[dict[str, Any]]], None]
    ) -> list[dict[str, Any]]: ...


@dataclass
class ApplyResult:
    key: str
    performed: list[Action] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # ids already done / detected
    failed: list[str] = field(default_factory=list)
    record: Record | None = None
    note: str = ""


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
    ) -> None:
        self.now = now
        self.gateway = gateway
        self.gatherer = gatherer
        self.redecide = redecide
        self.visibility = visibility
        self.notifier = notifier
        self.claim = claim or uuid.uuid4().hex[:12]

    # -- public -------------------------------------------------------------------------------

    def apply(self, loaded: Loaded, decision: Decision) -> ApplyResult:
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
                    result.note = f"re-tried {len(record.notify_retry)} notification(s) with a failed channel"
                return result
            if decision.changed and record is not None:
                self._write(key, record)
                result.record = record
            return result

        fresh = self.gatherer.load_one(key, with_comments=True)
        if fresh is None:
            result.note = "the issue is gone or no longer visible to the worker"
            return result
        if fresh.blocked:
            result.note = f"record written by a newer worker ({fresh.problem}); left untouched"
            return result
        if fresh.record != loaded.record or fresh.snapshot.updated != loaded.snapshot.updated or fresh.snapshot.labels != loaded.snapshot.labels:
            decision = self.redecide(fresh)
            if not decision.actions:
                if decision.changed and decision.record is not None:
                    self._write(key, decision.record)
                    result.record = decision.record
                result.note = "fresh read showed nothing left to do"
                return result
        base = fresh.record
        done = set(base.done) if base else set()
        pending = set(base.pending) if base else set()

        todo: list[Action] = []
        for action in decision.actions:
            if action.id in done:
                result.skipped.append(action.id)
            elif action.id in pending and self._already_happened(fresh, action):
                result.skipped.append(action.id)
                done.add(action.id)
            else:
                todo.append(action)

        # record intent on top of the old record, then check nobody else claimed the issue
        intent_base = base if base is not None else Record(epoch=0, status="invalid")
        intent = replace(intent_base, writer=self.claim).with_done(*sorted(done)).with_pending(*(a.id for a in todo))
        self._write(key, intent)
        check, _, _ = read_record(self.gateway.record_value(key))
        if check is None or check.writer != self.claim:
            result.note = "another worker process claimed this issue; leaving it to that process"
            return result

        outbox = list((decision.record.outbox if decision.record else ()) or ())
        retry = list((decision.record.notify_retry if decision.record else ()) or ())
        notified: list[Event] = []
        for action in todo:
            try:
                if isinstance(action, Notify):
                    outbox = self._notify(key, action, outbox, intent)
                    if still_failing(outbox, action.id):
                        retry.append(notify_to_json(action))
                    notified.extend(notified_events(outbox, action, self.now()))
                else:
                    self._perform(fresh, action)
                done.add(action.id)
                result.performed.append(action)
            except AmbiguousWriteError as exc:
                if isinstance(action, PostComment) and self.gateway.find_comment(key, action.id):
                    done.add(action.id)
                    result.performed.append(action)
                    continue
                result.failed.append(action.id)
                result.note = str(exc)
                break
            except RetryableError as exc:
                result.failed.append(action.id)
                result.note = str(exc)
                break
            except JiraError as exc:
                # refused for good (400/403/404): record it and carry on with the other effects
                log.warning("action_refused", issue=key, action=action.kind, action_id=action.id, error=str(exc),
                            hint=refusal_hint(action, exc.status))
                done.add(action.id)
                result.failed.append(action.id)
                intent = intent.with_events(Event(self.now(), "failed", f"{action.kind}: {exc}"[:300]))

        if result.failed and any(a not in done for a in result.failed):
            # leave the old record with what is done; the next cycle continues from here
            partial = replace(intent, writer=self.claim).with_done(*sorted(done))
            partial = replace(partial, outbox=tuple(outbox), notify_retry=tuple(retry))
            self._write(key, partial)
            result.record = partial
            return result

        assert decision.record is not None
        final = replace(decision.record, writer=self.claim, outbox=tuple(outbox), notify_retry=tuple(retry), pending=()).with_done(
            *[a.id for a in decision.actions if a.id in done]
        )
        failures = [e for e in intent.timeline if e.kind == "failed" and e not in final.timeline]
        if failures or notified:
            final = final.with_events(*failures, *notified)
        self._write(key, final)
        result.record = final
        return result

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
            self.gateway.post_comment(key, to_adf(action.body), action_id=action.id, visibility=visibility)

    def _already_happened(self, fresh: Loaded, action: Action) -> bool:
        if isinstance(action, PostComment):
            comments = fresh.snapshot.comments or ()
            return any(c.action_id == action.id for c in comments)
        if isinstance(action, Assign):
            return fresh.snapshot.assignee == action.account_id
        # watchers are idempotent; notifications are settled by the outbox
        return isinstance(action, Notify)

    def _notify(self, key: str, action: Notify, outbox: list[Mapping[str, Any]], intent: Record) -> list[Mapping[str, Any]]:
        if self.notifier is None:
            return outbox

        def persist(entries: list[dict[str, Any]]) -> None:
            self._write(key, replace(intent, outbox=tuple(entries)))

        return list(self.notifier.deliver(action, outbox, persist))

    def _retry_notifications(self, key: str, record: Record) -> Record:
        outbox: list[Mapping[str, Any]] = list(record.outbox)
        keep = []
        for payload in record.notify_retry:
            try:
                action = notify_from_json(payload)
            except (TypeError, KeyError):
                continue  # unreadable payload: drop it rather than fail every cycle
            outbox = self._notify(key, action, outbox, record)
            if still_failing(outbox, action.id):
                keep.append(payload)
        return record.evolve(outbox=tuple(outbox), notify_retry=tuple(keep))

    def _write(self, key: str, record: Record) -> None:
        self.gateway.put_record(key, to_json(fit(record)))


PERMISSIONS = {
    "assign": "Assign issues (and the target must be assignable: Assignable user)",
    "watch": "Manage watcher list",
    "comment": "Add comments (and, for people issues, membership of the visibility group or role)",
}


def refusal_hint(action: Action, status: int | None) -> str:
    """What a person should check when Jira refuses an effect for good."""
    if status == 403:
        return f"the worker account lacks the project permission: {PERMISSIONS.get(action.kind, 'Edit issues')}"
    if status == 404:
        return "the issue was deleted, moved out of scope, or is no longer visible to the worker account"
    if status == 400 and action.kind == "assign":
        return "the person cannot be assigned (inactive, or not an Assignable user in this project)"
    return "see the error text; the action is not repeated"


def notified_events(outbox: Sequence[Mapping[str, Any]], action: Notify, at: datetime) -> list[Event]:
    """Timeline entries saying where a notification went (channel and outcome), for the written trail."""
    parts = [f"{e.get('channel')}: {e.get('status')}" for e in outbox if e.get("message_id") == action.id]
    if not parts:
        return []
    return [Event(at, "notified", f"{action.event} via " + ", ".join(parts), action.recipients[0] if action.recipients else None)]


def still_failing(outbox: Sequence[Mapping[str, Any]], message_id: str) -> bool:
    """A channel of this message failed and may be tried again (the outbox gives up after its attempt limit)."""
    return any(e.get("message_id") == message_id and e.get("status") == "failed" for e in outbox)


def notify_to_json(action: Notify) -> dict[str, Any]:
    return {
        "id": action.id, "issue_key": action.issue_key, "severity": action.severity, "event": action.event,
        "recipients": list(action.recipients), "primary": list(action.primary), "backup": list(action.backup),
        "here": action.here, "title": action.title, "text": action.text, "sensitive": action.sensitive,
        "reason": action.reason, "team": action.team,
    }


def notify_from_json(d: Mapping[str, Any]) -> Notify:
    return Notify(
        id=str(d["id"]), issue_key=str(d["issue_key"]), severity=str(d["severity"]), event=str(d["event"]),
        recipients=tuple(d["recipients"]), primary=tuple(d["primary"]), backup=tuple(d["backup"]),
        here=bool(d["here"]), title=str(d["title"]), text=str(d["text"]), sensitive=bool(d["sensitive"]),
        reason=str(d.get("reason", "")), team=d.get("team"),
    )


def size_of(record: Record) -> int:
    return len(dumps(record).encode())
