from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.e2e.harness import World
from tests.faults.faults_support import make_world
from tests.support import paris
from worker.config.model import Config


@pytest.fixture
def world(example_config: Config) -> Iterator[World]:
    """A sandbox world on Monday 2 March 2026, 09:00 in Paris (strict contract checks on)."""
    with make_world(example_config, paris(2026, 3, 2, 9, 0)) as w:
        yield w
