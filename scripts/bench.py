#!/usr/bin/env python3
"""Benchmark of the Jira loop (not a test): the worker against a naive poller, over real HTTP.

For each N (100, 1,000, 10,000 by default) a sandbox site is seeded in its own process with N open
escalations: realistic histories (labels, status changes, delegations) and comments, each issue
already carrying the record, assignee, watchers and comments a worker running every minute would
have left -- plus 1 % brand-new escalations with no record yet. Then, in the same run, two
strategies are measured, each in its own fresh process (so peak RSS is that strategy's alone):

* **worker**: ``Cycle`` with a persistent ``Memory`` (the ``run`` command), real retry policy and
  client-side rate limiter;
* **naive**: every cycle, search all open escalations, then read each issue's changelog and
  comments one by one, and decide. It performs no writes (its request count is a lower bound) and
  runs without the client-side rate limiter (with it, it could not go faster than 100 requests/s).

Phases: the *first* cycle of a fresh process; a *steady* incremental cycle one minute later after
1 % of the issues were changed by people; a *full* resync (10 minutes after the first cycle, after
another 1 % changed). Requests are counted by endpoint by the client; wall time and peak RSS
(``ru_maxrss``) are measured in the strategy's process.

    python scripts/bench.py            # N = 100, 1,000, 10,000; writes docs/benchmarks.md
    python scripts/bench.py --quick    # N = 100 only (no file written unless --write)
    python scripts/bench.py --n 1000 --n 5000 --no-naive-first
"""

from __future__ import annotations

import argparse
import math
import multiprocessing as mp
import os
import platform
import random
import re
import resource
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

CONFIG = ROOT / "config.example.yaml"
REPORTER = "bench-reporter-0001"
# Wednesday 4 March 2026, 11:00 in Paris: business hours, so business-time clocks are running
START = datetime(2026, 3, 4, 10, 0, tzinfo=UTC)
# Thursday 5 March 2026, 09:43 in Paris: two minutes before the overnight S2s reach their nudge
BURST_START = datetime(2026, 3, 5, 8, 43, tzinfo=UTC)
ISSUE_PATH = re.compile(r"/rest/api/3/issue/([A-Z][A-Z0-9_]*-\d+)")


# =============================================================================================
# Sandbox side (its own process)
# =============================================================================================


@dataclass
class SimIssue:
    """What the seeder knows about one issue, to build the snapshots ``decide`` sees."""

    key: str
    id: str
    project: str
    created: datetime
    labels: list[str]
    assignee: str | None = None
    status: str = "To Do"
    updated: datetime | None = None
    changes: list[Any] = field(default_factory=list)
    comments: list[Any] = field(default_factory=list)


