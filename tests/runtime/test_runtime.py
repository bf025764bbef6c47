"""The long-running loop: guarded jobs, one job at a time, the process lock, the schedule of `run`."""

from __future__ import annotations

import threading
from collections.abc import Collection
from datetime import UTC, datetime
from typing import Any

from structlog.testing import capture_logs

from worker.config.model import Config
from worker.runtime import Loop, ProcessLock
from worker.schedule_jobs import install_jobs


def test_a_failing_job_is_logged_and_the_loop_goes_on() -> None:
    loop = Loop()
    calls: list[str] = []

    def boom() -> None:
        calls.append("boom")
        raise RuntimeError("token=abc should not stop the loop")

    job = loop.guarded("boom", boom)
    with capture_logs() as logs:
        job()
        job()
    assert calls == ["boom", "boom"]
    assert [e["event"] for e in logs] == ["job_failed", "job_failed"]


def test_never_two_jobs_at_once() -> None:
    loop = Loop()
    inside = threading.Event()
    release = threading.Event()
    ran: list[str] = []

    def slow() -> None:
        ran.append("slow")
        inside.set()
        release.wait(5)

    t = threading.Thread(target=loop.guarded("slow", slow))
    t.start()
    inside.wait(5)
    with capture_logs() as logs:
        loop.guarded("other", lambda: ran.append("other"))()
    release.set()
    t.join(5)
    assert ran == ["slow"]
    assert logs[0]["event"] == "job_skipped"


def test_stop_flag_ends_run_forever_promptly() -> None:
    loop = Loop()
    loop.scheduler.every(3600).seconds.do(lambda: None)
    started: list[int] = []
    loop.stop.set()
    loop.run_forever(at_start=[lambda: started.append(1)])
    assert started == []


def test_process_lock_is_exclusive(tmp_path: Any) -> None:
    a, b = ProcessLock("unit-test-lock"), ProcessLock("unit-test-lock")
    assert a.acquire()
    try:
        assert not b.acquire()
    finally:
        a.release()
    assert b.acquire()
    b.release()


class _FakeCycle:
    """Stands in for the cycle (a ``PollTarget``): counts runs; nothing is ever due."""

    def __init__(self) -> None:
        self.runs = 0

    def run(self) -> None:
        self.runs += 1

    def act_on(self, due: Collection[str], woken: Collection[str] = ()) -> None:
        pass

    def due_keys(self, now: datetime) -> set[str]:
        return set()

    def next_deadline(self) -> datetime | None:
        return None


class _FakeServices:
    def __init__(self, config: Config) -> None:
        self.config = config

    def now(self) -> datetime:
        return datetime(2026, 3, 2, tzinfo=UTC)


def test_run_schedules_cycle_page_digest_and_review(example_config: Config) -> None:
    loop = Loop()
    cycle = _FakeCycle()
    at_start = install_jobs(loop, _FakeServices(example_config), cycle.run, target=cycle)  # type: ignore[arg-type]
    jobs = loop.scheduler.get_jobs()
    assert len(jobs) == 3  # the calendar jobs; polls belong to the scheduler itself
    assert loop.target is cycle and loop.poll.total_seconds() == 60  # the poll interval (1m)
    periods: list[str] = []
    for j in jobs:
        assert j.unit is not None  # every job has its unit once scheduled
        periods.append(str(j.interval) + j.unit)
    periods.sort()
    assert "3600seconds" in periods  # publish_interval (60m)
    weekly = [j for j in jobs if j.start_day == "monday"]
    assert (
        len(weekly) == 1
        and weekly[0].at_time is not None
        and weekly[0].at_time.strftime("%H:%M") == "09:00"
    )
    daily = [j for j in jobs if j.unit == "days"]
    assert (
        len(daily) == 1
        and daily[0].at_time is not None
        and daily[0].at_time.strftime("%H:%M") == "08:00"
    )
    assert len(at_start) == 3  # the page, the first cycle, then the calendar jobs' catch-up
    at_start[1]()
    assert cycle.runs == 1
