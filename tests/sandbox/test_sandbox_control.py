"""The /_sandbox control endpoints, scenarios, the standalone runner and the performance budget."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import requests

from tests.sandbox.sandbox_support import BOT_EMAIL, BOT_TOKEN, PO
from worker.sandbox.app import Request
from worker.sandbox.clock import SandboxClock
from worker.sandbox.control import parse_duration
from worker.sandbox.jira import JiraSite
from worker.sandbox.server import SandboxServer

ROOT = Path(__file__).resolve().parents[2]

SCENARIO = {
    "clock": "2026-03-02T10:00:00Z",
    "staleness": "0s",
    "users": [
        {
            "accountId": "acc-lea",
            "displayName": "Lea Director",
            "email": "lea@example.com",
            "apiToken": "lea-token",
            "groups": ["hr-partners"],
        }
    ],
    "projects": [{"key": "PAY", "name": "Payments", "components": ["Cards"]}],
    "issues": [
        {
            "ref": "incident",
            "project": "PAY",
            "summary": "Cards declined",
            "reporter": "acc-lea",
            "type": "Incident",
            "created": "2026-03-02T08:00:00Z",
            "sprintEnd": "2026-03-09T17:00:00Z",
            "history": [
                {"at": "2026-03-02T08:05:00Z", "by": "acc-lea", "addLabels": ["escalation-S1"]},
                {"at": "2026-03-02T08:06:00Z", "by": "acc-lea", "assignee": "acc-lea"},
                {
                    "at": "2026-03-02T08:30:00Z",
                    "by": "acc-lea",
                    "comment": "Looking",
                    "visibility": {"type": "group", "value": "hr-partners"},
                },
                {"at": "2026-03-02T08:40:00Z", "by": "acc-lea", "status": "In Progress"},
                {
                    "at": "2026-03-02T08:41:00Z",
                    "property": {"key": "escalation-worker", "value": {"level": 1}},
                },
            ],
        }
    ],
}


def test_seed_clock_requests_and_issue_view_over_http(
    site: JiraSite, server: SandboxServer
) -> None:
    control = f"{server.url}/_sandbox"
    seeded = requests.post(f"{control}/seed", json=SCENARIO, timeout=5)
    assert seeded.status_code == 200
    key = seeded.json()["issues"]["incident"]
    assert key == "PAY-1"

    view = requests.get(f"{control}/issues/{key}", timeout=5).json()
    assert view["labels"] == ["escalation-S1"] and view["assignee"] == "acc-lea"
    assert view["status"] == "In Progress" and view["statusCategory"] == "indeterminate"
    assert view["properties"] == {"escalation-worker": {"level": 1}}
    assert [c["visibility"] for c in view["comments"]] == [
        {"type": "group", "value": "hr-partners"}
    ]
    assert [h["items"][0]["field"] for h in view["changelog"]] == ["labels", "assignee", "status"]
    assert view["updated"] == "2026-03-02T08:40:00.000+0000"
    assert requests.get(f"{control}/issues/PAY-9", timeout=5).status_code == 404

    assert (
        requests.post(f"{control}/clock", json={"advance": "1h30m"}, timeout=5)
        .json()["now"]
        .startswith("2026-03-02T11:30")
    )
    requests.post(f"{control}/clock", json={"set": "2026-03-03T09:00:00Z"}, timeout=5)
    assert site.clock.now() == datetime(2026, 3, 3, 9, tzinfo=UTC)
    requests.post(f"{control}/staleness", json={"seconds": 45}, timeout=5)
    assert site.staleness == timedelta(seconds=45)

    lea = requests.get(
        f"{server.url}/rest/api/3/myself", auth=("lea@example.com", "lea-token"), timeout=5
    )
    assert lea.status_code == 200
    log = requests.get(f"{control}/requests", timeout=5).json()
    assert [(r["method"], r["endpoint"], r["status"], r["user"]) for r in log["requests"]] == [
        ("GET", "GET /rest/api/3/myself", 200, "acc-lea")
    ]
    assert log["countsByEndpoint"] == {"GET /rest/api/3/myself": 1}
    assert (
        requests.get(f"{control}/requests", params={"since": 1}, timeout=5).json()["requests"] == []
    )
    assert (
        requests.post(
            f"{control}/seed", json={"issues": [{"project": "NOPE"}]}, timeout=5
        ).status_code
        == 400
    )
    assert requests.get(f"{control}/nothing", timeout=5).status_code == 404


@pytest.mark.parametrize(
    ("text", "seconds"), [("15m", 900), ("1h30m", 5400), ("2d", 172800), (30, 30), ("-5s", -5)]
)
def test_parse_duration(text: str | int, seconds: int) -> None:
    assert parse_duration(text) == timedelta(seconds=seconds)


def test_parse_duration_rejects_garbage() -> None:
    with pytest.raises(ValueError):
        parse_duration("soon")


def test_clock_is_controllable_and_utc() -> None:
    clock = SandboxClock(datetime(2026, 3, 2, 10, 0))
    assert clock.now().tzinfo is UTC
    clock.advance(timedelta(minutes=5))
    clock.set(clock.now() + timedelta(hours=1))
    assert clock.now() == datetime(2026, 3, 2, 11, 5, tzinfo=UTC)


def test_standalone_runner_serves_and_stops_on_sigterm(tmp_path: Path) -> None:
    seed = tmp_path / "seed.json"
    seed.write_text(json.dumps(SCENARIO), encoding="utf-8")
    proc = subprocess.Popen(
        [sys.executable, "-m", "worker.sandbox", "--port", "0", "--seed", str(seed)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    try:
        assert proc.stdout is not None
        lines = [proc.stdout.readline().strip() for _ in range(4)]
        settings = dict(line.split("=", 1) for line in lines[1:])
        resp = requests.get(
            f"{settings['JIRA_URL']}/rest/api/3/issue/PAY-1",
            auth=(settings["JIRA_EMAIL"], settings["JIRA_API_TOKEN"]),
            timeout=5,
        )
        assert resp.status_code == 200 and resp.json()["fields"]["summary"] == "Cards declined"
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=60) == 0  # a hang guard, not a timing assertion
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        if proc.stdout is not None:
            proc.stdout.close()
        if proc.stderr is not None:
            proc.stderr.close()


@pytest.mark.slow
def test_a_10k_issue_site_seeds_and_serves_full_pages() -> None:
    """10,000 issues with history and comments; a search page holds 100 of them.

    How fast that is belongs to the benchmarks (scripts/), not to a test on a shared machine."""
    clock = SandboxClock(datetime(2026, 3, 2, 9, tzinfo=UTC))
    site = JiraSite(clock)
    site.add_user("acc-bot", "Bot", email=BOT_EMAIL, api_token=BOT_TOKEN)
    site.add_user(PO, "Pat")
    site.add_project("SHOP", "Shop")
    base = datetime(2026, 2, 1, tzinfo=UTC)
    minute = timedelta(minutes=1)
    for n in range(10_000):
        at = base + n * minute
        key = site.create_issue(
            "SHOP", f"issue {n}", reporter=PO, labels=["escalation-S2"] if n % 3 == 0 else [], at=at
        )
        site.add_labels(key, "triage", by=PO, at=at + minute)
        site.set_assignee(key, PO, by="acc-bot", at=at + 2 * minute)
        site.transition(key, "In Progress", by=PO, at=at + 3 * minute)
        site.remove_labels(key, "triage", by=PO, at=at + 4 * minute)
        site.set_assignee(key, "acc-bot", by=PO, at=at + 5 * minute)
        for c in range(3):
            site.add_comment(key, PO, f"comment {c}", at=at + (6 + c) * minute)

    body = json.dumps(
        {
            "jql": "project = SHOP AND labels = escalation-S2 ORDER BY updated DESC",
            "fields": ["summary", "labels", "assignee", "status", "updated", "created"],
            "properties": ["escalation-worker"],
            "maxResults": 100,
        }
    ).encode()
    req = Request(
        "POST", "/rest/api/3/search/jql", {}, {"host": "127.0.0.1"}, body, site.user("acc-bot")
    )
    resp = site.handle(req)
    assert resp is not None and resp.status == 200 and len(resp.body["issues"]) == 100
