"""Over real HTTP on 127.0.0.1: the sandbox server hosting Jira and Confluence, and the service
entry point the CLI calls (publish twice -> one page, one version, no second write; dry run ->
an HTML preview file)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.confluence.cf_fixtures import small_directory, small_rules
from tests.confluence.cf_support import EVE, WORKER
from worker.config.model import (
    CalendarSettings,
    Config,
    ConfluenceSettings,
    JiraSettings,
    ScheduleSettings,
)
from worker.confluence.client import ConfluenceAuthError, ConfluenceClient
from worker.confluence.publish import PROPERTY_KEY, PublishError
from worker.confluence.service import (
    client_from_env,
    confluence_url,
    content_hash,
    publish_matrix,
    render_matrix,
)
from worker.core.directory import Directory
from worker.sandbox.clock import SandboxClock
from worker.sandbox.confluence import ConfluenceSite
from worker.sandbox.jira import JiraSite
from worker.sandbox.server import SandboxServer

ENV = {"JIRA_URL": "", "JIRA_EMAIL": "worker@example.com", "JIRA_API_TOKEN": "worker-token"}


def make_config(**confluence: object) -> Config:
    settings = ConfluenceSettings(space="PROD", title="Escalation matrix", **confluence)  # type: ignore[arg-type]
    return Config(
        path=Path("config.yaml"),
        rules_dir=Path("rules"),
        rules=small_rules(),
        directory=small_directory(),
        jira=JiraSettings(),
        confluence=settings,
        schedule=ScheduleSettings(),
        calendar=CalendarSettings(timezone="UTC", hours={}),
    )


@pytest.fixture
def served() -> Iterator[tuple[SandboxServer, ConfluenceSite]]:
    clock = SandboxClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    jira = JiraSite(clock)
    jira.add_user(WORKER, "Escalation worker", email="worker@example.com", api_token="worker-token")
    jira.add_user(EVE, "Eve", email="eve@example.com", api_token="eve-token")
    wiki = ConfluenceSite(clock)
    wiki.add_space("PROD", "Product")
    with SandboxServer(jira, wiki) as server:
        yield server, wiki


def test_publish_twice_over_http_makes_one_page_with_one_version(
    served: tuple[SandboxServer, ConfluenceSite],
) -> None:
    server, wiki = served
    config = make_config()
    env = {**ENV, "JIRA_URL": server.url}
    first = publish_matrix(config, client_from_env(config, env), worker_account_id=WORKER)
    wiki.requests.clear()
    second = publish_matrix(config, client_from_env(config, env), worker_account_id=WORKER)

    assert first.action == "created" and second.action == "unchanged"
    assert second.requests <= 2 and all(m == "GET" for m, _ in wiki.requests)
    (page,) = wiki.pages(title="Escalation matrix")
    assert page.version == 1 and page.version_authors == (WORKER,)
    assert page.properties[PROPERTY_KEY]["hash"] == content_hash(render_matrix(config))
    assert 'ri:account-id="acc-eve"' in page.body


def test_a_changed_directory_republishes_even_with_the_same_rules(
    served: tuple[SandboxServer, ConfluenceSite],
) -> None:
    server, _wiki = served
    env = {**ENV, "JIRA_URL": server.url}
    config = make_config()
    publish_matrix(config, client_from_env(config, env), worker_account_id=WORKER)
    d = config.directory
    red = replace(d.teams["red"], members={**d.teams["red"].members, "po": ("sam",)})
    moved = replace(config, directory=Directory(d.people, d.global_roles, {**d.teams, "red": red}))
    assert moved.rules.source_hash == config.rules.source_hash
    result = publish_matrix(moved, client_from_env(moved, env), worker_account_id=WORKER)
    assert result.action == "updated" and result.version == 2


def test_a_hand_edit_over_http_is_overwritten_with_a_message_naming_the_editor(
    served: tuple[SandboxServer, ConfluenceSite],
) -> None:
    server, wiki = served
    env = {**ENV, "JIRA_URL": server.url}
    config = make_config()
    created = publish_matrix(config, client_from_env(config, env), worker_account_id=WORKER)
    eve = ConfluenceClient.with_basic_auth(server.url, "eve@example.com", "eve-token")
    page = eve.get_page(created.page_id or "", with_body=True)
    eve.update_page(
        page.id,
        title=page.title,
        storage="<p>Eve's version</p>",
        version=page.version + 1,
        message="mine",
    )
    result = publish_matrix(config, client_from_env(config, env), worker_account_id=WORKER)
    assert result.action == "updated" and result.editors == (EVE,)
    assert EVE in wiki.page(page.id).version_messages[-1]
    skip = make_config(on_manual_edit="skip")
    wiki.edit_page_as(EVE, page.id, "<p>again</p>")
    assert (
        publish_matrix(skip, client_from_env(skip, env), worker_account_id=WORKER).action
        == "skipped_manual_edit"
    )


def test_bad_credentials_over_http(served: tuple[SandboxServer, ConfluenceSite]) -> None:
    server, _ = served
    config = make_config()
    env = {**ENV, "JIRA_URL": server.url, "JIRA_API_TOKEN": "nope"}
    with pytest.raises(ConfluenceAuthError):
        publish_matrix(config, client_from_env(config, env), worker_account_id=WORKER)


def test_429_over_http_is_retried_after_the_servers_delay(
    served: tuple[SandboxServer, ConfluenceSite],
) -> None:
    server, wiki = served
    config = make_config()
    waits: list[float] = []
    client = client_from_env(config, {**ENV, "JIRA_URL": server.url}, sleep=waits.append)
    wiki.fail_next(429, count=1, path="/spaces", retry_after=2)
    assert publish_matrix(config, client, worker_account_id=WORKER).action == "created"
    assert waits == [2.0]


def test_dry_run_writes_a_preview_and_needs_no_confluence(tmp_path: Path) -> None:
    out = tmp_path / "out" / "page.html"
    result = publish_matrix(make_config(), None, dry_run=True, output=out)
    assert result.action == "dry_run" and result.requests == 0
    text = out.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>") and "<title>Escalation matrix</title>" in text
    assert "@Camille" in text and "&lt;b&gt;Eve&lt;/b&gt; &amp; &quot;co&quot;" in text


def test_environment_resolution() -> None:
    config = make_config()
    assert (
        confluence_url(config, {"JIRA_URL": "https://x.atlassian.net/"})
        == "https://x.atlassian.net/wiki"
    )
    assert (
        confluence_url(config, {"JIRA_URL": "a", "CONFLUENCE_URL": "https://c/wiki"})
        == "https://c/wiki"
    )
    with pytest.raises(PublishError, match="JIRA_API_TOKEN"):
        client_from_env(config, {"JIRA_URL": "https://x", "JIRA_EMAIL": "e"})


def test_the_clock_stamps_versions(served: tuple[SandboxServer, ConfluenceSite]) -> None:
    server, wiki = served
    config = make_config()
    client = client_from_env(config, {**ENV, "JIRA_URL": server.url})
    created = publish_matrix(config, client, worker_account_id=WORKER)
    wiki.clock.advance(timedelta(hours=2))  # type: ignore[attr-defined]
    wiki.edit_page_as(EVE, created.page_id or "", "<p>x</p>")
    versions = client.page_versions(created.page_id or "")
    assert [v.created_at for v in versions] == [
        "2026-03-02T11:00:00.000Z",
        "2026-03-02T09:00:00.000Z",
    ]
