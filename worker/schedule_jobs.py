"""The jobs of ``run``: the polling cycle, the Confluence page, the weekly digest, the monthly review.

Each job receives only the services it uses, from the bundle built once by
:func:`worker.app.bootstrap`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import structlog

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
        loop.guarded("weekly_digest", lambda: weekly_digest(services))
    )
    monthly = config.schedule.monthly_review
    s.every().day.at(monthly.at.strftime("%H:%M"), tz).do(
        loop.guarded("monthly_review", lambda: monthly_review_if_due(services))
    )
    return at_start


def publish_now(services: Services) -> None:
    from worker.confluence.service import publish_matrix

    result = publish_matrix(services.config, services.wiki(), worker_account_id=services.account_id)
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
