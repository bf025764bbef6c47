from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.e2e.harness import World, start_world
from tests.support import paris
from worker.config.model import Config


@pytest.fixture
def world(example_config: Config) -> Iterator[World]:
    yield from start_world(example_config, paris(2026, 3, 2, 9, 0))
