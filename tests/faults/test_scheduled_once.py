"""Calendar jobs once per period across processes (issue 14 item 6): the weekly digest and the monthly
review take a marker on the worker account (a user property) with the claim of the exactly-once
protocol, and a worker that starts after a missed period catches up, once."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Generator
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from tests.faults.faults_support import CountingChannel, make_world
from tests.review.review_seed import seed_month
from tests.support import paris
from worker.app import build_cycle, connection
from worker.config.model import Config
from worker.confluence.service import client_from_env
from worker.sandbox.faults import Match, Ordering
from worker.schedule_jobs import (
    JobMarkers,
    catch_up,
    last_monthly,
    last_weekly,
    monthly_period,
    weekly_digest_once,
    weekly_period,
)

PARIS = ZoneInfo("Europe/Paris")
MONDAY_9 = paris(2026, 3, 2, 9, 0)  # the example config's digest time


@dataclass
class Process:
    """What the calendar jobs use of ``worker.app.Services``, for one worker process."""

    config: Config
    gateway: Any
    now: Any
    account_id: str
    site_url: str = ""
    channels: dict[str, Any] = field(default_factory=dict)
    wiki_factory: Any = None

    def wiki(self) -> Any:
        return self.wiki_factory()


def test_periods() -> None:
    # Monday 09:00 is due at 09:00 itself; a Sunday looks back to the Monday before
    assert last_weekly(MONDAY_9, PARIS, 0, time(9)) == MONDAY_9
    assert last_weekly(MONDAY_9 - timedelta(minutes=1), PARIS, 0, time(9)) == MONDAY_9 - timedelta(
        days=7
    )
    assert weekly_period(MONDAY_9 + timedelta(days=6), PARIS, 0, time(9)).label == "2026-W10"
    # the review of March falls due on 1 April at 08:00; on 3 April it is still March's
    third = datetime(2026, 4, 3, 10, tzinfo=PARIS)
    assert last_monthly(third, PARIS, 1, time(8)) == datetime(2026, 4, 1, 8, tzinfo=PARIS)
    assert monthly_period(third, PARIS, 1, time(8)).label == "2026-03"
    assert (
        monthly_period(datetime(2026, 4, 1, 7, tzinfo=PARIS), PARIS, 1, time(8)).label == "2026-02"
    )
    assert monthly_period(datetime(2026, 1, 2, tzinfo=PARIS), PARIS, 1, time(8)).label == "2025-12"
    # a day beyond the month's end is its last day
    assert last_monthly(datetime(2026, 3, 1, tzinfo=PARIS), PARIS, 31, time(8)) == datetime(
        2026, 2, 28, 8, tzinfo=PARIS
    )


def test_two_processes_at_the_weekly_digest_time_send_it_once(example_config: Config) -> None:
    order = Ordering(None, [])
    slack = CountingChannel()
    with make_world(example_config, MONDAY_9 - timedelta(hours=1), hooks=(order,)) as world:
        order.site = world.site
        world.issue("Checkout promo scope")  # an open S3: it belongs in its PO's digest
        world.issue("Search tweaks")
        world.tick()
        world.clock.set(MONDAY_9)
        account = world.login.account_id

        def process(token: str) -> tuple[Process, JobMarkers]:
            gateway = build_cycle(
                world.config, connection(world.config, world.env()), now=world.clock.now
            ).gateway
            p = Process(
                world.config,
                gateway,
                world.clock.now,
                account,
                world.server.url,
                {"slack_dm": slack},
            )
            return p, JobMarkers(gateway, account, token=token, now=world.clock.now)

        (a, ma), (b, mb) = process("tok-a"), process("tok-b")
        marker = r"/user/properties/escalation-worker\.job\.weekly-digest\."
        # both look first (no marker), A creates it, B replaces it (200) and confesses, A reads back
        order.steps = [
            Match("GET", marker),
            Match("GET", marker),
            Match("PUT", marker, body_contains='"tok-a"'),
            Match("PUT", marker, body_contains='"tok-b"'),
            Match("PUT", marker, body_contains='"lost"'),
            Match("GET", marker),
        ]
        order.taken = [False] * len(order.steps)
        order.done = [threading.Event() for _ in order.steps]
        ran: dict[str, bool] = {}
        errors: list[BaseException] = []

        def go(name: str, p: Process, m: JobMarkers) -> None:
            try:
                ran[name] = weekly_digest_once(p, m)  # type: ignore[arg-type]
            except BaseException as exc:  # pragma: no cover - reported below
                errors.append(exc)

        threads = [
            threading.Thread(target=go, args=("a", a, ma)),
            threading.Thread(target=go, args=("b", b, mb)),
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        assert not errors, errors
        assert order.completed
        assert ran == {"a": True, "b": False}
        sent = Counter(slack.sent)
        assert sent and set(sent.values()) == {1}  # each PO's digest once
        first = len(slack.sent)
        # a third process started later the same week: the marker says done
        world.clock.advance(timedelta(days=2))
        c, _ = process("tok-c")
        assert weekly_digest_once(c) is False  # type: ignore[arg-type]
        assert len(slack.sent) == first
        stored = world.site.user_property(account, "escalation-worker.job.weekly-digest.2026-W10")
        assert stored["status"] == "done" and stored["token"] == "tok-a"
        # the next week is another period
        world.clock.set(MONDAY_9 + timedelta(days=7))
        assert weekly_digest_once(c) is True  # type: ignore[arg-type]


def test_a_worker_started_on_the_3rd_publishes_last_months_review_once(
    example_config: Config,
) -> None:
    worlds = seed_month(example_config)
    assert isinstance(worlds, Generator)  # a generator: closed below, which stops its server
    seeded = next(worlds)
    try:
        _started_on_the_3rd(seeded)
    finally:
        worlds.close()


def _started_on_the_3rd(seeded: Any) -> None:
    env = seeded.env()
    third = datetime(2026, 4, 3, 8, 30, tzinfo=UTC)
    seeded.site.clock.set(third)
    slack = CountingChannel()

    def process() -> Process:
        gateway = build_cycle(
            seeded.config, connection(seeded.config, env), now=seeded.site.clock.now
        ).gateway
        return Process(
            seeded.config,
            gateway,
            seeded.site.clock.now,
            seeded.login.account_id,
            seeded.server.url,
            {"slack_dm": slack},
            lambda: client_from_env(seeded.config, env),
        )

    catch_up(process())  # type: ignore[arg-type]
    pages = seeded.wiki.pages(title="Escalation review 2026-03")
    assert len(pages) == 1 and pages[0].version == 1
    # another process starting the same day, and the daily job the day after: nothing more
    catch_up(process())  # type: ignore[arg-type]
    seeded.site.clock.advance(timedelta(days=1))
    catch_up(process())  # type: ignore[arg-type]
    pages = seeded.wiki.pages(title="Escalation review 2026-03")
    assert len(pages) == 1 and pages[0].version == 1
    marker = seeded.site.user_property(
        seeded.login.account_id, "escalation-worker.job.monthly-review.2026-03"
    )
    assert marker["status"] == "done"
