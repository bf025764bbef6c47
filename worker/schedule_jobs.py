"""The jobs of ``run``: the polling cycle, the Confluence page, the weekly digest, the monthly review."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import structlog

from worker.config.model import Config
from worker.cycle.cycle import Cycle
from worker.runtime import Loop

log = structlog.get_logger("worker.jobs")
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def install_jobs(
    loop: Loop, cycle: Cycle, config: Config, conn: Any, env: Mapping[str, str]
) -> list[Callable[[], None]]:
    """Schedule every job; return the ones to run once at start (the first cycle, the page)."""
    s = loop.scheduler
    poll = max(5, int(config.schedule.poll_interval.total_seconds()))
    run_cycle = loop.guarded("cycle", cycle.run)
    s.every(poll).seconds.do(run_cycle)
    at_start = [run_cycle]
    if config.confluence.space:
        publish = loop.guarded("publish", lambda: publish_now(cycle, config, env))
        s.every(max(60, int(config.confluence.publish_interval.total_seconds()))).seconds.do(
            publish
        )
        at_start.insert(0, publish)
    tz = config.calendar.timezone
    weekly = config.schedule.weekly_digest
    getattr(s.every(), WEEKDAYS[weekly.weekday]).at(weekly.at.strftime("%H:%M"), tz).do(
        loop.guarded("weekly_digest", lambda: weekly_digest(cycle, config, env))
    )
    monthly = config.schedule.monthly_review
    s.every().day.at(monthly.at.strftime("%H:%M"), tz).do(
        loop.guarded("monthly_review", lambda: monthly_review_if_due(cycle, config, env))
    )
    return at_start


def publish_now(cycle: Cycle, config: Config, env: Mapping[str, str]) -> None:
    from worker.confluence.service import client_from_env, publish_matrix

    cycle.identify()
    result = publish_matrix(
        config, client_from_env(config, env), worker_account_id=cycle.memory.account_id
    )
    log.info(
        "publish",
        action=result.action,
        page_id=result.page_id,
        version=result.version,
        requests=result.requests,
    )


def weekly_digest(cycle: Cycle, config: Config, env: Mapping[str, str]) -> None:
    from worker.notify.digest import send_weekly_digest

    send_weekly_digest(cycle, config, env)


def monthly_review_if_due(cycle: Cycle, config: Config, env: Mapping[str, str]) -> None:
    from worker.review.monthly import publish_previous_month_if_due

    publish_previous_month_if_due(cycle, config, env)
