"""Gather: Jira JSON -> (snapshot, record) pairs, reading only what the decision needs."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from worker.core.decide import severity_labels
from worker.core.record import Record
from worker.core.rules import Rules
from worker.core.snapshot import Comment, IssueSnapshot
from worker.jira.gateway import JiraGateway
from worker.jira.mapping import snapshot_from_json
from worker.jira.stored_record import read_record, record_of


@dataclass(frozen=True)
class Loaded:
    snapshot: IssueSnapshot
    record: Record | None
    problem: str | None = None  # a stored value the worker could not read
    blocked: bool = False  # the stored value must not be overwritten (written by a newer worker)


def relevant(rules: Rules, issue: Mapping[str, Any], record: Record | None) -> bool:
    """Worth a decision: carries an escalation-like label, or has a record that is not closed."""
    if record is not None and record.status != "closed":
        return True
    labels = (issue.get("fields") or {}).get("labels") or ()
    sev, unknown = severity_labels(rules, [x for x in labels if isinstance(x, str)])
    return bool(sev or unknown)


def needs_comments(record: Record | None, issue: Mapping[str, Any]) -> bool:
    """Comments are read only when they can change the decision: a pending acknowledgement or a closing."""
    if record is None or not record.is_open:
        return False
    if record.acked_at is None:
        return True
    fields = issue.get("fields") or {}
    return fields.get("resolution") is not None or (
        ((fields.get("status") or {}).get("statusCategory") or {}).get("key") == "done"
    )


class Gatherer:
    def __init__(self, gateway: JiraGateway, rules: Rules) -> None:
        self.gateway = gateway
        self.rules = rules

    def build(
        self,
        issues: Sequence[Mapping[str, Any]],
        *,
        histories: Mapping[str, Sequence[Mapping[str, Any]]] | None = None,
        comments: Mapping[str, Sequence[Comment]] | None = None,
    ) -> list[Loaded]:
        out = []
        for issue in issues:
            rec, problem, blocked = read_record(record_of(issue, self.gateway.property_key))
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
        self, issues: Iterable[Mapping[str, Any]], *, comment_keys: set[str] | None = None
    ) -> list[Loaded]:
        """Fetch changelogs in bulk and comments where needed, then build snapshots."""
        issues = list(issues)
        if not issues:
            return []
        histories = self.gateway.bulk_changelog([str(i.get("id")) for i in issues])
        comments: dict[str, list[Comment]] = {}
        for issue in issues:
            key = str(issue.get("key"))
            rec, _, _ = read_record(record_of(issue, self.gateway.property_key))
            if (comment_keys is not None and key in comment_keys) or (
                comment_keys is None and needs_comments(rec, issue)
            ):
                comments[key] = self.gateway.comments(key)
        return self.build(issues, histories=histories, comments=comments)

    def refresh(self, loaded: Loaded) -> Loaded | None:
        """The issue as it is now. The changelog and comments are read again only if it changed."""
        issue = self.gateway.issue(loaded.snapshot.key)
        if issue is None:
            return None
        rec, problem, blocked = read_record(record_of(issue, self.gateway.property_key))
        updated = snapshot_from_json(issue, sprint_field=self.gateway.sprint_field)
        if updated.updated == loaded.snapshot.updated and updated.labels == loaded.snapshot.labels:
            return Loaded(loaded.snapshot, rec, problem, blocked)
        key = loaded.snapshot.key
        snap = snapshot_from_json(
            issue,
            sprint_field=self.gateway.sprint_field,
            histories=self.gateway.changelog(key),
            comments=self.gateway.comments(key),
        )
        return Loaded(snap, rec, problem, blocked)

    def with_comments(self, loaded: Loaded) -> Loaded:
        from dataclasses import replace

        snap = replace(loaded.snapshot, comments=tuple(self.gateway.comments(loaded.snapshot.key)))
        return Loaded(snap, loaded.record, loaded.problem, loaded.blocked)

    def load_one(self, key: str, *, with_comments: bool = True) -> Loaded | None:
        """One issue read fresh by key (never stale): fields, record, full changelog, comments."""
        issue = self.gateway.issue(key)
        if issue is None:
            return None
        rec, problem, blocked = read_record(record_of(issue, self.gateway.property_key))
        histories = self.gateway.changelog(key)
        comments = self.gateway.comments(key) if with_comments else None
        snap = snapshot_from_json(
            issue, sprint_field=self.gateway.sprint_field, histories=histories, comments=comments
        )
        return Loaded(snap, rec, problem, blocked)
