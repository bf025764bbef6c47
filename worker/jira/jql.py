"""JQL built from validated configuration, with every value quoted. Free text never enters a query."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo


def quote(value: str) -> str:
    """A JQL string literal: double quotes, with backslashes and quotes escaped."""
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ").replace("\r", " ")
    return f'"{escaped}"'


def in_list(values: Sequence[str]) -> str:
    return "(" + ", ".join(quote(v) for v in values) + ")"


def jql_time(at: datetime, tz: ZoneInfo) -> str:
    """Jira reads JQL dates in the searching user's time zone, to the minute (rounded down)."""
    return quote(at.astimezone(tz).strftime("%Y-%m-%d %H:%M"))


def full_scan(
    projects: Sequence[str], labels: Sequence[str], updated_since: datetime, tz: ZoneInfo
) -> str:
    """Open escalations (by label), plus anything touched since ``updated_since`` (label removals, resolutions)."""
    return (
        f"project in {in_list(projects)} AND ((labels in {in_list(labels)} AND resolution is EMPTY) "
        f"OR updated >= {jql_time(updated_since, tz)}) ORDER BY key ASC"
    )


def escalation_partitions(
    projects: Sequence[str],
    labels: Sequence[str],
    since: datetime | None = None,
    tz: ZoneInfo | None = None,
    *,
    near: Sequence[str] = (),
    ranges: Sequence[str] = (),
) -> list[str]:
    """Every issue that can need the worker, as searches that can be paged in parallel.

    The open issues carrying a severity label: one search per key range of ``ranges`` (the
    search plan, worker.cycle.search_plan), or else one search per severity label (an issue with
    two labels then comes back twice; the caller keeps the first). And one for the issues the worker
    watches without an open severity label: it watches every issue it routes, so a removed label
    or a resolution is found however long ago it happened, without scanning ordinary issues.
    ``labels not in`` never matches an issue with no labels at all, hence the ``is EMPTY`` clause.
    """
    scope = f"project in {in_list(projects)}"
    if ranges:
        parts = [
            f"{scope} AND {r} AND labels in {in_list(labels)} AND resolution is EMPTY "
            "ORDER BY key ASC"
            for r in ranges
        ]
    else:
        parts = [
            f"{scope} AND labels = {quote(label)} AND resolution is EMPTY ORDER BY key ASC"
            for label in labels
        ]
    parts.append(
        f"{scope} AND watcher = currentUser() AND (labels is EMPTY OR labels not in "
        f"{in_list(labels)} OR resolution is not EMPTY) ORDER BY key ASC"
    )
    if near:
        # labels that almost name a severity or a kind, found in the site's label list
        parts.append(
            f"{scope} AND labels in {in_list(near)} AND resolution is EMPTY ORDER BY key ASC"
        )
    if since is not None and tz is not None:
        # a mistyped severity label (escalation-S9) is worth a note; JQL has no label wildcard,
        # so only issues labelled otherwise and touched lately are looked at
        parts.append(
            f"{scope} AND updated >= {jql_time(since, tz)} AND labels is not EMPTY AND labels "
            f"not in {in_list(labels)} AND resolution is EMPTY ORDER BY key ASC"
        )
    return parts


def changed_escalations(
    projects: Sequence[str], labels: Sequence[str], since: datetime, tz: ZoneInfo
) -> str:
    """Issues touched since ``since`` that carry a severity label or that the worker watches."""
    return (
        f"project in {in_list(projects)} AND updated >= {jql_time(since, tz)} AND "
        f"(labels in {in_list(labels)} OR watcher = currentUser()) ORDER BY updated DESC"
    )


def changed_since(projects: Sequence[str], since: datetime, tz: ZoneInfo) -> str:
    return (
        f"project in {in_list(projects)} AND updated >= {jql_time(since, tz)} ORDER BY updated DESC"
    )


def by_keys(keys: Sequence[str]) -> str:
    return f"key in {in_list(keys)}"


def month_escalations(projects: Sequence[str], labels: Sequence[str]) -> str:
    return f"project in {in_list(projects)} AND labels in {in_list(labels)} ORDER BY created ASC"
