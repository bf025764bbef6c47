"""Injectable faults and an optional per-endpoint-class rate limiter.

A :class:`FaultPlan` holds rules.  For each request the server asks :meth:`FaultPlan.decide`;
the first rule whose method and path regex match, and which still has uses left (``times``) and
wins its coin toss (``probability``), fires.  Kinds:

``status``   answer ``status`` (429/500/502/503...) without touching state; for 429 a
             ``Retry-After`` header is sent, as seconds (``retry_after``) or, with
             ``retry_after_http_date=True``, as an HTTP date that many seconds from now (wall clock).
``latency``  sleep ``seconds`` before handling the request normally.
``drop``     close the connection without any response (the client sees a connection error).
``timeout``  handle the request normally (its effect happens!), then sleep ``seconds`` before
             answering -- set it longer than the client's timeout to model "the write landed but the
             client never heard back".
``applied_status``  handle the request normally (its effect happens), then answer ``status``
             (500 by default) instead of the real answer: Jira's edge answering 5xx for a write the
             backend committed. The site's request log shows the real status; ``injected`` the fault.
``applied_drop``  handle the request normally (its effect happens), then close the connection
             without answering: the client sees a dropped connection for a write that landed.
``created_anyway``  handle the request normally, and if it answered ``200`` answer ``201`` instead:
             a server whose create-if-absent is not atomic, telling two simultaneous ``PUT`` requests for an
             absent property that each created it (the property holds the later value). Jira's spec
             documents 201 = created, 200 = updated, not their atomicity; this is the failure the
             claim protocol must detect (docs/design.md, assumption 1).

Python::

    site.faults.add(FaultRule(kind="status", status=429, retry_after=2, path=r"/search/jql", times=3))
    site.faults.add(FaultRule(kind="drop", method="POST", path=r"/comment$", times=1))
    site.faults.add(FaultRule(kind="applied_status", status=500, method="POST", path=r"/comment$"))
    site.faults.rate_limit("search", per_second=5, burst=5)   # 429 + Retry-After beyond that
    site.faults.clear()

HTTP (sandbox started by hand): ``POST /_sandbox/faults`` with
``{"rules": [{"kind": "status", "status": 503, "path": "/myself", "times": 2}],
"rate_limits": {"search": {"per_second": 5, "burst": 5}}, "clear": true}``.

Endpoint classes for the rate limiter: ``search`` (search/jql, bulkfetch), ``write`` (any non-GET),
``read`` (other GETs); ``*`` limits every request.
"""

from __future__ import annotations

import math
import random
import re
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from email.utils import formatdate
from typing import Any

KINDS = (
    "status",
    "latency",
    "drop",
    "timeout",
    "applied_status",
    "applied_drop",
    "created_anyway",
)


@dataclass
class FaultRule:
    """One fault.  ``times=None`` means unlimited; ``probability`` is checked after the regexes;
    ``after=n`` lets the first ``n`` matching requests through (e.g. fault only the second record write)."""

    kind: str
    path: str = ".*"
    method: str | None = None
    status: int = 503
    retry_after: float | None = None
    retry_after_http_date: bool = False
    seconds: float = 0.0
    times: int | None = 1
    probability: float = 1.0
    after: int = 0  # let this many matching requests through untouched before the rule can fire
    fired: int = 0
    seen: int = 0
    _pattern: re.Pattern[str] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown fault kind {self.kind!r}; expected one of {KINDS}")
        if not 0.0 <= self.probability <= 1.0:
            raise ValueError("probability must be within [0, 1]")
        self._pattern = re.compile(self.path)

    def matches(self, method: str, path: str) -> bool:
        if self.method is not None and self.method.upper() != method.upper():
            return False
        return self._pattern.search(path) is not None

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> FaultRule:
        allowed = {
            "kind",
            "path",
            "method",
            "status",
            "retry_after",
            "retry_after_http_date",
            "seconds",
            "times",
            "probability",
            "after",
        }
        unknown = set(data) - allowed
        if unknown:
            raise ValueError(f"unknown fault rule fields: {sorted(unknown)}")
        return cls(**dict(data))


@dataclass(frozen=True)
class FaultAction:
    """What the server must do for one request."""

    kind: str  # one of KINDS
    status: int = 0
    headers: Mapping[str, str] = field(default_factory=dict)
    seconds: float = 0.0


@dataclass
class _Bucket:
    per_second: float
    burst: float
    tokens: float
    stamp: float


