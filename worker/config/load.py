"""Load ``config.yaml`` and ``rules/`` into typed, validated settings.

Public entry points: :func:`load_rules`, :func:`load_config`, :func:`find_default_rules_dir`.
Both loaders report *every* problem found, as one :class:`ConfigError`. Reading files is the
only side effect; nothing here reads the environment or the clock.
"""

from __future__ import annotations

import itertools
import re
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import holidays as holidays_pkg

from worker.config import formats
from worker.config.errors import ConfigError, ConfigIssue, PathKey
from worker.config.fields import Reader, closest, one_of
from worker.config.model import (
    CalendarSettings,
    Config,
    ConfluenceSettings,
    HeartbeatSettings,
    JiraSettings,
    MonthlyAt,
    ScheduleSettings,
    Visibility,
    WeeklyAt,
)
from worker.config.rules_load import RULE_FILES, RulesParts, build_rules, collect_rules, sort_issues
from worker.config.yamlloc import read_yaml
from worker.core.directory import Directory, Person, Team
from worker.core.rules import Rules, parse_duration

__all__ = [
    "WEEKDAYS",
    "ConfigError",
    "ConfigIssue",
    "find_default_rules_dir",
    "load_config",
    "load_rules",
    "parse_window",
]

WEEKDAYS: dict[str, int] = {
    "mon": 0,
    "tue": 1,
    "wed": 2,
    "thu": 3,
    "fri": 4,
    "sat": 5,
    "sun": 6,
    "monday": 0,
    "tuesday": 1,
    "wednesday": 2,
    "thursday": 3,
    "friday": 4,
    "saturday": 5,
    "sunday": 6,
}
_TOP_KEYS = (
    "rules_dir",
    "jira",
    "confluence",
    "schedule",
    "calendar",
    "people",
    "roles",
    "teams",
    "heartbeat",
)
_JIRA_KEYS = (
    "url_env",
    "email_env",
    "token_env",
    "projects",
    "property_key",
    "sprint_field",
    "people_issue_visibility",
    "counterpart_field",
    "decision_field",
)
_CONFLUENCE_KEYS = (
    "url_env",
    "space",
    "title",
    "parent_id",
    "page_id",
    "on_manual_edit",
    "publish_interval",
    "restrict_editing",
)
_SCHEDULE_KEYS = (
    "poll_interval",
    "full_resync_every",
    "jitter",
    "weekly_digest",
    "monthly_review",
    "concurrency",
)
_CALENDAR_KEYS = (
    "timezone",
    "hours",
    "holidays",
    "extra_holidays",
    "severity_calendars",
    "sprint",
    "planning",
)
_PERSON_KEYS = ("account_id", "name", "email", "phone", "slack")
_TEAM_KEYS = ("name", "projects", "components", "slack_channel")
_SECRET_KEYS = {
    "token",
    "api_token",
    "apitoken",
    "password",
    "passwd",
    "secret",
    "api_key",
    "apikey",
    "pat",
    "personal_access_token",
    "credentials",
}
_PROJECT_KEY = re.compile(r"^[A-Z][A-Z0-9_]+$")
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_WINDOW = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")
_CLOCK = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_SECONDS = re.compile(r"^\s*(\d+)\s*(s|sec|secs|seconds?)\s*$", re.IGNORECASE)
_DURATION_FIX = 'write a duration such as "30s", "5m", "1h", "2d" or "2w"'
_RULES_DIR_FIX = (
    "write the folder holding severities.yaml, matrix.yaml... relative to this file, "
    "or remove rules_dir to use the rules shipped with the worker"
)


def find_default_rules_dir() -> Path:
    """The rules shipped inside the package (``worker/defaults/rules``)."""
    from worker.defaults import rules_dir

    return rules_dir()


def load_rules(rules_dir: Path) -> Rules:
    """Read and validate ``rules_dir``; raise :class:`ConfigError` listing every problem."""
    parts, issues = collect_rules(Path(rules_dir))
    if issues:
        raise ConfigError(sort_issues(issues))
    return build_rules(parts)


def load_config(path: Path) -> Config:
    """Read ``path`` and its rules, validate both together, raise :class:`ConfigError` on problems.

    The config names environment variables but never reads them: the adapters read the values,
    and ``check`` reports which are set.
    """
    config, issues = collect_config(Path(path))
    if issues or config is None:
        raise ConfigError(sort_issues(issues))
    return config


