"""The one scheduler of `run`: fixed poll rhythm, deadlines that wake it, debounced wake-ups from
other threads, due work inside a long cycle. A fake clock moves only when the scheduler sleeps or a
fake cycle says it took time, so every assertion is about order and counts, never wall time."""

from __future__ import annotations

import threading
from collections.abc import Collection
from datetime import UTC, datetime, timedelta

from worker.runtime import Scheduler

T0 = datetime(2026, 3, 2, 9, tzinfo=UTC)


class FakeClock:
    def __init__(self) -> None:
        self.t = T0

    def now(self) -> datetime:
        return self.t

    def wait(self, cond: threading.Condition, seconds: float) -> None:
        self.t += timedelta(seconds=seconds)


class FakeTarget:
    """A poll target whose cycles take ``cycle_s`` and whose deadlines are a plain dict."""

    def __init__(self, clock: FakeClock, sched: Scheduler, *, cycle_s: float = 0.0) -> None:
        self.clock, self.sched, self.cycle_s = clock, sched, cycle_s
        self.deadlines: dict[str, datetime] = {}
        self.events: list[tuple[str, datetime, frozenset[str]]] = []
        self.pages = 1

    def run(self) -> None:
        self.events.append(("poll", self.clock.t, frozenset()))
        for _ in range(self.pages):
            self.clock.t += timedelta(seconds=self.cycle_s / self.pages)
            self.sched.preempt()  # what Cycle does between its pages
        self.events.append(("poll_end", self.clock.t, frozenset()))

    def act_on(self, due: Collection[str], woken: Collection[str] = ()) -> None:
        self.events.append(("due", self.clock.t, frozenset(due)))
        if woken:
            self.events.append(("woken", self.clock.t, frozenset(woken)))
        for k in due:
            self.deadlines.pop(k, None)

    def next_deadline(self) -> datetime | None:
        return min(self.deadlines.values(), default=None)

    def due_keys(self, now: datetime) -> set[str]:
        return {k for k, at in self.deadlines.items() if at <= now}


def make(poll_s: float = 60, cycle_s: float = 0.0) -> tuple[FakeClock, Scheduler, FakeTarget]:
    clock = FakeClock()
    sched = Scheduler(now=clock.now, wait=clock.wait, debounce=0.5)
    target = FakeTarget(clock, sched, cycle_s=cycle_s)
    sched.set_poll(target, timedelta(seconds=poll_s))
    return clock, sched, target


def stop_after(sched: Scheduler, clock: FakeClock, until: datetime) -> None:
    """Stop the loop once fake time passes ``until`` (checked each time the scheduler sleeps)."""
    inner = clock.wait

    def wait(cond: threading.Condition, seconds: float) -> None:
        inner(cond, seconds)
        if clock.t >= until:
            sched.stop.set()

    sched.wait = wait


def test_polls_keep_a_fixed_rhythm_whatever_the_cycles_take() -> None:
    clock, sched, target = make(poll_s=60, cycle_s=42)
    stop_after(sched, clock, T0 + timedelta(minutes=5, seconds=1))
    sched.run_forever(at_start=[sched.guarded("cycle", target.run)])
    starts = [at for kind, at, _ in target.events if kind == "poll"]
    # slot k starts at T0 + k minutes: a 42 s cycle does not push the next one to 1 min 42 s
    assert starts == [T0 + timedelta(minutes=k) for k in range(6)]


def test_a_cycle_longer_than_the_interval_skips_the_missed_slot_instead_of_drifting() -> None:
    clock, sched, target = make(poll_s=60, cycle_s=90)
    stop_after(sched, clock, T0 + timedelta(minutes=4, seconds=1))
    sched.run_forever(at_start=[sched.guarded("cycle", target.run)])
    starts = [at for kind, at, _ in target.events if kind == "poll"]
    assert starts == [T0, T0 + timedelta(minutes=2), T0 + timedelta(minutes=4)]


def test_a_deadline_between_polls_wakes_the_worker_at_the_deadline() -> None:
    clock, sched, target = make(poll_s=300)
    target.deadlines["SHOP-1"] = T0 + timedelta(seconds=37)
    stop_after(sched, clock, T0 + timedelta(seconds=100))
    sched.run_forever(at_start=[sched.guarded("cycle", target.run)])
    due = [(at, keys) for kind, at, keys in target.events if kind == "due"]
    assert due == [(T0 + timedelta(seconds=37), frozenset({"SHOP-1"}))]


def test_a_deadline_during_a_long_cycle_runs_between_its_pages() -> None:
    clock, sched, target = make(poll_s=600, cycle_s=200)
    target.pages = 20  # one page every 10 s
    target.deadlines["SHOP-7"] = T0 + timedelta(seconds=45)
    stop_after(sched, clock, T0 + timedelta(seconds=250))
    sched.run_forever(at_start=[sched.guarded("cycle", target.run)])
    kinds = [kind for kind, _, _ in target.events]
    assert kinds[:3] == ["poll", "due", "poll_end"]  # acted on inside the cycle, not after it
    due_at = next(at for kind, at, _ in target.events if kind == "due")
    assert T0 + timedelta(seconds=45) <= due_at <= T0 + timedelta(seconds=50)


def test_wake_ups_from_other_threads_are_debounced_into_one_batch() -> None:
    clock, sched, target = make(poll_s=600)
    threads = [
        threading.Thread(target=sched.wake, args=([k],))
        for k in ("shop-1", "SHOP-2", "SHOP-1", " shop-3 ")
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sched.pending_wakes() == {"SHOP-1", "SHOP-2", "SHOP-3"}
    stop_after(sched, clock, T0 + timedelta(seconds=30))
    sched.run_forever()
    woken = [(at, keys) for kind, at, keys in target.events if kind == "woken"]
    assert woken == [(T0 + timedelta(seconds=0.5), frozenset({"SHOP-1", "SHOP-2", "SHOP-3"}))]
    assert sched.pending_wakes() == frozenset()


def test_a_wake_up_during_a_long_cycle_is_served_before_the_cycle_ends() -> None:
    clock, sched, target = make(poll_s=600, cycle_s=100)
    target.pages = 10
    original = target.run

    def run() -> None:
        sched.wake(["SHOP-9"])  # a webhook arrives as the resync starts
        original()

    target.run = run  # type: ignore[method-assign]
    stop_after(sched, clock, T0 + timedelta(seconds=150))
    sched.run_forever(at_start=[sched.guarded("cycle", target.run)])
    kinds = [kind for kind, _, _ in target.events]
    assert kinds.index("woken") < kinds.index("poll_end")


def test_stop_ends_the_loop_and_preempt_does_nothing_after_it() -> None:
    _clock, sched, target = make()
    target.deadlines["SHOP-1"] = T0
    sched.stop.set()
    sched.preempt()
    sched.run_forever(at_start=[sched.guarded("cycle", target.run)])
    assert target.events == []


def test_second_signal_exits_at_once_and_the_first_arms_a_watchdog() -> None:
    import os
    import signal

    exits: list[int] = []
    sched = Scheduler(grace=0.05)
    old = signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT)
    try:
        sched.install_signal_handlers(exit_now=exits.append)
        os.kill(os.getpid(), signal.SIGTERM)
        assert sched.stop.wait(2)
        os.kill(os.getpid(), signal.SIGTERM)
        assert exits[:1] == [128 + signal.SIGTERM]
        deadline = threading.Event()
        deadline.wait(0.3)  # let the watchdog fire (its exit is recorded, not performed)
        assert exits[-1] == 1
    finally:
        signal.signal(signal.SIGTERM, old[0])
        signal.signal(signal.SIGINT, old[1])
