"""`check --online` against the sandbox: one line per finding, exit 1 on any, 0 when all is well."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.e2e.harness import World
from tests.ops.ops_support import run_in_process
from tests.support import ROOT, paris
from worker.config.model import Config
from worker.sandbox.clock import SandboxClock
from worker.sandbox.confluence import ConfluenceSite
from worker.sandbox.jira import JiraSite
from worker.sandbox.organisation import seed_organisation
from worker.sandbox.server import SandboxServer


@pytest.fixture
def world(example_config: Config) -> Iterator[World]:
    """The sandbox Jira and a Confluence with the configured space, on one loopback server."""
    clock = SandboxClock(paris(2026, 3, 2, 9, 0))
    site = JiraSite(clock)
    site.strict_contract = True
    wiki = ConfluenceSite(clock)
    wiki.add_space(example_config.confluence.space or "PROD", "Product")
    login = seed_organisation(site, example_config)
    with SandboxServer(site, wiki) as server:
        yield World(example_config, site, server, login)
    assert not site.contract_violations, site.contract_violations


def _online(world: World, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str], str]:
    res = run_in_process(
        capsys, "check", "--online", "--config", str(ROOT / "config.example.yaml"), env=world.env()
    )
    out = res.stdout + res.stderr
    assert "Traceback" not in out
    findings = [line for line in res.stdout.splitlines() if " ==> " in line]
    return res.returncode, findings, out


def test_a_well_configured_site_passes(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    code, findings, out = _online(world, capsys)
    assert (code, findings) == (0, []), out
    assert "projects readable: SHOP, PAY, PEOPLE" in out


def test_each_problem_is_one_line_and_the_exit_code_is_1(
    world: World, example_config: Config, capsys: pytest.CaptureFixture[str]
) -> None:
    d = example_config.directory
    cpo = d.people[d.global_roles["cpo"][0]]
    pay_team = next(t for t in d.teams.values() if "PAY" in t.projects)
    po = d.people[next(h for handles in pay_team.members.values() for h in handles)]
    world.site.remove_project("PEOPLE")
    world.site.revoke_permission(world.login.account_id, "SHOP", "ASSIGN_ISSUES")
    world.site.add_user(cpo.account_id, cpo.name, active=False)
    world.site.set_assignable("PAY", [p.account_id for p in d.people.values() if p != po])
    code, findings, out = _online(world, capsys)
    assert code == 1, out
    joined = "\n".join(findings)
    assert "project PEOPLE: does not exist" in joined
    assert "project SHOP: the worker account lacks ASSIGN_ISSUES" in joined
    assert f"person {cpo.handle} ({cpo.name}): the Atlassian account is deactivated" in joined
    assert f"person {po.handle} ({po.name}): cannot be assigned issues of PAY" in joined
    assert len(findings) == len(set(findings))
