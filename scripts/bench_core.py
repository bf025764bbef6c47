#!/usr/bin/env python3
"""Benchmark of the pure core (not a test): ``decide`` over synthetic snapshots.

Builds N snapshots (default 100,000) spread over every cell of the matrix, in every phase of an
escalation (new, waiting, acknowledged, breached, at the top, closing), on the example business
calendar with French public holidays, and evaluates each once. Prints evaluations per second
(single process, and across all cores with one process per core) and peak memory.

    python scripts/bench_core.py [--n 100000] [--processes 2]
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from worker.config.clocks import build_clocks  # noqa: E402
from worker.config.load import load_config  # noqa: E402
from worker.core.decide import Context, decide  # noqa: E402
from worker.core.snapshot import Change, Comment, IssueSnapshot  # noqa: E402

WORKER = "worker-account"
REPORTER = "reporter-account"
_CTX: Context | None = None


def context() -> Context:
    global _CTX  # noqa: PLW0603 -- one context per benchmark process, built on first use
    if _CTX is None:
        cfg = load_config(ROOT / "config.example.yaml")
        _CTX = Context(cfg.rules, cfg.directory, build_clocks(cfg), worker_account_id=WORKER)
    return _CTX


def synthetic(n: int, seed: int = 7) -> list[tuple[IssueSnapshot, object, datetime]]:
    """(snapshot, record, now) triples: half new escalations, half already routed in various phases."""
    ctx = context()
    rng = random.Random(seed)
    sev_labels = [s.label for s in ctx.rules.severities.values()]
    type_labels = [t.labels[0] for t in ctx.rules.types.values()]
    base = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
    people = [p.account_id for p in ctx.directory.people.values()]
    out: list[tuple[IssueSnapshot, object, datetime]] = []
    for i in range(n):
        created = base + timedelta(minutes=rng.randrange(0, 60 * 24 * 60))
        labels = (rng.choice(sev_labels), rng.choice(type_labels))
        changes = [
            Change(
                created + timedelta(minutes=5 * k),
                rng.choice(people),
                "status",
                "To Do",
                "In Progress",
            )
            for k in range(rng.randrange(0, 3))
        ]
        comments = tuple(
            Comment(
                f"c{i}-{k}",
                rng.choice(people + [REPORTER]),
                created + timedelta(minutes=7 * k + 1),
                text="update",
            )
            for k in range(rng.randrange(0, 4))
        )
        snap = IssueSnapshot(
            key=f"SHOP-{i + 1}",
            id=str(10000 + i),
            project=rng.choice(["SHOP", "PAY"]),
            issue_type="Task",
            summary="synthetic",
            reporter=REPORTER,
            assignee=None,
            status="To Do",
            status_category="new",
            resolution=None,
            resolved_at=None,
            created=created,
            updated=created,
            labels=labels,
            description="what happened; tried; recommend; need",
            changes=tuple(changes),
            comments=comments,
        )
        now = created + timedelta(minutes=rng.choice([1, 30, 90, 300, 2000, 9000]))
        record = None
        if i % 2:
            (labels[0], labels[1], i % 7)
            routed = decide(ctx, replace(snap, changes=(), comments=()), None, created)
            record = routed.record
        if i % 11 == 0:
            snap = replace(snap, resolution="Done", resolved_at=now, status_category="done")
        out.append((snap, record, now))
    return out


def run_chunk(args: tuple[int, int, int]) -> tuple[int, float]:
    n, seed, _ = args
    items = synthetic(n, seed)
    ctx = context()
    t0 = time.perf_counter()
    for snap, rec, now in items:
        decide(ctx, snap, rec, now)  # type: ignore[arg-type]
    return n, time.perf_counter() - t0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--processes", type=int, default=os.cpu_count() or 1)
    args = ap.parse_args()

    ctx = context()
    items = synthetic(args.n)
    t0 = time.perf_counter()
    actions = 0
    for snap, rec, now in items:
        actions += len(decide(ctx, snap, rec, now).actions)  # type: ignore[arg-type]
    single = time.perf_counter() - t0

    per = args.n // args.processes
    with ProcessPoolExecutor(args.processes) as pool:
        time.perf_counter()
        results = list(pool.map(run_chunk, [(per, 100 + k, k) for k in range(args.processes)]))
    # throughput across cores: evaluations over the slowest worker's evaluation time
    multi_rate = sum(n for n, _ in results) / max(t for _, t in results)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        "?",
    )
    print(f"machine: {os.cpu_count()} cores, {cpu}, Python {sys.version.split()[0]}")
    print(
        f"snapshots: {args.n:,} (half routed records, every cell and phase), actions produced: {actions:,}"
    )
    print(
        f"single process: {args.n / single:,.0f} evaluations/s ({single * 1e6 / args.n:.1f} µs each)"
    )
    print(f"{args.processes} processes:    {multi_rate:,.0f} evaluations/s")
    print(f"peak memory (RSS of the main process, includes the snapshots): {peak_mb:,.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