def parse_window(text: str) -> tuple[time, time] | None:
    """``"09:00-12:30"`` → (09:00, 12:30); None when unreadable (end ≤ start is left to the caller)."""
    m = _WINDOW.match(text)
    if not m:
        return None
    h1, m1, h2, m2 = (int(g) for g in m.groups())
    if h1 > 23 or h2 > 23 or m1 > 59 or m2 > 59:
        return None
    return time(h1, m1), time(h2, m2)


def _config_duration(text: Any) -> timedelta | None:
    """The duration ``text`` names; None when unreadable. Raises OverflowError when it is huge."""
    if not isinstance(text, str):
        return None
    d = parse_duration(text)
    if d is not None:
        return d
    m = _SECONDS.match(text)
    return timedelta(seconds=int(m.group(1))) if m else None


def _clock(text: Any) -> time | None:
    m = _CLOCK.match(text) if isinstance(text, str) else None
    if not m or int(m.group(1)) > 23 or int(m.group(2)) > 59:
        return None
    return time(int(m.group(1)), int(m.group(2)))


class _ConfigLoader:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.issues: list[ConfigIssue] = []
        doc, issues = read_yaml(path)
        self.issues.extend(issues)
        self.r = Reader(doc, self.issues)
        self.ok_to_read = not issues
        self.parts: RulesParts | None = None
        self.rules_dir = find_default_rules_dir()

    # -- small readers ----------------------------------------------------------------------
    def duration(
        self,
        body: dict[str, Any] | None,
        path: PathKey,
        key: str,
        default: timedelta,
        *,
        allow_zero: bool = False,
    ) -> timedelta:
        if body is None or body.get(key) is None:
            return default
        value = body[key]
        try:
            d = _config_duration(value)
        except (OverflowError, ValueError):
            d = formats.MAX_DURATION * 2  # beyond any date Python can hold: reported as too long
        if d is not None and formats.too_long(d):
            self.r.issue(
                (*path, key),
                f"the duration {value!r} is longer than {formats.MAX_DURATION_TEXT}; no setting "
                "of the worker means that.",
                _DURATION_FIX,
            )
            return default
        if d is None:
            self.r.issue((*path, key), f"cannot read the duration {value!r}.", _DURATION_FIX)
            return default
        if d <= timedelta(0) and not (allow_zero and d == timedelta(0)):
            self.r.issue(
                (*path, key), f"the duration must be positive, got {value!r}.", _DURATION_FIX
            )
            return default
        return d

    def shaped(self, path: PathKey, value: str | None, check: formats.Check) -> bool:
        """Report ``check``'s problem with ``value`` at ``path``; True when the value is acceptable."""
        problem = check(value) if value is not None else None
        if problem is not None:
            self.r.issue(path, *problem)
        return problem is None

    def env_name(self, body: dict[str, Any] | None, path: PathKey, key: str, default: str) -> str:
        value = self.r.get(body, path, key, "str", default=default)
        if not _ENV_NAME.match(value):
            self.r.issue(
                (*path, key),
                f"'{value}' is not an environment variable name.",
                "write the NAME of the variable that holds the value, e.g. JIRA_URL; never the value",
            )
            return default
        return str(value)

    def secrets(self, body: dict[str, Any] | None, path: PathKey, env_hint: str) -> None:
        for key in body or {}:
            if key.lower() in _SECRET_KEYS:
                self.r.issue(
                    (*path, key),
                    f"'{key}' puts a secret in the config file; secrets never live in YAML.",
                    f"delete this line and put the secret in the environment variable named by "
                    f"{env_hint}",
                    key=True,
                )

    # -- sections ---------------------------------------------------------------------------
    def load(self) -> Config | None:
        r = self.r
        top: dict[str, Any] | None = None
        if self.ok_to_read:
            if r.doc.data is None:
                r.issue((), "the file is empty.", "start from config.example.yaml", line=1)
            else:
                top = r.section((), r.doc.data, _TOP_KEYS)
        named = self._rules_dir(top)
        parts, rule_issues = collect_rules(self.rules_dir)
        self.parts = parts
        if named:
            rule_issues = self._missing_rule_files(rule_issues)
        self.issues.extend(rule_issues)
        if top is None:
            return None
        jira = self._jira(top)
        confluence = self._confluence(top)
        schedule = self._schedule(top)
        heartbeat = self._heartbeat(top)
        calendar = self._calendar(top)
        directory = self._directory(top, jira)
        if self.issues or directory is None or calendar is None:
            return None
        return Config(
            self.path,
            self.rules_dir,
            build_rules(parts),
            directory,
            jira,
            confluence,
            schedule,
            calendar,
            heartbeat,
        )

    def _rules_dir(self, top: dict[str, Any] | None) -> bool:
        """Resolve ``rules_dir``; True when the config names a folder that exists."""
        value = self.r.get(top, (), "rules_dir", "str")
        if value is None:
            return False
        self.rules_dir = self.path.parent / value
        try:
            is_dir, exists = self.rules_dir.is_dir(), self.rules_dir.exists()
        except OSError:  # e.g. a name longer than the file system allows
            is_dir = exists = False
        if not is_dir:
            what = "is not a folder" if exists else "does not exist"
            self.r.issue(
                ("rules_dir",),
                f"the rules folder '{self.rules_dir}' {what}.",
                _RULES_DIR_FIX,
            )
            self.rules_dir = find_default_rules_dir()
            return False
        return True

    def _missing_rule_files(self, issues: list[ConfigIssue]) -> list[ConfigIssue]:
        """Rule files absent from the folder the config named: one problem, at the config's line."""
        missing = [name for name in RULE_FILES if not (self.rules_dir / name).is_file()]
        if not missing:
            return issues
        self.r.issue(
            ("rules_dir",),
            f"the rules folder '{self.rules_dir}' has no {', '.join(missing)}.",
            _RULES_DIR_FIX,
        )
        absent = {self.rules_dir / name for name in missing}
        return [i for i in issues if not (i.file in absent and i.line is None)]

    def _jira(self, top: dict[str, Any]) -> JiraSettings:
        r, path = self.r, ("jira",)
        self.secrets(
            top.get("jira") if isinstance(top.get("jira"), dict) else None, path, "jira.token_env"
        )
        known = (
            (*_JIRA_KEYS, *(k for k in (top.get("jira") or {}) if str(k).lower() in _SECRET_KEYS))
            if isinstance(top.get("jira"), dict)
            else _JIRA_KEYS
        )
        body = r.section(path, r.get(top, (), "jira", "map", required=True, default={}), known)
        defaults = JiraSettings()
        url_env = self.env_name(body, path, "url_env", defaults.url_env)
        email_env = self.env_name(body, path, "email_env", defaults.email_env)
        token_env = self.env_name(body, path, "token_env", defaults.token_env)
        projects: list[str] = []
        raw = r.str_list(body, path, "projects", required=True, non_empty=True) or []
        for i, key in enumerate(raw):
            if self._project_key((*path, "projects", i), key):
                projects.append(key)
        property_key = r.get(body, path, "property_key", "str", default=defaults.property_key)
        if not self.shaped((*path, "property_key"), property_key, formats.property_key):
            property_key = defaults.property_key
        sprint_field = r.get(body, path, "sprint_field", "str", default=defaults.sprint_field)
        if not self.shaped((*path, "sprint_field"), sprint_field, formats.field_id):
            sprint_field = defaults.sprint_field
        visibility = None
        vpath = (*path, "people_issue_visibility")
        vis = r.section(
            vpath, r.get(body, path, "people_issue_visibility", "map"), ("type", "value")
        )
        if vis:
            vtype = r.get(vis, vpath, "type", "str", required=True)
            value = r.get(vis, vpath, "value", "str", required=True)
            if vtype is not None and vtype not in ("group", "role"):
                r.issue(
                    (*vpath, "type"),
                    f"unknown visibility type '{vtype}'.",
                    "write 'group' (a Jira group name) or 'role' (a project role name)",
                )
            elif vtype is not None and value is not None:
                visibility = Visibility(vtype, value)
        counterpart_field = r.get(body, path, "counterpart_field", "str", default=None)
        if not self.shaped((*path, "counterpart_field"), counterpart_field, formats.field_id):
            counterpart_field = None
        decision_field = r.get(body, path, "decision_field", "str", default=None)
        if not self.shaped((*path, "decision_field"), decision_field, formats.field_id):
            decision_field = None
        return JiraSettings(
            url_env,
            email_env,
            token_env,
            tuple(projects),
            property_key,
            sprint_field,
            visibility,
            counterpart_field,
            decision_field,
        )

    def _project_key(self, path: PathKey, key: str) -> bool:
        if _PROJECT_KEY.match(key):
            return True
        self.r.issue(
            path,
            f"'{key}' is not a Jira project key.",
            "write the project key in capitals as Jira shows it, e.g. SHOP (letters, digits, _; "
            "a letter first; at least 2 characters)",
        )
        return False

    def _confluence(self, top: dict[str, Any]) -> ConfluenceSettings:
        r, path = self.r, ("confluence",)
        raw = top.get("confluence")
        self.secrets(
            raw if isinstance(raw, dict) else None,
            path,
            "jira.token_env (Confluence uses the Jira credentials)",
        )
        secret_keys = (
            [k for k in raw if str(k).lower() in _SECRET_KEYS] if isinstance(raw, dict) else []
        )
        body = r.section(
            path, r.get(top, (), "confluence", "map"), (*_CONFLUENCE_KEYS, *secret_keys)
        )
        d = ConfluenceSettings()
        if not body:
            return d
        url_env = self.env_name(body, path, "url_env", d.url_env)
        space = r.get(body, path, "space", "str", default=d.space)
        if not self.shaped((*path, "space"), space, formats.space_key):
            space = d.space
        title = r.get(body, path, "title", "str", default=d.title)
        if not self.shaped((*path, "title"), title, formats.page_title):
            title = d.title
        ids: dict[str, str | None] = {}
        for key in ("parent_id", "page_id"):
            value = body.get(key)
            if value is None or (
                isinstance(value, int) and not isinstance(value, bool) and value > 0
            ):
                ids[key] = None if value is None else str(value)
            elif isinstance(value, str) and value.isdigit():
                ids[key] = value
            else:
                r.issue(
                    (*path, key),
                    f"expected a Confluence page id (digits), got {value!r}.",
                    "write the numeric id from the page URL (…/pages/<id>/…), or null",
                )
                ids[key] = None
        on_edit = r.get(body, path, "on_manual_edit", "str", default=d.on_manual_edit)
        if on_edit not in ("overwrite", "skip"):
            r.issue(
                (*path, "on_manual_edit"),
                f"unknown on_manual_edit value '{on_edit}'.",
                "write 'overwrite' (replace manual edits) or 'skip' (leave the page alone)",
            )
            on_edit = d.on_manual_edit
        interval = self.duration(body, path, "publish_interval", d.publish_interval)
        restrict = r.get(body, path, "restrict_editing", "bool", default=d.restrict_editing)
        if restrict:
            r.issue(
                (*path, "restrict_editing"),
                "restricting the page is not supported yet: Confluence Cloud's v2 API "
                "has no page-restriction endpoint and the v1 one is being removed.",
                "set restrict_editing: false and restrict the page by hand in Confluence (page ... › Restrictions)",
            )
            restrict = False
        return ConfluenceSettings(
            url_env, space, title, ids["parent_id"], ids["page_id"], on_edit, interval, restrict
        )

    def _schedule(self, top: dict[str, Any]) -> ScheduleSettings:
        r, path = self.r, ("schedule",)
        body = r.section(path, r.get(top, (), "schedule", "map"), _SCHEDULE_KEYS)
        d = ScheduleSettings()
        if not body:
            return d
        poll = self.duration(body, path, "poll_interval", d.poll_interval)
        resync = self.duration(body, path, "full_resync_every", d.full_resync_every)
        jitter = self.duration(body, path, "jitter", d.jitter, allow_zero=True)
        if jitter >= poll and body.get("jitter") is not None:
            r.issue(
                (*path, "jitter"),
                f"the jitter ({body['jitter']}) is not shorter than the poll interval "
                f"({body.get('poll_interval', '1m')}); a cycle could start after the next one is due.",
                "make the jitter a small part of poll_interval, e.g. 5s for 1m",
            )
            jitter = min(d.jitter, poll / 2)
        weekly = d.weekly_digest
        wpath = (*path, "weekly_digest")
        wbody = r.section(wpath, r.get(body, path, "weekly_digest", "map"), ("weekday", "at"))
        if wbody:
            wd = self._weekday(wpath, r.get(wbody, wpath, "weekday", "str", required=True))
            at = self._at(wbody, wpath)
            if wd is not None and at is not None:
                weekly = WeeklyAt(wd, at)
        monthly = d.monthly_review
        mpath = (*path, "monthly_review")
        mbody = r.section(mpath, r.get(body, path, "monthly_review", "map"), ("day", "at"))
        if mbody:
            day = r.get(mbody, mpath, "day", "int", required=True)
            if day is not None and not 1 <= day <= 28:
                r.issue(
                    (*mpath, "day"),
                    f"day must be between 1 and 28, got {day}.",
                    "pick a day that exists in every month (1 to 28)",
                )
                day = None
            at = self._at(mbody, mpath)
            if day is not None and at is not None:
                monthly = MonthlyAt(day, at)
        concurrency = r.get(body, path, "concurrency", "int")
        if concurrency is not None and not 1 <= concurrency <= 16:
            r.issue(
                (*path, "concurrency"),
                f"concurrency must be between 1 and 16, got {concurrency}.",
                "use a small number (4 is the default); Jira's rate limits cap what more would bring",
            )
            concurrency = None
        return ScheduleSettings(poll, resync, jitter, weekly, monthly, concurrency or d.concurrency)

    def _heartbeat(self, top: dict[str, Any]) -> HeartbeatSettings:
        r, path = self.r, ("heartbeat",)
        body = r.section(path, r.get(top, (), "heartbeat", "map"), ("url_env", "stale_after"))
        d = HeartbeatSettings()
        if not body:
            return d
        url_env = self.env_name(body, path, "url_env", "") if "url_env" in body else None
        stale = self.duration(body, path, "stale_after", d.stale_after)
        return HeartbeatSettings(url_env or None, stale)

    def _at(self, body: dict[str, Any], path: PathKey) -> time | None:
        value = self.r.get(body, path, "at", "any", required=True)
        if value is None:
            return None
        at = _clock(value)
        if at is None:
            self.r.issue(
                (*path, "at"),
                f"cannot read the time of day {value!r}.",
                'write "HH:MM" in quotes, e.g. "09:00"',
            )
        return at

    def _weekday(self, path: PathKey, value: str | None) -> int | None:
        if value is None:
            return None
        wd = WEEKDAYS.get(value.lower())
        if wd is None:
            self.r.issue(
                path,
                f"unknown weekday '{value}'.",
                one_of(value.lower(), list(WEEKDAYS)[:7], "mon, tue, wed, thu, fri, sat, sun"),
            )
        return wd

    def _calendar(self, top: dict[str, Any]) -> CalendarSettings | None:
        r, path = self.r, ("calendar",)
        body = r.section(path, r.get(top, (), "calendar", "map", required=True), _CALENDAR_KEYS)
        if body is None:
            return None
        tz_name = r.get(body, path, "timezone", "str", required=True)
        tz: ZoneInfo | None = None
        if self.shaped((*path, "timezone"), tz_name, formats.time_zone) and tz_name is not None:
            tz = ZoneInfo(tz_name)
        hours = self._hours(body, path)
        country, subdiv, categories = self._holidays(body, path)
        extra: list[date] = []
        for i, item in enumerate(r.get(body, path, "extra_holidays", "list", default=[])):
            ipath = (*path, "extra_holidays", i)
            try:
                if not isinstance(item, str) or not _DATE.match(item):
                    raise ValueError
                extra.append(date.fromisoformat(item))
            except ValueError:
                r.issue(
                    ipath,
                    f"cannot read the date {item!r}.",
                    'write "YYYY-MM-DD", e.g. "2026-12-24"',
                )
        sev_cals: dict[str, str] = {}
        spath = (*path, "severity_calendars")
        cals = r.section(spath, r.get(body, path, "severity_calendars", "map"), None) or {}
        known_sevs = self.parts.declared_severities if self.parts else None
        for sid, cal in cals.items():
            if known_sevs is not None and sid not in known_sevs:
                r.issue(
                    (*spath, sid),
                    f"unknown severity '{sid}'.",
                    one_of(sid, known_sevs, "the severities defined in the rules"),
                    key=True,
                )
            elif cal not in ("always", "business"):
                r.issue(
                    (*spath, sid),
                    f"unknown calendar {cal!r}.",
                    "write 'always' (around the clock) or 'business' (the working hours above)",
                )
            else:
                sev_cals[sid] = cal
        d = CalendarSettings(timezone="UTC", hours={})
        sprint = r.section((*path, "sprint"), r.get(body, path, "sprint", "map"), ("length",))
        sprint_length = self.duration(sprint, (*path, "sprint"), "length", d.sprint_length)
        ppath = (*path, "planning")
        planning = r.section(ppath, r.get(body, path, "planning", "map"), ("first", "every"))
        first: datetime | None = None
        if planning and planning.get("first") is not None:
            raw = planning["first"]
            try:
                if not isinstance(raw, str):
                    raise ValueError
                first = datetime.fromisoformat(raw)
                if first.tzinfo is not None:
                    raise ValueError
                first = first.replace(tzinfo=tz) if tz is not None else None
            except ValueError:
                r.issue(
                    (*ppath, "first"),
                    f"cannot read the planning date and time {raw!r}.",
                    'write the local date and time of one planning session, e.g. "2026-01-05T10:00" '
                    "(no offset: the calendar's time zone applies)",
                )
                first = None
        every = self.duration(planning, ppath, "every", d.planning_every)
        if every % timedelta(days=1):
            r.issue(
                (*ppath, "every"),
                f"the planning cadence must be whole days, got {(planning or {}).get('every')!r}.",
                'write e.g. "7d", "2w" or "3w"',
            )
            every = d.planning_every
        if tz is None or hours is None:
            return None
        return CalendarSettings(
            tz_name,
            hours,
            country,
            subdiv,
            categories,
            tuple(extra),
            sev_cals,
            sprint_length,
            first,
            every,
        )

    def _hours(
        self, body: dict[str, Any], path: PathKey
    ) -> dict[int, tuple[tuple[time, time], ...]] | None:
        r = self.r
        hpath = (*path, "hours")
        raw = r.section(hpath, r.get(body, path, "hours", "map", required=True), None)
        if raw is None:
            return None
        out: dict[int, tuple[tuple[time, time], ...]] = {}
        ok = True
        for day, windows in raw.items():
            dpath = (*hpath, day)
            wd = WEEKDAYS.get(day.lower())
            if wd is None:
                r.issue(
                    dpath,
                    f"unknown weekday '{day}'.",
                    one_of(day.lower(), list(WEEKDAYS)[:7], "mon, tue, wed, thu, fri, sat, sun"),
                    key=True,
                )
                ok = False
                continue
            if wd in out:
                r.issue(
                    dpath,
                    f"'{day}' repeats a weekday already listed.",
                    "list each weekday once",
                    key=True,
                )
                ok = False
                continue
            if windows is None:
                windows = []
            if not r.check(
                dpath,
                windows,
                "list",
                'write a list of windows, e.g. ["09:00-12:30", "13:30-18:00"]',
            ):
                ok = False
                continue
            parsed: list[tuple[int, tuple[time, time]]] = []
            for i, text in enumerate(windows):
                wpath = (*dpath, i)
                win = parse_window(text) if isinstance(text, str) else None
                if win is None:
                    r.issue(
                        wpath,
                        f"cannot read the working window {text!r}.",
                        'write "HH:MM-HH:MM" in quotes, e.g. "09:00-12:30"',
                    )
                    ok = False
                elif win[1] <= win[0]:
                    r.issue(
                        wpath,
                        f"the window '{text}' ends at or before it starts.",
                        "write the start first and an end later the same day (windows cannot cross midnight)",
                    )
                    ok = False
                else:
                    parsed.append((i, win))
            parsed.sort(key=lambda item: item[1])
            for (_, a), (j, b) in itertools.pairwise(parsed):
                if b[0] < a[1]:
                    r.issue(
                        (*dpath, j),
                        f"the window '{windows[j]}' overlaps another window of the same day.",
                        "make the windows of a day disjoint",
                    )
                    ok = False
            out[wd] = tuple(w for _, w in parsed)
        if ok and not any(out.values()):
            r.issue(
                hpath,
                "the week has no working window.",
                'give at least one weekday a window, e.g. mon: ["09:00-17:00"]',
                line=r.doc.missing_line(hpath),
            )
            ok = False
        return dict(sorted(out.items())) if ok else None

    def _holidays(
        self, body: dict[str, Any], path: PathKey
    ) -> tuple[str | None, str | None, tuple[str, ...]]:
        r = self.r
        hpath = (*path, "holidays")
        h = r.section(
            hpath, r.get(body, path, "holidays", "map"), ("country", "subdivision", "categories")
        )
        if not h:
            return None, None, ("public",)
        country = r.get(h, hpath, "country", "str")
        subdiv = r.get(h, hpath, "subdivision", "any")
        if subdiv is not None and not isinstance(subdiv, str):
            subdiv = str(subdiv)
        categories = tuple(r.str_list(h, hpath, "categories") or ("public",))
        if country is None:
            if subdiv is not None:
                r.issue(
                    (*hpath, "subdivision"),
                    "a subdivision needs a country.",
                    "add country: e.g. FR",
                )
            return None, None, categories
        supported = holidays_pkg.list_supported_countries()
        if country not in supported:
            r.issue(
                (*hpath, "country"),
                f"unknown holiday country '{country}'.",
                "write an ISO 3166 country code supported by the holidays package, e.g. FR, DE, US"
                + (
                    f" (did you mean '{best}'?)"
                    if (best := closest(country.upper(), supported))
                    else ""
                ),
            )
            return None, None, categories
        try:
            holidays_pkg.country_holidays(country, subdiv=subdiv)
        except NotImplementedError:
            subs = supported[country]
            r.issue(
                (*hpath, "subdivision"),
                f"unknown subdivision '{subdiv}' for {country}.",
                f"use one of {', '.join(subs)}, or null"
                if subs
                else f"{country} has no subdivisions: write null",
            )
            return country, None, categories
        for i, cat in enumerate(categories):
            try:
                holidays_pkg.country_holidays(country, subdiv=subdiv, categories=(cat,))
            except (ValueError, NotImplementedError):
                cls = holidays_pkg.country_holidays(country, subdiv=subdiv)
                r.issue(
                    (*hpath, "categories", i),
                    f"unknown holiday category '{cat}' for {country}.",
                    f"use one of {', '.join(sorted(cls.supported_categories))}",
                )
        return country, subdiv, categories

    def _directory(self, top: dict[str, Any], jira: JiraSettings) -> Directory | None:
        r = self.r
        parts = self.parts
        roles_file = parts.file("roles.yaml") if parts else Path("rules/roles.yaml")
        all_roles = parts.roles if parts else {}
        declared_roles = parts.declared_roles if parts else None

        # people
        people: dict[str, Person] = {}
        accounts: dict[str, str] = {}
        people_section = r.section(
            ("people",), r.get(top, (), "people", "map", required=True), None
        )
        raw_people = people_section or {}
        for handle, body in raw_people.items():
            path = ("people", handle)
            body = r.section(path, body, _PERSON_KEYS)
            if body is None:
                continue
            account = r.get(
                body,
                path,
                "account_id",
                "str",
                required=True,
                fix="add account_id: the person's Atlassian accountId, in quotes",
            )
            name = r.get(body, path, "name", "str", required=True)
            email = r.get(body, path, "email", "str")
            if not self.shaped((*path, "email"), email, formats.email):
                email = None
            phone = r.get(
                body, path, "phone", "str", fix='write the number in quotes, e.g. "+33600000001"'
            )
            if not self.shaped((*path, "phone"), phone, formats.phone):
                phone = None
            slack = r.get(body, path, "slack", "str")
            if not self.shaped((*path, "slack"), slack, formats.slack_member):
                slack = None
            if account is not None and account in accounts:
                r.issue(
                    (*path, "account_id"),
                    f"accountId '{account}' is already used by '{accounts[account]}'.",
                    "give each person their own Atlassian accountId (one entry per person)",
                )
                continue
            if account is None or name is None:
                continue
            accounts[account] = handle
            people[handle] = Person(handle, account, name, email, phone, slack)

        def handles(path: PathKey, value: Any) -> tuple[str, ...]:
            items = [value] if isinstance(value, str) else value
            if not isinstance(items, list):
                r.wrong_type(
                    path, value, "str", "write a person handle from people:, or a list of handles"
                )
                return ()
            if not items:
                r.issue(
                    path,
                    "the list names nobody.",
                    "write the handle of at least one person from people:, or remove the line",
                )
                return ()
            out: list[str] = []
            for i, h in enumerate(items):
                ipath = path if isinstance(value, str) else (*path, i)
                if not r.check(ipath, h, "str"):
                    continue
                if h not in raw_people and people_section is not None:
                    r.issue(
                        ipath,
                        f"unknown person '{h}'.",
                        one_of(h, raw_people, "the handles defined under people:"),
                    )
                    continue
                out.append(h)
            return tuple(out)

        # global roles
        global_roles: dict[str, tuple[str, ...]] = {}
        raw_roles = r.section(("roles",), r.get(top, (), "roles", "map"), None) or {}
        for rid, value in raw_roles.items():
            path = ("roles", rid)
            role = all_roles.get(rid)
            if declared_roles is not None and rid not in declared_roles:
                r.issue(
                    path,
                    f"unknown role '{rid}'.",
                    one_of(rid, declared_roles, f"the roles defined in {roles_file}"),
                    key=True,
                )
                continue
            if role is not None and role.scope == "team":
                r.issue(
                    path,
                    f"'{rid}' is a team role; it is filled per team.",
                    f"move it under each team in teams: (teams.<team>.{rid})",
                    key=True,
                )
                continue
            found = handles(path, value)
            if found:
                global_roles[rid] = found

        # teams
        team_roles = [rid for rid, role in all_roles.items() if role.scope == "team"]
        teams: dict[str, Team] = {}
        in_scope: list[str] = []
        covered: set[str] = set()
        whole: dict[str, str] = {}  # project -> the team handling all of it (no components)
        raw_teams = r.section(("teams",), r.get(top, (), "teams", "map"), None) or {}
        for tid, body in raw_teams.items():
            path = ("teams", tid)
            if not r.check(path, body, "map"):
                continue
            members: dict[str, tuple[str, ...]] = {}
            for key, value in body.items():
                if key in _TEAM_KEYS:
                    continue
                role = all_roles.get(key)
                if role is not None and role.scope == "global":
                    r.issue(
                        (*path, key),
                        f"'{key}' is a global role; it is filled once for everyone.",
                        f"move it under roles: at the top level (roles.{key})",
                        key=True,
                    )
                elif declared_roles is not None and key not in declared_roles:
                    r.unknown_key(
                        (*path, key),
                        key,
                        [*_TEAM_KEYS, *team_roles],
                        hint=f"a team holds name, projects, components, slack_channel and the team roles "
                        f"of {roles_file}",
                    )
                elif role is not None:
                    found = handles((*path, key), value)
                    if found:
                        members[key] = found
            name = r.get(body, path, "name", "str", default=tid)
            projects: list[str] = []
            components = r.str_list(body, path, "components") or []
            for i, key in enumerate(r.str_list(body, path, "projects") or []):
                if not self._project_key((*path, "projects", i), key):
                    continue
                if key in projects:
                    r.issue(
                        (*path, "projects", i), f"project {key} is listed twice.", "list it once"
                    )
                    continue
                if not components and key in whole:
                    # two teams taking a whole project: the first listed would silently win
                    r.issue(
                        (*path, "projects", i),
                        f"project {key} is already handled by team '{whole[key]}'.",
                        "list each project under one team; to share a project between teams, "
                        "give each team the components: it handles",
                    )
                    continue
                if not components:
                    whole[key] = tid
                covered.add(key)
                projects.append(key)
            channel = r.get(body, path, "slack_channel", "str")
            if not self.shaped((*path, "slack_channel"), channel, formats.slack_channel):
                channel = None
            if not projects and not components:
                r.issue(
                    path,
                    f"team '{tid}' has no projects and no components, so no issue can reach it.",
                    "add projects: [KEY] and/or components: [name]",
                    line=r.doc.missing_line(path),
                )
            if not projects or set(projects) & set(jira.projects):
                in_scope.append(tid)
            teams[tid] = Team(tid, name, tuple(projects), tuple(components), members, channel)

        for i, key in enumerate(jira.projects):
            if key not in covered:
                r.issue(
                    ("jira", "projects", i),
                    f"project {key} is not covered by any team.",
                    f"add {key} to the projects: of the team that handles it, under teams:",
                )

        # every role the rules need has a person wherever it can be asked for
        if parts is not None:
            for rid, use in parts.role_uses().items():
                role = all_roles.get(rid)
                if role is None:
                    continue
                if role.scope == "global":
                    if rid not in global_roles and rid not in raw_roles:
                        r.issue(
                            ("roles",),
                            f"no person for the global role '{rid}', which {use}.",
                            f"add '{rid}: <person handle>' under roles:",
                            line=r.doc.missing_line(("roles",)),
                        )
                    continue
                for tid in in_scope:
                    if rid not in raw_teams[tid]:
                        r.issue(
                            ("teams", tid),
                            f"team '{tid}' has no person for the role '{rid}', which {use}.",
                            f"add '{rid}: <person handle>' to team '{tid}'",
                            line=r.doc.missing_line(("teams", tid)),
                        )
        return Directory(people=people, global_roles=global_roles, teams=teams)


def collect_config(path: Path) -> tuple[Config | None, list[ConfigIssue]]:
    """Validate the config at ``path`` and its rules; the Config only when nothing is wrong."""
    loader = _ConfigLoader(path)
    config = loader.load()
    return config, loader.issues
