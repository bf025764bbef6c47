"""policy.yaml: the assignment modes and the late-routing grace, read and refused with a location."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from tests.config.workspace import Workspace
from worker.config.load import load_config
from worker.core.rules import Assignment


def test_the_shipped_policy_assigns_the_owner_and_uses_the_automatic_grace() -> None:
    rules = load_config(Path(__file__).resolve().parents[2] / "config.example.yaml").rules
    assert rules.assignment.default is Assignment.OWNER
    assert not rules.assignment.severities and not rules.assignment.types
    assert rules.late_routing_grace is None


def test_modes_per_severity_and_kind_are_read(ws: Workspace) -> None:
    ws.edit("rules/policy.yaml", "  severities: {}", "  severities: {S1: keep_assignee}")
    ws.edit("rules/policy.yaml", "  types: {}", "  types: {people_issue: owner}")
    ws.edit("rules/policy.yaml", "late_routing_grace: auto", "late_routing_grace: 20m")
    rules = load_config(ws.root / "config.yaml").rules
    assert rules.assignment.severities == {"S1": Assignment.KEEP_ASSIGNEE}
    assert rules.assignment.types == {"people_issue": Assignment.OWNER}
    assert rules.late_routing_grace == timedelta(minutes=20)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "  default: owner",
            "  default: assignee",
            "policy.yaml:{line}: assignment › default: unknown assignment mode 'assignee'.",
        ),
        (
            "  severities: {}",
            "  severities: {S9: owner}",
            "policy.yaml:{line}: assignment › severities › S9: unknown severity 'S9'.",
        ),
        (
            "  types: {}",
            "  types: {outage: keep_assignee}",
            "policy.yaml:{line}: assignment › types › outage: unknown type 'outage'.",
        ),
        (
            "late_routing_grace: auto",
            "late_routing_grace: soon",
            "policy.yaml:{line}: late_routing_grace: late_routing_grace must be 'auto' or a "
            "duration up to 30 days, got 'soon'.",
        ),
    ],
)
def test_a_wrong_policy_is_refused_at_its_line(
    ws: Workspace, old: str, new: str, message: str
) -> None:
    text = (ws.root / "rules/policy.yaml").read_text()
    line = text[: text.index(old)].count("\n") + 1
    ws.edit("rules/policy.yaml", old, new)
    code, out = ws.check()
    assert code == 1
    assert message.format(line=line) in out, out
    assert "Traceback" not in out
