"""Gather: Jira JSON -> (snapshot, record) pairs, reading only what the decision needs.

Even a cold cycle (cron, a restarted dyno) reads only what changed. The record remembers what the
worker last read (:class:`~worker.core.record.LastRead`): an issue whose ``updated`` has not moved
past it is decided from the search result alone (the changelog and comments it has were already
weighed when the record was stored). A moved issue gets its changelog from the bulk endpoint
(1,000 issues a request) and its comments from the list embedded in the search result; a separate
comment read happens only when comments can change the decision and that list is truncated before
the last comment the record saw, or holds a new comment by the worker's own account (a channel
acknowledgement carries its meaning in a comment property, which search does not return).
Whether writing the record property moves ``updated`` or not, this stays correct: a moved issue
is merely read again in bulk.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from worker.core.decide import severity_labels
from worker.core.near_miss import near_misses
from worker.core.record import LastRead, Record
from worker.core.rules import Rules
from worker.core.snapshot import Comment, IssueSnapshot
from worker.jira.gateway import JiraGateway, JiraPagingError
from worker.jira.mapping import (
    changes_from_histories,
    comment_from_json,
    parse_time,
    snapshot_from_json,
)
from worker.jira.stored_record import read_record, record_of


@dataclass(frozen=True)
class Loaded:
    snapshot: IssueSnapshot
    record: Record | None
    problem: str | None = None  # a stored value the worker could not read
    blocked: bool = False  # the stored value must not be overwritten (written by a newer worker)
    read: LastRead | None = None  # what this snapshot was built from (stored with the next write)
    description_read: bool = True  # False: searched without it; routing re-decides on a fresh read
    # other entity properties read together with the record (the claim slots, see cycle/claims.py)
    extra: Mapping[str, Any] = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class Prepared:
    """One searched issue, mapped, waiting for its chunk's bulk changelog (no raw JSON kept)."""

    snapshot: IssueSnapshot  # without changes and comments yet
    record: Record | None
    problem: str | None
    blocked: bool
    moved: bool
    embedded: tuple[list[Comment], bool] | None
    description_read: bool


def relevant(rules: Rules, issue: Mapping[str, Any], record: Record | None) -> bool:
    """Worth a decision: carries an escalation-like label, or has a record that is not closed."""
    if record is not None and record.status != "closed":
        return True
    labels = [x for x in (issue.get("fields") or {}).get("labels") or () if isinstance(x, str)]
    sev, unknown = severity_labels(rules, labels)
    return bool(sev or unknown or near_misses(rules, labels))


def needs_comments(record: Record | None, snap: IssueSnapshot) -> bool:
    """Comments are read only when they can change the decision: a pending acknowledgement or a closing."""
    if record is None or not record.is_open:
        return False
    if record.current.acked_at is None:
        return True
    return snap.resolution is not None or snap.status_category == "done"


def _id_key(value: str | None) -> tuple[int, str]:
    """Comment and changelog ids are increasing numbers; compare them as such."""
    v = value or ""
    return (int(v), "") if v.isdigit() else (-1, v)


def newest_id(ids: Iterable[str | None], before: str | None = None) -> str | None:
    best = before
    for i in ids:
        if i and (best is None or _id_key(i) > _id_key(best)):
            best = i
    return best


def embedded_comments(issue: Mapping[str, Any]) -> tuple[list[Comment], bool] | None:
    """(comments, complete) from the ``comment`` field of a search result; None if not asked for."""
    field = (issue.get("fields") or {}).get("comment")
    if not isinstance(field, Mapping):
        return None
    raw = field.get("comments") or []
    comments = [c for c in (comment_from_json(x) for x in raw if isinstance(x, Mapping)) if c]
    total = field.get("total")
    complete = not isinstance(total, int) or total <= len(raw)
    return comments, complete


def moved(issue: Mapping[str, Any], record: Record | None) -> bool:
    """Whether the issue may have changed since the record's last read (True when unknown)."""
    mark = record.last_read if record is not None else None
    if mark is None or mark.updated is None:
        return True
    updated = parse_time((issue.get("fields") or {}).get("updated"))
    return updated is None or updated > mark.updated


