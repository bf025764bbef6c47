"""The wall view shared by the page and the poster: roles per cell, people per team."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from worker.config.load import load_config
from worker.core.matrix_view import matrix_view

ROOT = Path(__file__).resolve().parents[2]


def test_cells_carry_roles_deadlines_and_the_ladder_path() -> None:
    cfg = load_config(ROOT / "config.example.yaml")
    view = matrix_view(cfg.rules, cfg.directory)
    assert [s.id for s in view.severities] == ["S1", "S2", "S3", "S4"]
    s1 = view.cell("production_incident", "S1")
    assert s1 is not None
    assert (s1.owner, s1.with_roles, s1.path, s1.top) == ("CPO", ("CTO",), (), "CTO")
    assert (s1.acknowledge, s1.resolve) == ("15 min", "4 h")
    s3 = view.cell("cross_team_dependency", "S3")
    assert s3 is not None and s3.path == ("Product Director", "CPO") and s3.top is None
    assert s3.note and "other team" in s3.note
    # team roles in the order rules/roles.yaml lists them, global roles apart
    assert view.team_roles[:3] == ("Dev squad", "Lead Dev", "Tech Lead")
    assert "CPO" not in view.team_roles and ("CPO", (cfg.directory.people["camille"],)) in (
        view.global_roles
    )
    checkout = view.teams[0]
    po = view.team_roles.index("Product Owner")
    assert checkout.name == "Checkout" and checkout.people[po][0].name == "Emma Moreau"


def test_a_missing_cell_is_left_out() -> None:
    cfg = load_config(ROOT / "config.example.yaml")
    matrix = {k: v for k, v in cfg.rules.matrix.items() if k != ("people_issue", "S4")}
    view = matrix_view(dataclasses.replace(cfg.rules, matrix=matrix), cfg.directory)
    assert view.cell("people_issue", "S4") is None
    assert view.cell("people_issue", "S3") is not None