class Seeder:
    """Seeds a :class:`JiraSite` as if people had worked on it and a worker had polled every minute."""

    def __init__(
        self,
        site: Any,
        config: Any,
        worker_account: str,
        rng: random.Random,
        *,
        legacy: bool = False,
    ) -> None:
        from worker.config.clocks import build_clocks
        from worker.core.decide import Context

        self.site, self.config, self.worker, self.rng = site, config, worker_account, rng
        # legacy: records as an older worker wrote them, without the last-read mark and the list
        # of the worker's comments (the first cold tick after an upgrade); else as this one does
        self.legacy = legacy
        self.ctx = Context(
            config.rules, config.directory, build_clocks(config), worker_account_id=worker_account
        )
        self.prop = config.jira.property_key
        vis = config.jira.people_issue_visibility
        self.visibility = {"type": vis.type, "value": vis.value} if vis is not None else None
        rules = config.rules
        self.severities = [s.label for s in sorted(rules.severities.values(), key=lambda s: s.rank)]
        self.types = [(t.labels[0], t.sensitive) for t in rules.types.values()]
        self.people = [p.account_id for p in config.directory.people.values()]
        self.actions = Counter[str]()

    # -- one issue ------------------------------------------------------------------------------

    def escalation(
        self,
        labelled_at: datetime,
        now: datetime,
        *,
        simulate: bool,
        severity: str | None = None,
        answered: bool = True,
    ) -> str:
        """One issue labelled at ``labelled_at``; with ``simulate`` the worker's polls up to ``now`` are
        replayed. ``answered=False``: nobody acknowledges it (the start-of-day burst)."""
        rng = self.rng
        label_type, sensitive = rng.choice(self.types)
        project = "PEOPLE" if sensitive else rng.choice(("SHOP", "PAY"))
        if severity is None:
            severity = rng.choices(self.severities, weights=(1, 3, 6, 4))[0]
        created = (labelled_at - timedelta(minutes=rng.randrange(5, 600))).replace(microsecond=0)
        key: str = self.site.create_issue(
            project,
            f"Escalated problem {rng.randrange(10**6)}",
            reporter=REPORTER,
            description=DESCRIPTION,
            at=created,
        )
        sim = SimIssue(key, str(self.site.issue(key).id), project, created, [], updated=created)
        if rng.random() < 0.5:
            self._labels(sim, ["customer-impact"], REPORTER, created + timedelta(minutes=1))
        self._labels(sim, [severity, label_type], REPORTER, labelled_at)
        if not simulate:
            return key
        # people talk on the issue; the worker polls every minute and acts on each deadline
        for _ in range(rng.randrange(0, 3)):
            at = labelled_at + timedelta(minutes=rng.randrange(1, 240))
            if at < now:
                self._comment(sim, REPORTER, "Any news? Customers keep asking.", at)
        record = None
        t = labelled_at + timedelta(seconds=30)
        asked_levels: set[int] = set()
        acking = False
        for _ in range(60):  # bounded: reminders at the top of the ladder repeat
            if t > now:
                break
            decision = self._decide(sim, record, t)
            record = self._apply(sim, decision, record, t)
            nxt = decision.next_at
            if record is not None and record.current.acked_at is not None:
                acking = False
            if (
                answered
                and record is not None
                and record.is_open
                and record.current.acked_at is None
                and not acking
            ):
                # most owners answer before their deadline; reminders at the top get an answer eventually
                first_chance = record.current.level not in asked_levels
                asked_levels.add(record.current.level)
                if (
                    rng.random() < (0.6 if first_chance else 0.5)
                    and record.current.owner
                    and record.current.ack_due is not None
                ):
                    at = t + (record.current.ack_due - t) * rng.uniform(0.1, 0.9)
                    at = at.replace(microsecond=0)
                    at = max(at, t + timedelta(seconds=1))
                    if at < now:
                        acking = True
                        if rng.random() < 0.8:
                            self._comment(sim, record.current.owner, "On it, looking now.", at)
                        else:
                            self._status(sim, record.current.owner, "In Progress", at)
                        nxt = (
                            min(nxt, at + timedelta(seconds=40))
                            if nxt
                            else at + timedelta(seconds=40)
                        )
            if nxt is None:
                break
            t = max(nxt, t + timedelta(seconds=1))
        return key

    # -- people's and the worker's effects, mirrored in the local model -------------------------

    def _labels(self, sim: SimIssue, add: list[str], by: str, at: datetime) -> None:
        from worker.core.snapshot import Change

        before = " ".join(sim.labels) or None
        sim.labels += [x for x in add if x not in sim.labels]
        self.site.add_labels(sim.key, *add, by=by, at=at)
        sim.changes.append(Change(at, by, "labels", before, " ".join(sim.labels) or None))
        sim.updated = at

    def _status(self, sim: SimIssue, by: str, status: str, at: datetime) -> None:
        from worker.core.snapshot import Change

        self.site.transition(sim.key, status, by=by, at=at)
        sim.changes.append(Change(at, by, "status", sim.status, status))
        sim.status, sim.updated = status, at

    def _comment(
        self,
        sim: SimIssue,
        by: str,
        text: str,
        at: datetime,
        *,
        action_id: str | None = None,
        body: Any = None,
        visibility: Any = None,
    ) -> None:
        from worker.core.snapshot import Comment
        from worker.jira.mapping import COMMENT_PROPERTY

        props = {COMMENT_PROPERTY: {"id": action_id}} if action_id else None
        cid = self.site.add_comment(
            sim.key,
            by,
            body if body is not None else text,
            at=at,
            visibility=visibility,
            properties=props,
        )
        sim.comments.append(Comment(cid, by, at, action_id, text))
        sim.updated = at

    def _decide(self, sim: SimIssue, record: Any, now: datetime) -> Any:
        from worker.core.decide import decide
        from worker.core.snapshot import IssueSnapshot

        snap = IssueSnapshot(
            key=sim.key,
            id=sim.id,
            project=sim.project,
            issue_type="Task",
            summary="",
            reporter=REPORTER,
            assignee=sim.assignee,
            status=sim.status,
            status_category="indeterminate" if sim.status == "In Progress" else "new",
            resolution=None,
            resolved_at=None,
            created=sim.created,
            updated=sim.updated or sim.created,
            labels=tuple(sim.labels),
            description=DESCRIPTION,
            changes=tuple(sim.changes),
            comments=tuple(sorted(sim.comments, key=lambda c: c.created)),
        )
        return decide(self.ctx, snap, record, now)

    def _apply(self, sim: SimIssue, decision: Any, record: Any, at: datetime) -> Any:
        from worker.core.actions import AddWatcher, Assign, PostComment
        from worker.core.record import OWN_COMMENTS_LIMIT, Journal, LastRead, fit, to_json
        from worker.core.snapshot import Change
        from worker.cycle.gather import newest_id
        from worker.jira.adf import to_adf, to_text

        if not decision.actions and not decision.changed:
            return record
        # what the decision read: the worker stores it as the record's last-read mark
        histories = self.site.histories(sim.key)
        read = LastRead(
            sim.updated,
            newest_id(c.id for c in sim.comments),
            histories[-1].id if histories else None,
        )
        for action in decision.actions:
            self.actions[action.kind] += 1
            if isinstance(action, Assign) and sim.assignee != action.account_id:
                self.site.set_assignee(sim.key, action.account_id, by=self.worker, at=at)
                sim.changes.append(
                    Change(at, self.worker, "assignee", sim.assignee, action.account_id)
                )
                sim.assignee, sim.updated = action.account_id, at
            elif isinstance(action, AddWatcher):
                self.site.add_watcher(sim.key, action.account_id)
            elif isinstance(action, PostComment):
                body = to_adf(action.body)
                self._comment(
                    sim,
                    self.worker,
                    to_text(body, 2000),
                    at,
                    action_id=action.id,
                    body=body,
                    visibility=self.visibility if action.restricted else None,
                )
        record = decision.record
        final = replace(
            record, writer="seeded", journal=Journal(record.journal.done, ()), outbox=()
        ).with_done(*[a.id for a in decision.actions])
        if not self.legacy:
            own = [(c.id, c.action_id) for c in sim.comments if c.action_id]
            final = replace(
                final,
                # the worker's own new comment counts as read (``apply.with_own_comments``)
                last_read=replace(read, comment=newest_id(c.id for c in sim.comments)),
                own_comments=tuple(own[-OWN_COMMENTS_LIMIT:]),
            )
        self.site.set_property(sim.key, self.prop, to_json(fit(final).record), at=at)
        # this version's worker watches every issue with an open record (how a cold tick finds
        # them without scanning ordinary issues) and stops when the record closes
        if final.is_open:
            self.site.add_watcher(sim.key, self.worker, at=at)
        else:
            self.site.remove_watcher(sim.key, self.worker)
        return final

    # -- later activity -------------------------------------------------------------------------

    def touch(self, keys: list[str], at: datetime) -> None:
        """People change ``keys``: a comment, a status change or a label (not all count as acknowledgement)."""
        rng = self.rng
        for key in keys:
            roll = rng.random()
            who = rng.choice(self.people)
            if roll < 0.6:
                self.site.add_comment(
                    key,
                    who if rng.random() < 0.5 else REPORTER,
                    "Update: still investigating.",
                    at=at,
                )
            elif roll < 0.8:
                state = self.site.issue(key)
                self.site.transition(
                    key, "In Progress" if state.status == "To Do" else "To Do", by=who, at=at
                )
            else:
                self.site.add_labels(key, f"followup-{rng.randrange(5)}", by=REPORTER, at=at)