def endpoint_class(method: str, path: str) -> str:
    """The rate-limit class of a request: ``search``, ``write`` or ``read``."""
    if path.endswith("/search/jql") or path.endswith("/changelog/bulkfetch"):
        return "search"
    return "read" if method.upper() in ("GET", "HEAD") else "write"


class FaultPlan:
    """Thread-safe collection of fault rules and rate limits."""

    def __init__(
        self,
        *,
        rng: random.Random | None = None,
        monotonic: Callable[[], float] = time.monotonic,
        wall: Callable[[], float] = time.time,  # the instant a Retry-After HTTP date counts from
    ) -> None:
        self._lock = threading.Lock()
        self._rules: list[FaultRule] = []
        self._buckets: dict[str, _Bucket] = {}
        self._rng = rng or random.Random(1234)
        self._monotonic = monotonic
        self.wall = wall  # a test may fix it
        self.injected: list[tuple[str, str, str]] = []  # (kind, method, path) of each fault fired

    def add(self, rule: FaultRule) -> FaultRule:
        with self._lock:
            self._rules.append(rule)
        return rule

    def clear(self) -> None:
        """Remove every rule and rate limit."""
        with self._lock:
            self._rules.clear()
            self._buckets.clear()

    def rules(self) -> list[FaultRule]:
        with self._lock:
            return list(self._rules)

    def rate_limit(self, klass: str, *, per_second: float, burst: float | None = None) -> None:
        """Allow ``per_second`` requests of ``klass`` (``search``/``write``/``read``/``*``)."""
        cap = burst if burst is not None else per_second
        with self._lock:
            self._buckets[klass] = _Bucket(per_second, cap, cap, self._monotonic())

    def remove_rate_limit(self, klass: str) -> None:
        with self._lock:
            self._buckets.pop(klass, None)

    def configure(self, data: Mapping[str, Any]) -> None:
        """Apply the JSON form accepted by ``POST /_sandbox/faults``."""
        if data.get("clear"):
            self.clear()
        for raw in data.get("rules", []):
            self.add(FaultRule.from_json(raw))
        for klass, spec in (data.get("rate_limits") or {}).items():
            if spec is None:
                self.remove_rate_limit(klass)
            else:
                self.rate_limit(
                    klass, per_second=float(spec["per_second"]), burst=spec.get("burst")
                )

    def describe(self) -> dict[str, Any]:
        with self._lock:
            return {
                "rules": [
                    {
                        "kind": r.kind,
                        "method": r.method,
                        "path": r.path,
                        "status": r.status,
                        "times": r.times,
                        "fired": r.fired,
                        "after": r.after,
                        "probability": r.probability,
                    }
                    for r in self._rules
                ],
                "rate_limits": {
                    k: {"per_second": b.per_second, "burst": b.burst}
                    for k, b in self._buckets.items()
                },
            }

    def decide(self, method: str, path: str) -> FaultAction | None:
        """The fault to inject for this request, if any (consumes a use of the rule that fires)."""
        with self._lock:
            for rule in self._rules:
                if rule.times is not None and rule.fired >= rule.times:
                    continue
                if not rule.matches(method, path):
                    continue
                rule.seen += 1
                if rule.seen <= rule.after:
                    continue
                if rule.probability < 1.0 and self._rng.random() >= rule.probability:
                    continue
                rule.fired += 1
                self.injected.append((rule.kind, method, path))
                return _action_for(rule, self.wall())
            limited = self._take_token(method, path)
            if limited is not None:
                self.injected.append(("rate_limit", method, path))
            return limited

    def _take_token(self, method: str, path: str) -> FaultAction | None:
        now = self._monotonic()
        for klass in (endpoint_class(method, path), "*"):
            bucket = self._buckets.get(klass)
            if bucket is None:
                continue
            bucket.tokens = min(
                bucket.burst, bucket.tokens + (now - bucket.stamp) * bucket.per_second
            )
            bucket.stamp = now
            if bucket.tokens < 1.0:
                wait = max(1, math.ceil((1.0 - bucket.tokens) / bucket.per_second))
                return FaultAction("status", 429, {"Retry-After": str(wait)})
            bucket.tokens -= 1.0
        return None


