#!/usr/bin/env python3
"""How long `run` takes to exit after SIGTERM in the middle of a large first cycle (issue 14.1).

Seeds a sandbox with N new escalations (default 3,000: the whole first cycle routes them), starts
the real scheduler and cycle in this process, sends SIGTERM to itself after ``--after`` seconds,
and prints the time from the signal to the end of the loop, plus the requests sent after it.
Optionally with the sandbox's modelled latency (an assumption, not a measurement).

    python scripts/bench_shutdown.py [--n 3000] [--after 5] [--latency]
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Exit time of run after SIGTERM mid-cycle.")
    ap.add_argument("--n", type=int, default=3000)
    ap.add_argument("--after", type=float, default=5.0, help="seconds into the first cycle")
    ap.add_argument("--latency", action="store_true", help="modelled sandbox latency")
    args = ap.parse_args(argv)

    from worker import logs
    from worker.app import build_cycle, connection
    from worker.config.load import load_config
    from worker.runtime import Scheduler
    from worker.sandbox.clock import SandboxClock
    from worker.sandbox.jira import JiraSite
    from worker.sandbox.latency import LatencyModel
    from worker.sandbox.organisation import seed_organisation
    from worker.sandbox.server import SandboxServer

    logs.configure(stream=open(os.devnull, "w"), json=True)  # noqa: SIM115
    config = load_config(ROOT / "config.example.yaml")
    start = datetime(2026, 3, 4, 10, 0, tzinfo=UTC)
    site = JiraSite(SandboxClock(start))
    login = seed_organisation(site, config)
    site.add_user("bench-reporter", "Rita Reporter", email="rita@example.com")
    for i in range(args.n):
        key = site.create_issue(
            ("SHOP", "PAY")[i % 2], f"Problem {i}", reporter="bench-reporter", at=start
        )
        site.add_labels(key, "escalation-S3", "escalation-type-scope", by="bench-reporter")
    model = LatencyModel.assumed() if args.latency else None
    with SandboxServer(site, latency=model) as server:
        env = login.environ(server.url)
        sched = Scheduler(now=site.clock.now)
        cycle = build_cycle(
            config, connection(config, env), now=site.clock.now, should_stop=sched.stop.is_set
        )
        sched.set_poll(cycle, timedelta(minutes=1))
        cycle.between = sched.preempt
        sched.install_signal_handlers()
        sent: dict[str, float] = {}

        def fire() -> None:
            sent["log"] = len(site.request_log)
            sent["at"] = time.perf_counter()
            os.kill(os.getpid(), signal.SIGTERM)

        threading.Timer(args.after, fire).start()
        t0 = time.perf_counter()
        sched.run_forever(at_start=[sched.guarded("cycle", cycle.run)])
        ended = time.perf_counter()
        sched.cancel_watchdog()
    after = site.request_log[int(sent["log"]) :]
    keys = site.keys()
    routed = sum(1 for k in keys if site.property(k, config.jira.property_key))
    print(
        f"N={args.n:,} new escalations, {'modelled latency' if args.latency else 'loopback'}; "
        f"SIGTERM {sent['at'] - t0:.1f} s into the first cycle"
    )
    print(f"exit {ended - sent['at']:.2f} s after the signal; {len(after)} requests after it")
    print(f"issues with a record when it stopped: {routed:,} of {args.n:,}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
