"""Off a terminal, ``tick`` and ``run`` speak one JSON object a line, on one stream.

The streams of a process are what these tests are about, so most run one; the level and format
options, which only change what is written, go through ``worker.cli.main`` in this process."""

from __future__ import annotations

import json
import os
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.harness import World, start_world
from tests.ops.ops_support import EXE, config_with, run_cli, run_in_process
from tests.support import ROOT, paris
from worker.config.model import Config


@pytest.fixture
def world(example_config: Config) -> Iterator[World]:
    yield from start_world(example_config, paris(2026, 3, 2, 9, 0))


def _all_json(text: str) -> list[dict[str, object]]:
    lines = [line for line in text.splitlines() if line.strip()]
    return [json.loads(line) for line in lines]  # raises on any line that is not JSON


def test_tick_emits_only_json_lines_including_warnings(world: World) -> None:
    world.issue(labels=("escalation-S1", "escalation-type-incident"))  # notifies: no channel set
    env = world.env() | {"ESCALATION_WORKER_NOW": world.clock.now().isoformat()}
    res = run_cli("tick", "--config", "config.example.yaml", env=env)
    assert res.returncode == 0, res.stderr
    events = _all_json(res.stdout) + _all_json(res.stderr)
    names = [e["event"] for e in events]
    assert "cycle" in names and "action" in names
    assert any(e.get("level") == "warning" for e in events), names  # warnings are JSON too
    assert res.stderr == ""  # one stream


def test_a_user_error_in_tick_is_one_json_line() -> None:
    res = run_cli("tick", "--config", "config.example.yaml")
    assert res.returncode == 2 and res.stderr == ""
    (event,) = _all_json(res.stdout)
    assert event["event"] == "error" and "JIRA_URL" in str(event["error"])


def test_log_level_and_console_format_are_honoured(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    env = world.env() | {"LOG_LEVEL": "warning"}
    res = run_in_process(capsys, "tick", "--config", "config.example.yaml", env=env)
    assert res.returncode == 0, res.stderr
    assert "cycle" not in res.stdout  # an info line, below the level
    res = run_in_process(
        capsys,
        "tick",
        "--log-format",
        "console",
        "--config",
        "config.example.yaml",
        env=world.env(),
    )
    assert res.returncode == 0, res.stderr
    assert res.stdout.strip() and not res.stdout.lstrip().startswith("{")
    res = run_in_process(
        capsys,
        "tick",
        "--config",
        "config.example.yaml",
        env=world.env() | {"LOG_LEVEL": "loud"},
    )
    assert res.returncode == 2 and "LOG_LEVEL" in res.stdout


def test_run_starts_with_one_line_speaks_json_and_records_its_stop(
    world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    world.issue(labels=("escalation-S1", "escalation-type-incident"))
    config = config_with(tmp_path, replace=("jitter: 5s", "jitter: 0s"))
    env = (
        {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("JIRA_", "CONFLUENCE_", "ESCALATION_", "LOG_"))
        }
        | world.env()
        | {"PYTHONFAULTHANDLER": "1"}
    )
    proc = subprocess.Popen(
        [*EXE, "run", "--config", str(config)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        lines = []
        for line in proc.stdout:
            lines.append(line)
            if json.loads(line)["event"] == "cycle":
                break
        proc.send_signal(signal.SIGTERM)
        try:
            out, err = proc.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGABRT)
            out, err = proc.communicate()
            raise AssertionError(("".join(lines), out, err)) from None
    finally:
        if proc.poll() is None:
            proc.kill()
    events = _all_json("".join(lines) + out) + _all_json(err)
    assert err == ""
    start = events[0]
    assert start["event"] == "start" and start["mode"] == "run"
    assert {"version", "config", "projects", "poll_interval_s"} <= set(start)
    assert proc.returncode == 0
    # the stop is in Jira: status says stopped, not alive
    res = run_in_process(capsys, "status", "--config", str(config), env=world.env())
    assert res.returncode == 4 and res.stdout.startswith("worker: stopped"), res.stdout
