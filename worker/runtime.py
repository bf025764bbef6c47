"""Long-running mode (``run``): one scheduler for every job, deadlines that wake it, a bounded stop.

The :class:`Scheduler` owns the only thread that acts on issues. It keeps polls on a fixed rhythm
(slot ``k`` starts at ``anchor + k * poll``, whatever the cycles before it took), sleeps until the
earliest of the next poll, the next escalation deadline the poll target remembers, a calendar job
(page, digest, review, through ``schedule``) or a wake-up asked for by another thread
(:meth:`Scheduler.wake`, for webhooks). Due work also runs *inside* a long cycle: the cycle calls
:meth:`Scheduler.preempt` between its pages and batches, so a deadline never waits for a full
resync to end, and since that call happens on the same thread, two cycles never act at once.

``schedule`` does not catch exceptions (a failing job would stop the loop), so every job is wrapped:
the exception is logged and the loop goes on. The first SIGTERM/SIGINT stops new work (the issues
already being applied finish, claimed ones are left to the next cycle through their recorded
intent) and arms a watchdog that exits after ``grace`` seconds whatever is still running; a second
signal exits at once.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import random
import signal
import tempfile
import threading
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from types import FrameType
from typing import Any, Protocol

import schedule
import structlog

log = structlog.get_logger("worker.runtime")


class ProcessLock:
    """An exclusive lock file, so that two cron ticks (or a tick and a run) never overlap on one machine."""

    def __init__(self, name: str) -> None:
        digest = hashlib.sha256(name.encode()).hexdigest()[:16]
        self.path = Path(tempfile.gettempdir()) / f"escalation-worker-{digest}.lock"
        self._fd: int | None = None

    def acquire(self) -> bool:
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        self._fd = fd
        return True

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> bool:
        return self.acquire()

    def __exit__(self, *exc: Any) -> None:
        self.release()


class PollTarget(Protocol):
    """What the scheduler drives: the polling cycle (``worker.cycle.cycle.Cycle`` implements it)."""

    def run(self) -> Any: ...

    def act_on(self, due: Collection[str], woken: Collection[str] = ()) -> Any: ...

    def due_keys(self, now: datetime) -> set[str]: ...

    def next_deadline(self) -> datetime | None: ...


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Scheduler:
    """The one scheduler of ``run``: fixed-rhythm polls, deadlines and wake-ups, calendar jobs.

    ``now`` is the worker's clock; ``time_scale`` says how many worker seconds pass per real second
    (1 in production, more when a benchmark accelerates the sandbox clock). Tests replace ``wait``.
    """

    stop: threading.Event = field(default_factory=threading.Event)
    scheduler: schedule.Scheduler = field(default_factory=schedule.Scheduler)  # calendar jobs
    busy: threading.Lock = field(default_factory=threading.Lock)
    now: Callable[[], datetime] = _utc_now
    debounce: float = 0.2  # worker seconds a wake-up waits for more keys of the same burst
    time_scale: float = 1.0
    max_sleep: float = 0.25  # real seconds: a sleep is cut in slices so a stop is seen at once
    grace: float = 8.0  # real seconds between the first stop signal and a forced exit
    wait: Callable[[threading.Condition, float], None] | None = None
    target: PollTarget | None = None
    poll: timedelta = timedelta(minutes=1)
    _cond: threading.Condition = field(default_factory=threading.Condition)
    _woken: set[str] = field(default_factory=set)
    _woken_at: datetime | None = None  # when the current burst of wake-ups becomes due
    _in_preempt: bool = False
    _anchor: datetime | None = None
    _poll_due: datetime | None = None
    _poll_job: Callable[[], Any] | None = None
    _watchdog: threading.Timer | None = None
    polls: int = 0
    services: int = 0  # how many times due or woken work ran (outside and inside cycles)

    # -- configuration ------------------------------------------------------------------------

    def set_poll(
        self, target: PollTarget, every: timedelta, *, run: Callable[[], Any] | None = None
    ) -> None:
        """Drive ``target``: a poll every ``every`` (``run``, by default ``target.run``), due
        deadlines and wake-ups in between."""
        self.target = target
        self.poll = every
        self._poll_job = run

    # -- the webhook side (any thread) ----------------------------------------------------------

    def wake(self, keys: Iterable[str]) -> None:
        """Ask for these issue keys to be looked at soon (thread-safe, debounced, never blocks).

        Keys woken within ``debounce`` of the first of a burst are handled together, once, by the
        scheduler's thread, even in the middle of a long cycle.
        """
        new = {k.strip().upper() for k in keys if isinstance(k, str) and k.strip()}
        if not new:
            return
        with self._cond:
            if not self._woken:
                self._woken_at = self.now() + timedelta(seconds=self.debounce)
            self._woken |= new
            self._cond.notify_all()

    def pending_wakes(self) -> frozenset[str]:
        with self._cond:
            return frozenset(self._woken)

    def _take_woken(self, now: datetime) -> set[str]:
        with self._cond:
            if not self._woken or (self._woken_at is not None and now < self._woken_at):
                return set()
            keys, self._woken, self._woken_at = self._woken, set(), None
            return keys

    # -- due work -------------------------------------------------------------------------------

    def _ready(self, now: datetime) -> tuple[set[str], set[str]]:
        """(due, woken): keys whose deadline came, keys another thread asked for (debounce over)."""
        woken = self._take_woken(now)
        due: set[str] = set()
        if self.target is not None:
            nxt = self.target.next_deadline()
            if nxt is not None and nxt <= now:
                due = self.target.due_keys(now) - woken
        return due, woken

    def preempt(self) -> None:
        """Run due and woken work now (a cycle calls this between pages; cheap when there is none)."""
        if self._in_preempt or self.stop.is_set() or self.target is None:
            return
        due, woken = self._ready(self.now())
        if not due and not woken:
            return
        self._in_preempt = True
        try:
            self.services += 1
            self.target.act_on(due, woken)
        except Exception as exc:  # the cycle around this call must go on
            log.error(
                "due_work_failed",
                error=f"{type(exc).__name__}: {exc}",
                keys=len(due) + len(woken),
                exc_info=True,
            )
        finally:
            self._in_preempt = False

    # -- jobs -----------------------------------------------------------------------------------

    def guarded(self, name: str, job: Callable[[], Any]) -> Callable[[], None]:
        def run() -> None:
            if self.stop.is_set():
                return
            if not self.busy.acquire(blocking=False):
                log.warning("job_skipped", job=name, reason="another job is still running")
                return
            try:
                job()
            except Exception as exc:  # the loop must survive any job failure
                from worker.remote_errors import from_remote

                problem = from_remote(exc)
                if problem is not None:  # a person's to fix (a wrong space, a permission): one line
                    log.error(
                        "job_failed", job=name, error=problem.line(), kind=type(problem).__name__
                    )
                else:  # a bug: the traceback, once per failure
                    log.error(
                        "job_failed", job=name, error=f"{type(exc).__name__}: {exc}", exc_info=True
                    )
            finally:
                self.busy.release()

        return run

    # -- signals --------------------------------------------------------------------------------

    def request_stop(self, reason: str = "stop") -> None:
        self.stop.set()
        with self._cond:
            self._cond.notify_all()

    def install_signal_handlers(self, *, exit_now: Callable[[int], None] = os._exit) -> None:
        def handler(signum: int, frame: FrameType | None) -> None:
            name = signal.Signals(signum).name
            if self.stop.is_set():
                log.warning("stopping_now", signal=name, reason="second signal")
                exit_now(128 + signum)
                return
            log.info(
                "stopping",
                signal=name,
                hint=f"finishing the issues in flight; exit within {self.grace:g} s, a second signal exits at once",
            )
            self.stop.set()
            threading.Thread(target=self.request_stop, daemon=True).start()
            watchdog = threading.Timer(self.grace, self._overdue, args=(exit_now,))
            watchdog.daemon = True
            watchdog.start()
            self._watchdog = watchdog

        signal.signal(signal.SIGTERM, handler)
        signal.signal(signal.SIGINT, handler)

    def cancel_watchdog(self) -> None:
        """The process is exiting on its own (or a test is done with the signal): no forced exit."""
        if self._watchdog is not None:
            self._watchdog.cancel()

    def _overdue(self, exit_now: Callable[[int], None]) -> None:
        log.warning(
            "stop_overdue",
            grace_s=self.grace,
            handling="exiting now; the issues left half-done carry their intent and the next cycle completes them",
        )
        exit_now(1)

    # -- the loop -------------------------------------------------------------------------------

    def _sleep_until(self, until: datetime) -> None:
        """Sleep until ``until`` (worker time), a wake-up or a stop, whichever comes first."""
        with self._cond:
            if self.stop.is_set():
                return
            left = (until - self.now()).total_seconds()
            if left <= 0:
                return
            if self._woken and self._woken_at is not None:
                left = min(left, (self._woken_at - self.now()).total_seconds())
                if left <= 0:
                    return
            if self.wait is not None:
                self.wait(self._cond, left)
            else:
                self._cond.wait(min(self.max_sleep, left / self.time_scale))

    def _next_poll(self, now: datetime) -> datetime:
        assert self._anchor is not None
        step = self.poll.total_seconds()
        if step <= 0:
            return now
        slots = int((now - self._anchor).total_seconds() // step) + 1
        return self._anchor + timedelta(seconds=slots * step)

    def run_forever(
        self,
        *,
        at_start: Sequence[Callable[[], None]] = (),
        initial_jitter: float = 0.0,
        tick: float = 0.5,
    ) -> None:
        """Run ``at_start`` once (after a small random delay, as Atlassian asks of scheduled jobs), then the schedule."""
        if initial_jitter > 0 and self.stop.wait(random.uniform(0, initial_jitter)):
            return
        self._anchor = self.now()
        for job in at_start:
            if self.stop.is_set():
                break
            job()
        run_poll = self.guarded("cycle", self._poll) if self.target is not None else None
        while not self.stop.is_set():
            now = self.now()
            if self.target is not None:
                due, woken = self._ready(now)
                if due or woken:
                    self.guarded("due", partial(self._service, due, woken))()
                    continue
            self.scheduler.run_pending()
            now = self.now()
            if run_poll is not None and now >= self._next_poll_at(now):
                run_poll()
                continue
            wake_at = self._wake_at(now, tick)
            self._sleep_until(wake_at)
        log.info("stopped")

    def _next_poll_at(self, now: datetime) -> datetime:
        if self._poll_due is None:  # the first cycle ran at start: the next free slot after now
            self._poll_due = self._next_poll(now)
        return self._poll_due

    def _poll(self) -> None:
        assert self.target is not None
        self.polls += 1
        try:
            (self._poll_job or self.target.run)()
        finally:
            self._poll_due = self._next_poll(self.now())

    def _service(self, due: set[str], woken: set[str]) -> None:
        assert self.target is not None
        self.services += 1
        self.target.act_on(due, woken)

    def _wake_at(self, now: datetime, tick: float) -> datetime:
        candidates = [now + timedelta(seconds=3600)]
        if self.target is not None:
            candidates.append(self._next_poll_at(now))
            nxt = self.target.next_deadline()
            if nxt is not None:
                candidates.append(nxt)
        idle = self.scheduler.idle_seconds
        if self.scheduler.jobs and idle is not None:
            candidates.append(now + timedelta(seconds=max(0.0, idle) * self.time_scale))
        elif self.target is None:
            candidates.append(now + timedelta(seconds=tick * self.time_scale))
        return min(candidates)


Loop = Scheduler  # the name round 1 used
