"""One bad project key among good ones: the good ones are handled, the bad one reported once."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.harness import World, start_world
from tests.ops.ops_support import run_in_process
from tests.support import ROOT, paris
from worker.config.load import load_config


def _config_with(tmp_path: Path, projects: str) -> Path:
    text = (ROOT / "config.example.yaml").read_text()
    assert "projects: [SHOP, PAY, PEOPLE]" in text
    text = text.replace("projects: [SHOP, PAY, PEOPLE]", f"projects: [{projects}]")
    extra = [p.strip() for p in projects.split(",") if p.strip() not in ("SHOP", "PAY", "PEOPLE")]
    # a team names the extra keys too, as a real config would (check refuses an unowned project,
    # and a project two teams both take whole)
    if "SHOP" not in projects:  # only bad keys: each team owns one of them
        text = text.replace("    projects: [SHOP]", f"    projects: [{extra[0]}]")
        text = text.replace(
            "    projects: [PAY, PEOPLE]", f"    projects: [{', '.join(extra[1:])}]"
        )
    else:
        text = text.replace(
            "    projects: [SHOP]", f"    projects: [{', '.join(['SHOP', *extra])}]"
        )
    text = text.replace("rules_dir: rules", f"rules_dir: {ROOT / 'rules'}")
    path = tmp_path / "config.yaml"
    path.write_text(text)
    return path


@pytest.fixture
def world_and_config(tmp_path: Path) -> Iterator[tuple[World, Path]]:
    path = _config_with(tmp_path, "SHOP, PAY, PEOPLE, OPZ")
    for world in start_world(load_config(path), paris(2026, 3, 2, 9, 0)):
        world.site.remove_project("OPZ")  # the sandbox seeds every configured key: a typo has none
        yield world, path


def test_an_unknown_project_is_reported_once_and_the_three_others_are_handled(
    world_and_config: tuple[World, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    world, path = world_and_config
    keys = {p: world.issue(project=p) for p in ("SHOP", "PAY")}
    env = world.env() | {"ESCALATION_WORKER_NOW": world.clock.now().isoformat()}
    res = run_in_process(capsys, "tick", "--config", str(path), env=env)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "Traceback" not in res.stdout + res.stderr
    for key in keys.values():
        assert len(world.worker_comments(key)) == 1, key
    lines = [json.loads(line) for line in (res.stdout + res.stderr).splitlines() if line.strip()]
    skipped = [line for line in lines if line.get("event") == "project_skipped"]
    assert len(skipped) == 1
    assert skipped[0]["project"] == "OPZ" and "jira.projects" in skipped[0]["fix"]
    # the bad key never reached a query (Jira would refuse the whole search with 400)
    searches = [
        r
        for r in world.site.request_log
        if r.path.endswith("/search/jql") and "OPZ" in json.dumps(r.json)
    ]
    assert searches == []


def test_only_unknown_projects_is_a_one_line_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _config_with(tmp_path, "OPZ, NOPE")
    for world in start_world(load_config(path), paris(2026, 3, 2, 9, 0)):
        world.site.remove_project("OPZ")
        world.site.remove_project("NOPE")
        res = run_in_process(capsys, "tick", "--config", str(path), env=world.env())
        assert res.returncode == 1
        assert "Traceback" not in res.stdout + res.stderr
        assert "OPZ" in res.stdout + res.stderr and "jira.projects" in res.stdout + res.stderr


def test_a_project_deleted_while_running_is_dropped_from_the_search(
    world_and_config: tuple[World, Path],
) -> None:
    world, _ = world_and_config
    world.site.add_project("OPZ", "Operations")  # exists at start-up...
    key = world.issue(project="SHOP")
    cycle = world.cycle()
    from worker.app import check_site

    check_site(cycle.gateway, cycle.config, cycle.memory)
    assert cycle.memory.projects == ("SHOP", "PAY", "PEOPLE", "OPZ")
    world.site.remove_project("OPZ")  # ...and is gone before the first search
    cycle.run()
    assert len(world.worker_comments(key)) == 1
    # mypy keeps the four-tuple narrowed by the assert above across cycle.run(), which changed it
    assert cycle.memory.projects == ("SHOP", "PAY", "PEOPLE")  # type: ignore[comparison-overlap]
