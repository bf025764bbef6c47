from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from tests.review.review_cli import Run
from tests.review.review_seed import Seeded, seed_month
from worker.config.model import Config


@pytest.fixture(scope="module")
def month(example_config: Config) -> Iterator[Seeded]:
    yield from seed_month(example_config)


@pytest.fixture
def fresh_month(example_config: Config) -> Iterator[Seeded]:
    yield from seed_month(example_config)


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., Run]:
    """Run ``escalation-worker <argv>`` in this process (``worker.cli.main``), against a seeded site."""
    from worker.cli import main

    def run(seeded: Seeded, *argv: str, env: dict[str, str] | None = None) -> Run:
        capsys.readouterr()
        code = main(list(argv), env if env is not None else seeded.env())
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    return run
