"""The optional page section of adopted escalations (issue 13 item 2, ``confluence.show_adopted``):
read from the adoption outbox the first live tick left on the site."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta

import pytest

from tests.e2e.harness import World, start_world
from tests.onboarding.first_day import RecordingNotifier, configured, seed
from tests.support import paris
from worker.config.model import Config
from worker.confluence.render import parse_storage
from worker.confluence.service import render_matrix
from worker.cycle.adoption_outbox import AdoptionOutbox

START = paris(2026, 3, 2, 9, 0)


@pytest.fixture
def world(example_config: Config) -> Iterator[World]:
    yield from start_world(configured(example_config), START)


def test_the_page_lists_the_adopted_escalations_per_owner_when_asked(world: World) -> None:
    keys = seed(world, 12, start=START - timedelta(hours=6), step=timedelta(minutes=9))
    notifier = RecordingNotifier()
    world.tick(notifier=notifier)
    told = {r for n in notifier.sent if n.event == "adopt" for r in n.recipients}
    cycle = world.cycle()
    cycle.identify()
    assert cycle.memory.account_id is not None
    items = AdoptionOutbox(cycle.gateway, cycle.memory.account_id).adopted()
    assert set(items) == told  # the owners told, after their messages went out
    assert sorted(k for found in items.values() for k, _ in found) == sorted(keys)

    shown = replace(world.config, confluence=replace(world.config.confluence, show_adopted=True))
    root = parse_storage(render_matrix(shown, world.clock.now(), items))
    text = "".join(root.itertext())
    assert "Adopted escalations" in text
    assert all(k in text for k in keys)
    names = {world.config.directory.by_account(o).name for o in items}  # type: ignore[union-attr]
    assert all(n in text for n in names)
    # off by default
    plain = "".join(parse_storage(render_matrix(world.config, world.clock.now(), items)).itertext())
    assert "Adopted escalations" not in plain
