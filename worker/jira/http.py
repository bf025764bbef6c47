"""The one seam for HTTP to Jira: a transport, a retry policy and a client-side rate limiter.

``AtlassianTransport`` sends each call as exactly one request through atlassian-python-api's
``JiraCloud`` (its own retries turned off). ``RetryingHttp`` adds what Atlassian asks of
well-behaved clients: honour ``Retry-After`` on 429, back off exponentially with jitter on 5xx and
connection errors, cap every wait and the total, never retry other 4xx, and never re-send a
non-idempotent POST whose fate is unknown -- a timeout, a dropped connection or any 5xx -- (the
caller checks for the effect first; 429 is still retried, Jira applied nothing).
Tests replace the transport with the sandbox over real HTTP, or with ``responses``.
"""

from __future__ import annotations

import email.utils
import random
import re
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

import requests
from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception,
    stop_after_attempt,
    stop_after_delay,
)

from worker.redact import redact, redact_value


@dataclass(frozen=True)
class HttpResponse:
    status: int
    body: Any
    headers: Mapping[str, str] = field(default_factory=dict)


class Transport(Protocol):
    def send(
        self, method: str, path: str, *, params: Mapping[str, Any] | None = None, json: Any = None
    ) -> HttpResponse: ...


class JiraError(Exception):
    """A Jira call failed; the message is safe to log (no credentials)."""

    def __init__(self, message: str, status: int | None = None, body: Any = None) -> None:
        super().__init__(redact(message))
        self.status = status
        self.body = redact_value(body)


class RetryableError(JiraError):
    def __init__(self, message: str, status: int | None, retry_after: float | None) -> None:
        super().__init__(message, status)
        self.retry_after = retry_after


class AmbiguousWriteError(JiraError):
    """A non-idempotent POST may or may not have been applied (timeout, dropped connection, 5xx).

    429 is not ambiguous (Jira refused it before doing anything) and is retried as usual.
    """


class AuthError(JiraError):
    pass


