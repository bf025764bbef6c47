"""Progress of a long cycle: a bar on a terminal, a ``progress`` log line every few seconds otherwise.

The cycle calls :meth:`Progress.update` after each issue and at the end of each phase; updating
is cheap (a clock read), and a log line is written at most once per ``every`` seconds, so a
thousand-issue cycle on a dyno says how far it is without flooding the log.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, Protocol

import structlog

log = structlog.get_logger("worker.progress")


class Counts(Protocol):
    """What a cycle report exposes to progress reporting."""

    issues_seen: int
    decided: int
    acted: int


class Progress:
    """Reports a running cycle's counts; ``requests`` gives the HTTP requests sent so far."""

    def __init__(
        self,
        *,
        requests: Callable[[], int],
        tty: bool = False,
        every: float = 10.0,
        clock: Callable[[], float] = time.monotonic,
        bar_factory: Callable[..., Any] | None = None,
    ) -> None:
        self.requests = requests
        self.every = every
        self.clock = clock
        self._start = clock()
        self._last = self._start
        self._requests_at_start = requests()
        self._bar: Any = None
        if tty:
            factory = bar_factory or _tqdm
            self._bar = factory()
        self.lines = 0

    def update(self, counts: Counts, phase: str = "decide") -> None:
        if self._bar is not None:
            self._bar.set_description_str(phase)
            self._bar.n = counts.issues_seen
            self._bar.set_postfix_str(
                f"decided {counts.decided}, acted {counts.acted}, "
                f"{self.requests() - self._requests_at_start} requests",
                refresh=False,
            )
            self._bar.refresh()
            return
        now = self.clock()
        if now - self._last < self.every:
            return
        self._last = now
        elapsed = max(now - self._start, 1e-9)
        sent = self.requests() - self._requests_at_start
        self.lines += 1
        log.info(
            "progress",
            phase=phase,
            issues_seen=counts.issues_seen,
            decided=counts.decided,
            acted=counts.acted,
            requests=sent,
            requests_per_s=round(sent / elapsed, 1),
            issues_per_s=round(counts.issues_seen / elapsed, 1),
            elapsed_s=round(elapsed, 1),
        )

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None


def _tqdm() -> Any:
    import sys

    from tqdm import tqdm  # type: ignore[import-untyped]

    # on stderr, so that a terminal shows the bar under the log lines without mixing into them
    return tqdm(total=None, unit=" issues", file=sys.stderr, leave=False, dynamic_ncols=True)


def with_progress(cycle: Any, *, tty: bool, every: float = 10.0) -> Callable[[], Any]:
    """``cycle.run`` reporting its progress: a bar when ``tty``, else ``progress`` log lines."""

    def run() -> Any:
        http = cycle.gateway.http
        progress = Progress(requests=lambda: sum(http.counts.values()), tty=tty, every=every)
        cycle.progress = progress.update
        try:
            return cycle.run()
        finally:
            cycle.progress = None
            progress.close()

    return run
