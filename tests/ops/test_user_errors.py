"""Every subcommand × every user mistake: one line of message, the README's exit code, no traceback.

The mistakes are produced the way a real site produces them: the sandbox answers 401 for a wrong
token, 404 for deleted projects and an unknown Confluence space, 403 when the permission scheme
refuses the projects; an unreachable host is a closed port on 127.0.0.1.
"""

from __future__ import annotations

import json
import socket
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.ops.ops_support import config_with
from tests.support import ROOT, paris
from worker.cli import main
from worker.config.model import Config
from worker.sandbox.clock import SandboxClock
from worker.sandbox.confluence import ConfluenceSite
from worker.sandbox.faults import FaultRule
from worker.sandbox.jira import JiraSite
from worker.sandbox.organisation import WorkerLogin, seed_organisation
from worker.sandbox.server import SandboxServer

COMMANDS: dict[str, list[str]] = {
    "check": ["check"],
    "plan": ["plan"],
    "explain": ["explain", "SHOP-1"],
    "tick": ["tick"],
    "run": ["run"],
    "publish": ["publish"],
    "status": ["status"],
    "report": ["report", "--month", "2026-02"],
    "trail": ["trail"],
}
LOGGING = {"tick", "run"}  # they say everything as log lines on stdout
WITH_AT = {"plan", "explain", "report", "trail"}
READS_PROJECTS = {"plan", "explain", "tick", "run", "report", "trail"}
REMOTE = set(COMMANDS) - {"check"}


@dataclass
class Site:
    jira: JiraSite
    wiki: ConfluenceSite
    url: str
    login: WorkerLogin

    def env(self) -> dict[str, str]:
        return self.login.environ(self.url)


@pytest.fixture(scope="module")
def site_factory(example_config: Config) -> Iterator[Callable[[], Site]]:
    servers: list[SandboxServer] = []

    def make() -> Site:
        clock = SandboxClock(paris(2026, 3, 2, 9, 0))
        jira, wiki = JiraSite(clock), ConfluenceSite(clock)
        wiki.add_space("PROD", "Product")
        login = seed_organisation(jira, example_config)
        server = SandboxServer(jira, wiki)
        server.__enter__()
        servers.append(server)
        return Site(jira, wiki, server.url, login)

    yield make
    for s in servers:
        s.__exit__(None, None, None)


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])  # closed again when the block ends: connection refused


@dataclass(frozen=True)
class Mistake:
    name: str
    code: int
    applies: frozenset[str]
    env: Callable[[Site], dict[str, str]] = lambda s: s.env()
    config: Callable[[Path], Path] = config_with
    args: tuple[str, ...] = ()
    site: Callable[[Site], None] = lambda s: None
    says: str = ""


def _no_site_env(s: Site) -> dict[str, str]:
    return {}


def _delete_projects(s: Site) -> None:
    for key in ("SHOP", "PAY", "PEOPLE"):
        s.jira.remove_project(key)


def _forbid_projects(s: Site) -> None:
    s.jira.faults.add(
        FaultRule(kind="status", status=403, method="GET", path=r"/project/", times=None)
    )


MISTAKES = [
    Mistake("missing env", 2, frozenset(COMMANDS), env=_no_site_env, says="JIRA_URL"),
    Mistake(
        "URL without scheme",
        2,
        frozenset(COMMANDS),
        env=lambda s: s.env() | {"JIRA_URL": "acme.atlassian.net"},
        says="https://acme.atlassian.net",
    ),
    Mistake(
        "401",
        1,
        frozenset(REMOTE),
        env=lambda s: s.env() | {"JIRA_API_TOKEN": "wrong-token-7f3a"},
        says="HTTP 401",
    ),
    Mistake("403", 1, frozenset(READS_PROJECTS), site=_forbid_projects, says="403"),
    Mistake("unknown project", 1, frozenset(READS_PROJECTS), site=_delete_projects, says="SHOP"),
    Mistake(
        "unknown space",
        1,
        frozenset({"publish"}),
        config=lambda tmp: config_with(tmp, replace=("space: PROD", "space: NOPE")),
        says="confluence.space",
    ),
    Mistake(
        "unreachable host",
        1,
        frozenset(REMOTE),
        env=lambda s: s.env() | {"JIRA_URL": f"http://127.0.0.1:{_closed_port()}"},
        says="cannot reach Jira",
    ),
    Mistake("bad --at", 2, frozenset(WITH_AT), args=("--at", "tomorrow"), says="ISO 8601"),
    Mistake(
        "bad config",
        2,
        frozenset(COMMANDS),
        config=lambda tmp: config_with(
            tmp, replace=("timezone: Europe/Paris", "timezone: Mars/Olympus")
        ),
        says="Mars/Olympus",
    ),
]

