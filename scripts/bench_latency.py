#!/usr/bin/env python3
"""Breach -> comment latency of ``run`` (issue 15), measured in real time on loopback (not a test).

For each poll interval (20 s, 60 s, 300 s by default) a sandbox site runs in its own process with a
clock that follows real time. It is seeded with N escalations (the bench.py seeder: histories,
comments, records, the worker watching what it routes) plus as many ordinary issues, and with
``--deadlines`` S1 escalations that nobody acknowledges, labelled so that their acknowledge deadline
(the breach) falls at a chosen second of the run; those labelled early enough also reach their nudge
during the run. About a third of the breaches are placed a few seconds after a poll slot whose cycle
is a full resync, so they fall due while that resync is still paging.

The worker runs in another process: the real :class:`worker.runtime.Scheduler` (fixed-rhythm polls,
deadlines kept in memory, due work run between the pages of a long cycle) driving the real
``Cycle`` over HTTP, with the production retry policy and rate limiter. Nothing is accelerated: a
300 s poll takes 300 s. The latency of a deadline is the sandbox time of the first comment the worker
posts on that issue at or after it, minus the deadline (both on the same real-time clock).

    python scripts/bench_latency.py                 # 20 s, 60 s, 300 s polls; ~13 minutes
    python scripts/bench_latency.py --poll 20 --n 1000 --run 120
"""

from __future__ import annotations

import argparse
import importlib.util
import math
import multiprocessing as mp
import os
import random
import sys
import threading
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

CONFIG = ROOT / "config.example.yaml"
# Wednesday 4 March 2026, 11:00 in Paris (the S1 calendar runs at all hours anyway)
START = datetime(2026, 3, 4, 10, 0, tzinfo=UTC)
S1_ACK = timedelta(minutes=15)


