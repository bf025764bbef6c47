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


def changed_since(projects: Sequence[str], since: datetime, tz: ZoneInfo) -> str:
    return (
        f"project in {in_list(projects)} AND updated >= {jql_time(since, tz)} ORDER BY updated DESC"
    )


def by_keys(keys: Sequence[str]) -> str:
    return f"key in {in_list(keys)}"


def month_escalations(projects: Sequence[str], labels: Sequence[str]) -> str:
    return f"project in {in_list(projects)} AND labels in {in_list(labels)} ORDER BY created ASC"
