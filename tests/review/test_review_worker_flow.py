"""The real worker writes the records; the review reads them: one S1 routed, acknowledged, resolved."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest

from tests.e2e.harness import World, start_world
from tests.review.review_cli import Run
from tests.review.review_seed import Seeded
from tests.support import CPO, paris
from worker.config.model import Config


@pytest.fixture
def world(example_config: Config) -> Iterator[World]:
    yield from start_world(example_config, paris(2026, 3, 2, 9, 0))


def as_seeded(world: World) -> Seeded:
    """Reuse the CLI runner: a Seeded view of the harness world (no Confluence needed here)."""
    return Seeded(world.config, world.site, None, world.server, world.login)  # type: ignore[arg-type]


def test_a_worker_written_record_feeds_report_and_trail(
    world: World, cli: Callable[..., Run]
) -> None:
    key = world.issue("Payments down", labels=("escalation-S1", "escalation-type-incident"))
    assert not world.tick().errors
    world.clock.advance(timedelta(minutes=5))
    world.site.add_comment(key, CPO, "On it: rolling back.")
    world.clock.advance(timedelta(minutes=1))
    world.tick()
    world.clock.advance(timedelta(minutes=54))
    world.site.add_comment(key, CPO, "Decision: roll back 4.2 and pause the promo.")
    world.clock.advance(timedelta(minutes=60))  # 11:00 Paris: two hours after the label
    world.site.transition(key, "Done", by=CPO)
    world.clock.advance(timedelta(minutes=1))
    world.tick()
    assert world.record(key)["status"] == "closed"

    env = {
        **world.env(),
        "ESCALATION_WORKER_CONFIG": str(world.config.path),
        "ESCALATION_WORKER_NOW": paris(2026, 4, 1, 8, 0).isoformat(),
    }
    seeded = as_seeded(world)
    r = cli(seeded, "report", "--month", "2026-03", "--format", "json", env=env).json()
    assert r["total"] == 1 and r["acknowledge"]["met"] == 1 and r["resolve"]["met"] == 1
    assert r["time_to_acknowledge"]["median_s"] == 300  # the comment 5 minutes after the label
    assert r["time_to_resolve"]["median_s"] == 7200
    (entry,) = r["entries"]
    assert entry["first_ack_by"] == "Camille Durand" and entry["resolution"] == "Done"
    kinds = [t["kind"] for t in entry["timeline"]]
    assert kinds[:3] == ["labelled", "routed", "acknowledged"] and kinds[-1] == "closed"

    (line,) = cli(seeded, "trail", env=env).out.splitlines()
    exported = json.loads(line)
    assert (
        exported["key"] == key
        and exported["decision"] == "Decision: roll back 4.2 and pause the promo."
    )
