from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from tests.review.review_cli import Run, parse
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
    """Run ``escalation-worker <argv>`` through the handlers ``register`` returns, against a seeded site."""

    def run(seeded: Seeded, *argv: str, env: dict[str, str] | None = None) -> Run:
        capsys.readouterr()
        args, handlers = parse(list(argv))
        code = handlers[args.command](args, env if env is not None else seeded.env())
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    return run