DESCRIPTION = (
    "What happened: checkout fails for 10% of carts. Tried: rolled back the last deploy. "
    "We recommend pausing the promo. We need a go from you."
)


def sandbox_main(
    ctl: Connection,
    n: int,
    seed: int,
    latency: bool = False,
    ordinary: int = 0,
    burst: int = 0,
    legacy: bool = False,
) -> None:
    """Seed N escalations, serve them over HTTP, and obey the orchestrator's commands.

    ``burst``: the site is seeded at 09:43 on a Thursday (Paris) and ``burst`` of the N are S2
    escalations labelled overnight that nobody acknowledged: their nudges all fall due at 09:45,
    when the business-hours clock has run 45 minutes of their one-hour acknowledge window.
    """
    from worker.config.load import load_config
    from worker.sandbox.clock import SandboxClock
    from worker.sandbox.jira import JiraSite
    from worker.sandbox.organisation import seed_organisation
    from worker.sandbox.server import SandboxServer

    start = BURST_START if burst else START
    config = load_config(CONFIG)
    clock = SandboxClock(start)
    site = JiraSite(clock)
    login = seed_organisation(site, config)
    site.add_user(REPORTER, "Rita Reporter", email="rita@example.com")
    rng = random.Random(seed)
    seeder = Seeder(site, config, login.account_id, rng, legacy=legacy)
    t0 = time.perf_counter()
    new = 0 if burst else max(1, n // 100)
    ages = (10, 45, 120, 240, 600, 1440, 2 * 1440, 4 * 1440)
    for _ in range(n - new - burst):
        age = timedelta(minutes=rng.choice(ages) * rng.uniform(0.5, 1.5))
        seeder.escalation((start - age).replace(microsecond=0), start, simulate=True)
    for _ in range(new):
        seeder.escalation(start - timedelta(seconds=rng.randrange(5, 60)), start, simulate=False)
    evening = datetime(2026, 3, 4, 17, 45, tzinfo=UTC)  # 18:45 in Paris, after business hours
    for _ in range(burst):  # labelled overnight (until 07:30 Paris), routed at once, unanswered
        at = evening + timedelta(seconds=rng.randrange(0, 12 * 3600 + 45 * 60))
        seeder.escalation(at, start, simulate=True, severity="escalation-S2", answered=False)
    for i in range(ordinary):  # ordinary issues of the same projects, updated lately
        site.create_issue(
            rng.choice(("SHOP", "PAY")),
            f"Ordinary work {i}",
            reporter=REPORTER,
            labels=["customer-impact"] if i % 2 else [],
            at=(START - timedelta(minutes=rng.randrange(1, 2 * 1440))).replace(microsecond=0),
        )
    keys = site.keys()[: len(site.keys()) - ordinary]  # the escalations (seeded first)
    stats = {
        "seed_s": round(time.perf_counter() - t0, 1),
        "issues": len(keys),
        "new": new,
        "histories": sum(len(site.histories(k)) for k in keys),
        "comments": sum(len(site.comments(k)) for k in keys),
        "seeded_actions": dict(seeder.actions),
        "open_records": sum(
            1
            for k in keys
            if (site.property(k, config.jira.property_key) or {}).get("status") == "open"
        ),
    }
    from worker.sandbox.latency import LatencyModel

    model = LatencyModel.assumed() if latency else None  # modelled, not measured
    with SandboxServer(site, latency=model) as server:
        ctl.send((server.url, login.environ(server.url), stats))
        while True:
            cmd, *args = ctl.recv()
            if cmd == "stop":
                ctl.send(None)
                return
            if cmd == "now":
                ctl.send(clock.now().isoformat())
            elif cmd == "advance":
                clock.advance(timedelta(seconds=args[0]))
                ctl.send(clock.now().isoformat())
            elif cmd == "touch":
                k = max(1, math.ceil(len(keys) * args[0]))
                chosen = rng.sample(keys, k)
                seeder.touch(chosen, clock.now() - timedelta(seconds=20))
                ctl.send(k)
            elif cmd == "mark":
                ctl.send(len(site.request_log))
            elif cmd == "cpu":  # the sandbox process's CPU time (all its threads), seconds
                ctl.send(time.process_time())
            elif cmd == "per_issue":  # requests on each issue since a mark, by endpoint
                per: dict[str, Counter[str]] = {}
                for e in site.request_log[args[0] :]:
                    m = ISSUE_PATH.search(e.path)
                    if m is not None:
                        name = f"{e.method} {e.endpoint.split('/rest/api/3/')[-1]}"
                        per.setdefault(m[1], Counter())[name] += 1
                ctl.send({k: dict(v) for k, v in per.items()})
            elif cmd == "state":
                ctl.send({k: site.property(k, config.jira.property_key) for k in keys})


# =============================================================================================
# Strategy side (each in its own process)
# =============================================================================================


def _quiet_logs() -> None:
    from worker import logs

    logs.configure(stream=open(os.devnull, "w"), json=True)  # noqa: SIM115 - lives as long as the process


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _reset_peak() -> bool:
    """Start a new peak-RSS window (Linux: ``clear_refs`` 5 resets VmHWM to the current RSS)."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def _peak_mb() -> float | None:
    """VmHWM: the peak resident set since the last :func:`_reset_peak` (None off Linux)."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def strategy_main(
    ctl: Connection, strategy: str, env: dict[str, str], concurrency: int | None = None
) -> None:
    from worker.app import build_gateway, build_http, connection
    from worker.config.clocks import build_clocks
    from worker.config.load import load_config
    from worker.jira.http import RateLimiter, RetryingHttp

    _quiet_logs()
    config = load_config(CONFIG)
    if concurrency is not None:  # schedule.burst_concurrency (config default 16; everyday pool 4)
        config = replace(config, schedule=replace(config.schedule, burst_concurrency=concurrency))
    conn = connection(config, env)
    current = [START]
    now: Callable[[], datetime] = lambda: current[0]  # noqa: E731
    if strategy == "cold-nocomp":
        # a diagnostic, never a result: the cold tick without compensation's comment reads, to
        # show what they cost (reported beside the real cold tick, labelled as such)
        from worker.cycle.apply import Applier

        Applier.compensate = lambda self, loaded: None  # type: ignore[method-assign]
    if strategy in ("worker", "cold", "cold-nocomp"):
        http = build_http(conn)  # the production retry policy and rate limiter, real sleeps
        run = _worker_runner(
            config,
            build_gateway(config, http),
            build_clocks(config),
            now,
            conn.jira_url,
            cold=strategy != "worker",
        )
    elif strategy == "good":
        http = build_http(conn)
        run = _good_runner(config, build_gateway(config, http), build_clocks(config), now)
    else:
        http = build_http(conn)
        unlimited = RateLimiter(
            per_second=dict.fromkeys(("GET", "POST", "PUT", "DELETE"), 10**9),
            per_issue_writes=(10**9, 1.0),
        )
        http = RetryingHttp(http.transport, limiter=unlimited)
        run = _naive_runner(config, build_gateway(config, http), build_clocks(config), now)
    ctl.send(("ready", _rss_mb()))
    while True:
        cmd, *args = ctl.recv()
        if cmd == "stop":
            ctl.send(None)
            return
        current[0] = datetime.fromisoformat(args[0])
        before = Counter(http.counts)
        fresh = _reset_peak()
        t0, c0 = time.perf_counter(), time.process_time()
        extra = run(cmd)
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
        requests = Counter(http.counts) - before
        peak = _peak_mb() if fresh else None
        ctl.send(
            {
                "wall": wall,
                "cpu": cpu,
                "requests": dict(requests),
                # the peak of this measurement alone (its process's resident set at its start
                # included); the process's lifetime peak when the window cannot be reset
                "rss": peak if peak is not None else _rss_mb(),
                "rss_process": _rss_mb(),
                **extra,
            }
        )


