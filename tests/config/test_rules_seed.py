"""The shipped rules say exactly what the seed playbook says.

The expected tables below are typed out by hand from the seed
(``escalation-matrix-playbook.txt``: sections 01, 03, 04 and 05), not computed from the
rules, and compared with what ``load_rules`` builds from ``rules/``.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.config.workspace import ROOT
from worker.config.load import load_rules
from worker.core.rules import Rules, SlaKind

# 03 Escalation matrix: (type, severity) -> handlers, the owner first.
SEED_MATRIX: dict[tuple[str, str], tuple[str, ...]] = {
    ("production_incident", "S1"): ("cpo", "cto"),
    ("production_incident", "S2"): ("product_director", "tech_lead"),
    ("production_incident", "S3"): ("po", "dev_squad"),
    ("production_incident", "S4"): ("po",),
    ("cross_team_dependency", "S1"): ("cpo", "counterpart_c_level"),
    ("cross_team_dependency", "S2"): ("product_director",),
    ("cross_team_dependency", "S3"): ("po", "counterpart_lead"),
    ("cross_team_dependency", "S4"): ("po",),
    ("scope_disagreement", "S1"): ("cpo",),
    ("scope_disagreement", "S2"): ("product_director",),
    ("scope_disagreement", "S3"): ("po", "lead_dev"),
    ("scope_disagreement", "S4"): ("po",),
    ("stakeholder_request", "S1"): ("cpo",),
    ("stakeholder_request", "S2"): ("product_director",),
    ("stakeholder_request", "S3"): ("po",),
    ("stakeholder_request", "S4"): ("po",),
    ("people_issue", "S1"): ("cpo", "people_partner"),
    ("people_issue", "S2"): ("product_director", "people_partner"),
    ("people_issue", "S3"): ("direct_manager",),
    ("people_issue", "S4"): ("direct_manager",),
    ("release_decision", "S1"): ("cpo", "cto", "ceo"),
    ("release_decision", "S2"): ("cpo", "cto"),
    ("release_decision", "S3"): ("product_director", "tech_lead"),
    ("release_decision", "S4"): ("po", "lead_dev"),
}

# 01 Severity levels: acknowledge and resolve SLAs as (kind, amount).
SEED_SLAS = {
    "S1": ((SlaKind.DURATION, timedelta(minutes=15)), (SlaKind.DURATION, timedelta(hours=4))),
    "S2": ((SlaKind.DURATION, timedelta(hours=1)), (SlaKind.BUSINESS_DAYS, 1)),
    "S3": ((SlaKind.DURATION, timedelta(hours=4)), (SlaKind.SPRINT, 1)),
    "S4": ((SlaKind.BUSINESS_DAYS, 1), (SlaKind.PLANNING, None)),
}

# 04 Communication channels: primary, backup (S2's "@here" is the ``here`` flag).
SEED_CHANNELS = {
    "S1": (("phone", "slack_channel"), ("sms",), False),
    "S2": (("slack_dm",), ("email",), True),
    "S3": (("jira", "slack_mention"), (), False),
    "S4": (("jira",), (), False),
}

# 02 Issue types, numbered as in the seed.
SEED_TYPES = {
    1: "production_incident",
    2: "cross_team_dependency",
    3: "scope_disagreement",
    4: "stakeholder_request",
    5: "people_issue",
    6: "release_decision",
}

# 05 "PO -> Product Director -> CPO, who coordinates with the CTO" (+ the direct manager's line).
SEED_LADDER = {
    "po": "product_director",
    "direct_manager": "product_director",
    "product_director": "cpo",
}


@pytest.fixture(scope="module")
def rules() -> Rules:
    return load_rules(ROOT / "rules")


def test_every_cell_matches_the_seed(rules: Rules) -> None:
    assert len(SEED_MATRIX) == 24
    assert {key: cell.handlers for key, cell in rules.matrix.items()} == SEED_MATRIX
    for (type_id, sev_id), handlers in SEED_MATRIX.items():
        assert rules.cell(type_id, sev_id).owner == handlers[0]


def test_every_sla_matches_the_seed(rules: Rules) -> None:
    assert list(rules.severities) == ["S1", "S2", "S3", "S4"]
    for rank, (sev_id, (ack, resolve)) in enumerate(SEED_SLAS.items(), start=1):
        sev = rules.severities[sev_id]
        assert sev.rank == rank
        assert (sev.acknowledge.kind, sev.acknowledge.amount) == ack
        assert (sev.resolve.kind, sev.resolve.amount) == resolve
        assert sev.label == f"escalation-{sev_id}"
        assert sev.written_trail is (sev_id in ("S1", "S2"))  # 05: written trail for S1-S2
    assert rules.severities["S1"].calendar == "always"
    assert {s.calendar for k, s in rules.severities.items() if k != "S1"} == {"business"}


def test_channels_match_the_seed(rules: Rules) -> None:
    got = {sid: (plan.primary, plan.backup, plan.here) for sid, plan in rules.channel_plans.items()}
    assert got == SEED_CHANNELS
    assert "weekly" in (rules.channel_plans["S4"].note or "").lower()


def test_ladder_matches_the_seed(rules: Rules) -> None:
    assert dict(rules.ladder) == SEED_LADDER
    assert rules.top_roles == ("cpo",)
    assert dict(rules.coordinates_with) == {"cpo": ("cto",)}
    assert rules.chain("po") == ("po", "product_director", "cpo")
    assert rules.chain("direct_manager") == ("direct_manager", "product_director", "cpo")


def test_types_match_the_seed(rules: Rules) -> None:
    assert {t.number: t.id for t in rules.types.values()} == SEED_TYPES
    for itype in rules.types.values():
        assert itype.labels and all(
            label.startswith(rules.type_label_prefix) for label in itype.labels
        )
    assert rules.types["people_issue"].sensitive is True


def test_recommendation_has_the_four_parts(rules: Rules) -> None:
    assert [part.id for part in rules.recommendation] == [
        "what_happened",
        "tried",
        "recommend",
        "need",
    ]
    assert 0 < rules.nudge_at < 1
