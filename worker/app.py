"""Composition root: settings from the environment, the adapters, and the services bundle.

:func:`bootstrap` is the one place that builds what the jobs use — the Jira gateway, the clocks,
the notification channels, the Confluence client (lazily), the worker's account id — once, checks
the site (credentials, projects), and hands back a small typed :class:`Services`. The cycle and
each scheduled job take only the parts they use. Nothing here runs at import time.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import structlog

from worker.config.clocks import build_clocks
from worker.config.errors import ConfigError
from worker.config.load import load_config
from worker.config.model import Config
from worker.core.clocks import Clocks
from worker.cycle.apply import Notifier
from worker.cycle.cycle import Cycle, Memory
from worker.cycle.shadow import ShadowBook
from worker.errors import (
    ConfigProblem,
    EnvironmentProblem,
    NotFound,
    PermissionDenied,
    UserError,
)
from worker.jira.gateway import JiraGateway
from worker.jira.http import (
    AtlassianTransport,
    JiraError,
    RateLimiter,
    RetryingHttp,
    RetryPolicy,
)
from worker.redact import secret_from_env
from worker.remote_errors import from_remote

log = structlog.get_logger("worker.app")

if TYPE_CHECKING:
    from worker.confluence.client import ConfluencePort
    from worker.notify.port import Channel

DEFAULT_CONFIG = "config.yaml"
# the first request of a command: a wrong host answers nothing, and the person waits for a verdict
FIRST_CONTACT = RetryPolicy(max_attempts=3, max_wait=2.0, max_total=6.0)


# kept as a name for callers of round 1; every setup problem is now a typed UserError
SetupError = UserError


@dataclass(frozen=True)
class Connection:
    jira_url: str
    email: str
    token: str
    confluence_url: str

    def __repr__(self) -> str:
        return f"Connection(jira_url={self.jira_url!r}, email={self.email!r}, token=[redacted])"


def config_path(arg: str | None, environ: Mapping[str, str]) -> Path:
    return Path(arg or environ.get("ESCALATION_WORKER_CONFIG") or DEFAULT_CONFIG)


def read_config(path: Path) -> Config:
    """The configuration, or a :class:`ConfigProblem` naming the first problem on one line."""
    if not path.exists():
        raise ConfigProblem(
            f"{path}: no such file",
            "run `escalation-worker init` to write one and adapt it, or pass --config PATH",
        )
    try:
        return load_config(path)
    except ConfigError as exc:
        raise config_problem(exc) from exc


def config_problem(exc: ConfigError) -> ConfigProblem:
    first = exc.issues[0] if exc.issues else None
    if first is None:
        return ConfigProblem(str(exc), "run escalation-worker check")
    where = str(first.file) + (f":{first.line}" if first.line is not None else "")
    from worker.config.errors import render_path

    key = render_path(first.path)
    more = len(exc.issues) - 1
    fix = first.fix + (f" ({more} more problem(s): run escalation-worker check)" if more else "")
    return ConfigProblem(f"{where}: {key + ': ' if key else ''}{first.message}", fix)


_HOST = re.compile(
    r"^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$"
)


def url_problem(name: str, value: str) -> str | None:
    """Why ``value`` is not a usable site URL for variable ``name`` (None when it is)."""
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return (
            f"{name}={value!r} has no scheme: write it as https://{value.strip().split('/')[0] or '<site>.atlassian.net'}"
            if "://" not in value
            else f"{name}={value!r}: only https:// (or http:// for a local test site) is supported"
        )
    host = parts.hostname or ""
    if not (_HOST.match(host) or re.fullmatch(r"[0-9.]+|\[[0-9a-fA-F:]+\]", host)):
        return f"{name}={value!r}: {host!r} is not a host name"
    if parts.query or parts.fragment:
        return f"{name}={value!r}: a site URL has no query or fragment"
    return None


def connection(config: Config, environ: Mapping[str, str]) -> Connection:
    """The site and credentials from the environment, checked; secrets registered for redaction."""
    j = config.jira
    missing = [
        name for name in (j.url_env, j.email_env, j.token_env) if not environ.get(name, "").strip()
    ]
    email = environ.get(j.email_env)
    token = secret_from_env(environ, j.token_env, user=email)
    if missing:
        raise EnvironmentProblem(
            "missing environment variable"
            + ("s " if len(missing) > 1 else " ")
            + ", ".join(missing),
            f"set {j.url_env} to your site (https://<site>.atlassian.net), {j.email_env} to the worker "
            f"account's email and {j.token_env} to an API token from "
            "https://id.atlassian.com/manage-profile/security/api-tokens",
        )
    problem = url_problem(j.url_env, environ[j.url_env])
    if problem:
        raise EnvironmentProblem(problem, f"set {j.url_env} to https://<site>.atlassian.net")
    url = environ[j.url_env].strip().rstrip("/")
    assert email is not None and token is not None
    from worker.confluence.service import confluence_url

    explicit = environ.get(config.confluence.url_env)
    if explicit:
        problem = url_problem(config.confluence.url_env, explicit)
        if problem:
            raise EnvironmentProblem(
                problem, f"set {config.confluence.url_env} to https://<site>.atlassian.net/wiki"
            )
    conf_url = confluence_url(config, environ) or f"{url}/wiki"
    return Connection(url, email, token, conf_url)


def build_http(
    conn: Connection,
    *,
    sleep: Callable[[float], None] | None = None,
    policy: RetryPolicy | None = None,
) -> RetryingHttp:
    transport = AtlassianTransport(conn.jira_url, conn.email, conn.token)
    if sleep is None:
        return RetryingHttp(transport, policy=policy)
    return RetryingHttp(transport, policy=policy, limiter=RateLimiter(sleep=sleep), sleep=sleep)


def build_gateway(config: Config, http: RetryingHttp) -> JiraGateway:
    return JiraGateway(
        http, property_key=config.jira.property_key, sprint_field=config.jira.sprint_field
    )


def wall_clock(environ: Mapping[str, str] | None = None) -> Callable[[], datetime]:
    """The real clock, unless ESCALATION_WORKER_NOW pins it (for demos and hand-run sandboxes)."""
    env = environ if environ is not None else os.environ
    pinned = env.get("ESCALATION_WORKER_NOW")
    if pinned:
        at = datetime.fromisoformat(pinned.replace("Z", "+00:00"))
        if at.tzinfo is None:
            at = at.replace(tzinfo=UTC)
        return lambda: at
    return lambda: datetime.now(UTC)


def build_cycle(
    config: Config,
    conn: Connection,
    *,
    now: Callable[[], datetime],
    memory: Memory | None = None,
    notifier: Notifier | None = None,
    sleep: Callable[[float], None] | None = None,
    policy: RetryPolicy | None = None,
    should_stop: Callable[[], bool] = lambda: False,
    shadow: ShadowBook | None = None,
) -> Cycle:
    http = build_http(conn, sleep=sleep, policy=policy)
    gateway = build_gateway(config, http)
    return Cycle(
        config,
        gateway,
        build_clocks(config),
        now=now,
        memory=memory,
        notifier=notifier,
        should_stop=should_stop,
        shadow=shadow,
    )


_FIX_UNKNOWN = "fix jira.projects in config.yaml, or grant Browse Projects to the worker account"
_FIX_403 = "grant Browse Projects to the worker account in the project's permission scheme"


@dataclass(frozen=True)
class ProjectProblem:
    """A watched project the worker cannot read; it is left out of every query until restart."""

    key: str
    what: str
    fix: str


def check_site(
    gateway: JiraGateway, config: Config, memory: Memory, *, projects: bool = True
) -> None:
    """The credentials and every watched project, before anything else; raises a typed UserError.

    The first request uses a short retry policy: a wrong host or a closed port gets its verdict in
    seconds instead of the minutes a cycle's requests may wait for a flaky site.
    """
    http = gateway.http
    saved, http.policy = http.policy, FIRST_CONTACT
    try:
        if memory.account_id is None:
            me = gateway.myself()
            memory.account_id = str(me.get("accountId") or "") or None
            memory.time_zone = str(me.get("timeZone") or "UTC")
    except JiraError as exc:
        if exc.status == 403:
            raise PermissionDenied(
                "Jira answered 403 for /myself",
                "the token may be scoped without read:jira-user: use a classic API token "
                "or add that scope",
            ) from exc
        raise _remote(exc) from exc
    finally:
        http.policy = saved
    if not projects:
        return
    usable, problems = [], []
    for key in config.jira.projects:
        try:
            if gateway.project_exists(key):
                usable.append(key)
            else:
                problems.append(
                    ProjectProblem(key, "does not exist or cannot be browsed", _FIX_UNKNOWN)
                )
        except JiraError as exc:
            if exc.status != 403:
                raise _remote(exc) from exc
            problems.append(
                ProjectProblem(key, "403: the worker account may not browse it", _FIX_403)
            )
    memory.projects = tuple(usable)
    if not usable:
        # nothing left to watch: that is no longer one bad project among good ones
        first = problems[0]
        raise NotFound(
            f"no watched project can be read ({', '.join(p.key for p in problems)}: {first.what})",
            first.fix,
        )
    for p in problems:
        # once per run (bootstrap checks once); the other projects are handled normally
        log.warning(
            "project_skipped",
            project=p.key,
            problem=p.what,
            fix=p.fix,
            handled=list(usable),
        )


def _remote(exc: BaseException) -> UserError:
    err = from_remote(exc)
    if err is None:  # pragma: no cover - from_remote knows every JiraError
        raise exc
    return err


def preflight(cycle: Cycle) -> list[str]:
    """Round 1's name for :func:`check_site` on a cycle; problems are raised, so the list is empty."""
    check_site(cycle.gateway, cycle.config, cycle.memory)
    return []