def _worker_runner(
    config: Any,
    gateway: Any,
    clocks: Any,
    now: Callable[[], datetime],
    url: str,
    *,
    cold: bool = False,
) -> Callable[[str], dict[str, Any]]:
    from worker.cycle.cycle import Cycle, Memory

    # the production cycle; requests per issue are counted by the sandbox (apply runs on a pool,
    # so the client's counters cannot tell one issue's requests from another's)
    cycle = Cycle(config, gateway, clocks, now=now, memory=Memory())

    def run(cmd: str = "cycle") -> dict[str, Any]:
        if cold:  # a cron tick: a new process, empty memory
            cycle.memory = Memory()
        # "due": what run's scheduler does when deadlines come, act on the due keys
        report = cycle.act_on(cycle.due_keys(now())) if cmd == "due" else cycle.run()
        acted = report.acted
        return {
            "mode": report.mode,
            "seen": report.issues_seen,
            "actions": dict(report.actions),
            "acted_issues": acted,
            "errors": report.errors[:5],
        }

    return run


def _good_runner(
    config: Any, gateway: Any, clocks: Any, now: Callable[[], datetime]
) -> Callable[[str], dict[str, Any]]:
    """A good plain script: search with the record and the newest comments embedded, changelogs
    in bulk (1,000 issues a request), decide. No per-issue reads, no writes, no memory."""
    from worker.core.decide import Context, decide
    from worker.cycle.gather import embedded_comments
    from worker.jira import jql
    from worker.jira.mapping import snapshot_from_json
    from worker.jira.stored_record import read_record, record_of

    me = gateway.myself()
    ctx = Context(config.rules, config.directory, clocks, worker_account_id=me.get("accountId"))
    labels = [s.label for s in config.rules.severities.values()]
    query = (
        f"project in {jql.in_list(list(config.jira.projects))} AND labels in "
        f"{jql.in_list(labels)} AND resolution is EMPTY"
    )

    def run(cmd: str = "cycle") -> dict[str, Any]:
        actions: Counter[str] = Counter()
        seen = 0
        chunk: list[dict[str, Any]] = []

        def flush() -> None:
            histories = gateway.bulk_changelog([str(i["id"]) for i in chunk])
            for issue in chunk:
                embedded = embedded_comments(issue)
                snap = snapshot_from_json(
                    issue,
                    sprint_field=gateway.sprint_field,
                    histories=histories.get(str(issue["id"]), ()),
                    comments=embedded[0] if embedded else None,
                )
                rec, _, _ = read_record(record_of(issue, gateway.property_key))
                for a in decide(ctx, snap, rec, now()).actions:
                    actions[a.kind] += 1
            chunk.clear()

        for issue in gateway.search(query, fields=gateway.search_fields(description=True)):
            seen += 1
            chunk.append(issue)
            if len(chunk) >= 1000:
                flush()
        if chunk:
            flush()
        return {
            "mode": "good",
            "seen": seen,
            "actions": dict(actions),
            "acted_issues": 0,
            "errors": [],
        }

    return run


