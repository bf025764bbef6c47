"""Composition root: settings from the environment, then the adapters and the cycle wired together.

Nothing here runs at import time; the CLI calls these functions.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from worker.config.clocks import build_clocks
from worker.config.load import load_config
from worker.config.model import Config
from worker.cycle.apply import Notifier
from worker.cycle.cycle import Cycle, Memory
from worker.jira.gateway import JiraGateway
from worker.jira.http import (
    AtlassianTransport,
    AuthError,
    JiraError,
    RateLimiter,
    RetryingHttp,
    RetryPolicy,
)
from worker.redact import register, register_basic_auth

DEFAULT_CONFIG = "config.yaml"


class SetupError(Exception):
    """Something a person must fix before the worker can talk to Jira. The message says what."""


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
    if not path.exists():
        raise SetupError(
            f"{path}: no such file. Copy config.example.yaml to {path} and adapt it, or pass --config PATH."
        )
    return load_config(path)


def connection(config: Config, environ: Mapping[str, str]) -> Connection:
    j = config.jira
    missing = [name for name in (j.url_env, j.email_env, j.token_env) if not environ.get(name)]
    if missing:
        raise SetupError(
            "missing environment variable"
            + ("s " if len(missing) > 1 else " ")
            + ", ".join(missing)
            + f": set {j.url_env} to your site (https://<site>.atlassian.net), {j.email_env} to the worker account's "
            f"email and {j.token_env} to an API token from https://id.atlassian.com/manage-profile/security/api-tokens"
        )
    url = environ[j.url_env].rstrip("/")
    email, token = environ[j.email_env], environ[j.token_env]
    register_basic_auth(email, token)
    register(token)
    from worker.confluence.service import confluence_url

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
        site_url=conn.jira_url,
        should_stop=should_stop,
    )


def preflight(cycle: Cycle) -> list[str]:
    """Check credentials and projects; raise SetupError with one clear line per problem."""
    try:
        cycle.identify()
    except AuthError as exc:
        raise SetupError(
            "Jira refused the credentials (HTTP 401): check JIRA_EMAIL and JIRA_API_TOKEN; "
            "API tokens are tied to the account's email"
        ) from exc
    except JiraError as exc:
        if exc.status == 403:
            raise SetupError(
                "Jira answered 403 for /myself: the token may be scoped without read:jira-user"
            ) from exc
        raise SetupError(f"cannot reach Jira: {exc}") from exc
    problems = []
    for key in cycle.config.jira.projects:
        try:
            if not cycle.gateway.project_exists(key):
                problems.append(
                    f"project {key} does not exist or the worker account cannot browse it "
                    "(grant 'Browse projects' to the worker account, or fix jira.projects)"
                )
        except JiraError as exc:
            if exc.status == 403:
                problems.append(f"project {key}: 403 — the worker account lacks 'Browse projects'")
            else:
                raise
    return problems