@dataclass(frozen=True)
class Services:
    """What the jobs use, built once by :func:`bootstrap`. Each job takes the parts it needs."""

    config: Config
    site_url: str
    gateway: JiraGateway
    clocks: Clocks
    now: Callable[[], datetime]
    account_id: str | None
    memory: Memory
    channels: Mapping[str, Channel]
    wiki_factory: Callable[[], ConfluencePort]
    environ: Mapping[str, str] = field(repr=False, default_factory=dict)

    def wiki(self) -> ConfluencePort:
        """The Confluence client (made on first use: only publishing jobs contact Confluence)."""
        return self.wiki_factory()

    def cycle(
        self,
        *,
        notifier: Notifier | None = None,
        should_stop: Callable[[], bool] = lambda: False,
        shadow: ShadowBook | None = None,
    ) -> Cycle:
        return Cycle(
            self.config,
            self.gateway,
            self.clocks,
            now=self.now,
            memory=self.memory,
            notifier=notifier,
            should_stop=should_stop,
            shadow=shadow,
        )

    def notifier(self) -> Notifier:
        from worker.cycle.notifications import notifier_from_channels

        return notifier_from_channels(
            self.channels, self.config, now=self.now, site_url=self.site_url
        )


def bootstrap(
    config: Config,
    environ: Mapping[str, str],
    *,
    now: Callable[[], datetime] | None = None,
    sleep: Callable[[float], None] | None = None,
    policy: RetryPolicy | None = None,
    channels: Mapping[str, Channel] | None = None,
    check: bool = True,
    projects: bool = True,
) -> Services:
    """Build the services once: connection (checked), gateway, clocks, channels, lazy Confluence.

    With ``check`` (the default) the site is contacted first: the credentials (and, with
    ``projects``, every watched project) are verified and the worker's account id learned, so a
    person's mistake fails here, in one line.
    """
    conn = connection(config, environ)
    gateway = build_gateway(config, build_http(conn, sleep=sleep, policy=policy))
    memory = Memory()
    if check:
        check_site(gateway, config, memory, projects=projects)
    if channels is None:
        from worker.notify.registry import build_channels

        channels = build_channels(environ)
    wiki_cache: list[ConfluencePort] = []

    def wiki() -> ConfluencePort:
        if not wiki_cache:
            from worker.confluence.service import client_from_env

            wiki_cache.append(client_from_env(config, environ))
        return wiki_cache[0]

    return Services(
        config=config,
        site_url=conn.jira_url,
        gateway=gateway,
        clocks=build_clocks(config),
        now=now or wall_clock(environ),
        account_id=memory.account_id,
        memory=memory,
        channels=channels,
        wiki_factory=wiki,
        environ=environ,
    )