def _naive_runner(
    config: Any, gateway: Any, clocks: Any, now: Callable[[], datetime]
) -> Callable[[str], dict[str, Any]]:
    from worker.core.decide import Context, decide
    from worker.jira import jql
    from worker.jira.mapping import snapshot_from_json
    from worker.jira.stored_record import read_record, record_of

    me = gateway.myself()
    ctx = Context(config.rules, config.directory, clocks, worker_account_id=me.get("accountId"))
    labels = [s.label for s in config.rules.severities.values()]
    query = f"project in {jql.in_list(list(config.jira.projects))} AND labels in {jql.in_list(labels)} AND resolution is EMPTY"

    def run(cmd: str = "cycle") -> dict[str, Any]:
        actions: Counter[str] = Counter()
        seen = 0
        for issue in gateway.search(query):
            seen += 1
            key = str(issue["key"])
            histories = gateway.changelog(key)
            comments = gateway.comments(key)
            snap = snapshot_from_json(
                issue, sprint_field=gateway.sprint_field, histories=histories, comments=comments
            )
            rec, _, _ = read_record(record_of(issue, gateway.property_key))
            for a in decide(ctx, snap, rec, now()).actions:
                actions[a.kind] += 1
        return {
            "mode": "naive",
            "seen": seen,
            "actions": dict(actions),
            "acted_issues": 0,
            "errors": [],
        }

    return run


# =============================================================================================
# Orchestration
# =============================================================================================

SCENARIOS = ("first", "cold", "steady", "resync", "burst")
# the published per-second limits of Jira Cloud, per method (requests per second)
LIMITS = {"GET": 100, "POST": 100, "PUT": 50, "DELETE": 50}
# effects on an issue, and the exclusion protocol's requests (fresh read, claim, read-back,
# completion), as the sandbox names its endpoints
EFFECTS = (
    "POST issue/{issueIdOrKey}/comment",
    "PUT issue/{issueIdOrKey}/assignee",
    "POST issue/{issueIdOrKey}/watchers",
    "DELETE issue/{issueIdOrKey}/watchers",
    "POST issue/{issueIdOrKey}/transitions",
)
EXCLUSION = (
    "GET issue/{issueIdOrKey}",
    "PUT issue/{issueIdOrKey}/properties/{propertyKey}",
    "GET issue/{issueIdOrKey}/properties/{propertyKey}",
    "DELETE issue/{issueIdOrKey}/properties/{propertyKey}",  # the claim slot's clean-up (issue 12)
)


