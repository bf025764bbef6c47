"""Computing a month's review from Jira, publishing it as a child page of the matrix, and the monthly job.

The page is "Escalation review YYYY-MM" under the matrix page, written through the generic
:func:`worker.confluence.publish.publish`, so it shares the matrix page's hash-based idempotency
and manual-edit handling. A published review never names people issues.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import datetime
from zoneinfo import ZoneInfo

from worker.config.model import Config
from worker.confluence.client import ConfluencePort
from worker.confluence.publish import PROPERTY_KEY, PublishResult, publish
from worker.confluence.service import content_hash
from worker.core.i18n_marks import N_
from worker.core.texts import ENGLISH, Texts
from worker.i18n import texts_for
from worker.review.compute import Report, build_report
from worker.review.model import Month
from worker.review.render import to_storage
from worker.review.source import ReviewFields, SearchPort, load_escalations

log = logging.getLogger(__name__)


def review_title(month: Month, texts: Texts = ENGLISH) -> str:
    return texts.gettext(N_("Escalation review {month}")).format(month=month)


def compute_month(
    gateway: SearchPort,
    config: Config,
    month: Month,
    now: datetime,
    *,
    fields: ReviewFields = ReviewFields(),
    include_sensitive: bool = False,
) -> Report:
    """Read the records that can matter for ``month`` (it, the month before, carry-overs) and compute."""
    tz = ZoneInfo(config.calendar.timezone)
    escalations = load_escalations(
        gateway, config, updated_since=month.previous().start(tz), fields=fields
    )
    return build_report(
        escalations,
        month,
        tz=tz,
        now=now,
        rules=config.rules,
        directory=config.directory,
        include_sensitive=include_sensitive,
    )


def matrix_page_id(config: Config, client: ConfluencePort) -> str | None:
    """The matrix page the worker publishes: the configured id, else the worker-owned page with its title."""
    settings = config.confluence
    if settings.page_id:
        return settings.page_id
    if not settings.space:
        return None
    space = client.space_by_key(settings.space)
    for page in client.find_pages(settings.title, space_id=space.id):
        prop = client.get_property(page.id, PROPERTY_KEY)
        if (
            prop is not None
            and isinstance(prop.value, Mapping)
            and prop.value.get("space_key") == settings.space
        ):
            return page.id
    return None


def publish_report(
    config: Config,
    client: ConfluencePort | None,
    report: Report,
    *,
    worker_account_id: str | None = None,
    dry_run: bool = False,
) -> PublishResult:
    """Create or update "Escalation review YYYY-MM" under the matrix page (or the configured parent)."""
    if report.include_sensitive:
        raise ValueError("a review that names people issues is never published")
    if not config.confluence.space:
        raise ValueError(
            "confluence.space is not set in config.yaml: there is nowhere to publish the review"
        )
    texts = texts_for(config.language)
    storage = to_storage(report, texts)
    parent = matrix_page_id(config, client) if client is not None else None
    if parent is None:
        parent = config.confluence.parent_id
        log.info("review.no_matrix_page", extra={"parent_id": parent})
    return publish(
        client,
        space_key=config.confluence.space,
        title=review_title(report.month, texts),
        parent_id=parent,
        page_id=None,
        storage=storage,
        source_hash=content_hash(storage),
        on_manual_edit=config.confluence.on_manual_edit,
        worker_account_id=worker_account_id,
        dry_run=dry_run,
    )


def publish_previous_month_if_due(
    gateway: SearchPort,
    config: Config,
    now: datetime,
    *,
    wiki: Callable[[], ConfluencePort],
    account_id: str | None,
) -> PublishResult | None:
    """On the configured day of the month (the 1st by default), publish last month's review.

    ``run`` calls this every day at ``schedule.monthly_review.at`` in the calendar's time zone; on
    any other day it returns None without a request. Calling it twice the same day is harmless: the
    second call finds the page up to date (``unchanged``). ``wiki`` makes the Confluence client,
    only when the review is due.
    """
    tz = ZoneInfo(config.calendar.timezone)
    if now.astimezone(tz).day != config.schedule.monthly_review.day:
        return None
    if not config.confluence.space:
        log.warning("review.not_published", extra={"why": "confluence.space is not set"})
        return None
    month = Month.of(now, tz).previous()
    report = compute_month(gateway, config, month, now, fields=ReviewFields.from_config(config))
    result = publish_report(config, wiki(), report, worker_account_id=account_id)
    log.info(
        "review.published",
        extra={
            "month": str(month),
            "action": result.action,
            "page_id": result.page_id,
            "version": result.version,
        },
    )
    return result


__all__ = [
    "compute_month",
    "matrix_page_id",
    "publish_previous_month_if_due",
    "publish_report",
    "review_title",
]
