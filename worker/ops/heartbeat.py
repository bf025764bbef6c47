"""The heartbeat: after each cycle, a check-in that someone outside can watch, and a record in Jira.

Two halves, both optional to the cycle (neither can fail or delay it):

* **Ping** — ``heartbeat.url_env`` names the variable holding a ping URL (Healthchecks.io,
  Cronitor, or any URL answering a GET). After a successful cycle the URL is fetched; after a
  failed one, the service's failure form (Healthchecks.io: ``<url>/fail``; Cronitor:
  ``?state=fail``). At most one ping per poll interval, in a background thread with a short
  timeout. A ping URL embeds the check's key: it is read through
  :func:`worker.redact.secret_url_from_env`, which registers it for redaction.
* **Record** — a small JSON value in a property of the worker's own Jira account
  (``PUT /rest/api/3/user/properties/escalation-worker.heartbeat?accountId=…``, which any account
  may write on itself) saying when the last cycle ran and what it did. ``status`` reads it back,
  so anyone with the worker's credentials can tell from Jira alone whether it is alive.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import requests
import structlog

from worker.cycle import site_state
from worker.jira.http import JiraError, RetryPolicy
from worker.redact import register_url, secret_url_from_env

if TYPE_CHECKING:
    from worker.app import Services
    from worker.cycle.cycle import CycleReport
    from worker.jira.gateway import JiraGateway

log = structlog.get_logger("worker.heartbeat")
PROPERTY_KEY = "escalation-worker.heartbeat"
SCHEMA = 1
PING_TIMEOUT = 5.0
# writing the record must not hold a cycle up: one quick try, no long back-off
RECORD_POLICY = RetryPolicy(max_attempts=2, max_wait=1.0, max_total=3.0)


def failure_url(url: str) -> str:
    """The URL that reports a failed run: Cronitor's ``state=fail``, else Healthchecks' ``/fail``."""
    parts = urlsplit(url)
    if "cronitor" in (parts.hostname or ""):
        query = [(k, v) for k, v in parse_qsl(parts.query) if k != "state"] + [("state", "fail")]
        return urlunsplit(parts._replace(query=urlencode(query)))
    return urlunsplit(parts._replace(path=parts.path.rstrip("/") + "/fail"))


class Pinger:
    """GETs the ping URL in a background thread; at most once per ``min_interval`` seconds."""

    def __init__(
        self,
        url: str,
        *,
        min_interval: float,
        timeout: float = PING_TIMEOUT,
        clock: Callable[[], float] = time.monotonic,
        get: Callable[..., Any] = requests.get,
    ) -> None:
        register_url(url)
        self.url = url
        self.min_interval = min_interval
        self.timeout = timeout
        self.clock = clock
        self._get = get
        self._last: float | None = None
        self._thread: threading.Thread | None = None
        self.sent: list[str] = []  # "ok" / "fail", in order (for the log and tests)

    def ping(self, ok: bool) -> bool:
        """Start one ping unless one was sent less than ``min_interval`` ago; True when started.

        A failure is always sent (a failing worker must not be reported healthy by a ping sent
        moments before), but still no more than once per interval.
        """
        now = self.clock()
        if self._last is not None and now - self._last < self.min_interval:
            return False
        if self._thread is not None and self._thread.is_alive():
            return False  # the previous ping is still out: never queue them up
        self._last = now
        target = self.url if ok else failure_url(self.url)
        self.sent.append("ok" if ok else "fail")
        self._thread = threading.Thread(
            target=self._send, args=(target, ok), name="heartbeat-ping", daemon=True
        )
        self._thread.start()
        return True

    def _send(self, target: str, ok: bool) -> None:
        try:
            resp = self._get(target, timeout=self.timeout)
            status = getattr(resp, "status_code", 0)
            if status >= 400:
                log.warning("heartbeat_ping_refused", status=status, ok=ok)
        except requests.RequestException as exc:
            log.warning("heartbeat_ping_failed", error=type(exc).__name__, ok=ok)

    def flush(self, timeout: float | None = None) -> None:
        """Wait (at most the ping timeout) for the ping in flight: ``tick`` exits right after."""
        if self._thread is not None:
            self._thread.join(self.timeout if timeout is None else timeout)


@dataclass
class Heartbeat:
    """Runs a cycle, then pings and records how it went; never fails or delays the cycle itself."""

    gateway: JiraGateway | None
    account_id: str | None
    mode: str
    now: Callable[[], datetime]
    poll_interval: timedelta
    pinger: Pinger | None = None
    version: str = ""
    started_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    cycles: int = 0

    @classmethod
    def from_services(cls, services: Services, *, mode: str) -> Heartbeat:
        from worker import __version__

        config = services.config
        poll = config.schedule.poll_interval
        pinger = None
        name = config.heartbeat.url_env
        url = secret_url_from_env(services.environ, name) if name else None
        if url:
            from worker.app import url_problem
            from worker.errors import EnvironmentProblem

            problem = url_problem(name or "", url)
            if problem:
                raise EnvironmentProblem(
                    problem.replace(url, "[redacted]"),
                    f"set {name} to the check's ping URL, e.g. https://hc-ping.com/<uuid>",
                )
            pinger = Pinger(url, min_interval=max(poll.total_seconds() * 0.9, 1.0))
        return cls(
            services.gateway,
            services.account_id,
            mode,
            services.now,
            poll,
            pinger,
            __version__,
            services.now(),
        )

    def describe(self) -> dict[str, Any]:
        return {"ping": self.pinger is not None, "record": PROPERTY_KEY}

    def around(self, run: Callable[[], CycleReport]) -> CycleReport:
        """Run one cycle, then check in (success or failure); the cycle's outcome is returned or re-raised."""
        try:
            report = run()
        except BaseException as exc:
            self.after(None, error=f"{type(exc).__name__}: {exc}")
            raise
        self.after(report)
        return report

    def after(self, report: CycleReport | None, *, error: str | None = None) -> None:
        self.cycles += 1
        ok = report is not None and error is None
        if self.pinger is not None:
            self.pinger.ping(ok)
        self.write(self.record(report, error))

    def record(
        self, report: CycleReport | None, error: str | None, state: str = ""
    ) -> dict[str, Any]:
        at = self.now()
        out: dict[str, Any] = {
            "schema": SCHEMA,
            "at": _iso(at),
            "state": state or ("ok" if error is None else "failed"),
            "mode": self.mode,
            "host": f"{socket.gethostname()}:{os.getpid()}",
            "version": self.version,
            "started_at": _iso(self.started_at),
            "poll_interval_s": self.poll_interval.total_seconds(),
            "cycles": self.cycles,
        }
        if error is not None:
            from worker.redact import redact

            out["error"] = redact(error)[:500]
        if report is not None:
            out["cycle"] = {
                "mode": report.mode,
                "issues_seen": report.issues_seen,
                "decided": report.decided,
                "acted": report.acted,
                "actions": dict(report.actions),
                "requests": report.request_total,
                "errors": len(report.errors),
                "duration_s": round(report.duration_s, 3),
            }
        return out

    def stopped(self, reason: str) -> None:
        """A clean stop (SIGTERM, Ctrl-C): say so in the record, so ``status`` need not guess."""
        value = self.record(None, None, state="stopped")
        value["reason"] = reason
        self.write(value)

    def write(self, value: Mapping[str, Any]) -> None:
        if self.gateway is None or not self.account_id:
            return
        http = self.gateway.http
        saved, http.policy = http.policy, RECORD_POLICY
        try:
            write_record(self.gateway, self.account_id, value)
        except JiraError as exc:
            log.warning("heartbeat_record_failed", error=str(exc))
        finally:
            http.policy = saved

    def flush(self) -> None:
        if self.pinger is not None:
            self.pinger.flush()


def write_record(gateway: JiraGateway, account_id: str, value: Mapping[str, Any]) -> None:
    site_state.write(gateway, account_id, PROPERTY_KEY, value)


def read_record(gateway: JiraGateway, account_id: str) -> dict[str, Any] | None:
    """The heartbeat record of the worker account, or None when no cycle ever wrote one."""
    return site_state.read(gateway, account_id, PROPERTY_KEY)


def _iso(at: datetime) -> str:
    return at.astimezone(UTC).isoformat().replace("+00:00", "Z")
