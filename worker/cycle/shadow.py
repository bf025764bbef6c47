"""Shadow mode: real cycles that write nothing.

A team switching the worker on can first watch what it would do. The cycle gathers and decides
exactly as in a live run, but every decision goes to a :class:`ShadowApplier`, which performs
nothing and keeps the would-be record in a :class:`ShadowBook`. The next cycle reads its records
from that book instead of Jira (where nothing was written), so a week of shadow runs shows the
same routing, nudges and escalations a live run would have made — as log lines, with no comment,
assignment, watcher, issue property, notification or page written.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from worker.core.actions import Action
from worker.core.decision import Decision
from worker.core.record import Record
from worker.cycle.apply import ApplyResult, Claim
from worker.cycle.gather import Loaded


@dataclass
class ShadowBook:
    """The records and actions a shadow run would have written (in memory only)."""

    records: dict[str, Record] = field(default_factory=dict)
    actions: list[tuple[str, Action]] = field(default_factory=list)


class ShadowApplier:
    """Stands where the live applier does, performs nothing, and remembers what it would do."""

    def __init__(self, book: ShadowBook) -> None:
        self.book = book

    def claim_issue(self, loaded: Loaded, decision: Decision) -> Claim | ApplyResult:
        key = loaded.snapshot.key
        if decision.record is not None:
            self.book.records[key] = decision.record
        self.book.actions.extend((key, a) for a in decision.actions)
        return ApplyResult(key, performed=list(decision.actions), record=decision.record)

    def settle(self) -> None:
        """Nothing to wait for: no claim was written."""

    def compensate(self, loaded: Loaded) -> None:
        """Deletes nothing: a shadow run never writes."""

    def release(self, claim: Claim) -> None:  # pragma: no cover - claim_issue never claims
        """No claim to give back."""

    def finish(self, claim: Claim) -> ApplyResult:  # pragma: no cover - claim_issue never claims
        raise AssertionError("a shadow applier never claims an issue")