def watching(issue: Mapping[str, Any]) -> bool | None:
    """Whether the worker watches the issue (None when the search did not say)."""
    watches = (issue.get("fields") or {}).get("watches")
    if not isinstance(watches, Mapping) or "isWatching" not in watches:
        return None
    return bool(watches["isWatching"])


class Gatherer:
    def __init__(self, gateway: JiraGateway, rules: Rules) -> None:
        self.gateway = gateway
        self.rules = rules
        # shadow mode: the records the shadow run would have written stand in for Jira's
        self.overlay: Callable[[str], Record | None] | None = None
        # issues left out of the latest ``load`` because a listing of their own never ended:
        # (key, the one-line error); the cycle reports them and goes on with the others
        self.skipped: list[tuple[str, str]] = []

    def record(self, issue: Mapping[str, Any]) -> tuple[Record | None, str | None, bool]:
        """The issue's record (from the search or issue JSON), its problem and whether it blocks."""
        if self.overlay is not None:
            shadow = self.overlay(str(issue.get("key")))
            if shadow is not None:
                return shadow, None, False
        return read_record(record_of(issue, self.gateway.property_key))

    def build(
        self,
        issues: Sequence[Mapping[str, Any]],
        *,
        histories: Mapping[str, Sequence[Mapping[str, Any]]] | None = None,
        comments: Mapping[str, Sequence[Comment]] | None = None,
    ) -> list[Loaded]:
        out = []
        for issue in issues:
            rec, problem, blocked = self.record(issue)
            iid = str(issue.get("id"))
            snap = snapshot_from_json(
                issue,
                sprint_field=self.gateway.sprint_field,
                histories=(histories or {}).get(iid, ()),
                comments=(comments or {}).get(str(issue.get("key"))),
            )
            out.append(Loaded(snap, rec, problem, blocked))
        return out

    def load(
        self,
        issues: Iterable[Mapping[str, Any]],
        *,
        comment_keys: set[str] | None = None,
        worker: str | None = None,
    ) -> list[Loaded]:
        """Snapshots for a chunk of searched issues, reading only what moved (see the module doc).

        ``comment_keys``: read the comments of exactly these issues (explain/plan by key).
        ``worker``: the worker's accountId, to notice new comments of its own.
        """
        return self.finish(
            [self.prepare(i) for i in issues], comment_keys=comment_keys, worker=worker
        )

    def prepare(self, issue: Mapping[str, Any]) -> Prepared:
        """What the search said about one issue, mapped at once so its raw JSON can be let go while
        the rest of its chunk arrives (a chunk waits for 1,000 moved issues: one bulk changelog)."""
        rec, problem, blocked = self.record(issue)
        fields = issue.get("fields") or {}
        return Prepared(
            snapshot_from_json(issue, sprint_field=self.gateway.sprint_field),
            rec,
            problem,
            blocked,
            moved(issue, rec),
            embedded_comments(issue),
            "description" in fields,
        )

    def finish(
        self,
        chunk: Sequence[Prepared],
        *,
        comment_keys: set[str] | None = None,
        worker: str | None = None,
    ) -> list[Loaded]:
        """The prepared issues with their changelogs (one bulk request per 1,000 moved) and the
        comments that matter. An issue whose own comment listing never ends is left out (in
        ``skipped``)."""
        self.skipped = []
        if not chunk:
            return []
        changed = [p.snapshot.id for p in chunk if p.moved]
        histories = self.gateway.bulk_changelog(changed) if changed else {}
        out = []
        for p in chunk:
            rec, snap = p.record, p.snapshot
            key, iid = snap.key, snap.id
            mark = rec.last_read if rec is not None else None
            hist: Sequence[Mapping[str, Any]] = histories.get(iid, ())
            try:
                comments = self._comments_of(p, worker, comment_keys)
            except JiraPagingError as exc:
                # this one issue's comment listing never ends (a server or proxy fault): the
                # issue is left out of this cycle, the others go on
                self.skipped.append((key, str(exc)))
                continue
            snap = replace(
                snap,
                changes=changes_from_histories(hist),
                comments=None if comments is None else tuple(comments),
            )
            read = LastRead(
                snap.updated,
                newest_id(
                    (c.id for c in comments or ()), mark.comment if mark is not None else None
                ),
                newest_id(
                    (str(h.get("id")) for h in hist), mark.history if mark is not None else None
                ),
            )
            out.append(
                Loaded(snap, rec, p.problem, p.blocked, read, description_read=p.description_read)
            )
        return out

    def _comments_of(
        self, p: Prepared, worker: str | None, comment_keys: set[str] | None
    ) -> Sequence[Comment] | None:
        if comment_keys is not None:
            key = p.snapshot.key
            return self.gateway.comments(key) if key in comment_keys else None
        if not p.moved:
            return p.embedded[0] if p.embedded is not None else None
        return self._comments(p.snapshot, p.record, p.embedded, worker)

    def _comments(
        self,
        snap: IssueSnapshot,
        rec: Record | None,
        embedded: tuple[list[Comment], bool] | None,
        worker: str | None,
    ) -> Sequence[Comment] | None:
        """The comments of a moved issue: the embedded list when it holds all that matters."""
        key = snap.key
        need = needs_comments(rec, snap)
        if embedded is None:
            return self.gateway.comments(key) if need else None
        listed, complete = embedded
        if not need:
            return listed
        seen = rec.last_read.comment if rec is not None and rec.last_read is not None else None
        reaches_back = complete or (
            seen is not None and any(_id_key(c.id) <= _id_key(seen) for c in listed)
        )
        # a record without a last read (an older worker's) trusts a complete list: its channel
        # acknowledgements, if any, were read when their webhook woke the worker
        own_new = (
            worker is not None
            and seen is not None
            and any(c.author == worker and _id_key(c.id) > _id_key(seen) for c in listed)
        )
        if reaches_back and not own_new:
            return listed
        return self.gateway.comments(key)

    def refresh(
        self,
        loaded: Loaded,
        extra_properties: Sequence[str] = (),
        *,
        all_but: Sequence[str] | None = None,
    ) -> Loaded | None:
        """The issue as it is now. The changelog and comments are read again only if it changed.

        ``extra_properties`` (up to four) are read in the same request and returned in ``extra``;
        with ``all_but``, every property of the issue except those (and the record) is.
        """
        key = loaded.snapshot.key
        if all_but is not None:
            issue = self.gateway.issue_all(key, all_but)
        else:
            issue = self.gateway.issue_with(key, extra_properties)
        if issue is None:
            return None
        rec, problem, blocked = self.record(issue)
        props = issue.get("properties") or {}
        if not isinstance(props, Mapping):
            props = {}
        wanted = (
            [k for k in props if k != self.gateway.property_key]
            if all_but is not None
            else extra_properties
        )
        extra = {k: props[k] for k in wanted if k in props}
        updated = snapshot_from_json(issue, sprint_field=self.gateway.sprint_field)
        if updated.updated == loaded.snapshot.updated and updated.labels == loaded.snapshot.labels:
            snap = loaded.snapshot
            if not loaded.description_read:
                snap = replace(snap, description=updated.description)
            if rec is not None and rec.journal.pending:
                # comments from a search carry no properties: the check for effects that may
                # already have happened reads them whole
                snap = replace(snap, comments=None)
            return Loaded(snap, rec, problem, blocked, loaded.read, extra=extra)
        histories = self.gateway.changelog(key)
        comments = self.gateway.comments(key)
        snap = snapshot_from_json(
            issue, sprint_field=self.gateway.sprint_field, histories=histories, comments=comments
        )
        read = LastRead(
            snap.updated,
            newest_id(c.id for c in comments),
            newest_id(str(h.get("id")) for h in histories),
        )
        return Loaded(snap, rec, problem, blocked, read, extra=extra)

    def with_comments(self, loaded: Loaded) -> Loaded:
        snap = replace(loaded.snapshot, comments=tuple(self.gateway.comments(loaded.snapshot.key)))
        return replace(loaded, snapshot=snap)

    def load_one(self, key: str, *, with_comments: bool = True) -> Loaded | None:
        """One issue read fresh by key (never stale): fields, record, full changelog, comments."""
        issue = self.gateway.issue(key)
        if issue is None:
            return None
        rec, problem, blocked = self.record(issue)
        histories = self.gateway.changelog(key)
        comments = self.gateway.comments(key) if with_comments else None
        snap = snapshot_from_json(
            issue, sprint_field=self.gateway.sprint_field, histories=histories, comments=comments
        )
        return Loaded(snap, rec, problem, blocked)
