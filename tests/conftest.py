"""Shared fixtures: the example configuration, its rules and clocks."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.notify.fake_slack import FakeSlack
from tests.support import ROOT, WORKER
from worker.config.model import Config
from worker.core.decide import Context

# Every `python -m worker ...` a test starts imports the tree under test. Without this a subprocess
# imports whatever `worker` the virtualenv has installed: with an editable install made from another
# checkout (a second worktree sharing the venv), the tests of one tree would run the other's code.
# The packaging tests build their own environment without it (they test the installed wheel).
os.environ["PYTHONPATH"] = os.pathsep.join(
    p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p
)


@pytest.fixture(scope="session", autouse=True)
def _private_tmpdir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Lock files and other temporary files of this test run stay out of the machine-wide /tmp.

    The worker's process lock lives in the temporary folder; two test runs on one machine (or a
    real worker beside the tests) must not see each other's locks."""
    folder = tmp_path_factory.mktemp("tmp")
    old_env, old_tempdir = os.environ.get("TMPDIR"), tempfile.tempdir
    os.environ["TMPDIR"] = str(folder)
    tempfile.tempdir = str(folder)
    yield folder
    tempfile.tempdir = old_tempdir
    if old_env is None:
        os.environ.pop("TMPDIR", None)
    else:
        os.environ["TMPDIR"] = old_env


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


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    """A fake Slack Web API on loopback (tests/notify/fake_slack.py), stopped after the test."""
    fake = FakeSlack().start()
    try:
        yield fake
    finally:
        fake.stop()
