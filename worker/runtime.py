"""Long-running mode (``run``): a ``schedule`` loop that never runs two cycles at once and stops cleanly.

``schedule`` does not catch exceptions (a failing job would stop the loop), so every job is wrapped:
the exception is logged and the loop goes on. SIGTERM/SIGINT set a flag; the cycle checks it
between issues, so the write in progress completes and the process exits within seconds.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import random
import signal
import tempfile
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any

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


@dataclass
class Loop:
    """The scheduler with guarded jobs and a stop flag."""

    stop: threading.Event = field(default_factory=threading.Event)
    scheduler: schedule.Scheduler = field(default_factory=schedule.Scheduler)
    busy: threading.Lock = field(default_factory=threading.Lock)

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
                from worker.errors import from_remote

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

    def install_signal_handlers(self) -> None:
        def handler(signum: int, frame: FrameType | None) -> None:
            log.info("stopping", signal=signal.Signals(signum).name)
            self.stop.set()

        signal.signal(signal.SIGTERM, handler)
        signal.signal(signal.SIGINT, handler)

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
        for job in at_start:
            if self.stop.is_set():
                break
            job()
        while not self.stop.is_set():
            self.scheduler.run_pending()
            idle = self.scheduler.idle_seconds
            self.stop.wait(max(0.05, min(tick, idle if idle is not None else tick)))
        log.info("stopped")
