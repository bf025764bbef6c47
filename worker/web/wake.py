"""Asking the worker to look at some issues now: the one thing a webhook may do.

:class:`Waker` is what the web handlers need. The runtime's scheduler provides it when it runs in
the same process (``run --serve``); :class:`KeyCycles` is the stand-in that runs a cycle for the
asked keys itself, debounced, never at the same time as another cycle of this process.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable
from typing import Protocol

import structlog

log = structlog.get_logger("worker.web.wake")

ISSUE_KEY = re.compile(r"^[A-Z][A-Z0-9_]{0,49}-[1-9][0-9]{0,12}$")


class Waker(Protocol):
    def wake(self, keys: Iterable[str]) -> None:
        """Look at these issues as soon as possible (re-reading them from Jira)."""


class KeyCycles:
    """Collect keys for ``debounce_s``, then run one cycle for all of them in a background thread.

    ``busy`` is the lock the poller holds while it runs a cycle: a key cycle waits for it, so two
    cycles of this process never act at once. Keys that arrive while a key cycle runs are kept for
    the next one.
    """

    def __init__(
        self,
        run_keys: Callable[[list[str]], object],
        *,
        busy: threading.Lock | None = None,
        debounce_s: float = 0.2,
        max_keys: int = 200,
        stop: threading.Event | None = None,
    ) -> None:
        self.run_keys = run_keys
        self.busy = busy or threading.Lock()
        self.debounce_s = debounce_s
        self.max_keys = max_keys
        self.stop = stop or threading.Event()
        self.cycles = 0  # key cycles run (for check and the tests)
        self._pending: dict[str, None] = {}
        self._cond = threading.Condition()
        self._idle = threading.Event()
        self._idle.set()
        self._thread = threading.Thread(target=self._loop, name="key-cycles", daemon=True)
        self._thread.start()

    def wake(self, keys: Iterable[str]) -> None:
        with self._cond:
            for key in keys:
                if ISSUE_KEY.match(key) and len(self._pending) < 10_000:
                    self._pending[key] = None
            if self._pending:
                self._idle.clear()
                self._cond.notify()

    def drain(self, timeout: float = 30.0) -> bool:
        """Wait until every asked key has had its cycle (tests and benchmarks)."""
        return self._idle.wait(timeout)

    def close(self) -> None:
        self.stop.set()
        with self._cond:
            self._cond.notify()
        self._thread.join(timeout=5)

    def _loop(self) -> None:
        while not self.stop.is_set():
            with self._cond:
                while not self._pending and not self.stop.is_set():
                    self._idle.set()
                    self._cond.wait(0.5)
            if self.stop.is_set():
                return
            self.stop.wait(self.debounce_s)  # let a burst of deliveries for one change gather
            with self._cond:
                keys = list(self._pending)[: self.max_keys]
                for key in keys:
                    self._pending.pop(key, None)
            with self.busy:
                try:
                    self.run_keys(keys)
                except Exception as exc:  # the thread must survive any cycle failure
                    log.error("key_cycle_failed", keys=len(keys), error=f"{type(exc).__name__}")
                finally:
                    self.cycles += 1
            with self._cond:
                if not self._pending:
                    self._idle.set()