@dataclass
class Row:
    n: int
    latency: bool
    strategy: str
    scenario: str
    result: dict[str, Any]
    changed: int = 0
    estimated: bool = False  # computed from counts (never run at this latency)

    @property
    def total(self) -> int:
        return sum(self.result["requests"].values())


class Agent:
    def __init__(self, ctx: Any, target: Callable[..., None], *args: Any) -> None:
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=target, args=(child, *args), daemon=True)
        self.proc.start()
        child.close()

    def ask(self, *msg: Any) -> Any:
        self.conn.send(msg)
        return self.conn.recv()

    def stop(self) -> None:
        try:
            self.ask("stop")
        finally:
            self.proc.join(timeout=10)
            if self.proc.is_alive():
                self.proc.kill()


def once(ctx: Any, strategy: str, env: dict[str, str], now: str) -> dict[str, Any]:
    """One cycle in a new process (a cron tick); its peak RSS is the whole process's."""
    agent = Agent(ctx, strategy_main, strategy, env)
    try:
        agent.conn.recv()  # ready
        res: dict[str, Any] = agent.ask("cycle", now)
        res["rss"] = res["rss_process"]  # startup included: this process did nothing else
        return res
    finally:
        agent.stop()


def modelled_estimate(requests: dict[str, int]) -> float:
    """Seconds a sequential client would wait at the modelled latency (mean of each class)."""
    from worker.sandbox.latency import ASSUMED, endpoint_class

    total = 0.0
    for name, count in requests.items():
        method, _, path = name.partition(" ")
        d = ASSUMED[endpoint_class(method, "/" + path)]
        sigma = math.log(d.p95_s / d.median_s) / 1.645
        total += count * d.median_s * math.exp(sigma * sigma / 2)
    return total


def bench_n(
    ctx: Any,
    n: int,
    seed: int,
    *,
    naive: bool,
    log: Callable[[str], None],
    latency: bool = False,
    ordinary: int = 0,
    cold_only: bool = False,
    legacy: bool = False,
) -> tuple[list[Row], dict[str, Any]]:
    """Cold tick, warm steady cycle and full resync at one N, the worker and its baselines
    (``cold_only``: the worker's cold tick alone, after the first cycle that sets the site up)."""
    sandbox = Agent(ctx, sandbox_main, n, seed, latency, ordinary, 0, legacy)
    _url, env, stats = sandbox.conn.recv()
    log(
        f"N={n:,} latency={'modelled' if latency else 'loopback'}: seeded {stats['issues']:,} "
        f"escalations + {ordinary:,} ordinary issues in {stats['seed_s']}s"
    )
    rows: list[Row] = []
    worker = Agent(ctx, strategy_main, "worker", env)
    good = Agent(ctx, strategy_main, "good", env)

    def measured(ask: Callable[[], dict[str, Any]]) -> dict[str, Any]:
        """One measurement, with the CPU time the sandbox spent serving it."""
        c0 = sandbox.ask("cpu")
        res = ask()
        res["server_cpu"] = sandbox.ask("cpu") - c0
        return res

    def add(strategy: str, scenario: str, res: dict[str, Any], changed: int = 0) -> None:
        rows.append(Row(n, latency, strategy, scenario, res, changed))
        log(
            f"  {strategy:6} {scenario:7} {sum(res['requests'].values()):>7,} requests "
            f"{res['wall']:7.2f}s rss {res['rss']:.0f} MB actions {sum(res['actions'].values())} "
            f"server CPU {res.get('server_cpu', 0):.2f}s load {load()}"
        )

    try:
        worker.conn.recv()
        good.conn.recv()
        add(
            "worker",
            "first",
            measured(lambda: worker.ask("cycle", sandbox.ask("now"))),
            stats["new"],
        )
        sandbox.ask("advance", 60)
        worker.ask("cycle", sandbox.ask("now"))  # reads back the first cycle's writes; unmeasured
        # The client-side limiter counts requests over a sliding second; polls are a minute apart
        # in production, so each measured cycle starts with that window idle.
        time.sleep(1.1)
        now = sandbox.ask("now")
        add("cold", "cold", measured(lambda: once(ctx, "cold", env, now)))
        time.sleep(1.1)
        add("cold-nocomp", "cold", measured(lambda: once(ctx, "cold-nocomp", env, now)))
        if cold_only:
            return rows, stats
        time.sleep(1.1)
        add("good", "cold", measured(lambda: good.ask("cycle", now)))
        if naive and not latency:
            time.sleep(1.1)
            add("naive", "cold", measured(lambda: once(ctx, "naive", env, now)))
        sandbox.ask("advance", 40)
        changed = sandbox.ask("touch", 0.01)
        sandbox.ask("advance", 20)
        time.sleep(1.1)
        now = sandbox.ask("now")
        mark = sandbox.ask("mark")
        res = measured(lambda: worker.ask("cycle", now))
        add("worker", "steady", {**res, "per_issue": sandbox.ask("per_issue", mark)}, changed)
        time.sleep(1.1)
        add("good", "steady", measured(lambda: good.ask("cycle", now)), changed)
        for _ in range(7):  # the one-minute polls up to the periodic full resync, not measured
            sandbox.ask("advance", 60)
            worker.ask("cycle", sandbox.ask("now"))
        sandbox.ask("advance", 40)
        changed = sandbox.ask("touch", 0.01)
        sandbox.ask("advance", 20)
        time.sleep(1.1)
        now = sandbox.ask("now")
        mark = sandbox.ask("mark")
        res = measured(lambda: worker.ask("cycle", now))
        add("worker", "resync", {**res, "per_issue": sandbox.ask("per_issue", mark)}, changed)
        time.sleep(1.1)
        add("good", "resync", measured(lambda: good.ask("cycle", now)), changed)
    finally:
        worker.stop()
        good.stop()
        sandbox.stop()
    return rows, stats


