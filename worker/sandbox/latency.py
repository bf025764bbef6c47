"""A latency model for the sandbox: per-endpoint delay distributions, off unless asked for.

The numbers are an assumption about a real Jira Cloud site seen from a worker, *not a measurement*
(issue 15): a search page 600 ms, a bulk changelog page 1 s, any other GET 150 ms, a write 250 ms
(medians). Each delay is drawn from a log-normal distribution with that median and a 95th
percentile twice as long, so a benchmark sees the occasional slow answer a real site gives.
Benchmarks print wall time with and without it; tests never depend on it.

What a draw means: the time from the request's arrival to its answer leaving the server. A real
site's latency already includes its own work (parsing, running the search, rendering the JSON),
so the sandbox does its work first and then sleeps only what is left of the draw
(:meth:`LatencyModel.answer_at`, :meth:`LatencyModel.until`). When the sandbox's work takes longer
than the draw -- a pure-Python process rendering a 100-issue page while other requests compete
for its one interpreter -- the answer is late by that much: the sandbox is then slower than the
model, never faster. (Until issue 15's second pass the sandbox slept the whole draw *before*
doing its work, so every answer took the draw plus the sandbox's own time.)
"""

from __future__ import annotations

import math
import random
import threading
import time
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Delay:
    median_s: float
    p95_s: float

    def draw(self, rng: random.Random) -> float:
        if self.median_s <= 0:
            return 0.0
        sigma = math.log(max(self.p95_s, self.median_s) / self.median_s) / 1.645
        return rng.lognormvariate(math.log(self.median_s), sigma)


ASSUMED = {
    "search": Delay(0.600, 1.200),
    "bulk_changelog": Delay(1.000, 2.000),
    "get": Delay(0.150, 0.300),
    "write": Delay(0.250, 0.500),
}


def endpoint_class(method: str, path: str) -> str:
    if path.endswith("/search/jql"):
        return "search"
    if path.endswith("/changelog/bulkfetch"):
        return "bulk_changelog"
    return "get" if method == "GET" else "write"


class LatencyModel:
    """Delays each request by a draw from its endpoint class's distribution (thread-safe)."""

    def __init__(
        self,
        delays: Mapping[str, Delay] | None = None,
        *,
        scale: float = 1.0,
        seed: int = 15,
        sleep: Callable[[float], None] = time.sleep,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.delays = dict(ASSUMED if delays is None else delays)
        self.scale = scale  # 0.1: ten times faster (an accelerated clock), 0: off
        self._rng = random.Random(seed)
        self._lock = threading.Lock()
        self._sleep = sleep
        self._monotonic = monotonic
        self.counts: Counter[str] = Counter()
        self.total_s = 0.0

    @classmethod
    def assumed(cls, **kw: Any) -> LatencyModel:
        """The issue's assumption: search 600 ms, bulk changelog 1 s, GET 150 ms, write 250 ms."""
        return cls(ASSUMED, **kw)

    def delay_for(self, method: str, path: str) -> float:
        kind = endpoint_class(method, path)
        delay = self.delays.get(kind)
        with self._lock:
            seconds = delay.draw(self._rng) * self.scale if delay is not None else 0.0
            self.counts[kind] += 1
            self.total_s += seconds
        return seconds

    def answer_at(self, method: str, path: str) -> float:
        """The instant (on this model's monotonic clock) before which a request arriving now is
        not answered: its arrival plus a draw from its endpoint class."""
        return self._monotonic() + self.delay_for(method, path)

    def until(self, at: float) -> None:
        """Sleep what is left until ``at`` (nothing when the work already took longer)."""
        left = at - self._monotonic()
        if left > 0:
            self._sleep(left)
