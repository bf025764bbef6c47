"""The thin Jira shell of the review: one JQL search, records inline, issue facts mapped to :class:`Escalation`.

Records come through ``properties`` in the search response, so a month costs one request per 100
issues; an issue escalated before (``history``) or with a long timeline (``timeline_parts``) costs
one more request per earlier escalation or part. The search is wide on purpose -- issues still carrying an escalation label, plus every issue
updated since a bound -- because a label removed after the escalation closed is no longer
searchable, while removing it (or resolving the issue) bumps ``updated``. The precise month filter
is applied afterwards on the records themselves.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from worker.config.model import Config
from worker.core.directory import Directory
from worker.core.record import (
    Record,
    RecordError,
    from_json,
    history_key,
    part_from_json,
    part_key,
    with_parts,
)
from worker.jira.adf import to_text
from worker.jira.jql import in_list, jql_time
from worker.jira.mapping import parse_time
from worker.review.model import Escalation

log = logging.getLogger(__name__)

REVIEW_FIELDS = (
    "summary",
    "project",
    "status",
    "resolution",
    "resolutiondate",
    "updated",
    "issuelinks",
)
Fetch = Callable[[str], Any | None]  # the value of one entity property of the issue, None if absent
# JQL dates are read in the searching user's time zone, which the worker does not know: widen the bound.
JQL_MARGIN = timedelta(days=1)
DEPENDENCY_TYPE = "cross_team_dependency"


class SearchPort(Protocol):
    property_key: str

    def property_value(self, key: str, prop: str) -> Any | None: ...

    def search(
        self,
        jql: str,
        *,
        fields: Sequence[str] | None = None,
        reconcile: Sequence[int] = (),
        with_record: bool = True,
    ) -> Iterable[dict[str, Any]]: ...


@dataclass(frozen=True, slots=True)
class ReviewFields:
    """Optional custom fields: the counterpart team of a dependency, and the recorded decision."""

    counterpart: str | None = None
    decision: str | None = None

    @classmethod
    def from_config(
        cls, config: Config, counterpart: str | None = None, decision: str | None = None
    ) -> ReviewFields:
        """Explicit values win; else ``jira.counterpart_field`` / ``jira.decision_field`` once the config has them."""
        return cls(
            counterpart or getattr(config.jira, "counterpart_field", None),
            decision or getattr(config.jira, "decision_field", None),
        )

    def ids(self) -> tuple[str, ...]:
        return tuple(f for f in (self.counterpart, self.decision) if f)


def review_jql(
    projects: Sequence[str], labels: Sequence[str], updated_since: datetime | None, tz: ZoneInfo
) -> str:
    """Issues carrying an escalation label, plus (with a bound) any issue updated since it."""
    base = f"project in {in_list(projects)}"
    if updated_since is None:
        return f"{base} ORDER BY key ASC"
    since = jql_time(updated_since - JQL_MARGIN, tz)
    return f"{base} AND (labels in {in_list(labels)} OR updated >= {since}) ORDER BY key ASC"


def _field_text(value: Any) -> str | None:
    """A custom field value as text: plain strings, select options, user pickers, ADF, or the first of a list."""
    if value is None:
        return None
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, list):
        for v in value:
            text = _field_text(v)
            if text:
                return text
        return None
    if isinstance(value, Mapping):
        if value.get("type") == "doc":
            return to_text(value, 2000).strip() or None
        for k in ("value", "name", "displayName", "key"):
            if isinstance(value.get(k), str) and value[k].strip():
                return str(value[k]).strip()
    return None


def team_named(directory: Directory, text: str | None) -> str | None:
    """The id of the team whose id or name is ``text`` (case-insensitive)."""
    if not text:
        return None
    low = text.strip().lower()
    for tid, team in directory.teams.items():
        if tid.lower() == low or team.name.lower() == low:
            return tid
    return None


def counterpart_from_links(links: Any, own_team: str | None, directory: Directory) -> str | None:
    """The first other team found through the issue's links, blocking links first.

    A linked issue's team comes from its project (the key's prefix): links do not carry components.
    """
    if not isinstance(links, list):
        return None
    blocking: list[str] = []
    others: list[str] = []
    for link in links:
        if not isinstance(link, Mapping):
            continue
        ltype = link.get("type") or {}
        inward = link.get("inwardIssue")
        outward = link.get("outwardIssue")
        other = (
            inward
            if isinstance(inward, Mapping)
            else outward
            if isinstance(outward, Mapping)
            else None
        )
        if other is None or not isinstance(other.get("key"), str) or "-" not in other["key"]:
            continue
        team = directory.team_for(other["key"].rsplit("-", 1)[0])
        if team is None or team.id == own_team:
            continue
        phrase = str(ltype.get("inward") or "").lower() if inward is other else ""
        (blocking if "block" in phrase or "depend" in phrase else others).append(team.id)
    found = blocking + others
    return found[0] if found else None


def escalation_from_issue(
    issue: Mapping[str, Any], *, property_key: str, directory: Directory, fields: ReviewFields
) -> Escalation | None:
    """The issue as the review sees it; None when it carries no (readable) record."""
    raw = (issue.get("properties") or {}).get(property_key)
    if raw is None:
        return None
    try:
        record: Record = from_json(raw)
    except RecordError as exc:
        log.warning("review.unreadable_record", extra={"key": issue.get("key"), "error": str(exc)})
        return None
    f = issue.get("fields") or {}
    counterpart = None
    if record.type == DEPENDENCY_TYPE:
        if fields.counterpart:
            counterpart = team_named(directory, _field_text(f.get(fields.counterpart)))
        if counterpart is None:
            counterpart = counterpart_from_links(f.get("issuelinks"), record.team, directory)
    resolution = f.get("resolution")
    return Escalation(
        key=str(issue.get("key", "")),
        summary=str(f.get("summary") or ""),
        project=str((f.get("project") or {}).get("key", "")),
        record=record,
        resolution=str(resolution.get("name"))
        if isinstance(resolution, Mapping) and resolution.get("name")
        else None,
        resolved_at=parse_time(f.get("resolutiondate")),
        counterpart=counterpart,
        decision=_field_text(f.get(fields.decision)) if fields.decision else None,
    )


def _stored(
    fetch: Callable[[str], Any | None], key: str, prop: str, epoch: int, kind: str
) -> Record | None:
    """A closed escalation kept in a history property, or None (logged) when absent or unreadable."""
    raw = fetch(prop)
    if raw is None:
        log.warning("review.history_missing", extra={"key": key, "epoch": epoch, "kind": kind})
        return None
    try:
        return from_json(raw)
    except RecordError as exc:
        log.warning("review.unreadable_history", extra={"key": key, "error": str(exc)})
        return None


def whole_timeline(record: Record, key: str, property_key: str, fetch: Fetch) -> Record:
    """The record with the timeline parts moved out of it put back (a missing part is logged)."""
    parts = []
    for n in range(1, record.timeline_parts + 1):
        raw = fetch(part_key(property_key, record.epoch, n))
        try:
            parts.append(part_from_json(raw))  # a Part: events and settled outbox entries
        except RecordError:
            log.warning("review.timeline_part_missing", extra={"key": key, "part": n})
    return with_parts(record, parts)


def escalations_of_issue(
    current: Escalation, *, property_key: str, fetch: Fetch
) -> list[Escalation]:
    """Every escalation of one issue, oldest first: the closed ones kept in history, then the latest.

    An archived escalation takes its resolution from its own outcome, not from the issue as it is now.
    """
    out = []
    for epoch in current.record.history:
        rec = _stored(fetch, current.key, history_key(property_key, epoch), epoch, "escalation")
        if rec is None:
            continue
        outcome = rec.outcome
        out.append(
            replace(
                current,
                record=whole_timeline(rec, current.key, property_key, fetch),
                resolution=(outcome.resolution or None) if outcome else None,
                resolved_at=rec.closed_at if outcome and outcome.reason == "resolved" else None,
                decision=None,
            )
        )
    out.append(
        replace(current, record=whole_timeline(current.record, current.key, property_key, fetch))
    )
    return out


def load_escalations(
    gateway: SearchPort,
    config: Config,
    *,
    updated_since: datetime | None,
    fields: ReviewFields = ReviewFields(),
) -> list[Escalation]:
    """Every escalation record in the configured projects that the wide search finds."""
    tz = ZoneInfo(config.calendar.timezone)
    labels = [s.label for s in config.rules.severities.values()]
    jql = review_jql(config.jira.projects, labels, updated_since, tz)
    out = []
    for issue in gateway.search(jql, fields=[*REVIEW_FIELDS, *fields.ids()], with_record=True):
        e = escalation_from_issue(
            issue, property_key=gateway.property_key, directory=config.directory, fields=fields
        )
        if e is None:
            continue
        if e.record.history or e.record.timeline_parts:

            def fetch(prop: str, key: str = e.key) -> Any | None:
                return gateway.property_value(key, prop)

            out.extend(escalations_of_issue(e, property_key=gateway.property_key, fetch=fetch))
        else:
            out.append(e)
    return out


__all__ = [
    "REVIEW_FIELDS",
    "ReviewFields",
    "counterpart_from_links",
    "escalation_from_issue",
    "escalations_of_issue",
    "load_escalations",
    "review_jql",
    "team_named",
]
