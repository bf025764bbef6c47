"""The adoption summary as a user sees it: `tick` prints one `adopted` line (through `worker.cli.main`)."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from tests.e2e.harness import start_world
from tests.onboarding.first_day import seed, writes
from tests.ops.ops_support import run_in_process
from tests.support import ROOT, paris
from worker.config.load import load_config


def test_tick_prints_the_adoption_summary_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (ROOT / "config.example.yaml").read_text()
    text = text.replace("rules_dir: rules", f"rules_dir: {ROOT / 'rules'}")
    path = tmp_path / "config.yaml"
    # without an adoption: section (the default, auto); the example's says off for the demo
    path.write_text(text.partition("\n# The first day (")[0])
    start = paris(2026, 3, 2, 9, 0)
    for world in start_world(load_config(path), start):
        keys = seed(world, 20, start=start - timedelta(hours=6), step=timedelta(minutes=9))
        env = world.env() | {"ESCALATION_WORKER_NOW": world.clock.now().isoformat()}
        res = run_in_process(capsys, "tick", "--config", str(path), env=env)
        assert res.returncode == 0, res.stdout + res.stderr
        lines = [json.loads(x) for x in (res.stdout + res.stderr).splitlines() if x.strip()]
        summary = [x for x in lines if x.get("event") == "adopted"]
        assert len(summary) == 1 and summary[0]["escalations"] == len(keys)
        assert writes(world, "comment") == 0 and writes(world, "assign") == 0
