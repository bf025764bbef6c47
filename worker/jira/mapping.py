"""Jira JSON -> the core's snapshot types. Defensive: odd or missing values never raise."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from worker.core import channel_ack
from worker.core.snapshot import Change, Comment, IssueSnapshot
from worker.jira.adf import to_text

COMMENT_PROPERTY = "escalation-worker.action"
TRACKED_FIELDS = ("labels", "assignee", "status", "resolution")
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def parse_time(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    v = value.strip().replace("Z", "+00:00")
    for fmt in ("%Y-%m-%dT%H:%M:%S.%f%z", "%Y-%m-%dT%H:%M:%S%z"):
        try:
            return datetime.strptime(v, fmt).astimezone(UTC)
        except ValueError:
            continue
    try:
        d = datetime.fromisoformat(v)
    except ValueError:
        return None
    return (d if d.tzinfo else d.replace(tzinfo=UTC)).astimezone(UTC)


def format_time(d: datetime) -> str:
    """Jira's own timestamp format."""
    return d.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{d.microsecond // 1000:03d}+0000"


def _account(value: Any) -> str | None:
    if isinstance(value, Mapping):
        acc = value.get("accountId")
        return str(acc) if acc else None
    return None


def _display_name(value: Any) -> str | None:
    if isinstance(value, Mapping):
        name = value.get("displayName")
        return str(name) if name else None
    return None


def sprint_end(value: Any) -> datetime | None:
    """End of the issue's current sprint: the active one, else the latest future one."""
    if not isinstance(value, list):
        return None
    best: datetime | None = None
    for s in value:
        if not isinstance(s, Mapping):
            continue
        end = parse_time(s.get("endDate"))
        if end is None:
            continue
        if s.get("state") == "active":
            return end
        if s.get("state") in (None, "future") and (best is None or end > best):
            best = end
    return best


def changes_from_histories(histories: Iterable[Mapping[str, Any]]) -> tuple[Change, ...]:
    out: list[Change] = []
    for h in histories:
        at = parse_time(h.get("created"))
        if at is None:
            continue
        author = _account(h.get("author"))
        for item in h.get("items") or ():
            fld = str(item.get("field") or item.get("fieldId") or "").lower()
            if fld not in TRACKED_FIELDS:
                continue
            if fld == "assignee":
                before, after = item.get("from"), item.get("to")
            else:
                before, after = item.get("fromString"), item.get("toString")
            out.append(
                Change(
                    at,
                    author,
                    fld,
                    before if before is None else str(before),
                    after if after is None else str(after),
                )
            )
    out.sort(key=lambda c: c.at)
    return tuple(out)


COMMENT_TEXT_LIMIT = 2000  # characters of a comment the worker keeps


def comment_from_json(c: Mapping[str, Any]) -> Comment | None:
    created = parse_time(c.get("created"))
    if created is None:
        return None
    action_id = None
    ack = None
    for p in c.get("properties") or ():
        if (
            isinstance(p, Mapping)
            and p.get("key") == COMMENT_PROPERTY
            and isinstance(p.get("value"), Mapping)
        ):
            action_id = str(p["value"].get("id") or "") or None
            ack = channel_ack.from_property(p["value"])
    return Comment(
        str(c.get("id", "")),
        _account(c.get("author")),
        created,
        action_id,
        to_text(c.get("body"), COMMENT_TEXT_LIMIT),
        ack,
    )


def snapshot_from_json(
    issue: Mapping[str, Any],
    *,
    sprint_field: str,
    histories: Iterable[Mapping[str, Any]] = (),
    comments: Iterable[Comment] | None = None,
) -> IssueSnapshot:
    f = issue.get("fields") or {}
    status = f.get("status") or {}
    category = ((status.get("statusCategory") or {}).get("key")) or "new"
    resolution = f.get("resolution")
    created = parse_time(f.get("created")) or EPOCH
    labels = tuple(str(x) for x in (f.get("labels") or ()) if isinstance(x, str))
    return IssueSnapshot(
        key=str(issue.get("key", "")),
        id=str(issue.get("id", "")),
        project=str((f.get("project") or {}).get("key", "")),
        issue_type=str((f.get("issuetype") or {}).get("name", "")),
        summary=str(f.get("summary") or "")[:500],
        reporter=_account(f.get("reporter")),
        reporter_name=_display_name(f.get("reporter")),
        assignee=_account(f.get("assignee")),
        status=str(status.get("name", "")),
        status_category=str(category),
        resolution=str(resolution.get("name")) if isinstance(resolution, Mapping) else None,
        resolved_at=parse_time(f.get("resolutiondate")),
        created=created,
        updated=parse_time(f.get("updated")) or created,
        labels=labels,
        components=tuple(
            str(c.get("name")) for c in (f.get("components") or ()) if isinstance(c, Mapping)
        ),
        description=to_text(f.get("description"), 20_000),
        sprint_end=sprint_end(f.get(sprint_field)),
        changes=changes_from_histories(histories),
        comments=None if comments is None else tuple(comments),
    )
