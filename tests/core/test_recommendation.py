"""Recommendation parts recognised as people write them (the phrases of rules/policy.yaml)."""

from __future__ import annotations

import pytest

from worker.core.decide import Context
from worker.core.recommendation import missing

ALL = {"what_happened", "tried", "recommend", "need"}

CASES = [
    (
        "complete, in sentences",
        "What happened: checkout fails for 10% of carts. We tried a rollback of the last deploy. "
        "We recommend pausing the promo. We need a go from you before 14:00.",
        set(),
    ),
    (
        "complete, Markdown headings with content",
        "## What happened\nCheckout fails for 10% of carts.\n\n## What we tried\n- rollback\n"
        "- cache flush\n\n## Our recommendation\nPause the promo.\n\n## What we need\nA go.",
        set(),
    ),
    (
        "complete, bold labels on their own line",
        "**What happened**\nThe promo engine double-counts.\n**Tried**\nA hotfix on staging.\n"
        "**Proposal**\nShip the hotfix tonight.\n**Ask**\nApproval from the CPO.",
        set(),
    ),
    (
        "complete, Jira wiki headings and numbered list",
        "h2. Context\nPayments API v2 is late.\nh2. Attempted\n1. weekly sync\n2. shared board\n"
        "h2. Options\nDelay the launch by a week.\nh2. Decision needed\nWhich date we announce.",
        set(),
    ),
    (
        "partial: only what happened and what was tried",
        "Context: the dashboard is empty since Monday.\n- Tried: restarting the exporter.",
        {"recommend", "need"},
    ),
    (
        "template headings left empty",
        "## What happened\n## What we tried\n## Recommendation\n## What we need",
        ALL,
    ),
    (
        "bold labels left empty",
        "**What happened:**\n**Tried:**\n**Recommendation:**\n**Need:**",
        ALL,
    ),
    (
        "keywords inside other words do not count",
        "This task is blocked: a contextual menu crashes, the needle gauge in the "
        "basket view stays red, and the pretried caches were reproposed.",
        ALL,
    ),
    (
        "word forms through the prefix markers",
        "Situation: orders are duplicated. Workarounds so far: manual dedupe. "
        "Recommended: a unique index. Requesting a maintenance window.",
        set(),
    ),
    ("empty description", "", ALL),
]


@pytest.mark.parametrize(("description", "want"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_recommendation_parts_table(ctx: Context, description: str, want: set[str]) -> None:
    got = {p.id for p in missing(ctx.rules.recommendation, description)}
    assert got == want


def test_the_rules_have_the_four_parts(ctx: Context) -> None:
    assert {p.id for p in ctx.rules.recommendation} == ALL
