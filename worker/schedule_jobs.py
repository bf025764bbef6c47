"""The jobs of ``run``: the polling cycle, the Confluence page, the weekly digest, the monthly review.

Each job receives only the services it uses, from the bundle built once by
:func:`worker.app.bootstrap`.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

import structlog

from worker.cycle.claims import (
    claim_live,
    confession,
    new_claim_token,
    read_slot,
    slot_value,
)
from worker.jira.gateway import API, JiraGateway
from worker.runtime import Loop

if TYPE_CHECKING:
    from worker.app import Services
    from worker.cycle.cycle import Cycle

log = structlog.get_logger("worker.jobs")
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def install_jobs(
    loop: Loop,
    services: Services,
    run_cycle: Callable[[], Any],
    *,
    target: Cycle | None = None,
    shadow: bool = False,
) -> list[Callable[[], None]]:
    """Schedule every job; return the ones to run once at start (the page, then the first cycle).

    In shadow mode only the cycles run: no page, digest or review is published or sent."""
    s = loop.scheduler
    config = services.config
    poll = max(5, int(config.schedule.poll_interval.total_seconds()))
    cycle_job = loop.guarded("cycle", run_cycle)
    if target is not None:
        # polls, deadlines and webhook wake-ups belong to the scheduler; due work runs between pages
        loop.set_poll(target, timedelta(seconds=poll), run=run_cycle)
        target.between = loop.preempt
    else:
        s.every(poll).seconds.do(cycle_job)
    at_start = [cycle_job]
    if shadow:
        return at_start
    if config.confluence.space:
        publish = loop.guarded("publish", lambda: publish_now(services))
        s.every(max(60, int(config.confluence.publish_interval.total_seconds()))).seconds.do(
            publish
        )
        at_start.insert(0, publish)
    tz = config.calendar.timezone
    weekly = config.schedule.weekly_digest
    getattr(s.every(), WEEKDAYS[weekly.weekday]).at(weekly.at.strftime("%H:%M"), tz).do(
        loop.guarded("weekly_digest", lambda: weekly_digest_once(services))
    )
    monthly = config.schedule.monthly_review
    s.every().day.at(monthly.at.strftime("%H:%M"), tz).do(
        loop.guarded("monthly_review", lambda: monthly_review_once(services))
    )
    # a digest or review whose time passed while no worker ran is done at start (once, see below)
    at_start.append(loop.guarded("catch_up", lambda: catch_up(services)))
    return at_start


def adopted_items(services: Services) -> dict[str, list[tuple[str, str]]] | None:
    """The adopted escalations on the site, when the page lists them (``confluence.show_adopted``)."""
    from worker.cycle.adoption_outbox import AdoptionOutbox

    if not services.config.confluence.show_adopted or services.account_id is None:
        return None
    return AdoptionOutbox(services.gateway, services.account_id).adopted()


def publish_now(services: Services) -> None:
    from worker.confluence.service import publish_matrix

    result = publish_matrix(
        services.config,
        services.wiki(),
        worker_account_id=services.account_id,
        now=services.now(),
        adopted_items=adopted_items(services),
    )
    log.info(
        "publish",
        action=result.action,
        page_id=result.page_id,
        version=result.version,
        requests=result.requests,
    )


def weekly_digest(services: Services) -> None:
    from worker.notify.digest import send_weekly_digest

    send_weekly_digest(
        services.gateway,
        services.config,
        services.channels,
        services.now(),
        site_url=services.site_url,
    )


def monthly_review_if_due(services: Services) -> None:
    from worker.review.monthly import publish_previous_month_if_due

    publish_previous_month_if_due(
        services.gateway,
        services.config,
        services.now(),
        wiki=services.wiki,
        account_id=services.account_id,
    )


# --- once per period, across processes ---------------------------------------------------------

JOB_LEASE = timedelta(hours=1)  # a job run whose process went silent longer than this is retried


@dataclass(frozen=True)
class Period:
    """One run of a calendar job: which job, which period (``2026-W10``, ``2026-03``), when it fell due."""

    job: str
    label: str
    due: datetime


def last_weekly(now: datetime, tz: ZoneInfo, weekday: int, at: time) -> datetime:
    """The latest instant <= ``now`` that is ``weekday`` at ``at`` in ``tz``."""
    local = now.astimezone(tz)
    day = local.date() - timedelta(days=(local.weekday() - weekday) % 7)
    due = datetime.combine(day, at, tzinfo=tz)
    if due > local:
        due = datetime.combine(day - timedelta(days=7), at, tzinfo=tz)
    return due


def last_monthly(now: datetime, tz: ZoneInfo, day: int, at: time) -> datetime:
    """The latest instant <= ``now`` that is the ``day``-th of a month at ``at`` in ``tz`` (the day is
    cut to the month's length)."""
    local = now.astimezone(tz)
    year, month = local.year, local.month
    for _ in range(2):
        last = calendar.monthrange(year, month)[1]
        due = datetime.combine(date(year, month, min(day, last)), at, tzinfo=tz)
        if due <= local:
            return due
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return due


def weekly_period(now: datetime, tz: ZoneInfo, weekday: int, at: time) -> Period:
    due = last_weekly(now, tz, weekday, at)
    iso = due.isocalendar()
    return Period("weekly-digest", f"{iso.year}-W{iso.week:02d}", due)


def monthly_period(now: datetime, tz: ZoneInfo, day: int, at: time) -> Period:
    """The review due most recently; its label is the month it reviews (the one before it fell due)."""
    due = last_monthly(now, tz, day, at)
    year, month = (due.year - 1, 12) if due.month == 1 else (due.year, due.month - 1)
    return Period("monthly-review", f"{year:04d}-{month:02d}", due)


class JobMarkers:
    """Once per period across processes: a marker per (job, period) on a site-wide anchor -- a user
    property of the worker's own account, which every process of one deployment shares and any account
    may write -- taken with the same create-if-absent claim as issues (``worker/cycle/claims.py``):
    ``201`` = this process runs the job, ``200`` = another one did or does; read back; leases in Jira's
    time. The marker says ``running``, then ``done`` (or ``failed``: the next start tries again)."""

    def __init__(
        self,
        gateway: JiraGateway,
        account_id: str,
        *,
        token: str | None = None,
        lease: timedelta = JOB_LEASE,
        now: Callable[[], datetime] | None = None,
    ) -> None:
        self.gateway = gateway
        self.account_id = account_id
        self.token = token or new_claim_token()
        self.lease = lease
        self._now = now or (lambda: datetime.now(UTC))

    def key(self, period: Period, generation: int) -> str:
        base = f"{self.gateway.property_key[:150]}.job.{period.job}.{period.label}"
        return f"{base}.{generation}" if generation else base

    def _get(self, key: str) -> Any:
        resp = self.gateway.http.call(
            "GET",
            f"{API}/user/properties/{quote(key, safe='')}",
            params={"accountId": self.account_id},
            allow=(404,),
        )
        self.gateway.server_clock.observe(resp.headers)
        if resp.status == 404 or not isinstance(resp.body, Mapping):
            return None
        return resp.body.get("value")

    def _put(self, key: str, value: Mapping[str, Any]) -> bool:
        resp = self.gateway.http.call(
            "PUT",
            f"{API}/user/properties/{quote(key, safe='')}",
            params={"accountId": self.account_id},
            json=dict(value),
        )
        self.gateway.server_clock.observe(resp.headers)
        return resp.status == 201

    def _server_now(self) -> datetime:
        return self.gateway.server_clock.now() or self._now()

    def _value(self, period: Period, status: str) -> dict[str, Any]:
        value = slot_value(self.token, self._server_now(), [], f"{period.job}:{period.label}")
        value["status"] = status
        return value

    def run_once(self, period: Period, job: Callable[[], Any]) -> bool:
        """Run ``job`` unless another process ran it for ``period`` or is running it; True if it ran."""
        generation = 0
        while True:
            key = self.key(period, generation)
            current = self._get(key)
            if current is None:
                break
            status = current.get("status") if isinstance(current, Mapping) else None
            if status == "done":
                log.info("job_already_done", job=period.job, period=period.label)
                return False
            held = read_slot(current)
            if (
                status != "failed"
                and held is not None
                and claim_live(held.token, held.at, self.token, self._server_now(), self.lease)
            ):
                log.info("job_running_elsewhere", job=period.job, period=period.label)
                return False
            generation += 1  # failed, or its process went silent: the next marker
        if not self._put(key, self._value(period, "running")):
            # another process created it first; our value replaced its own: say we lost
            confessed = confession(self.token, self._server_now(), [], period.label)
            confessed["status"] = "running"
            self._put(key, confessed)
            log.info("job_claimed_elsewhere", job=period.job, period=period.label)
            return False
        back = read_slot(self._get(key))
        if back is None or back.token != self.token:
            if back is not None and back.token is None and back.lost not in (None, self.token):
                self._put(key, self._value(period, "running"))  # a loser's confession: ours
            else:
                log.warning("job_claim_overwritten", job=period.job, period=period.label)
                return False
        log.info("job_run", job=period.job, period=period.label, due=period.due.isoformat())
        try:
            job()
        except Exception:
            self._put(key, self._value(period, "failed"))
            raise
        self._put(key, self._value(period, "done"))
        return True


def _markers(services: Services) -> JobMarkers:
    account = services.account_id or str(services.gateway.myself().get("accountId") or "")
    return JobMarkers(services.gateway, account, now=services.now)


def weekly_digest_once(services: Services, markers: JobMarkers | None = None) -> bool:
    """The digest of the week whose digest time came last, unless some process already sent it."""
    config = services.config
    weekly = config.schedule.weekly_digest
    period = weekly_period(
        services.now(), ZoneInfo(config.calendar.timezone), weekly.weekday, weekly.at
    )
    return (markers or _markers(services)).run_once(period, lambda: weekly_digest(services))


def monthly_review_once(services: Services, markers: JobMarkers | None = None) -> bool:
    """The review of the month before the last review day, unless some process already published it."""
    config = services.config
    if not config.confluence.space:
        return False
    monthly = config.schedule.monthly_review
    period = monthly_period(
        services.now(), ZoneInfo(config.calendar.timezone), monthly.day, monthly.at
    )
    return (markers or _markers(services)).run_once(
        period, lambda: publish_review(services, period)
    )


def publish_review(services: Services, period: Period) -> None:
    from worker.review.model import Month
    from worker.review.monthly import compute_month, publish_report
    from worker.review.source import ReviewFields

    config = services.config
    month = Month.parse(period.label)
    report = compute_month(
        services.gateway, config, month, services.now(), fields=ReviewFields.from_config(config)
    )
    result = publish_report(config, services.wiki(), report, worker_account_id=services.account_id)
    log.info(
        "review_published",
        month=period.label,
        action=result.action,
        page_id=result.page_id,
        version=result.version,
    )


def catch_up(services: Services) -> None:
    """At start: a digest or a review whose time passed while no worker ran is done now (once)."""
    weekly_digest_once(services)
    monthly_review_once(services)
