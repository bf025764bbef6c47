"""Load ``config.yaml`` and ``rules/`` into typed, validated settings.

Public entry points: :func:`load_rules`, :func:`load_config`, :func:`find_default_rules_dir`.
Both loaders report *every* problem found, as one :class:`ConfigError`. Reading files is the
only side effect; nothing here reads the environment or the clock.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from worker.config import formats
from worker.config.absences_load import read_absences
from worker.config.calendar_load import WEEKDAYS, parse_window, read_calendar, read_team_calendars
from worker.config.directory_load import read_directory
from worker.config.errors import ConfigError, ConfigIssue, PathKey
from worker.config.fields import Reader, one_of
from worker.config.model import (
    Config,
    ConfluenceSettings,
    HeartbeatSettings,
    JiraSettings,
    MonthlyAt,
    ScheduleSettings,
    Visibility,
    WeeklyAt,
)
from worker.config.onboarding_load import read_adoption, read_storm
from worker.config.rules_load import (
    RULE_FILES,
    RulesParts,
    build_rules,
    collect_rules,
    missing_language,
    sort_issues,
)
from worker.config.yamlloc import read_yaml
from worker.core.rules import Rules, parse_duration
from worker.i18n.catalogs import SOURCE_LANGUAGE, available_languages
from worker.i18n.rules_text import rules_in

__all__ = [
    "WEEKDAYS",
    "ConfigError",
    "ConfigIssue",
    "find_default_rules_dir",
    "load_config",
    "load_rules",
    "parse_window",
]

_TOP_KEYS = (
    "rules_dir",
    "jira",
    "confluence",
    "schedule",
    "calendar",
    "absences",
    "people",
    "roles",
    "teams",
    "heartbeat",
    "mode",
    "adoption",
    "storm",
    "language",
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
    "show_adopted",
)
_SCHEDULE_KEYS = (
    "poll_interval",
    "full_resync_every",
    "jitter",
    "weekly_digest",
    "monthly_review",
    "concurrency",
    "burst_concurrency",
)
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
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_CLOCK = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*$")
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
        mode = self._mode(top)
        language = self._language(top)
        if not rule_issues:
            self.issues.extend(missing_language(parts, language))
        adoption = read_adoption(self.r, top)
        storm = read_storm(self.r, self.duration, top)
        calendar = read_calendar(self.r, self.parts, self.duration, top)
        team_calendars = read_team_calendars(self.r, self.parts, self.duration, top)
        directory = read_directory(self.r, self.parts, top, jira.projects)
        if calendar is not None and directory is not None:
            try:
                tz = ZoneInfo(calendar.timezone)
            except (ValueError, KeyError):  # reported by the calendar section
                tz = ZoneInfo("UTC")
            absences = read_absences(self.r, top, directory.people, tz)
            directory = replace(directory, absences=absences)
        if self.issues or directory is None or calendar is None:
            return None
        return Config(
            self.path,
            self.rules_dir,
            rules_in(build_rules(parts), language),
            directory,
            jira,
            confluence,
            schedule,
            calendar,
            heartbeat,
            mode,
            team_calendars,
            adoption,
            storm,
            language,
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
            if self.r.shaped((*path, "projects", i), key, formats.project_key):
                projects.append(key)
        property_key = r.get(body, path, "property_key", "str", default=defaults.property_key)
        if not self.r.shaped((*path, "property_key"), property_key, formats.property_key):
            property_key = defaults.property_key
        sprint_field = r.get(body, path, "sprint_field", "str", default=defaults.sprint_field)
        if not self.r.shaped((*path, "sprint_field"), sprint_field, formats.field_id):
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
        if not self.r.shaped((*path, "counterpart_field"), counterpart_field, formats.field_id):
            counterpart_field = None
        decision_field = r.get(body, path, "decision_field", "str", default=None)
        if not self.r.shaped((*path, "decision_field"), decision_field, formats.field_id):
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
        if not self.r.shaped((*path, "space"), space, formats.space_key):
            space = d.space
        title = r.get(body, path, "title", "str", default=d.title)
        if not self.r.shaped((*path, "title"), title, formats.page_title):
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
        adopted = r.get(body, path, "show_adopted", "bool", default=d.show_adopted)
        return ConfluenceSettings(
            url_env,
            space,
            title,
            ids["parent_id"],
            ids["page_id"],
            on_edit,
            interval,
            restrict,
            bool(adopted),
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
        burst = r.get(body, path, "burst_concurrency", "int")
        if burst is not None and not 1 <= burst <= 32:
            r.issue(
                (*path, "burst_concurrency"),
                f"burst_concurrency must be between 1 and 32, got {burst}.",
                "16 is the default; Jira's per-second limits cap what more would bring",
            )
            burst = None
        concurrency = concurrency or d.concurrency
        if burst is None:  # a pool of one turns parallel work off, bursts included
            burst = d.burst_concurrency if concurrency > 1 else 1
        # never narrower than the everyday pool
        return ScheduleSettings(
            poll, resync, jitter, weekly, monthly, concurrency, max(concurrency, burst)
        )

    def _mode(self, top: dict[str, Any]) -> str:
        value = self.r.get(top, (), "mode", "str", default="live")
        if value not in ("live", "shadow"):
            self.r.issue(
                ("mode",),
                f"unknown mode {value!r}.",
                "write live (the worker acts) or shadow (it decides and logs, and writes nothing)",
            )
            return "live"
        return str(value)

    def _language(self, top: dict[str, Any]) -> str:
        value = self.r.get(top, (), "language", "str", default=SOURCE_LANGUAGE)
        known = available_languages()
        if value not in known:
            self.r.issue(
                ("language",),
                f"no texts for language {value!r}.",
                f"write one of {', '.join(known)} (a new language needs its catalogs: "
                "see docs/i18n.md)",
            )
            return SOURCE_LANGUAGE
        return str(value)

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


def collect_config(path: Path) -> tuple[Config | None, list[ConfigIssue]]:
    """Validate the config at ``path`` and its rules; the Config only when nothing is wrong."""
    loader = _ConfigLoader(path)
    config = loader.load()
    return config, loader.issues
