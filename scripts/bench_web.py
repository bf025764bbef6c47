#!/usr/bin/env python3
"""Reaction times of the web process, on loopback against the sandbox site.

1. Label applied -> routing comment, with the Jira webhook (no poll runs at all): the sandbox
   delivers the signed ``jira:issue_updated`` event, the web process asks for a key cycle, the
   cycle routes the issue. Target: p95 <= 3 s.
2. Slack *Acknowledge* click -> acknowledgement recorded and the pending escalation cancelled:
   every issue is past its acknowledge deadline (its escalation is due, no cycle has run), the
   owner clicks, and the time until the record says "acknowledged" (written by the cycle that
   decided not to escalate) is measured. Target: p95 <= 2 s.

Everything (sandbox Jira, web server, key cycles) runs in this one process on 127.0.0.1; the
numbers include the Python work of all three sharing the interpreter. Usage:

    .venv/bin/python scripts/bench_web.py [--runs 50]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from datetime import datetime
from functools import partial
from pathlib import Path
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from worker.app import build_cycle, connection  # noqa: E402
from worker.config.load import load_config  # noqa: E402
from worker.sandbox.clock import SandboxClock  # noqa: E402
from worker.sandbox.jira import JiraSite  # noqa: E402
from worker.sandbox.organisation import seed_organisation  # noqa: E402
from worker.sandbox.server import SandboxServer  # noqa: E402
from worker.sandbox.webhooks import Webhooks  # noqa: E402
from worker.web.app import JIRA_PATH, SLACK_PATH, Services  # noqa: E402
from worker.web.server import attach, bind, start  # noqa: E402
from worker.web.settings import WebSettings  # noqa: E402
from worker.web.verify import SlackVerifier  # noqa: E402
from worker.web.wake import KeyCycles  # noqa: E402

REPORTER = "reporter-0000000000000001"
DESCRIPTION = (
    "What happened: checkout fails. Tried: a rollback. We recommend pausing the promo. "
    "We need a go from you."
)
JIRA_SECRET = "bench-jira-secret-123456"
SLACK_SECRET = "bench-slack-secret-123456"
EMMA_SLACK = "U01PO1"  # the Product Owner of the checkout team in config.example.yaml
PARIS = ZoneInfo("Europe/Paris")


def wait_for(check: Callable[[], bool], limit_s: float = 30.0) -> float:
    """Seconds until ``check()`` holds (polled every 2 ms); raises after ``limit_s``."""
    t0 = time.perf_counter()
    while not check():
        if time.perf_counter() - t0 > limit_s:
            raise TimeoutError("no reaction within the limit")
        time.sleep(0.002)
    return time.perf_counter() - t0


def p(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def row(name: str, values: list[float], target: float) -> str:
    p50, p95 = p(values, 50), p(values, 95)
    verdict = "met" if p95 <= target else "NOT met"
    return (
        f"{name:<48} n={len(values):<4} p50={p50 * 1000:7.1f} ms  p95={p95 * 1000:7.1f} ms  "
        f"max={max(values) * 1000:7.1f} ms  target p95 <= {target:.0f} s: {verdict}"
    )


def _commented(site: JiraSite, key: str, author: str | None) -> bool:
    return any(c.author == author for c in site.comments(key))


def _acked(site: JiraSite, key: str, prop: str) -> bool:
    return (site.property(key, prop) or {}).get("acked_at") is not None


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--runs", type=int, default=50, help="issues per measurement (default 50)")
    args = ap.parse_args(argv)
    from worker import logs

    logs.configure(stream=open(os.devnull, "w"))  # noqa: SIM115 - the benchmark prints its own lines

    config = load_config(ROOT / "config.example.yaml")
    clock = SandboxClock(datetime(2026, 3, 2, 9, 0, tzinfo=PARIS))  # a Monday, business hours
    site = JiraSite(clock)
    login = seed_organisation(site, config)
    site.add_user(REPORTER, "Rita Reporter", email="rita@example.com")
    with SandboxServer(site) as sandbox:
        env = login.environ(sandbox.url)
        conn = connection(config, env)
        cycle = build_cycle(config, conn, now=clock.now)
        waker = KeyCycles(lambda keys: cycle.run(keys=keys))  # the 200 ms debounce of serve
        sock = bind("127.0.0.1", 0)
        settings = WebSettings(
            port=0,
            host="127.0.0.1",
            public_url=f"http://127.0.0.1:{sock.getsockname()[1]}",
            jira_secret=JIRA_SECRET,
            slack_secret=SLACK_SECRET,
        )
        services = Services(settings, epoch=lambda: clock.now().timestamp(), now=clock.now)
        web = start(services, sock)
        attach(
            services, config, build_cycle(config, conn, now=clock.now), waker, env, now=clock.now
        )
        hooks = Webhooks(site)
        hooks.register(web.url + JIRA_PATH, JIRA_SECRET, projects=config.jira.projects)
        worker_id = login.account_id
        try:
            routing: list[float] = []
            keys: list[str] = []
            for i in range(args.runs):
                key = site.create_issue(
                    "SHOP", f"Bench {i}", reporter=REPORTER, description=DESCRIPTION
                )
                assert hooks.drain(30) and waker.drain(30)
                start_t = time.perf_counter()
                site.add_labels(key, "escalation-S3", "escalation-type-scope", by=REPORTER)
                wait_for(partial(_commented, site, key, worker_id))
                routing.append(time.perf_counter() - start_t)
                keys.append(key)
            assert hooks.drain(30) and waker.drain(30)

            clock.set(datetime(2026, 3, 2, 14, 0, tzinfo=PARIS))  # every escalation is now due
            verifier = SlackVerifier(SLACK_SECRET, lambda: 0.0)
            session = requests.Session()
            acks: list[float] = []
            prop = config.jira.property_key
            for n, key in enumerate(keys):
                payload = {
                    "type": "block_actions",
                    "user": {"id": EMMA_SLACK},
                    "container": {"type": "message", "message_ts": "1.1", "channel_id": "D1"},
                    "message": {"ts": "1.1", "text": key},
                    "actions": [
                        {
                            "action_id": "acknowledge",
                            "block_id": f"escalation-ack:{key}",
                            "value": key,
                            "action_ts": f"1772400000.{n:06d}",
                        }
                    ],
                }
                body = urlencode({"payload": json.dumps(payload)}).encode()
                ts = str(int(clock.now().timestamp()))
                headers = {
                    "Content-Type": "application/x-www-form-urlencoded",
                    "X-Slack-Request-Timestamp": ts,
                    "X-Slack-Signature": verifier.sign(body, ts),
                }
                start_t = time.perf_counter()
                answer = session.post(web.url + SLACK_PATH, data=body, headers=headers, timeout=10)
                assert answer.status_code == 200, answer.status_code
                wait_for(partial(_acked, site, key, prop))
                acks.append(time.perf_counter() - start_t)
            assert hooks.drain(30) and waker.drain(30)
            escalated = [
                k
                for k in keys
                if any("Escalated one level up" in json.dumps(c.body) for c in site.comments(k))
            ]
        finally:
            hooks.close()
            waker.close()
            if services.slack is not None:
                services.slack.close()
            web.stop()

    print(
        f"machine: {platform.platform()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"
    )
    print("loopback, sandbox + web server + key cycles in one process; no poll cycle ran")
    print(row("label applied -> routing comment (webhook)", routing, 3.0))
    print(row("Slack click -> ack recorded, escalation cancelled", acks, 2.0))
    print(f"escalations that happened anyway: {len(escalated)} of {len(keys)} (expected 0)")
    return 0 if not escalated else 1


if __name__ == "__main__":
    raise SystemExit(main())
