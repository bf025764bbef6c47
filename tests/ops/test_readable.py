"""``plan`` and ``explain`` for people: names, times in the calendar's zone with a relative form."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.e2e.harness import World, start_world
from tests.ops.ops_support import run_in_process
from tests.support import CPO, CTO, paris
from worker.config.model import Config
from worker.cycle.readable import deadline, moment, span

PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture
def world(example_config: Config) -> Iterator[World]:
    yield from start_world(example_config, paris(2026, 3, 2, 9, 0))


def test_times_read_like_a_person_says_them() -> None:
    now = datetime(2026, 3, 2, 9, 28, tzinfo=UTC)  # 10:28 in Paris
    assert deadline(now + timedelta(minutes=12), now, PARIS) == "10:40 Paris, in 12 min"
    assert deadline(now - timedelta(hours=3), now, PARIS) == "07:28 Paris, overdue by 3 h"
    assert deadline(now + timedelta(days=1), now, PARIS) == "Tue 10:28 Paris, in 24 h"
    assert deadline(now + timedelta(days=9), now, PARIS).startswith("Wed 11 Mar 10:28 Paris")
    assert moment(now - timedelta(minutes=90), now, PARIS) == "08:58 Paris, 1 h 30 min ago"
    assert span(timedelta(days=3)) == "3 days"


def test_plan_names_people_and_gives_local_relative_times(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    key = world.issue(labels=("escalation-S1", "escalation-type-incident"))
    at = "2026-03-02T08:05:00Z"  # 09:05 in Paris, five minutes after the label
    res = run_in_process(
        capsys, "plan", "--config", "config.example.yaml", "--at", at, env=world.env()
    )
    assert res.returncode == 0, res.stderr
    lines = res.stdout.splitlines()
    (issue_line,) = [line for line in lines if line.startswith(key)]
    assert "Camille Durand" in issue_line and "ack by 09:15 Paris, in 10 min" in issue_line
    actions = [line for line in lines if line.strip().startswith("→")]
    assert any("assign to Camille Durand" in a for a in actions)
    assert any("add Théo Martin as a watcher" in a for a in actions)
    assert len(actions) == len(set(actions))  # one line per action, none repeated
    assert CPO not in res.stdout and CTO not in res.stdout  # names, not accountIds
    assert "T08:" not in res.stdout  # no raw ISO instants

    res = run_in_process(
        capsys, "plan", "--json", "--config", "config.example.yaml", "--at", at, env=world.env()
    )
    (row,) = [r for r in json.loads(res.stdout) if r["key"] == key]
    assert row["owner"] == CPO and row["ack_due"] == "2026-03-02T08:15:00Z"
    assert {"kind": "assign", "account_id": CPO}.items() <= row["action_details"][0].items()


def test_explain_shows_the_deadlines_before_routing(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    key = world.issue(labels=("escalation-S1", "escalation-type-incident"))
    res = run_in_process(
        capsys,
        "explain",
        key,
        "--config",
        "config.example.yaml",
        "--at",
        "2026-03-02T08:05:00Z",
        env=world.env(),
    )
    assert res.returncode == 0, res.stderr
    out = res.stdout
    assert "deadlines (not routed yet: the ones routing now would set):" in out
    assert "acknowledge (level 0): 15 min counted around the clock from 09:00 Paris" in out
    assert "→ due 09:15 Paris, in 10 min" in out
    assert "would assign to Camille Durand" in out
    data = json.loads(
        run_in_process(
            capsys,
            "explain",
            key,
            "--json",
            "--config",
            "config.example.yaml",
            "--at",
            "2026-03-02T08:05:00Z",
            env=world.env(),
        ).stdout
    )
    assert data["routed"] is False and data["ack_due"] == "2026-03-02T08:15:00Z"
    assert data["owner"] == CPO


def test_every_subcommand_has_a_description_and_every_option_a_help() -> None:
    import argparse

    from worker.cli import build_parser

    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    for name, sp in sub.choices.items():
        assert sp.description, name
        bare = [a.dest for a in sp._actions if not a.help and a.dest != "help"]
        assert bare == [], (name, bare)
    assert "--publish" not in sub.choices["trail"].format_help()


def test_the_readme_documents_every_exit_code_and_every_command() -> None:
    import argparse
    import re

    from tests.support import ROOT
    from worker import errors
    from worker.cli import build_parser

    readme = (ROOT / "README.md").read_text()
    table = readme.split("### Exit codes", 1)[1].split("\n## ", 1)[0]
    documented = {int(m) for m in re.findall(r"^\| (\d+) \|", table, flags=re.M)}
    codes = {v for k, v in vars(errors).items() if k.startswith("EXIT_")}
    assert documented == codes
    assert {e.exit_code for e in (errors.UserError("x"), errors.RemoteProblem("x"))} <= codes
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    commands = readme.split("## Commands", 1)[1]
    for name in sub.choices:
        assert f"`escalation-worker {name}" in commands, name
