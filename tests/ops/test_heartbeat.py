"""The heartbeat: a ping after each cycle (the failure form after a failed one), a record in Jira,
and ``status`` reading it back — against the sandbox and a loopback ping server."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import NoReturn

import pytest

from tests.e2e.harness import World, start_world
from tests.ops.ops_support import PingServer, config_with, run_cli, run_in_process
from tests.support import paris
from worker.config.model import Config
from worker.ops.heartbeat import PROPERTY_KEY, Heartbeat, Pinger, failure_url
from worker.ops.status import ALIVE, FAILING, NEVER, STOPPED, judge

CHECK = "5f8e0c3a-0d7b-4bd4-9a3e-2c51b1f1c0de"


@pytest.fixture
def world(example_config: Config) -> Iterator[World]:
    yield from start_world(example_config, paris(2026, 3, 2, 9, 0))


def test_failure_urls_follow_each_service() -> None:
    assert failure_url("https://hc-ping.com/abc") == "https://hc-ping.com/abc/fail"
    assert failure_url("https://hc-ping.com/abc/") == "https://hc-ping.com/abc/fail"
    assert (
        failure_url("https://cronitor.link/p/KEY/nightly?env=prod")
        == "https://cronitor.link/p/KEY/nightly?env=prod&state=fail"
    )


def test_at_most_one_ping_per_poll_and_fail_after_a_failed_cycle() -> None:
    with PingServer().running() as server:
        now = [0.0]
        pinger = Pinger(f"{server.url}/ping/{CHECK}", min_interval=60, clock=lambda: now[0])
        beat = Heartbeat(None, None, "run", lambda: datetime.now(UTC), timedelta(minutes=1), pinger)

        beat.around(_report)
        pinger.flush()
        beat.around(_report)  # same poll: no second ping
        pinger.flush()
        now[0] = 61.0
        with pytest.raises(RuntimeError):
            beat.around(_boom)
        pinger.flush()
        assert server.paths == [f"/ping/{CHECK}", f"/ping/{CHECK}/fail"]
        assert pinger.sent == ["ok", "fail"]


def test_a_dead_ping_service_never_stops_the_cycle() -> None:
    server = PingServer()  # never started: the port refuses
    pinger = Pinger(f"{server.url}/ping/{CHECK}", min_interval=0)
    server.httpd.server_close()
    beat = Heartbeat(None, None, "tick", lambda: datetime.now(UTC), timedelta(minutes=1), pinger)
    report = beat.around(_report)
    pinger.flush()
    assert report.decided == 3 and pinger.sent == ["ok"]


def test_tick_pings_records_and_status_tells_alive_then_stopped(
    world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """tick and the first status in this process (``worker.cli.main``); the last status, whose
    exit code 4 is what a monitor reads, as a process."""
    world.issue(labels=("escalation-S1", "escalation-type-incident"))
    config = config_with(tmp_path, "heartbeat:\n  url_env: HEARTBEAT_URL\n  stale_after: 15m\n")
    now = world.clock.now()
    with PingServer().running() as server:
        env = world.env() | {
            "HEARTBEAT_URL": f"{server.url}/ping/{CHECK}",
            "ESCALATION_WORKER_NOW": now.isoformat(),
        }
        res = run_in_process(capsys, "tick", "--config", str(config), env=env)
        assert res.returncode == 0, res.stdout + res.stderr
        assert server.paths == [f"/ping/{CHECK}"]
        assert CHECK not in res.stdout + res.stderr  # the ping key is a secret

    record = world.site.user_property(world.login.account_id, PROPERTY_KEY)
    assert record["state"] == "ok" and record["mode"] == "tick"
    assert record["cycle"]["acted"] == 1 and record["cycle"]["issues_seen"] == 1

    later = (now + timedelta(minutes=5)).isoformat()
    res = run_in_process(
        capsys,
        "status",
        "--config",
        str(config),
        env=world.env() | {"ESCALATION_WORKER_NOW": later},
    )
    assert res.returncode == 0, res.stderr
    assert res.stdout.startswith("worker: alive — last cycle 5 min ago")
    assert "1 issue(s) seen, 1 acted on" in res.stdout

    much_later = (now + timedelta(hours=3)).isoformat()
    res = run_cli(
        "status",
        "--json",
        "--config",
        str(config),
        env=world.env() | {"ESCALATION_WORKER_NOW": much_later},
    )
    assert res.returncode == 4
    out = json.loads(res.stdout)
    assert out["verdict"] == "stopped" and "no cycle for 3 h" in out["why"]


def test_status_before_any_cycle_says_never_ran(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    res = run_in_process(capsys, "status", "--config", "config.example.yaml", env=world.env())
    assert res.returncode == 4
    assert res.stdout.startswith("worker: never ran")


def test_a_second_account_cannot_read_the_workers_heartbeat(world: World) -> None:
    """Jira lets an account write and read only its own user properties (without Administer Jira)."""
    from worker.jira.http import JiraError

    cycle = world.cycle()
    with pytest.raises(JiraError) as err:
        cycle.gateway.http.call(
            "GET",
            f"/rest/api/3/user/properties/{PROPERTY_KEY}",
            params={"accountId": "reporter-0000000000000001"},
        )
    assert err.value.status == 403


def test_verdicts() -> None:
    now = datetime(2026, 3, 2, 10, tzinfo=UTC)
    stale = timedelta(minutes=15)
    at = lambda m: (now - timedelta(minutes=m)).isoformat()  # noqa: E731
    assert judge(None, now, stale).verdict == NEVER
    assert judge({"at": at(2), "state": "ok"}, now, stale).verdict == ALIVE
    assert judge({"at": at(2), "state": "failed", "error": "x"}, now, stale).verdict == FAILING
    assert judge({"at": at(20), "state": "ok"}, now, stale).verdict == STOPPED
    stopped = judge({"at": at(1), "state": "stopped", "reason": "SIGTERM"}, now, stale)
    assert stopped.verdict == STOPPED and "SIGTERM" in stopped.why


def _report():  # type: ignore[no-untyped-def]
    from worker.cycle.cycle import CycleReport

    r = CycleReport("full", datetime(2026, 3, 2, tzinfo=UTC))
    r.decided = 3
    return r


def _boom() -> NoReturn:
    raise RuntimeError("Jira went away")
