"""Typed settings built from ``config.yaml`` (see ``config.example.yaml``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path

from worker.core.directory import Directory
from worker.core.rules import Rules


@dataclass(frozen=True, slots=True)
class Visibility:
    type: str  # "group" | "role"
    value: str


@dataclass(frozen=True, slots=True)
class JiraSettings:
    url_env: str = "JIRA_URL"
    email_env: str = "JIRA_EMAIL"
    token_env: str = "JIRA_API_TOKEN"
    projects: tuple[str, ...] = ()
    property_key: str = "escalation-worker"
    sprint_field: str = "customfield_10020"
    people_issue_visibility: Visibility | None = None
    counterpart_field: str | None = (
        None  # custom field naming the other team of a cross-team dependency
    )
    decision_field: str | None = (
        None  # custom field holding the decision (else the owner's last comment)
    )


@dataclass(frozen=True, slots=True)
class ConfluenceSettings:
    url_env: str = "CONFLUENCE_URL"
    space: str | None = None
    title: str = "Escalation matrix"
    parent_id: str | None = None
    page_id: str | None = None
    on_manual_edit: str = "overwrite"  # overwrite | skip
    publish_interval: timedelta = timedelta(minutes=60)
    restrict_editing: bool = False
    # list the escalations adopted on the first day (issue 13) in a section of the page
    show_adopted: bool = False


@dataclass(frozen=True, slots=True)
class WeeklyAt:
    weekday: int  # 0 = Monday
    at: time


@dataclass(frozen=True, slots=True)
class MonthlyAt:
    day: int
    at: time


@dataclass(frozen=True, slots=True)
class ScheduleSettings:
    poll_interval: timedelta = timedelta(minutes=1)
    full_resync_every: timedelta = timedelta(minutes=10)
    jitter: timedelta = timedelta(seconds=5)
    weekly_digest: WeeklyAt = WeeklyAt(0, time(9, 0))
    monthly_review: MonthlyAt = MonthlyAt(1, time(8, 0))
    concurrency: int = 4  # requests in flight at once for different issues (search partitions too)
    # when more deadlines fall due at once than ``concurrency`` issues (the start of a business
    # day), their effects go out on up to this many issues at once, under the same rate limits
    burst_concurrency: int = 16


@dataclass(frozen=True)
class CalendarSettings:
    timezone: str
    hours: Mapping[int, tuple[tuple[time, time], ...]]  # weekday -> windows
    holiday_country: str | None = None
    holiday_subdivision: str | None = None
    holiday_categories: tuple[str, ...] = ("public",)
    extra_holidays: tuple[date, ...] = ()
    severity_calendars: Mapping[str, str] = field(
        default_factory=dict
    )  # severity id -> always|business
    sprint_length: timedelta = timedelta(weeks=2)
    planning_first: datetime | None = None  # aware, local time zone
    planning_every: timedelta = timedelta(weeks=2)


@dataclass(frozen=True, slots=True)
class HeartbeatSettings:
    """The check-in of each cycle: a ping URL (its variable's name) and when a worker counts as stopped."""

    url_env: str | None = None  # the environment variable holding the ping URL; None: no ping
    stale_after: timedelta = timedelta(minutes=15)  # no cycle for this long: the worker is stopped


@dataclass(frozen=True, slots=True)
class AdoptionSettings:
    """Which severity labels the worker adopts quietly instead of routing (``adoption:``).

    ``since`` None with ``enabled``: the start of the first live cycle, remembered on the site.
    That is the default, also for a config without the section (``since: off`` routes every
    label as new, e.g. the demo's, whose labels are all applied after the worker starts).
    """

    enabled: bool = True
    since: datetime | None = None  # aware


@dataclass(frozen=True, slots=True)
class StormSettings:
    """The storm guard (``storm:``): at most ``max_per_person`` notifications or mentions per
    person within ``window``; the rest go into one digest."""

    max_per_person: int = 10
    window: timedelta = timedelta(minutes=10)


@dataclass(frozen=True)
class Config:
    path: Path
    rules_dir: Path
    rules: Rules
    directory: Directory
    jira: JiraSettings
    confluence: ConfluenceSettings
    schedule: ScheduleSettings
    calendar: CalendarSettings
    heartbeat: HeartbeatSettings = HeartbeatSettings()
    mode: str = "live"  # "shadow": decide and log, write nothing anywhere
    # teams with a calendar of their own (time zone, hours, holidays); the others use `calendar`
    team_calendars: Mapping[str, CalendarSettings] = field(default_factory=dict)
    adoption: AdoptionSettings = AdoptionSettings()
    storm: StormSettings = StormSettings()
    language: str = "en"  # the language of every text a person reads (worker/i18n)
