"""The command line as a user runs it, against a sandbox site on 127.0.0.1.

What a command says and does is checked through ``worker.cli.main`` in this process; what needs a
process (its exit code from argparse and from a configuration error, a signal, a sandbox started
by hand in its own process) runs one."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.harness import World, start_world
from tests.ops.ops_support import EXE, config_with, run_cli, run_in_process
from tests.support import CPO, ROOT, paris
from worker.config.model import Config


@pytest.fixture
def world(example_config: Config) -> Iterator[World]:
    yield from start_world(example_config, paris(2026, 3, 2, 9, 0))


def test_check_summarises_the_example(capsys: pytest.CaptureFixture[str]) -> None:
    res = run_in_process(capsys, "check", "--skip-env", "--config", "config.example.yaml")
    assert res.returncode == 0, res.stderr
    assert "4 severities" in res.stdout and "6 types" in res.stdout and "24 cells" in res.stdout


def test_check_reports_located_errors_and_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "config.yaml"
    bad.write_text(
        (ROOT / "config.example.yaml")
        .read_text()
        .replace("timezone: Europe/Paris", "timezone: Mars/Olympus")
        .replace("rules_dir: rules", f"rules_dir: {ROOT / 'rules'}")
    )
    res = run_in_process(capsys, "check", "--config", str(bad))
    assert res.returncode == 2
    assert "Mars/Olympus" in res.stdout and "config.yaml:" in res.stdout


def test_usage_error_exits_2() -> None:
    assert run_cli("frobnicate").returncode == 2


def test_tick_without_environment_is_a_configuration_error() -> None:
    res = run_cli("tick", "--config", "config.example.yaml")
    assert res.returncode == 2
    assert "missing environment variables JIRA_URL, JIRA_EMAIL, JIRA_API_TOKEN" in res.stdout


def test_tick_with_unreachable_jira_exits_1(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """In process, with the retry waits injected: the back-off is recorded, not slept."""
    import structlog

    import worker.app
    from worker.cli import main

    slept: list[float] = []
    real_bootstrap = worker.app.bootstrap

    def bootstrap(*args: Any, **kw: Any) -> Any:
        return real_bootstrap(*args, **{**kw, "sleep": slept.append})

    monkeypatch.setattr(worker.app, "bootstrap", bootstrap)
    env = {
        "JIRA_URL": "http://127.0.0.1:9",
        "JIRA_EMAIL": "w@example.com",
        "JIRA_API_TOKEN": "tok-unreachable-123",
    }
    saved = structlog.get_config()
    try:
        code = main(["tick", "--config", str(ROOT / "config.example.yaml")], environ=env)
    finally:
        structlog.configure(**saved)
    out = capsys.readouterr()
    assert code == 1, out.err
    assert "tok-unreachable-123" not in out.out + out.err
    assert slept, out.out + out.err  # the connection was retried after back-off waits
    assert all(0 < s <= 60 for s in slept)


def test_tick_with_a_bad_token_exits_1_with_one_clear_line(world: World) -> None:
    env = world.env() | {"JIRA_API_TOKEN": "wrong-token-456"}
    res = run_cli("tick", "--config", "config.example.yaml", env=env)
    assert res.returncode == 1
    assert "refused the credentials" in res.stdout
    assert "wrong-token-456" not in res.stdout + res.stderr


def test_tick_twice_posts_each_comment_once_and_plan_json_has_the_fields(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    key = world.issue(labels=("escalation-S1", "escalation-type-incident"))
    env = world.env() | {"ESCALATION_WORKER_NOW": world.clock.now().isoformat()}
    for _ in range(2):
        res = run_in_process(capsys, "tick", "--config", "config.example.yaml", env=env)
        assert res.returncode == 0, res.stderr
    assert len(world.worker_comments(key)) == 1
    lines = [json.loads(line) for line in res.stdout.splitlines() if line.startswith("{")]
    assert any(line["event"] == "cycle" for line in lines)

    res = run_in_process(
        capsys,
        "plan",
        "--json",
        "--config",
        "config.example.yaml",
        "--at",
        "2026-03-02T08:20:00Z",
        env=world.env(),
    )
    assert res.returncode == 0, res.stderr
    rows = json.loads(res.stdout)
    (row,) = [r for r in rows if r["key"] == key]
    assert set(row) >= {
        "key",
        "severity",
        "type",
        "level",
        "owner",
        "ack_due",
        "resolve_due",
        "acknowledged_at",
        "next_action",
        "reason",
    }
    assert row["severity"] == "S1" and row["owner"] == CPO and row["level"] == 0
    assert row["ack_due"] == "2026-03-02T08:15:00Z" and row["resolve_due"] == "2026-03-02T12:00:00Z"
    # the CPO is the top of the ladder: past the deadline the worker reminds, it never climbs further
    assert row["next_action"] == "remind" and "top of the ladder" in row["reason"]
    # plan wrote nothing
    assert len(world.worker_comments(key)) == 1


def test_explain_describes_the_cell_and_the_arithmetic(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    key = world.issue()
    world.tick()
    res = run_in_process(
        capsys,
        "explain",
        key,
        "--config",
        "config.example.yaml",
        "--at",
        "2026-03-02T10:00:00Z",
        env=world.env(),
    )
    assert res.returncode == 0, res.stderr
    out = res.stdout
    assert "scope_disagreement × S3" in out and "Product Owner" in out
    assert "4 h counted on the business calendar" in out
    assert "no acknowledgement yet" in out


def test_run_stops_on_sigterm_with_exit_0(world: World, tmp_path: Path) -> None:
    world.issue()
    env = {k: v for k, v in os.environ.items() if not k.startswith("JIRA_")} | world.env()
    # no start-up jitter: the example's 5 s would be a random real wait before the first cycle
    config = config_with(tmp_path, replace=("jitter: 5s", "jitter: 0s"))
    proc = subprocess.Popen(
        [*EXE, "run", "--config", str(config)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not world.worker_comments(world.site.keys()[0]):
            time.sleep(0.05)
        assert world.worker_comments(world.site.keys()[0]), "the first cycle did not run"
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=60)  # a hang guard; the exit time is measured by the benchmarks
        assert proc.returncode == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_publish_twice_against_a_sandbox_started_by_hand(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`python -m worker.sandbox` in its own process, then `publish` twice: one page, one version, no second write.
    The first publish is a process too; the second and the dry run go through ``main`` in this one."""
    sandbox = subprocess.Popen(
        [sys.executable, "-m", "worker.sandbox", "--port", "0"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert sandbox.stdout is not None
        env: dict[str, str] = {}
        while len(env) < 4:
            line = sandbox.stdout.readline()
            assert line, "the sandbox exited early"
            if "=" in line:
                k, v = line.strip().split("=", 1)
                env[k] = v
        first = run_cli("publish", "--config", "config.example.yaml", env=env)
        assert first.returncode == 0, first.stderr
        assert first.stdout.startswith("created:") and "version 1," in first.stdout
        second = run_in_process(capsys, "publish", "--config", "config.example.yaml", env=env)
        assert second.returncode == 0, second.stderr
        assert second.stdout.startswith("unchanged:") and "version 1," in second.stdout
        assert (
            "2 Confluence requests" in second.stdout
        )  # reads only: the page and its hash property
        preview = tmp_path / "page.html"
        dry = run_in_process(
            capsys,
            "publish",
            "--dry-run",
            "--output",
            str(preview),
            "--config",
            "config.example.yaml",
        )
        assert dry.returncode == 0, dry.stderr
        html = preview.read_text()
        assert html.lstrip().lower().startswith("<!doctype html") and "Escalation matrix" in html
    finally:
        sandbox.terminate()
        sandbox.wait(timeout=10)
        if sandbox.stdout:
            sandbox.stdout.close()
