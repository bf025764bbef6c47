"""The wall view at ten teams: a generated organisation (scripts/ten_teams.py) on the page."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import yaml

from scripts.ten_teams import TEAMS, ten_team_config
from worker.config.load import load_config
from worker.config.model import Config
from worker.confluence.render import RI_NS, parse_storage, render_matrix_page


def ten_teams(tmp_path: Path) -> Config:
    path = tmp_path / "config.yaml"
    path.write_text(
        yaml.safe_dump(ten_team_config(), allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    return load_config(path)


def texts(el: ET.Element) -> str:
    return "".join(el.itertext())


def test_ten_teams_the_matrix_names_no_team_and_no_person(tmp_path: Path) -> None:
    cfg = ten_teams(tmp_path)
    assert len(cfg.directory.teams) == 10
    root = parse_storage(
        render_matrix_page(cfg.rules, cfg.directory, source_hash=cfg.rules.source_hash)
    )
    matrix = root.find("./table")
    assert matrix is not None and len(matrix.findall("./tbody/tr")) == 1 + len(cfg.rules.types)
    assert list(matrix.iter(f"{{{RI_NS}}}user")) == []
    matrix_text = texts(matrix)
    for _, name, _ in TEAMS:
        assert name not in matrix_text
    # one people table, one row per team, each row naming that team's people once per role
    tables = root.findall("./table")
    people = tables[1]
    rows = people.findall("./tbody/tr")
    assert [texts(r.findall("td")[0]) for r in rows[1:]] == [n for _, n, _ in TEAMS]
    assert [t for t in tables if "Identity & access" in texts(t)] == [people]