def _action_for(rule: FaultRule, wall_now: float) -> FaultAction:
    if rule.kind == "applied_status":
        return FaultAction(rule.kind, rule.status)
    if rule.kind != "status":
        return FaultAction(rule.kind, seconds=rule.seconds)
    headers: dict[str, str] = {}
    if rule.retry_after is not None:
        if rule.retry_after_http_date:
            headers["Retry-After"] = formatdate(wall_now + rule.retry_after, usegmt=True)
        else:
            headers["Retry-After"] = str(math.ceil(rule.retry_after))
    elif rule.status == 429:
        headers["Retry-After"] = "1"
    return FaultAction("status", rule.status, headers)


def fault_body(status: int) -> dict[str, Any]:
    """The JSON body sent with an injected error status."""
    messages = {
        429: "Rate limit exceeded.",
        500: "Internal server error (injected by the sandbox).",
        502: "Bad gateway (injected by the sandbox).",
        503: "Service unavailable (injected by the sandbox).",
    }
    return {"errorMessages": [messages.get(status, f"Injected fault {status}.")], "errors": {}}


# --- holding and ordering requests (two clients racing) ---------------------------------------


@dataclass
class Match:
    """Which request a hold or an ordering step is about: method, path regex, and optionally a piece
    of the query string or of the body (for example a claim token, to tell two clients apart)."""

    method: str
    path: str
    body_contains: str | None = None
    query_contains: str | None = None

    def __call__(self, req: Any) -> bool:
        if req.method != self.method.upper() or re.search(self.path, req.path) is None:
            return False
        if self.body_contains is not None and self.body_contains.encode() not in req.body:
            return False
        if self.query_contains is not None:
            query = "&".join(f"{k}={v}" for k, vs in req.query.items() for v in vs)
            if self.query_contains not in query:
                return False
        return True


class Hold:
    """A sandbox app placed before the site that stalls the first ``times`` matching requests until
    ``release()`` -- a slow write, a paused client, a network stall. While it holds one, ``sandbox
    time`` passes: on release the clock is moved on by ``advance`` (no real sleeping), so the held
    request reaches the site that much later in the site's time.

    Python::

        hold = Hold(Match("PUT", r"/properties/", body_contains=token), clock=site.clock,
                    advance=timedelta(seconds=3))
        with SandboxServer(hold, site): ...
        hold.wait_arrived(); ...; hold.release()
    """

    def __init__(
        self,
        match: Callable[[Any], bool],
        *,
        clock: Any = None,
        advance: Any = None,
        times: int = 1,
        timeout: float = 30.0,
    ) -> None:
        self.match = match
        self.clock = clock
        self.advance = advance
        self.times = times
        self.timeout = timeout
        self.held = 0
        self._lock = threading.Lock()
        self._arrived = threading.Event()
        self._go = threading.Event()

    def handle(self, req: Any) -> None:
        with self._lock:
            if self.held >= self.times or not self.match(req):
                return None
            self.held += 1
        self._arrived.set()
        self._go.wait(self.timeout)
        return None

    def wait_arrived(self, timeout: float = 30.0) -> bool:
        """Block until a matching request is being held (False after ``timeout`` seconds)."""
        return self._arrived.wait(timeout)

    def release(self) -> None:
        if self.clock is not None and self.advance:
            self.clock.advance(self.advance)
        self._go.set()


class Ordering:
    """Forces matching requests of several clients through the site in a given order.

    ``steps`` is a list of matchers; a request matching the first step not yet taken waits until every
    earlier step has been answered, is then answered by ``site`` and marks its step done. Requests that
    match no open step pass through untouched. Used to reorder two clients' writes deterministically
    (client B's claim lands before client A's read-back, and so on). A step not reached within
    ``timeout`` seconds releases the ones waiting on it, so a broken test fails instead of hanging.
    """

    def __init__(
        self, site: Any, steps: list[Callable[[Any], bool]], *, timeout: float = 30.0
    ) -> None:
        self.site = site
        self.steps = steps
        self.timeout = timeout
        self.taken = [False] * len(steps)
        self.done = [threading.Event() for _ in steps]
        self._lock = threading.Lock()

    def handle(self, req: Any) -> Any:
        with self._lock:
            index = next(
                (i for i, s in enumerate(self.steps) if not self.taken[i] and s(req)), None
            )
            if index is None:
                return None
            self.taken[index] = True
        for earlier in self.done[:index]:
            earlier.wait(self.timeout)
        try:
            return self.site.handle(req)
        finally:
            self.done[index].set()

    @property
    def completed(self) -> bool:
        return all(d.is_set() for d in self.done)
