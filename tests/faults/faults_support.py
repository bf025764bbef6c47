"""Helpers for the fault campaigns: a sandbox world with extra apps, a worker with a short timeout,
and the exactly-once invariants checked after recovery."""

from __future__ import annotations

import itertools
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from tests.e2e.harness import REPORTER, World
from worker.app import build_gateway, connection
from worker.config.clocks import build_clocks
from worker.config.model import Config
from worker.cycle.cycle import Cycle, Memory
from worker.jira.http import AtlassianTransport, RateLimiter, RetryingHttp, RetryPolicy
from worker.jira.mapping import COMMENT_PROPERTY
from worker.notify.message import Delivery, Message
from worker.sandbox.app import Request, Response
from worker.sandbox.clock import SandboxClock
from worker.sandbox.jira import JiraSite
from worker.sandbox.organisation import seed_organisation
from worker.sandbox.server import SandboxServer

FAST_POLICY = RetryPolicy(max_attempts=8, max_wait=30, max_total=600, base=0.01)


@dataclass
class Hook:
    """A sandbox app placed before the site: runs ``action`` (once) when a request matches, then lets the
    site answer. Used to change the site *during* a cycle (delete an issue between search and write...)."""

    method: str
    path_suffix: str
    action: Callable[[], None]
    fired: int = 0

    def handle(self, req: Request) -> Response | None:
        if not self.fired and req.method == self.method and req.path.endswith(self.path_suffix):
            self.fired += 1
            self.action()
        return None


@contextmanager
def make_world(
    config: Config,
    start: datetime,
    *,
    staleness: timedelta = timedelta(0),
    hooks: tuple[Any, ...] = (),
    token: str = "sandbox-token",
) -> Iterator[World]:
    """Like ``tests.e2e.harness.start_world``, with search staleness, hooks before the site and a chosen token."""
    site = JiraSite(SandboxClock(start), staleness=staleness)
    site.strict_contract = True
    login = seed_organisation(site, config, token=token)
    site.add_user(REPORTER, "Rita Reporter", email="rita@example.com")
    with SandboxServer(*hooks, site, users_from=site) as server:
        yield World(config, site, server, login)
    assert site.contract_violations == []


class LimiterTime:
    """The client-side rate limiter's clock and sleep in the campaigns: real monotonic time plus the
    waits it asked for, which are recorded (``waits``) and added to its clock instead of slept."""

    def __init__(self, waits: list[float]) -> None:
        self.waits = waits
        self.ahead = 0.0

    def clock(self) -> float:
        return time.monotonic() + self.ahead

    def sleep(self, seconds: float) -> None:
        self.waits.append(seconds)
        self.ahead += seconds


def cycle(
    world: World,
    memory: Memory | None = None,
    *,
    timeout: float = 5.0,
    policy: RetryPolicy = FAST_POLICY,
    page_size: int = 100,
) -> Cycle:
    """The real worker against ``world``: retries record their waits in ``world.sleeps`` instead of sleeping,
    its waits for another process's write (claims settling, a storm slot) in ``world.settles``, and
    the client-side rate limiter's in ``world.throttled`` (seeding hundreds of issues and writing
    to them goes past 50 PUTs a second, and past 20 writes on one issue in 2 s)."""
    conn = connection(world.config, world.env())
    transport = AtlassianTransport(conn.jira_url, conn.email, conn.token, timeout=timeout)
    lt = LimiterTime(world.throttled)
    limiter = RateLimiter(clock=lt.clock, sleep=lt.sleep)
    http = RetryingHttp(transport, policy=policy, limiter=limiter, sleep=world.sleeps.append)
    gateway = build_gateway(world.config, http)
    gateway.page_size = page_size
    return Cycle(
        world.config,
        gateway,
        build_clocks(world.config),
        now=world.clock.now,
        memory=memory,
        settle_sleep=world.settles.append,
    )


def worker_comment_ids(world: World, key: str) -> list[str]:
    """The action id of every comment the worker posted on ``key`` (from the comment property)."""
    ids = []
    for c in world.site.comments(key):
        if c.author == world.login.account_id:
            ids.append(str((c.properties.get(COMMENT_PROPERTY) or {}).get("id")))
    return ids


