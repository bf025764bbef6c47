from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.e2e.harness import World, start_world
from tests.support import paris
from tests.web.webworld import Web, start_web
from worker.config.model import Config


@pytest.fixture
def world(example_config: Config) -> Iterator[World]:
    # Monday 2 March 2026, 09:00 in Paris
    yield from start_world(example_config, paris(2026, 3, 2, 9, 0))


@pytest.fixture
def web(world: World) -> Iterator[Web]:
    yield from start_web(world)