def bench_burst(
    ctx: Any,
    n: int,
    seed: int,
    *,
    log: Callable[[str], None],
    latency: bool = False,
    concurrency: int | None = None,
) -> tuple[list[Row], dict[str, Any]]:
    """Start of the business day: N/10 overnight S2s reach their nudge at 09:45 at once; ``run``
    (warm, as its scheduler does when deadlines come) acts on the due keys."""
    burst = n // 10
    sandbox = Agent(ctx, sandbox_main, n, seed, latency, n, burst)
    _url, env, stats = sandbox.conn.recv()
    log(
        f"N={n:,} burst of {burst:,} latency={'modelled' if latency else 'loopback'}: "
        f"seeded in {stats['seed_s']}s"
    )
    rows: list[Row] = []
    worker = Agent(ctx, strategy_main, "worker", env, concurrency)
    try:
        worker.conn.recv()
        worker.ask("cycle", sandbox.ask("now"))  # 09:43, first cycle of the process
        sandbox.ask("advance", 60)
        worker.ask("cycle", sandbox.ask("now"))  # 09:44
        sandbox.ask("advance", 61)
        time.sleep(1.1)
        mark = sandbox.ask("mark")
        res = worker.ask("due", sandbox.ask("now"))  # 09:45:01
        res["per_issue"] = sandbox.ask("per_issue", mark)
        res["concurrency"] = concurrency or 16
        rows.append(Row(n, latency, "worker", "burst", res, burst))
        log(
            f"  burst: {sum(res['requests'].values()):,} requests {res['wall']:.2f}s "
            f"rss {res['rss']:.0f} MB actions {res['actions']}"
        )
    finally:
        worker.stop()
        sandbox.stop()
    return rows, stats


def machine() -> str:
    cpu = "?"
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(
                (line.split(":", 1)[1].strip() for line in f if line.startswith("model name")), "?"
            )
    except OSError:
        pass
    return f"{os.cpu_count()} cores ({cpu}), Python {platform.python_version()}, {platform.system()} {platform.release()}"


def load() -> str:
    try:
        with open("/proc/loadavg") as f:
            return " ".join(f.read().split()[:3])
    except OSError:
        return "?"


def _endpoints(req: dict[str, int]) -> str:
    short = []
    for name, count in sorted(req.items(), key=lambda kv: -kv[1]):
        short.append(
            f"{name.replace('/{key}', '/…').replace('properties/{prop}', 'prop')} {count:,}"
        )
    return "; ".join(short)


def table(rows: list[Row]) -> str:
    head = (
        "| N | latency | scenario | strategy | requests | wall (s) | client CPU (s) | "
        "sandbox CPU (s) | peak RSS (MB) | actions | requests by endpoint |"
    )
    out = [head, "|---:|---|---|---|---:|---:|---:|---:|---:|---:|---|"]
    for r in rows:
        acts = sum(r.result["actions"].values())
        act = f"{acts:,}" if r.strategy in ("worker", "cold") else f"({acts:,})"
        wall = f"~{r.result['wall']:.0f} (est.)" if r.estimated else f"{r.result['wall']:.2f}"
        cpu = "–" if r.estimated else f"{r.result['cpu']:.2f}"
        rss = "–" if r.estimated else f"{r.result['rss']:.0f}"
        server = r.result.get("server_cpu")
        scpu = "–" if r.estimated or server is None else f"{server:.2f}"
        out.append(
            f"| {r.n:,} | {'modelled' if r.latency else 'loopback'} | {r.scenario} | {r.strategy} | "
            f"{r.total:,} | {wall} | {cpu} | {scpu} | {rss} | {act} | "
            f"{_endpoints(r.result['requests'])} |"
        )
    return "\n".join(out)


def limiter_seconds(requests: dict[str, int]) -> float:
    """The least time the published per-second limits allow for these requests."""
    per_method: Counter[str] = Counter()
    for name, count in requests.items():
        per_method[name.split(" ", 1)[0]] += count
    return max((c / LIMITS.get(m, 100) for m, c in per_method.items()), default=0.0)


