"""Shared fixtures: the example configuration, its rules and clocks."""

from __future__ import annotations

import pytest

from tests.support import ROOT, WORKER
from worker.config.model import Config
from worker.core.decide import Context


@pytest.fixture(scope="session")
def example_config() -> Config:
    from worker.config.load import load_config

    return load_config(ROOT / "config.example.yaml")


@pytest.fixture(scope="session")
def ctx(example_config: Config) -> Context:
    from worker.config.clocks import build_clocks

    return Context(
        rules=example_config.rules,
        directory=example_config.directory,
        clocks=build_clocks(example_config),
        worker_account_id=WORKER,
    )
