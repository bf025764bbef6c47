"""The pure parts of the review: percentiles, per-escalation states, months, rendering helpers."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.review.review_seed import SPECS, record_for
from worker.config.model import Config
from worker.core.record import LevelState, Outcome, Record
from worker.review.compute import (
    acknowledge_state,
    build_report,
    durations,
    nearest_rank,
    resolve_state,
)
from worker.review.model import Escalation, Month
from worker.review.render import duration_text, to_markdown, to_storage

PARIS = ZoneInfo("Europe/Paris")
T0 = datetime(2026, 3, 10, 9, tzinfo=UTC)


def test_nearest_rank_textbook_values() -> None:
    values = [15, 20, 35, 40, 50]
    assert [nearest_rank(values, p) for p in (5, 30, 40, 50, 100)] == [15, 20, 20, 35, 50]
    assert nearest_rank(list(range(1, 11)), 90) == 9
    assert nearest_rank([7.0], 90) == 7.0
    assert nearest_rank([], 90) is None
    with pytest.raises(ValueError):
        nearest_rank([1], 0)


@given(st.lists(st.integers(min_value=0, max_value=10**6), min_size=1, max_size=60))
def test_p90_is_a_sample_with_at_least_90_percent_at_or_below(values: list[int]) -> None:
    p90 = nearest_rank(values, 90)
    assert p90 in values
    assert sum(v <= p90 for v in values) >= 0.9 * len(values)
    assert sum(v < p90 for v in values) < 0.9 * len(values)


def test_median_of_an_even_count_is_the_mean_of_the_middle_two() -> None:
    assert durations([4.0, 1.0, 3.0, 2.0], excluded=2) == durations([1.0, 2.0, 3.0, 4.0], 2)
    d = durations([4.0, 1.0, 3.0, 2.0], 2)
    assert (d.count, d.median_s, d.p90_s, d.excluded) == (4, 2.5, 4.0, 2)
    assert durations([], 3).median_s is None


def open_record(**kw: object) -> Record:
    base = Record(
        epoch=1,
        status="open",
        severity="S1",
        type="production_incident",
        team="checkout",
        opened_at=T0,
        current=LevelState(ack_due=T0 + timedelta(minutes=15)),
        resolve_due=T0 + timedelta(hours=4),
    )
    return replace(base, **kw)  # type: ignore[arg-type]


def test_open_escalations_are_pending_until_their_deadline_then_breached() -> None:
    rec = open_record()
    assert acknowledge_state(rec, T0 + timedelta(minutes=15)) == "pending"
    assert acknowledge_state(rec, T0 + timedelta(minutes=16)) == "breached"
    assert resolve_state(rec, T0 + timedelta(hours=4)) == "pending"
    assert resolve_state(rec, T0 + timedelta(hours=4, seconds=1)) == "breached"
    acked = replace(rec, first_ack_at=T0 + timedelta(minutes=5))
    assert acknowledge_state(acked, T0 + timedelta(days=1)) == "met"
    assert acknowledge_state(replace(acked, ack_breached=True), T0) == "breached"


def test_closed_escalations_keep_their_recorded_outcome() -> None:
    rec = open_record(
        status="closed",
        closed_at=T0 + timedelta(minutes=5),
        outcome=Outcome(reason="label_removed", at="", acknowledge="none", resolve="withdrawn"),
    )
    assert acknowledge_state(rec, T0 + timedelta(days=9)) == "none"
    assert resolve_state(rec, T0 + timedelta(days=9)) == "withdrawn"


def test_months() -> None:
    assert Month.parse("2026-03") == Month(2026, 3)
    assert (Month(2026, 1).previous(), Month(2026, 12).next()) == (Month(2025, 12), Month(2027, 1))
    for bad in ("2026-3", "2026-00", "march", "2026-13"):
        with pytest.raises(ValueError):
            Month.parse(bad)
    m = Month(2026, 3)
    assert m.contains(datetime(2026, 2, 28, 23, 0, tzinfo=UTC), PARIS)  # 00:00 Paris (winter time)
    assert not m.contains(datetime(2026, 2, 28, 22, 59, tzinfo=UTC), PARIS)
    assert m.contains(datetime(2026, 3, 31, 21, 59, tzinfo=UTC), PARIS)  # 23:59 Paris (summer time)
    assert not m.contains(datetime(2026, 3, 31, 22, 0, tzinfo=UTC), PARIS)
    assert Month.of(datetime(2026, 3, 31, 22, 0, tzinfo=UTC), PARIS) == Month(2026, 4)


def test_duration_text() -> None:
    assert [duration_text(s) for s in (None, 59, 600, 3600, 3900, 2 * 86400 + 3600, 3 * 86400)] == [
        "—",
        "1 min",
        "10 min",
        "1 h",
        "1 h 05 min",
        "2 d 1 h",
        "3 d",
    ]


def seeded_escalations() -> list[Escalation]:
    return [Escalation(f"X-{i}", s.summary, "SHOP", record_for(s)) for i, s in enumerate(SPECS, 1)]


def test_pattern_threshold_and_sensitive_visibility(example_config: Config) -> None:
    now = datetime(2026, 4, 1, 6, tzinfo=UTC)
    kw = {
        "tz": PARIS,
        "now": now,
        "rules": example_config.rules,
        "directory": example_config.directory,
    }
    three = build_report(seeded_escalations(), Month(2026, 3), min_pattern=3, **kw)  # type: ignore[arg-type]
    assert [(p.dimension, p.id, p.count) for p in three.patterns] == [
        ("team", "checkout", 5),
        ("team", "payments", 3),
        ("type", "production_incident", 3),
    ]
    shown = build_report(seeded_escalations(), Month(2026, 3), include_sensitive=True, **kw)  # type: ignore[arg-type]
    assert shown.confidential_entries == 0 and "X-9" in [e.key for e in shown.entries]
    payments = next(p for p in shown.patterns if p.id == "payments" and p.dimension == "team")
    assert payments.confidential == 0 and len(payments.keys) == 3


def test_an_empty_month_renders(example_config: Config) -> None:
    now = datetime(2026, 4, 1, 6, tzinfo=UTC)
    r = build_report(
        [],
        Month(2025, 1),
        tz=PARIS,
        now=now,
        rules=example_config.rules,
        directory=example_config.directory,
    )
    assert (r.total, r.acknowledge.rate, r.time_to_resolve.median_s, r.patterns, r.chart) == (
        0,
        None,
        None,
        (),
        (),
    )
    md = to_markdown(r)
    assert "0 escalations opened in 2025-01" in md and "| Acknowledge | 0 | 0 | 0 | n/a |" in md
    assert 'ac:name="chart"' not in to_storage(r)


def test_storage_escapes_issue_text(example_config: Config) -> None:
    spec = replace(SPECS[3], summary="<script>alert(1)</script> & more")
    esc = [Escalation("X-1", spec.summary, "SHOP", record_for(spec))]
    r = build_report(
        esc,
        Month(2026, 3),
        tz=PARIS,
        now=datetime(2026, 4, 1, tzinfo=UTC),
        rules=example_config.rules,
        directory=example_config.directory,
    )
    body = to_storage(r)
    assert "<script>" not in body and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more" in body