def _bench() -> Any:
    """scripts/bench.py as a module (its seeder builds realistic sites)."""
    spec = importlib.util.spec_from_file_location("bench", ROOT / "scripts" / "bench.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("bench", module)
    spec.loader.exec_module(module)
    return module


def _real_time_clock(start: datetime) -> Any:
    from worker.sandbox.clock import SandboxClock

    class RealTimeClock(SandboxClock):
        """Sandbox time that stands still at ``start`` until real time ``t0``, then follows the
        wall clock (``time.time``, shared by both processes)."""

        t0: float | None = None

        def now(self) -> datetime:
            base = super().now()
            if self.t0 is None:
                return base
            return base + timedelta(seconds=max(0.0, time.time() - self.t0))

    return RealTimeClock(start)


def sandbox_main(
    ctl: Connection, n: int, seed: int, offsets: list[float]
) -> None:  # pragma: no cover - a benchmark process
    from worker.config.load import load_config
    from worker.sandbox.jira import JiraSite
    from worker.sandbox.organisation import seed_organisation
    from worker.sandbox.server import SandboxServer

    bench = _bench()
    config = load_config(CONFIG)
    clock = _real_time_clock(START)
    site = JiraSite(clock)
    login = seed_organisation(site, config)
    site.add_user(bench.REPORTER, "Rita Reporter", email="rita@example.com")
    rng = random.Random(seed)
    seeder = bench.Seeder(site, config, login.account_id, rng)
    t0 = time.perf_counter()
    ages = (10, 45, 120, 240, 600, 1440, 2 * 1440, 4 * 1440)
    for _ in range(n):
        age = timedelta(minutes=rng.choice(ages) * rng.uniform(0.5, 1.5))
        seeder.escalation((START - age).replace(microsecond=0), START, simulate=True)
    for i in range(n):
        site.create_issue(
            rng.choice(("SHOP", "PAY")),
            f"Ordinary work {i}",
            reporter=bench.REPORTER,
            at=(START - timedelta(minutes=rng.randrange(1, 2 * 1440))).replace(microsecond=0),
        )
    planted: list[tuple[str, list[datetime]]] = []
    shift = timedelta(0)  # routing comes a poll after labelling: learnt from the first one
    for off in offsets:
        # labelled so that the acknowledge deadline falls `off` seconds into the run
        wanted = START + timedelta(seconds=off)
        labelled = (wanted - S1_ACK - shift).replace(microsecond=0)
        key = seeder.escalation(
            labelled, START, simulate=True, severity="escalation-S1", answered=False
        )
        rec = site.property(key, config.jira.property_key) or {}
        due = [
            datetime.fromisoformat(str(rec[name]).replace("Z", "+00:00"))
            for name in ("nudge_due", "ack_due")
            if rec.get(name)
        ]
        if due and not planted:
            shift = due[-1] - (labelled + S1_ACK)
        planted.append((key, due))
    seeded = time.perf_counter() - t0
    with SandboxServer(site) as server:
        ctl.send((login.environ(server.url), planted, round(seeded, 1)))
        while True:
            cmd, *args = ctl.recv()
            if cmd == "start":
                clock.t0 = args[0]
                ctl.send(None)
            elif cmd == "comments":
                worker = login.account_id
                ctl.send(
                    {
                        key: sorted(c.created for c in site.comments(key) if c.author == worker)
                        for key, _ in planted
                    }
                )
            elif cmd == "stop":
                ctl.send(None)
                return


def worker_main(
    ctl: Connection, env: dict[str, str], poll: float, full_every: float, run_s: float
) -> None:  # pragma: no cover - a benchmark process
    from worker import logs
    from worker.app import build_cycle, connection
    from worker.config.load import load_config
    from worker.runtime import Scheduler

    logs.configure(stream=open(os.devnull, "w"), json=True)  # noqa: SIM115
    config = load_config(CONFIG)
    config = replace(
        config,
        schedule=replace(
            config.schedule,
            poll_interval=timedelta(seconds=poll),
            full_resync_every=timedelta(seconds=full_every),
        ),
    )
    t0: float = ctl.recv()
    time.sleep(max(0.0, t0 - time.time()))

    def now() -> datetime:
        return START + timedelta(seconds=max(0.0, time.time() - t0))

    sched = Scheduler(now=now)
    cycle = build_cycle(config, connection(config, env), now=now, should_stop=sched.stop.is_set)
    cycle.between = sched.preempt
    spans: list[tuple[str, float, float]] = []  # (mode, start, end) in seconds of the run

    def poll_job() -> None:
        start = time.time() - t0
        full = cycle.is_full_due(now())
        try:
            cycle.run()
        finally:
            spans.append(("full" if full else "incremental", start, time.time() - t0))

    sched.set_poll(cycle, timedelta(seconds=poll), run=poll_job)
    timer = threading.Timer(max(0.0, t0 + run_s - time.time()), sched.request_stop)
    timer.daemon = True
    timer.start()
    sched.run_forever(at_start=[sched.guarded("cycle", poll_job)])
    ctl.send({"spans": spans, "services": sched.services, "polls": sched.polls + 1})


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100)."""
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


def plan_offsets(
    poll: float, full_every: float, run_s: float, count: int, rng: random.Random
) -> list[float]:
    """Breach times (seconds into the run): a third a few seconds after a full-resync slot, the
    rest spread over the run (after the first cycle, which is a cold start)."""
    fulls = [k * poll for k in range(1, int(run_s // poll) + 1) if (k * poll) % full_every == 0]
    fulls = [f for f in fulls if f < run_s - 15]
    offsets: list[float] = []
    during = count // 3 if fulls else 0
    for i in range(during):
        offsets.append(fulls[i % len(fulls)] + rng.uniform(0.3, 3.0))
    while len(offsets) < count:
        offsets.append(rng.uniform(30.0, run_s - 15))
    return sorted(offsets)


def bench_poll(
    ctx: Any, poll: float, n: int, count: int, seed: int, run_s: float | None
) -> dict[str, Any]:  # pragma: no cover - a benchmark
    agent = _bench().Agent
    full_every = {20.0: 60.0, 60.0: 120.0}.get(poll, poll)
    run_s = run_s or max(180.0, poll + 40.0)
    rng = random.Random(seed)
    offsets = plan_offsets(poll, full_every, run_s, count, rng)
    sandbox = agent(ctx, sandbox_main, n, seed, offsets)
    env, planted, seeded = sandbox.conn.recv()
    worker = agent(ctx, worker_main, env, poll, full_every, run_s)
    t0 = time.time() + 5.0  # both processes ready by then (the worker imports, loads config)
    sandbox.ask("start", t0)  # sandbox time START at real time t0, then real time
    worker.conn.send(t0)
    result = worker.conn.recv()
    comments = sandbox.ask("comments")
    sandbox.ask("stop")
    worker.proc.join(timeout=10)
    start = START
    lat: list[tuple[str, float, bool, str]] = []  # (key, seconds late, during a full resync, kind)
    fulls = [(s, e) for mode, s, e in result["spans"] if mode == "full"]
    missed = 0
    for key, dues in planted:
        for i, due in enumerate(dues):
            at = (due - start).total_seconds()
            if not 0 < at < run_s - 5:
                continue
            after = [c for c in comments[key] if c >= due]
            kind = "breach" if i == len(dues) - 1 else "nudge"
            if not after:
                missed += 1
                continue
            during = any(s <= at <= e for s, e in fulls)
            lat.append((key, (after[0] - due).total_seconds(), during, kind))
    return {
        "poll": poll,
        "full_every": full_every,
        "run_s": run_s,
        "n": n,
        "seeded_s": seeded,
        "latencies": lat,
        "missed": missed,
        "spans": result["spans"],
        "services": result["services"],
    }


def report(r: dict[str, Any]) -> list[str]:
    lines = []
    lat = r["latencies"]
    spans = r["spans"]
    fulls = [e - s for m, s, e in spans if m == "full"]
    lines.append(
        f"poll {r['poll']:g} s (full resync every {r['full_every']:g} s), N={r['n']:,} escalations "
        f"+ {r['n']:,} ordinary, run {r['run_s']:g} s: {len(spans)} cycles "
        f"({len(fulls)} full, {', '.join(f'{d:.1f}' for d in fulls)} s), "
        f"{r['services']} due/woken services"
    )
    for label, chosen in (
        ("all deadlines", lat),
        ("breaches (ack deadline)", [x for x in lat if x[3] == "breach"]),
        ("during a full resync", [x for x in lat if x[2]]),
    ):
        secs = [x[1] for x in chosen]
        if not secs:
            lines.append(f"  {label:26}: none")
            continue
        lines.append(
            f"  {label:26}: {len(secs):3} deadlines  p50 {percentile(secs, 50):.2f} s  "
            f"p95 {percentile(secs, 95):.2f} s  max {max(secs):.2f} s"
        )
    if r["missed"]:
        lines.append(f"  {r['missed']} deadlines without a comment before the run ended")
    return lines


def main(argv: list[str] | None = None) -> int:  # pragma: no cover - a benchmark
    ap = argparse.ArgumentParser(description="Breach -> comment latency of run, in real time.")
    ap.add_argument("--poll", type=float, action="append", help="poll interval in seconds")
    ap.add_argument(
        "--n", type=int, default=2000, help="background escalations (and as many ordinary issues)"
    )
    ap.add_argument(
        "--deadlines", type=int, default=60, help="planted unacknowledged S1s per poll interval"
    )
    ap.add_argument(
        "--run", type=float, help="seconds per poll interval (default max(180, poll + 40))"
    )
    ap.add_argument("--seed", type=int, default=15)
    args = ap.parse_args(argv)
    ctx = mp.get_context("spawn")
    with open("/proc/loadavg") as f:
        print(f"load average at start: {' '.join(f.read().split()[:3])}", flush=True)
    failed = 0
    for poll in args.poll or [20.0, 60.0, 300.0]:
        r = bench_poll(ctx, poll, args.n, args.deadlines, args.seed, args.run)
        for line in report(r):
            print(line, flush=True)
        secs = [x[1] for x in r["latencies"]]
        ok = bool(secs) and percentile(secs, 95) <= 2.0 and max(secs) <= 5.0 and not r["missed"]
        failed += not ok
        print(f"  {'PASS' if ok else 'FAIL'}  p95 <= 2 s and max <= 5 s", flush=True)
    with open("/proc/loadavg") as f:
        print(f"load average at end: {' '.join(f.read().split()[:3])}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
