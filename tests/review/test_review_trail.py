"""``escalation-worker trail``: the records of S1–S2 escalations exported as JSON lines or CSV."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path

from tests.review.review_cli import Run
from tests.review.review_seed import Seeded
from worker.review.trail import CSV_COLUMNS


def keys_of(run: Run) -> list[str]:
    assert run.code == 0, run.err
    return [json.loads(line)["key"] for line in run.out.splitlines()]


def test_all_s1_s2_records_without_people_issues(cli: Callable[..., Run], month: Seeded) -> None:
    k = month.key
    run = cli(month, "trail")
    # S1-S2 in opening order; G is S3, F is a people issue (left out, and said so)
    assert keys_of(run) == [k(n) for n in ("P1", "P2", "P3", "A", "B", "C", "D", "E", "H", "I")]
    assert "1 people issue(s) left out" in run.err


def test_since_keeps_escalations_active_on_or_after_the_date(
    cli: Callable[..., Run], month: Seeded
) -> None:
    k = month.key
    # 1 March in Paris: P3 was still open then (resolved 1 March 03:00 Paris); P1 and P2 closed in February
    assert keys_of(cli(month, "trail", "--since", "2026-03-01")) == [
        k(n) for n in ("P3", "A", "B", "C", "D", "E", "H", "I")
    ]
    # 31 March 23:00 Paris: only what was opened or still open then
    assert keys_of(cli(month, "trail", "--since", "2026-03-31T23:00:00+02:00")) == [
        k(n) for n in ("D", "H", "I")
    ]


def test_people_issues_only_when_asked(cli: Callable[..., Run], month: Seeded) -> None:
    run = cli(month, "trail", "--include-people-issues", "--since", "2026-03-25")
    lines = [json.loads(x) for x in run.out.splitlines()]
    f = next(x for x in lines if x["key"] == month.key("F"))
    assert f["sensitive"] is True and f["decision"] == "Private matter settled"
    assert "left out" not in run.err


def test_a_record_carries_what_when_who_decision_outcome(
    cli: Callable[..., Run], month: Seeded
) -> None:
    lines = {x["key"]: x for x in map(json.loads, cli(month, "trail").out.splitlines())}
    a = lines[month.key("A")]
    assert a["opened_at"] == "2026-02-28T23:10:00Z" and a["closed_at"] == "2026-03-01T02:10:00Z"
    assert (a["acknowledge"], a["resolve"], a["time_to_acknowledge_s"], a["time_to_resolve_s"]) == (
        "met",
        "met",
        600,
        10800,
    )
    assert a["first_acknowledged_by"] == "Camille Durand" and a["resolution"] == "Done"
    assert a["decision"] == "Rolled back release 4.2; promo paused"
    assert [(e["kind"], e["who"]) for e in a["timeline"]] == [
        ("labelled", None),
        ("routed", "Camille Durand"),
        ("acknowledged", "Camille Durand"),
        ("closed", "Camille Durand"),
    ]


def test_csv_has_one_row_per_event(cli: Callable[..., Run], month: Seeded, tmp_path: Path) -> None:
    out = tmp_path / "trail.csv"
    run = cli(month, "trail", "--format", "csv", "--since", "2026-03-01", "--output", str(out))
    assert run.code == 0 and run.out == "" and "wrote" in run.err
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert tuple(rows[0]) == CSV_COLUMNS
    b = [r for r in rows if r["key"] == month.key("B")]
    assert [r["event"] for r in b] == [
        "labelled",
        "routed",
        "escalated",
        "acknowledged",
        "resolve_breached",
        "closed",
    ]
    assert {r["decision"] for r in b} == {"Owner comment that the configured field overrides"}
    assert month.key("F") not in {r["key"] for r in rows}


def test_bad_since_is_a_usage_error(cli: Callable[..., Run], month: Seeded) -> None:
    run = cli(month, "trail", "--since", "last tuesday")
    assert run.code == 2 and "--since" in run.err