CASES = [
    pytest.param(m, c, id=f"{c}-{m.name.replace(' ', '_')}")
    for m in MISTAKES
    for c in COMMANDS
    if c in m.applies
]


@pytest.mark.parametrize(("mistake", "command"), CASES)
def test_a_user_mistake_is_one_line_with_the_documented_code(
    mistake: Mistake,
    command: str,
    site_factory: Callable[[], Site],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(ROOT)
    waits = _recorded_waits(monkeypatch)
    site = site_factory()
    mistake.site(site)
    config = mistake.config(tmp_path)
    argv = [*COMMANDS[command], *mistake.args, "--config", str(config)]
    capsys.readouterr()
    code = main(argv, mistake.env(site))
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    assert code == mistake.code, out + err
    if command in LOGGING:
        assert err == ""
        (line,) = out.splitlines()
        event: dict[str, Any] = json.loads(line)
        assert event["event"] == "error" and event["exit_code"] == mistake.code
        message = str(event["error"])
    else:
        (message,) = err.splitlines()
        assert message.startswith("error: ")
        if command != "check":  # check prints its report (the summary, or every problem) on stdout
            assert out == ""
    # check names the problem in its report (stdout) and counts them on the error line
    assert mistake.says in (out if command == "check" and mistake.name == "bad config" else message)
    assert "==>" in message  # what is wrong ==> how to fix it
    assert "wrong-token-7f3a" not in out + err
    if mistake.name == "unreachable host":  # retried (with back-off) before giving up
        assert waits, "no retry before the error"


def _recorded_waits(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Back-off waits of the Jira client are recorded instead of slept (an unreachable host is
    retried with real back-off: about a second per case, 8 cases)."""
    from worker import app

    waits: list[float] = []
    real = app.build_http

    def build_http(conn: Any, *, sleep: Any = None, policy: Any = None) -> Any:
        return real(conn, sleep=sleep or waits.append, policy=policy)

    monkeypatch.setattr(app, "build_http", build_http)
    return waits


def test_run_with_a_wrong_space_logs_one_line_per_publish_and_keeps_polling(
    site_factory: Callable[[], Site],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The publish job fails with one line (no traceback) and the loop goes on."""
    from worker.app import bootstrap, read_config
    from worker.runtime import Loop
    from worker.schedule_jobs import install_jobs

    site = site_factory()
    config = read_config(config_with(tmp_path, replace=("space: PROD", "space: NOPE")))
    services = bootstrap(config, site.env())
    loop = Loop()
    ran: list[int] = []
    at_start = install_jobs(loop, services, lambda: ran.append(1))
    from worker import logs

    logs.configure(stream=__import__("sys").stdout, json=True)
    capsys.readouterr()
    for job in at_start:
        job()
    at_start[0]()  # the next publish: one more line, the same
    out, _ = capsys.readouterr()
    failures = [json.loads(line) for line in out.splitlines() if '"job_failed"' in line]
    # the start-up catch-up of the monthly review meets the same wrong space: its own one line
    assert len([f for f in failures if f["job"] == "publish"]) == 2 and ran == [1]
    assert all("Traceback" not in str(f) and "exception" not in f for f in failures)
    assert "confluence.space" in failures[0]["error"]
