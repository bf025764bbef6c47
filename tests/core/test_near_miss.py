"""Near-miss labels: what a person mistypes, and what must not be taken for a typo."""

from __future__ import annotations

import pytest

from worker.core.decide import Context
from worker.core.near_miss import distance, near_misses


@pytest.mark.parametrize(
    ("label", "meant"),
    [
        ("escalaton-S1", "escalation-S1"),  # a letter missing
        ("escalation_S2", "escalation-S2"),  # another separator
        ("escalation S3", "escalation-S3"),
        ("Escalation-s4", "escalation-S4"),  # case
        ("esaclation-S1", "escalation-S1"),  # two letters swapped
        ("escalation-type-incidnet", "escalation-type-incident"),
        ("Escalation-Type-People", "escalation-type-people"),
        ("escalation-typ-scope", "escalation-type-scope"),
    ],
)
def test_a_typo_is_a_near_miss_with_its_suggestion(ctx: Context, label: str, meant: str) -> None:
    ((miss),) = near_misses(ctx.rules, [label])
    assert (miss.label, miss.suggestion) == (label, meant)


@pytest.mark.parametrize(
    "label",
    [
        "escalation-S1",  # exact: not a miss
        "escalation-type-incident",
        "escalation-S9",  # an unknown severity: told by its own note
        "customer-impact",
        "esc",
        "backend",
        "escalations-report",  # related word, far from every label
    ],
)
def test_these_are_not_near_misses(ctx: Context, label: str) -> None:
    assert near_misses(ctx.rules, [label]) == ()


def test_distance_counts_a_swap_once_and_caps() -> None:
    assert distance("abcd", "abdc") == 1
    assert distance("kitten", "sitting") == 3  # capped at limit + 1
    assert distance("same", "same") == 0