def parse_retry_after(value: str | None, now: Callable[[], datetime] | None = None) -> float | None:
    """``Retry-After`` as seconds: either a number of seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if re.fullmatch(r"\d+(\.\d+)?", value):
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    current = now() if now else datetime.now(UTC)
    return max(0.0, (when - current).total_seconds())


def error_text(body: Any) -> str:
    if isinstance(body, Mapping):
        msgs = list(body.get("errorMessages") or [])
        errs = body.get("errors") or {}
        if isinstance(errs, Mapping):
            msgs += [f"{k}: {v}" for k, v in errs.items()]
        if body.get("message"):
            msgs.append(str(body["message"]))
        if msgs:
            return "; ".join(str(m) for m in msgs)[:500]
    if isinstance(body, str):
        return body[:200]
    return ""


class AtlassianTransport:
    """One call, one request, through ``atlassian.jira.JiraCloud`` with its retries off."""

    def __init__(self, url: str, email: str, token: str, *, timeout: float = 30.0) -> None:
        from atlassian.jira import JiraCloud

        self._client = JiraCloud(
            url,
            username=email,
            password=token,
            api_version=3,
            cloud=True,
            timeout=timeout,
            advanced_mode=True,
            backoff_and_retry=False,
            retry_with_header=False,
        )
        # atlassian-python-api truncates the timeout to whole seconds (0.5 would become 0, which
        # requests refuses); keep the value the caller asked for
        self._client.timeout = timeout  # type: ignore[assignment]  # annotated int; requests takes float
        self.url = url.rstrip("/")

    def __repr__(self) -> str:  # never show the credentials
        return f"AtlassianTransport({self.url!r})"

    def close(self) -> None:
        """Close the keep-alive connections (lets a local server's connection threads end)."""
        self._client.close()

    def send(
        self, method: str, path: str, *, params: Mapping[str, Any] | None = None, json: Any = None
    ) -> HttpResponse:
        kwargs: dict[str, Any] = {"params": dict(params) if params else None, "advanced_mode": True}
        if json is not None:
            kwargs["json"] = json
        resp = self._client.request(method, path.lstrip("/"), **kwargs)
        return _to_response(resp)


def _to_response(resp: requests.Response) -> HttpResponse:
    body: Any = None
    if resp.content:
        try:
            body = resp.json()
        except ValueError:
            body = resp.text[:2000]
    return HttpResponse(resp.status_code, body, dict(resp.headers.items()))


class RateLimiter:
    """Keeps the worker under Jira Cloud's per-second limits: reads 100/s, writes 50/s, 20 writes per issue per 2 s."""

    def __init__(
        self,
        *,
        per_second: Mapping[str, int] | None = None,
        per_issue_writes: tuple[int, float] = (20, 2.0),
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.per_second = dict(per_second or {"GET": 100, "POST": 100, "PUT": 50, "DELETE": 50})
        self.per_issue = per_issue_writes
        self._clock, self._sleep = clock, sleep
        self._windows: dict[str, deque[float]] = {}
        self._lock = threading.Lock()
        self.waited = 0.0

    def acquire(self, method: str, issue: str | None = None) -> None:
        keys = [(method.upper(), self.per_second.get(method.upper(), 100), 1.0)]
        if issue and method.upper() in ("POST", "PUT", "DELETE"):
            keys.append((f"issue:{issue}", self.per_issue[0], self.per_issue[1]))
        while True:
            with self._lock:
                now = self._clock()
                wait = 0.0
                for key, limit, window in keys:
                    q = self._windows.setdefault(key, deque())
                    while q and now - q[0] >= window:
                        q.popleft()
                    if len(q) >= limit:
                        wait = max(wait, window - (now - q[0]))
                if wait <= 0:
                    for key, _, _ in keys:
                        self._windows[key].append(now)
                    return
            self.waited += wait
            self._sleep(wait)


_ISSUE_IN_PATH = re.compile(r"/issue/([^/]+)")


def endpoint_name(method: str, path: str) -> str:
    """A stable label for counting requests: ``GET issue/{key}/comment``."""
    p = re.sub(r"^/?rest/api/3/", "", path)
    p = re.sub(r"issue/[^/]+", "issue/{key}", p)
    p = re.sub(r"properties/[^/]+", "properties/{prop}", p)
    return f"{method.upper()} {p}"


@dataclass
class RetryPolicy:
    max_attempts: int = 6
    max_wait: float = 60.0  # cap for any single wait
    max_total: float = 180.0  # give up after this long overall
    base: float = 0.5  # first backoff for 5xx / connection errors
    retry_after_default: float = 5.0  # 429 without Retry-After


class RetryingHttp:
    """Jira calls with retries, pacing and request accounting."""

    def __init__(
        self,
        transport: Transport,
        *,
        policy: RetryPolicy | None = None,
        limiter: RateLimiter | None = None,
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
    ) -> None:
        self.transport = transport
        self.policy = policy or RetryPolicy()
        self.limiter = limiter or RateLimiter(sleep=sleep)
        self._sleep = sleep
        self._rng = rng or random.Random()
        self.counts: Counter[str] = Counter()
        self.retries: Counter[str] = Counter()
        self._lock = threading.Lock()

    def close(self) -> None:
        close = getattr(self.transport, "close", None)
        if callable(close):
            close()

    def reset_counts(self) -> None:
        with self._lock:
            self.counts.clear()
            self.retries.clear()

    def _wait(self, state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        n = state.attempt_number
        backoff = min(self.policy.max_wait, self.policy.base * (2 ** (n - 1)))
        backoff = backoff / 2 + self._rng.uniform(0, backoff / 2)  # jitter
        if isinstance(exc, RetryableError) and exc.retry_after is not None:
            return float(
                min(self.policy.max_wait, max(exc.retry_after, 0.0) + self._rng.uniform(0, 0.25))
            )
        return float(backoff)

    def call(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        ok: tuple[int, ...] = (200, 201, 204),
        allow: tuple[int, ...] = (),
        retry_ambiguous: bool | None = None,
    ) -> HttpResponse:
        """Send one logical call. Statuses in ``allow`` are returned instead of raised (e.g. 404)."""
        method = method.upper()
        name = endpoint_name(method, path)
        m = _ISSUE_IN_PATH.search(path)
        issue = m.group(1) if m else None
        # POST is not idempotent unless the caller says so (search, bulk reads are)
        ambiguous_ok = retry_ambiguous if retry_ambiguous is not None else method != "POST"

        def attempt() -> HttpResponse:
            self.limiter.acquire(method, issue)
            with self._lock:
                self.counts[name] += 1
            try:
                resp = self.transport.send(method, path, params=params, json=json)
            except (requests.ConnectionError, requests.Timeout) as exc:
                kind = "timed out" if isinstance(exc, requests.Timeout) else "connection failed"
                if ambiguous_ok:
                    raise RetryableError(f"{name}: {kind}", None, None) from None
                raise AmbiguousWriteError(
                    f"{name}: {kind}; the write may or may not have happened"
                ) from None
            if resp.status in ok or resp.status in allow:
                return resp
            if resp.status >= 500 and not ambiguous_ok:
                # Jira's spec documents no 5xx for its non-idempotent POSTs, so none of them says
                # "not applied": the write may have landed. The caller looks before sending again.
                raise AmbiguousWriteError(
                    f"{name}: HTTP {resp.status} {error_text(resp.body)}; "
                    "the write may or may not have happened",
                    resp.status,
                )
            if resp.status == 429 or resp.status >= 500:
                ra = parse_retry_after(
                    resp.headers.get("Retry-After") or resp.headers.get("retry-after")
                )
                if resp.status == 429 and ra is None:
                    ra = self.policy.retry_after_default
                raise RetryableError(
                    f"{name}: HTTP {resp.status} {error_text(resp.body)}".strip(), resp.status, ra
                )
            if resp.status == 401:
                raise AuthError(
                    f"{name}: HTTP 401 — Jira refused the credentials (check JIRA_EMAIL and JIRA_API_TOKEN)",
                    401,
                    resp.body,
                )
            raise JiraError(
                f"{name}: HTTP {resp.status} {error_text(resp.body)}".strip(),
                resp.status,
                resp.body,
            )

        def before_sleep(state: RetryCallState) -> None:
            with self._lock:
                self.retries[name] += 1

        retrying = Retrying(
            retry=retry_if_exception(lambda e: isinstance(e, RetryableError)),
            wait=self._wait,
            stop=stop_after_attempt(self.policy.max_attempts)
            | stop_after_delay(self.policy.max_total),
            sleep=self._sleep,
            before_sleep=before_sleep,
            reraise=True,
        )
        return retrying(attempt)