def targets(rows: list[Row]) -> list[tuple[str, bool, str]]:
    """Issue 15's targets, on whatever rows this run measured."""
    checks: list[tuple[str, bool, str]] = []
    for r in rows:
        tag = f"N={r.n:,} {'modelled' if r.latency else 'loopback'}"
        if r.strategy == "cold" and r.scenario == "cold":
            bound = math.ceil(r.n / 100) + math.ceil(r.n / 1000) + 10
            checks.append(
                (
                    f"{tag}: cold tick requests <= ceil(N/100) + ceil(N/1000) + 10",
                    r.total <= bound,
                    f"{r.total} <= {bound}",
                )
            )
            if r.latency:
                checks.append(
                    (
                        f"{tag}: cold tick wall <= 30 s",
                        r.result["wall"] <= 30,
                        f"{r.result['wall']:.1f} s",
                    )
                )
        if r.strategy == "worker" and r.scenario == "burst":
            req = r.result["requests"]
            floor = limiter_seconds(req)
            checks.append(
                (
                    f"{tag}: burst wall <= 2x the per-second limits' time",
                    r.result["wall"] <= 2 * floor,
                    f"{r.result['wall']:.1f} s <= 2 x {floor:.1f} s",
                )
            )
        per_issue = r.result.get("per_issue")
        if per_issue:
            acted = {k: c for k, c in per_issue.items() if any(e in c for e in EFFECTS)}
            if acted:
                costs = sorted(sum(c.get(e, 0) for e in EXCLUSION) for c in acted.values())
                checks.append(
                    (
                        f"{tag} {r.scenario}: exclusion requests per acted issue <= 4",
                        costs[-1] <= 4,
                        f"{len(acted)} acted issues: max {costs[-1]}, mean "
                        f"{sum(costs) / len(costs):.2f} ({', '.join(EXCLUSION)})",
                    )
                )
        if r.n >= 10_000 and not r.estimated and r.strategy in ("worker", "cold"):
            checks.append(
                (
                    f"{tag} {r.scenario}: worker peak RSS <= 120 MB",
                    r.result["rss"] <= 120,
                    f"{r.result['rss']:.0f} MB",
                )
            )
    return checks


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description="Benchmark the worker against a naive and a good script on the sandbox."
    )
    ap.add_argument("--n", type=int, action="append", help="escalations (repeatable); default 1000")
    ap.add_argument(
        "--burst",
        type=int,
        action="append",
        default=[],
        help="also the start-of-day burst at this N (N/10 nudges due at once; issue 15: 5000)",
    )
    ap.add_argument("--no-cycles", action="store_true", help="only the burst")
    ap.add_argument(
        "--burst-concurrency",
        type=int,
        help="schedule.burst_concurrency of the worker in the burst (default: the config's, 16; "
        "its everyday pool, schedule.concurrency, stays 4)",
    )
    ap.add_argument("--no-naive", action="store_true", help="skip the naive strategy")
    ap.add_argument(
        "--cold-only",
        action="store_true",
        help="measure only the worker's cold tick (after the first cycle that sets the site up)",
    )
    ap.add_argument(
        "--legacy-records",
        action="store_true",
        help="seed the records as an older worker wrote them (no last-read mark, no list of the "
        "worker's comments): the first cold tick after an upgrade",
    )
    ap.add_argument("--seed", type=int, default=8)
    ap.add_argument(
        "--latency",
        choices=("off", "on", "both"),
        default="off",
        help="the sandbox's modelled latency (search 600 ms, bulk changelog 1 s, GET 150 ms, "
        "write 250 ms: an assumption, not a measurement); both: loopback then modelled",
    )
    ap.add_argument(
        "--ordinary",
        type=float,
        default=1.0,
        help="ordinary issues in the projects, as a multiple of N (default 1: as many)",
    )
    ap.add_argument("--json", type=Path, help="append the rows to this JSON-lines file")
    args = ap.parse_args(argv)
    sizes = [] if args.no_cycles else (args.n or [1000])
    latencies = {"off": [False], "on": [True], "both": [False, True]}[args.latency]
    ctx = mp.get_context("spawn")
    print(f"machine: {machine()}; load average at start {load()}", flush=True)
    rows: list[Row] = []
    for latency in latencies:
        for n in sizes:
            got, _ = bench_n(
                ctx,
                n,
                args.seed,
                naive=not args.no_naive,
                log=lambda m: print(m, flush=True),
                latency=latency,
                ordinary=int(n * args.ordinary),
                cold_only=args.cold_only,
                legacy=args.legacy_records,
            )
            rows += got
        for n in args.burst:
            got, _ = bench_burst(
                ctx,
                n,
                args.seed,
                log=lambda m: print(m, flush=True),
                latency=latency,
                concurrency=args.burst_concurrency,
            )
            rows += got
    # the naive script was not run at modelled latency (thousands of sequential requests):
    # its wall time there is computed from its loopback counts and the model's mean delays
    for r in [r for r in rows if r.strategy == "naive" and not r.latency and True in latencies]:
        est = {**r.result, "wall": modelled_estimate(r.result["requests"])}
        rows.append(Row(r.n, True, "naive", r.scenario, est, r.changed, estimated=True))
    print(f"\nmachine: {machine()}; load average at end {load()}")
    print(table(rows))
    print()
    failed = 0
    for name, ok, detail in targets(rows):
        failed += not ok
        print(f"  {'PASS' if ok else 'FAIL'}  {name}: {detail}")
    if args.json:
        import json

        with args.json.open("a") as f:
            for r in rows:
                f.write(json.dumps({**r.__dict__, "load": load()}) + "\n")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
