"""Issue 15: when more issues need effects at once than the everyday pool holds (the start of a
business day), they go out on the wider ``schedule.burst_concurrency`` pool; one issue's effects
stay in order on one thread. Counted by holding the comment POSTs at a barrier until the expected
number is in flight (the barrier's timeout only ends a failing run; nothing measures time)."""

from __future__ import annotations

import threading
from dataclasses import replace

from tests.e2e.harness import World
from tests.faults.faults_support import assert_exactly_once, cycle, make_world
from tests.support import paris
from worker.config.model import Config
from worker.sandbox.app import Request, Response

START = paris(2026, 3, 2, 9, 0)


class InFlight:
    """Holds each matching request until ``parties`` of them are in flight at once."""

    def __init__(self, parties: int) -> None:
        self.barrier = threading.Barrier(parties, timeout=60)
        self.most = 0
        self.now = 0
        self.lock = threading.Lock()

    def handle(self, req: Request) -> Response | None:
        if req.method != "POST" or not req.path.endswith("/comment"):
            return None
        with self.lock:
            self.now += 1
            self.most = max(self.most, self.now)
        try:
            self.barrier.wait()
        except threading.BrokenBarrierError:
            pass  # fewer arrived: the assertion on ``most`` says so
        finally:
            with self.lock:
                self.now -= 1
        return None


def with_pools(config: Config, concurrency: int, burst: int) -> Config:
    schedule = replace(config.schedule, concurrency=concurrency, burst_concurrency=burst)
    return replace(config, schedule=schedule)


def _route_all(world: World, n: int) -> list[str]:
    keys = [world.issue(f"Problem {i}") for i in range(n)]
    report = cycle(world).run()
    assert not report.errors, report.errors
    return keys


def test_a_batch_wider_than_the_pool_goes_out_on_the_burst_pool(example_config: Config) -> None:
    hold = InFlight(6)
    config = with_pools(example_config, concurrency=2, burst=6)
    with make_world(config, START, hooks=(hold,)) as world:
        keys = _route_all(world, 6)  # six issues routed at once: six comments in flight
        assert hold.most == 6
        assert not hold.barrier.broken
        assert_exactly_once(world, keys)


def test_a_pool_of_one_keeps_bursts_serial(example_config: Config) -> None:
    hold = InFlight(1)  # every request passes alone
    config = with_pools(example_config, concurrency=1, burst=1)
    with make_world(config, START, hooks=(hold,)) as world:
        keys = _route_all(world, 4)
        assert hold.most == 1
        assert_exactly_once(world, keys)


def test_each_thread_of_the_pool_keeps_its_own_abandoned_notifications() -> None:
    """One Applier finishes several issues at once on the pool: the notifications abandoned while
    applying one issue must land in that issue's record, never in another's."""
    from datetime import UTC, datetime

    from worker.core.record import Event
    from worker.cycle.apply import Applier

    applier = object.__new__(Applier)
    applier._local = threading.local()
    started, other_done = threading.Event(), threading.Event()
    seen: list[list[Event]] = []
    mine = Event(datetime(2026, 3, 2, tzinfo=UTC), "notified", "mine")

    def first() -> None:
        applier._abandoned = []
        applier._abandoned.append(mine)
        started.set()
        other_done.wait(30)
        seen.append(list(applier._abandoned))

    def second() -> None:
        started.wait(30)
        applier._abandoned = []  # another issue starts on another thread
        other_done.set()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert seen == [[mine]]
