"""Issue 13 item 2, acceptance: a site seeded with escalations labelled before ``adoption.since``;
the first live tick adopts them quietly (records, one message per owner, one summary)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import timedelta

import pytest
from structlog.testing import capture_logs

from tests.e2e.harness import World, start_world
from tests.onboarding.first_day import RecordingNotifier, configured, mentions, seed, writes
from tests.support import paris
from worker.config.model import Config
from worker.cycle.adoption import PROPERTY_KEY
from worker.jira.stored_record import read_record

START = paris(2026, 3, 2, 9, 0)


@pytest.fixture
def world(example_config: Config) -> Iterator[World]:
    yield from start_world(configured(example_config), START)


# slow tier: 300 issues through a whole first tick (scenario scale); the smaller adoption tests
# below stay in the quick tier
@pytest.mark.slow
def test_first_live_tick_adopts_a_few_hundred_old_labels_quietly(world: World) -> None:
    keys = seed(world, 300, start=START - timedelta(days=3), step=timedelta(minutes=13))
    world.clock.advance(timedelta(minutes=5))
    notifier = RecordingNotifier()
    with capture_logs() as logs:
        report = world.tick(notifier=notifier)
    assert report.errors == []
    # no per-issue effect at all
    assert writes(world, "comment") == 0
    assert writes(world, "assign") == 0
    assert mentions(world) == {}
    # every record written, owned, its clocks counted from the adoption instant
    since = world.clock.now()
    owners: dict[str, list[str]] = {}
    for key in keys:
        rec, problem, _ = read_record(world.record(key))
        assert rec is not None and rec.status == "open", (key, problem)
        assert [e.kind for e in rec.timeline][-1] == "adopted", key
        # the clocks start at the adoption instant, not at the (older) label
        assert rec.opened_at == since and rec.current.started_at == since, key
        assert rec.severity_at is not None and rec.severity_at < since
        assert rec.current.ack_due is not None and rec.current.ack_due > since
        if rec.current.owner:
            owners.setdefault(rec.current.owner, []).append(key)
    assert owners
    # one message per adopted owner (whose severities have channels), listing all they own
    adopt = [n for n in notifier.sent if n.event == "adopt"]
    assert [n for n in notifier.sent if n.event != "adopt"] == []
    assert len(adopt) == len({n.recipients[0] for n in adopt})
    for n in adopt:
        (owner,) = n.recipients
        for key in owners[owner]:
            assert key in n.text, (owner, key)
    assert report.actions["adopt_message"] == len(adopt)
    # the summary, printed once, names every adopted escalation
    summaries = [e for e in logs if e["event"] == "adopted"]
    assert len(summaries) == 1
    listed = [line for lines in summaries[0]["summary"].values() for line in lines]
    assert sorted(line.split()[0] for line in listed) == sorted(keys)
    assert summaries[0]["escalations"] == len(keys)
    # the instant is remembered on the site, and the next tick (a new process) adds nothing
    assert world.site._user_properties[world.login.account_id][PROPERTY_KEY]["since"]
    world.clock.advance(timedelta(minutes=1))
    again = RecordingNotifier()
    world.tick(notifier=again)
    assert writes(world, "comment") == 0 and [n.event for n in again.sent] == []


def test_a_label_after_the_adoption_instant_is_routed_as_usual(world: World) -> None:
    old = seed(world, 4, start=START - timedelta(hours=5), step=timedelta(minutes=7))
    world.tick(notifier=RecordingNotifier())
    world.clock.advance(timedelta(minutes=2))
    new = world.issue("Fresh one", labels=("escalation-S3", "escalation-type-scope"))
    notifier = RecordingNotifier()
    world.tick(notifier=notifier)
    assert len(world.worker_comments(new)) == 1
    assert all(world.worker_comments(k) == [] for k in old)
    assert [n.event for n in notifier.sent] == ["route"]


def test_two_workers_agree_on_the_earliest_instant(world: World) -> None:
    seed(world, 2, start=START - timedelta(hours=2), step=timedelta(minutes=7))
    first = world.cycle(notifier=RecordingNotifier())
    first.run()
    stored = world.site._user_properties[world.login.account_id][PROPERTY_KEY]["since"]
    world.clock.advance(timedelta(minutes=3))
    second = world.cycle(notifier=RecordingNotifier())
    second.run()
    assert second.memory.adopt_since == first.memory.adopt_since
    assert world.site._user_properties[world.login.account_id][PROPERTY_KEY]["since"] == stored


def test_a_shadow_or_dry_cycle_shows_the_adoption_and_remembers_nothing(world: World) -> None:
    seed(world, 6, start=START - timedelta(hours=2), step=timedelta(minutes=7))
    notifier = RecordingNotifier()
    with capture_logs() as logs:
        report = world.cycle(notifier=notifier).run(dry_run=True)
    assert {d.did.value for _, d in report.decisions} == {"adopt"}
    assert notifier.sent == []
    assert [e["escalations"] for e in logs if e["event"] == "adopted"] == [6]
    assert PROPERTY_KEY not in world.site._user_properties.get(world.login.account_id, {})


def test_adoption_off_routes_the_old_labels(example_config: Config) -> None:
    for world in start_world(configured(example_config, adopt=False, limit=1000), START):
        keys = seed(world, 5, start=START - timedelta(hours=2), step=timedelta(minutes=7))
        world.tick(notifier=RecordingNotifier())
        assert all(len(world.worker_comments(k)) == 1 for k in keys)


@pytest.mark.slow
def test_three_thousand_old_labels_adopted_in_one_tick(world: World) -> None:
    """The issue's site: 3,000 labelled issues. Prints the tick's time and requests (not asserted)."""
    keys = seed(world, 3000, start=START - timedelta(days=30), step=timedelta(minutes=14))
    world.clock.advance(timedelta(minutes=5))
    notifier = RecordingNotifier()
    t0 = time.perf_counter()
    report = world.tick(notifier=notifier)
    elapsed = time.perf_counter() - t0
    print(
        f"\nadoption of {len(keys)} issues: {elapsed:.1f} s, {report.request_total} requests "
        f"({dict(report.requests)}), {len(notifier.sent)} messages"
    )
    assert report.errors == []
    assert writes(world, "comment") == 0 and writes(world, "assign") == 0
    assert mentions(world) == {}
    assert {n.event for n in notifier.sent} == {"adopt"}
    assert len(notifier.sent) == len({n.recipients[0] for n in notifier.sent})
    assert all(read_record(world.record(k))[0] is not None for k in keys[::97])
