"""The whole trail kept (issue 12 item 5): an issue escalated three times keeps three escalations,
readable by ``trail`` and ``report``; a long timeline moves to numbered parts instead of being cut."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest

from tests.e2e.harness import World, start_world
from tests.review.review_cli import Run
from tests.review.test_review_worker_flow import as_seeded
from tests.support import CPO, paris
from worker.config.model import Config

LABELS = ("escalation-S1", "escalation-type-incident")


@pytest.fixture
def world(example_config: Config) -> Iterator[World]:
    yield from start_world(example_config, paris(2026, 3, 2, 9, 0))


def escalate_and_close(world: World, key: str, n: int) -> None:
    """One escalation: routed, acknowledged, then closed (resolved the first time, withdrawn after)."""
    if n:
        world.site.add_labels(key, *LABELS, by=CPO)
    assert not world.tick().errors
    world.clock.advance(timedelta(minutes=5))
    world.site.add_comment(key, CPO, f"On it ({n + 1}).")
    world.clock.advance(timedelta(minutes=1))
    world.tick()
    world.clock.advance(timedelta(minutes=30))
    if n == 0:
        world.site.transition(key, "Done", by=CPO)
        world.clock.advance(timedelta(minutes=1))
        world.tick()
        world.clock.advance(timedelta(hours=2))
        world.site.transition(key, "To Do", by=CPO)
    world.site.remove_labels(key, *LABELS, by=CPO)
    world.clock.advance(timedelta(minutes=1))
    world.tick()
    assert world.record(key)["status"] == "closed"
    world.clock.advance(timedelta(hours=3))


def test_an_issue_escalated_three_times_shows_three_escalations(
    world: World, cli: Callable[..., Run]
) -> None:
    key = world.issue("Payments down", labels=LABELS)
    for n in range(3):
        escalate_and_close(world, key, n)

    rec = world.record(key)
    prop = world.config.jira.property_key
    assert rec["epoch"] == 3 and rec["history"] == [1, 2] and rec["schema"] == 3
    for epoch in (1, 2):
        old = world.site.property(key, f"{prop}.history.{epoch}")
        assert old["epoch"] == epoch and old["status"] == "closed" and old["pending"] == []
        assert len(json.dumps(old)) <= 32_000

    env = {
        **world.env(),
        "ESCALATION_WORKER_CONFIG": str(world.config.path),
        "ESCALATION_WORKER_NOW": paris(2026, 4, 1, 8, 0).isoformat(),
    }
    seeded = as_seeded(world)
    lines = cli(seeded, "trail", env=env).out.splitlines()
    trail = [json.loads(line) for line in lines]
    assert [t["key"] for t in trail] == [key] * 3
    assert [t["close_reason"] for t in trail] == ["resolved", "label_removed", "label_removed"]
    assert trail[0]["resolution"] == "Done" and trail[1]["resolution"] is None
    assert all(t["timeline"][0]["kind"] == "labelled" for t in trail)
    assert len({t["opened_at"] for t in trail}) == 3

    r = cli(seeded, "report", "--month", "2026-03", "--format", "json", env=env).json()
    assert r["total"] == 3
    assert [e["key"] for e in r["entries"]] == [key] * 3


def test_a_long_timeline_moves_to_parts_and_the_trail_shows_it_whole(
    world: World, cli: Callable[..., Run]
) -> None:
    key = world.issue("Payments down", labels=LABELS)
    assert not world.tick().errors
    prop = world.config.jira.property_key
    rec = world.record(key)
    extra = [
        {
            "at": rec["timeline"][-1]["at"],
            "kind": "reminded",
            "detail": f"r{i}",
            "who": CPO,
            "level": 0,
        }
        for i in range(150)
    ]
    world.site.set_property(key, prop, {**rec, "timeline": rec["timeline"] + extra})
    world.clock.advance(timedelta(minutes=5))
    world.site.add_comment(key, CPO, "On it.")
    world.clock.advance(timedelta(minutes=1))
    assert not world.tick().errors  # the acknowledgement is written: the timeline moves out
    stored = world.record(key)
    assert len(stored["timeline"]) == 60 and stored["timeline_parts"] == 1
    part = world.site.property(key, f"{prop}.history.1.1")
    assert part["kind"] == "escalation-worker/timeline-part" and len(part["events"]) > 90

    env = {
        **world.env(),
        "ESCALATION_WORKER_CONFIG": str(world.config.path),
        "ESCALATION_WORKER_NOW": paris(2026, 4, 1, 8, 0).isoformat(),
    }
    (line,) = cli(as_seeded(world), "trail", env=env).out.splitlines()
    timeline = json.loads(line)["timeline"]
    assert [t["detail"] for t in timeline if t["kind"] == "reminded"] == [
        f"r{i}" for i in range(150)
    ]
    assert timeline[0]["kind"] == "labelled" and timeline[-1]["kind"] == "acknowledged"