def worker_assignments(world: World, key: str) -> list[str | None]:
    """Every assignee the worker set on ``key``, in order, from the changelog."""
    out = []
    for h in world.site.histories(key):
        if h.author == world.login.account_id:
            out += [i.to for i in h.items if i.field == "assignee"]
    return out


def outcome(world: World, keys: list[str]) -> dict[str, Any]:
    """What a cycle campaign left behind, comparable between a faulted and a clean run."""
    out: dict[str, Any] = {}
    for key in keys:
        rec = world.record(key) or {}
        out[key] = {
            "comments": sorted(worker_comment_ids(world, key)),
            "assignee": world.site.issue(key).assignee,
            "assignments": worker_assignments(world, key),
            "watchers": sorted(world.site.watchers(key)),
            "level": rec.get("level"),
            "owner": rec.get("owner"),
            "status": rec.get("status"),
        }
    return out


def assert_exactly_once(world: World, keys: list[str]) -> None:
    """No comment posted twice, no assignment repeated, every record present and settled."""
    for key in keys:
        ids = worker_comment_ids(world, key)
        dupes = [i for i, n in Counter(ids).items() if n > 1]
        assert not dupes, f"{key}: comments posted more than once: {dupes}"
        assigned = worker_assignments(world, key)
        assert all(a != b for a, b in itertools.pairwise(assigned)), (
            f"{key}: repeated assignment {assigned}"
        )
        rec = world.record(key)
        assert rec is not None, f"{key}: record lost"
        assert rec["pending"] == [], f"{key}: actions left pending {rec['pending']}"
        assert set(ids) <= set(rec["done"]), f"{key}: comments not recorded as done"
        assert world.site.issue(key).assignee == rec["owner"], key


# --- a small campaign: four escalations over a working day -------------------------------------

STEPS_PARIS = (
    (9, 0),
    (14, 0),
    (18, 0),
)  # route; the S3 owner's 4 business hours are up; later still
# polls within each step; the last one comes after a claim lease (2 min), which is how long a claim
# whose outcome the worker could not learn (a claim write that timed out) keeps the issue waiting
RETRY_LATER = (
    timedelta(0),
    timedelta(seconds=30),
    timedelta(seconds=90),
    timedelta(minutes=4),
)


def seed_campaign(world: World) -> list[str]:
    """Four escalations labelled at 09:00 Paris: scope S3, incident S1, stakeholder S2, people issue S3."""
    return [
        world.issue("Checkout promo scope", labels=("escalation-S3", "escalation-type-scope")),
        world.issue(
            "Payments down", labels=("escalation-S1", "escalation-type-incident"), project="PAY"
        ),
        world.issue("Partner unhappy", labels=("escalation-S2", "escalation-type-stakeholder")),
        world.issue(
            "Team conflict", labels=("escalation-S3", "escalation-type-people"), project="PEOPLE"
        ),
    ]


def run_campaign(
    world: World, run_cycle: Callable[[], Any], step_times: list[datetime], *, max_attempts: int = 6
) -> None:
    """At each step time, poll a few times; a poll whose report lists errors is repeated (recovery)."""
    for at in step_times:
        for delay in RETRY_LATER:
            world.clock.set(at + delay)
            for _ in range(max_attempts):
                report = run_cycle()
                if report is None or not getattr(report, "errors", None):
                    break
            else:
                raise AssertionError(f"no clean cycle at {at + delay}: {report.errors}")


class CountingChannel:
    """A Slack DM channel that only counts what it is asked to send (the S2 primary channel)."""

    id = "slack_dm"

    def __init__(self) -> None:
        self.sent: list[str] = []
        self._lock = threading.Lock()

    def configured(self) -> bool:
        return True

    def send(self, message: Message) -> Delivery:
        with self._lock:
            self.sent.append(message.id)
        return Delivery(
            self.id, "sent", "delivered", tuple(r.account_id for r in message.recipients)
        )


@contextmanager
def running(cycle: Cycle) -> Iterator[list[BaseException]]:
    """Run ``cycle`` in a thread; joined (and its errors checked) when the block ends."""
    errors: list[BaseException] = []

    def go() -> None:
        try:
            cycle.run()
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    t = threading.Thread(target=go)
    t.start()
    try:
        yield errors
    finally:
        t.join(30)
        assert not t.is_alive()
        assert not errors, errors
