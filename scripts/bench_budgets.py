#!/usr/bin/env python3
"""Time budgets of the sandbox and the demo (not a test: it prints, it does not assert).

The test suite checks behaviour only; how long things take depends on the machine and on what
else runs on it, so the budgets the tests used to assert are measured here instead:

- seeding a sandbox site with 10,000 issues (5 history entries, 3 comments each): < 3 s
- one 100-issue search page on that site (best of 5): < 30 ms
- 60 sequential keep-alive requests to the sandbox over HTTP: < 1 s (the Nagle stall was ~2.6 s)
- a 0.3 s client timeout against an answer stalled for 1.5 s: raised in < 1.2 s
- the demo (``escalation-worker demo``, fast clock): < 30 s

    python scripts/bench_budgets.py [--skip-demo] [--strict]

``--strict`` exits 1 when a budget is missed (for a quiet machine; a loaded one will miss them).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import requests  # noqa: E402

from worker.jira.http import AtlassianTransport  # noqa: E402
from worker.sandbox.app import Request  # noqa: E402
from worker.sandbox.clock import SandboxClock  # noqa: E402
from worker.sandbox.faults import FaultRule  # noqa: E402
from worker.sandbox.jira import JiraSite  # noqa: E402
from worker.sandbox.server import SandboxServer  # noqa: E402

BOT, BOT_EMAIL, BOT_TOKEN, PO = "acc-bot", "bot@example.com", "bot-token-123456", "acc-po"


def _site() -> JiraSite:
    site = JiraSite(SandboxClock(datetime(2026, 3, 2, 9, tzinfo=UTC)))
    site.add_user(BOT, "Bot", email=BOT_EMAIL, api_token=BOT_TOKEN)
    site.add_user(PO, "Pat")
    site.add_project("SHOP", "Shop")
    return site


def seed_10k(site: JiraSite) -> None:
    base, minute = datetime(2026, 2, 1, tzinfo=UTC), timedelta(minutes=1)
    for n in range(10_000):
        at = base + n * minute
        labels = ["escalation-S2"] if n % 3 == 0 else []
        key = site.create_issue("SHOP", f"issue {n}", reporter=PO, labels=labels, at=at)
        site.add_labels(key, "triage", by=PO, at=at + minute)
        site.set_assignee(key, PO, by=BOT, at=at + 2 * minute)
        site.transition(key, "In Progress", by=PO, at=at + 3 * minute)
        site.remove_labels(key, "triage", by=PO, at=at + 4 * minute)
        site.set_assignee(key, BOT, by=PO, at=at + 5 * minute)
        for c in range(3):
            site.add_comment(key, PO, f"comment {c}", at=at + (6 + c) * minute)


def search_page(site: JiraSite) -> None:
    body = json.dumps(
        {
            "jql": "project = SHOP AND labels = escalation-S2 ORDER BY updated DESC",
            "fields": ["summary", "labels", "assignee", "status", "updated", "created"],
            "properties": ["escalation-worker"],
            "maxResults": 100,
        }
    ).encode()
    req = Request("POST", "/rest/api/3/search/jql", {}, {"host": "127.0.0.1"}, body, site.user(BOT))
    resp = site.handle(req)
    assert resp is not None and resp.status == 200 and len(resp.body["issues"]) == 100


def keep_alive_60() -> float:
    site = _site()
    with SandboxServer(site) as server, requests.Session() as session:
        session.auth = (BOT_EMAIL, BOT_TOKEN)
        session.get(f"{server.url}/rest/api/3/myself").raise_for_status()  # connect once
        started = time.perf_counter()
        for _ in range(30):
            session.get(f"{server.url}/rest/api/3/myself").raise_for_status()
            session.post(
                f"{server.url}/rest/api/3/search/jql", json={"jql": "project = SHOP"}
            ).raise_for_status()
        return time.perf_counter() - started


def stalled_timeout() -> float:
    site = _site()
    site.faults.add(FaultRule(kind="timeout", seconds=1.5, path=r"/myself$", times=1))
    with SandboxServer(site) as server:
        transport = AtlassianTransport(server.url, BOT_EMAIL, BOT_TOKEN, timeout=0.3)
        started = time.perf_counter()
        try:
            transport.send("GET", "/rest/api/3/myself")
        except requests.Timeout:
            return time.perf_counter() - started
        raise AssertionError("the stalled request did not time out")


def demo() -> float:
    from worker.demo import run_demo

    with tempfile.TemporaryDirectory() as out:
        started = time.perf_counter()
        code = run_demo(Path(out), speed_minutes=15, stream=io.StringIO())
        seconds = time.perf_counter() - started
    assert code == 0, "the demo failed"
    return seconds


def _timed(fn: Callable[[], object]) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--skip-demo", action="store_true", help="leave out the demo run")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a budget is missed")
    args = parser.parse_args()
    site = _site()
    rows: list[tuple[str, float, float]] = [
        ("seed 10,000 issues", _timed(lambda: seed_10k(site)), 3.0),
        (
            "one 100-issue search page (best of 5)",
            min(_timed(lambda: search_page(site)) for _ in range(5)),
            0.030,
        ),
        ("60 keep-alive requests", keep_alive_60(), 1.0),
        ("0.3 s timeout against a 1.5 s stall", stalled_timeout(), 1.2),
    ]
    if not args.skip_demo:
        rows.append(("demo", demo(), 30.0))
    print(f"cpus: {os.cpu_count()}, load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    missed = 0
    for name, seconds, budget in rows:
        ok = seconds < budget
        missed += not ok
        print(
            f"{name:<40} {seconds * 1000:>10.1f} ms  budget {budget * 1000:>8.0f} ms  {'ok' if ok else 'MISSED'}"
        )
    return 1 if (args.strict and missed) else 0


if __name__ == "__main__":
    raise SystemExit(main())
