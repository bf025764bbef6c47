"""The entry points the CLI and the scheduler call: render, preview, publish the matrix page."""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from worker.config.model import Config
from worker.confluence.client import ConfluenceClient, ConfluencePort
from worker.confluence.publish import PublishError, PublishResult, publish
from worker.confluence.render import names_from, render_matrix_page, render_preview_html
from worker.confluence.sections import adopted, calendars, new_here
from worker.i18n import texts_for
from worker.redact import secret_from_env


def content_hash(storage: str) -> str:
    """The fingerprint kept in the page property: it covers rules, people and the renderer alike."""
    return hashlib.sha256(storage.encode("utf-8")).hexdigest()


def render_matrix(
    config: Config,
    now: datetime | None = None,
    adopted_items: Mapping[str, Sequence[tuple[str, str]]] | None = None,
) -> str:
    """The matrix page of ``config`` in storage format, as of ``now`` (who is away, whose
    absence is over; the real clock when None); with ``confluence.show_adopted``, the adopted
    escalations ``adopted_items`` (owner accountId → key, severity) get a section."""
    at = now if now is not None else datetime.now(UTC)
    return render_matrix_page(
        config.rules,
        config.directory,
        source_hash=config.rules.source_hash,
        texts=texts_for(config.language),
        now=at,
        zone=ZoneInfo(config.calendar.timezone),
        sections=extra_sections(config, at, adopted_items),
    )


def extra_sections(
    config: Config,
    now: datetime,
    adopted_items: Mapping[str, Sequence[tuple[str, str]]] | None = None,
) -> tuple[str, ...]:
    """The sections after the people table: who to call, the calendars, and (with
    ``confluence.show_adopted``) the adopted escalations, in the configured language."""
    rules, directory = config.rules, config.directory
    texts = texts_for(config.language)
    own = {
        tid: (directory.teams[tid].name if tid in directory.teams else tid, settings)
        for tid, settings in config.team_calendars.items()
    }
    return (
        new_here(rules, directory, now, texts),
        calendars(config.calendar, own, texts),
        adopted(directory, adopted_items or {}, texts) if config.confluence.show_adopted else "",
    )


def write_preview(config: Config, storage: str, output: Path) -> Path:
    """Write the standalone HTML preview of ``storage`` to ``output``; returns the path."""
    page = render_preview_html(
        storage,
        config.confluence.title,
        names=names_from(config.directory),
        texts=texts_for(config.language),
    )
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(page, encoding="utf-8")
    return output


def confluence_url(config: Config, environ: Mapping[str, str]) -> str | None:
    """The Confluence site URL: ``confluence.url_env`` if set, else derived from the Jira URL.

    ``https://<site>.atlassian.net`` gives ``https://<site>.atlassian.net/wiki``; the scoped-token
    form ``https://api.atlassian.com/ex/jira/<cloudId>`` gives ``…/ex/confluence/<cloudId>``.
    """
    explicit = environ.get(config.confluence.url_env)
    if explicit:
        return explicit.rstrip("/")
    jira = environ.get(config.jira.url_env)
    if not jira:
        return None
    jira = jira.rstrip("/")
    m = re.match(r"^(https://api\.atlassian\.com/ex)/jira/([^/]+)$", jira)
    if m:
        return f"{m.group(1)}/confluence/{m.group(2)}"
    return jira + "/wiki"


def client_from_env(
    config: Config, environ: Mapping[str, str] | None = None, **kwargs: Any
) -> ConfluenceClient:
    """A client authenticated with the Jira account's email and API token (same Atlassian site)."""
    env = os.environ if environ is None else environ
    url = confluence_url(config, env)
    email = env.get(config.jira.email_env)
    token = secret_from_env(env, config.jira.token_env, user=email)
    missing = [
        name
        for name, value in (
            (f"{config.confluence.url_env} or {config.jira.url_env}", url),
            (config.jira.email_env, email),
            (config.jira.token_env, token),
        )
        if not value
    ]
    if missing:
        raise PublishError(f"cannot reach Confluence: set {', '.join(missing)}")
    assert url is not None and email is not None and token is not None
    return ConfluenceClient.with_basic_auth(url, email, token, **kwargs)


def publish_matrix(
    config: Config,
    client: ConfluencePort | None,
    *,
    worker_account_id: str | None = None,
    dry_run: bool = False,
    output: Path | None = None,
    now: datetime | None = None,
    adopted_items: Mapping[str, Sequence[tuple[str, str]]] | None = None,
) -> PublishResult:
    """Render the matrix, optionally write the HTML preview to ``output``, and publish it.

    ``escalation-worker publish [--dry-run] [--output FILE]`` maps onto this directly; with
    ``dry_run`` and no client nothing touches the network.
    """
    storage = render_matrix(config, now, adopted_items)
    if output is not None:
        write_preview(config, storage, output)
    settings = config.confluence
    return publish(
        client,
        space_key=settings.space,
        title=settings.title,
        parent_id=settings.parent_id,
        page_id=settings.page_id,
        storage=storage,
        source_hash=content_hash(storage),
        on_manual_edit=settings.on_manual_edit,
        worker_account_id=worker_account_id,
        dry_run=dry_run,
    )
