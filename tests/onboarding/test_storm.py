"""Issue 13 item 3, acceptance: with adoption off, a burst of escalations for the same people; no
person gets more than ``storm.max_per_person`` mentions and notifications plus one digest per
window, across ticks that are separate processes; nothing is dropped; S1 is never folded."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import timedelta

import pytest

from tests.e2e.harness import World, start_world
from tests.onboarding.first_day import RecordingNotifier, configured, mentions, writes
from tests.support import paris
from worker.config.model import Config

START = paris(2026, 3, 2, 9, 0)
LIMIT = 4


@pytest.fixture
def world(example_config: Config) -> Iterator[World]:
    yield from start_world(configured(example_config, adopt=False, limit=LIMIT), START)


def _burst(world: World, n: int, label: str = "escalation-S3") -> list[str]:
    return [
        world.issue(f"Scope fight {i}", labels=(label, "escalation-type-scope")) for i in range(n)
    ]


def _reached(world: World, notifier: RecordingNotifier) -> Counter[str]:
    """Mentions in the worker's comments plus notifications (not digests), per person."""
    n = Counter(r for a in notifier.sent if a.event != "digest" for r in a.recipients)
    return mentions(world) + n


def test_a_burst_is_folded_into_one_digest_and_nothing_is_dropped(world: World) -> None:
    keys = _burst(world, 12)
    notifier = RecordingNotifier()
    report = world.tick(notifier=notifier)
    assert report.errors == []
    # every issue is routed: one comment each, nothing dropped
    assert writes(world, "comment") == len(keys)
    reached = _reached(world, notifier)
    assert reached, "the burst reached nobody: the test proves nothing"
    digests = [a for a in notifier.sent if a.event == "digest"]
    for person in reached:
        # the comment's mention and the notification of one issue count once: at most LIMIT issues
        issues_reached = {a.issue_key for a in notifier.sent if person in a.recipients}
        issues_reached |= {k for k in keys if _mentioned(world, k, person)}
        assert len(issues_reached - {d.issue_key for d in digests}) <= LIMIT, person
    # one digest per folded person, listing every issue that did not reach them on its own
    by_person = Counter(d.recipients[0] for d in digests)
    assert by_person and set(by_person.values()) == {1}
    for d in digests:
        person = d.recipients[0]
        folded = [k for k in keys if not _mentioned(world, k, person) and _named(world, k)]
        listed = [k for k in keys if f"{k} " in d.text + " "]
        assert len(listed) == len(keys) - LIMIT, (person, listed)
        name = world.config.directory.by_account(person)
        for k in listed:
            assert not _mentioned(world, k, person), k
            if name is not None:  # named in plain words instead of the @mention
                assert any(name.name in c.text for c in world.worker_comments(k)), k
        assert folded
    assert report.actions["digest"] == len(digests)


def test_the_budget_holds_across_ticks_and_the_digest_waits_for_the_window(world: World) -> None:
    _burst(world, 6)
    first = RecordingNotifier()
    world.tick(notifier=first)
    assert len([a for a in first.sent if a.event == "digest"]) >= 1
    world.clock.advance(timedelta(minutes=2))
    more = _burst(world, 5)
    second = RecordingNotifier()
    world.tick(notifier=second)  # a new process: the counts come from the site
    assert [a for a in second.sent if a.event == "digest"] == []  # one digest per window
    for k in more:
        assert world.worker_comments(k) and not any(
            _mentioned(world, k, p) for p in _people(world)
        ), k
    world.clock.advance(timedelta(minutes=9))
    third = RecordingNotifier()
    world.tick(notifier=third)
    late = [a for a in third.sent if a.event == "digest"]
    assert late, "the folded updates of the second tick never reached anyone"
    for k in more:
        assert any(k in d.text for d in late), k


def test_s1_is_never_folded(world: World) -> None:
    _burst(world, 6)
    world.tick(notifier=RecordingNotifier())
    world.clock.advance(timedelta(minutes=1))
    outage = world.issue("Outage", labels=("escalation-S1", "escalation-type-incident"))
    notifier = RecordingNotifier()
    world.tick(notifier=notifier)
    route = [a for a in notifier.sent if a.issue_key == outage and a.event == "route"]
    assert route and route[0].recipients
    (comment,) = world.worker_comments(outage)
    assert any(_mentioned(world, outage, p) for p in route[0].recipients)
    del comment


def _people(world: World) -> list[str]:
    return [p.account_id for p in world.config.directory.people.values()]


def _named(world: World, key: str) -> bool:
    return bool(world.worker_comments(key))


def _mentioned(world: World, key: str, person: str) -> bool:
    from tests.onboarding.first_day import _walk

    for c in world.site.comments(key):
        for node in _walk(c.body):
            if node.get("type") == "mention" and node["attrs"]["id"] == person:
                return True
    return False
