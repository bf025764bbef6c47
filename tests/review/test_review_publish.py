"""Publishing the review: a child page of the matrix, hash idempotency, the 1st-of-the-month job."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime

from tests.review.review_cli import Run
from tests.review.review_seed import NOW, Seeded
from worker.app import build_cycle, connection
from worker.confluence.service import client_from_env, publish_matrix
from worker.core.record import from_json, to_json
from worker.review.monthly import publish_previous_month_if_due
from worker.sandbox.organisation import WORKER_ACCOUNT

TITLE = "Escalation review 2026-03"


def publish_matrix_page(seeded: Seeded) -> str:
    result = publish_matrix(
        seeded.config,
        client_from_env(seeded.config, seeded.env()),
        worker_account_id=WORKER_ACCOUNT,
    )
    assert result.action == "created" and result.page_id
    return result.page_id


def test_publish_creates_a_child_page_of_the_matrix_then_leaves_it_alone(
    cli: Callable[..., Run], fresh_month: Seeded
) -> None:
    matrix = publish_matrix_page(fresh_month)
    first = cli(fresh_month, "report", "--month", "2026-03", "--publish")
    assert first.code == 0, first.err
    (page,) = fresh_month.wiki.pages(title=TITLE)
    assert page.parent_id == matrix and page.space_key == "PROD" and page.version == 1
    assert page.version_authors == (WORKER_ACCOUNT,)
    # the chart macro with the team x severity table, and no trace of the people issue
    assert 'ac:name="chart"' in page.body and "<td>Checkout</td>" in page.body
    assert fresh_month.key("F") not in page.body and "Conflict in the squad" not in page.body
    ET.fromstring('<r xmlns:ac="a" xmlns:ri="r">' + page.body + "</r>")
    second = cli(fresh_month, "report", "--month", "2026-03", "--publish")
    assert second.code == 0 and "up to date" in second.err
    assert fresh_month.wiki.page(page.id).version == 1


def test_the_page_follows_the_figures(cli: Callable[..., Run], fresh_month: Seeded) -> None:
    publish_matrix_page(fresh_month)
    assert cli(fresh_month, "report", "--month", "2026-03", "--publish").code == 0
    # G gets acknowledged late (it was already breached): the figures change, so the page does
    fresh_month.site.add_comment(fresh_month.key("G"), "5b10a2844c20165700ede21a", "Taking it.")
    rec = from_json(fresh_month.site.property(fresh_month.key("G"), "escalation-worker"))
    late = replace(
        rec, first_ack_at=datetime(2026, 3, 27, 9, tzinfo=UTC), first_ack_by=rec.current.owner
    )
    fresh_month.site.set_property(fresh_month.key("G"), "escalation-worker", to_json(late))
    again = cli(fresh_month, "report", "--month", "2026-03", "--publish")
    assert again.code == 0, again.err
    (page,) = fresh_month.wiki.pages(title=TITLE)
    assert page.version == 2 and "<td>8</td>" in page.body  # tta count 7 -> 8


def test_monthly_job_acts_on_the_first_only_and_is_idempotent(fresh_month: Seeded) -> None:
    env = fresh_month.env()
    matrix = publish_matrix_page(fresh_month)
    conn = connection(fresh_month.config, env)

    gateway = build_cycle(fresh_month.config, conn, now=lambda: NOW).gateway
    wiki = lambda: client_from_env(fresh_month.config, env)  # noqa: E731

    def due_at(at: datetime):  # type: ignore[no-untyped-def]
        return publish_previous_month_if_due(
            gateway, fresh_month.config, at, wiki=wiki, account_id=None
        )

    before = sum(fresh_month.site.counts_by_endpoint().values())
    assert due_at(datetime(2026, 4, 2, 6, tzinfo=UTC)) is None
    assert (
        sum(fresh_month.site.counts_by_endpoint().values()) == before
    )  # not due: not a single request
    # 1 April 00:30 in Paris is already the 1st (31 March 22:30 UTC)
    first = due_at(datetime(2026, 3, 31, 22, 30, tzinfo=UTC))
    assert first is not None and first.action == "created"
    (page,) = fresh_month.wiki.pages(title=TITLE)
    assert page.parent_id == matrix
    again = due_at(NOW)
    assert again is not None and again.action in ("unchanged", "updated")
    assert len(fresh_month.wiki.pages(title=TITLE)) == 1


def test_without_a_matrix_page_the_review_goes_under_the_configured_parent(
    cli: Callable[..., Run], fresh_month: Seeded
) -> None:
    run = cli(fresh_month, "report", "--month", "2026-03", "--publish")
    assert run.code == 0, run.err
    (page,) = fresh_month.wiki.pages(title=TITLE)
    # config.example.yaml has parent_id: null, so the page lands at the top of the space (under its home page)
    assert fresh_month.wiki.pages(title="Escalation matrix") == []
    assert (
        page.parent_id is None or fresh_month.wiki.page(page.parent_id).title != "Escalation matrix"
    )
