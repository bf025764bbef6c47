"""``escalation-worker report`` over HTTP against a seeded sandbox month (see ``review_seed.py``).

Every expected figure below is worked out by hand from the seed table; the arithmetic is written
out next to each assertion.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any

from tests.review.review_cli import Run
from tests.review.review_seed import COUNTERPART_FIELD, DECISION_FIELD, Seeded

FIELDS = ("--counterpart-field", COUNTERPART_FIELD, "--decision-field", DECISION_FIELD)


def march(cli: Callable[..., Run], month: Seeded, *extra: str) -> dict[str, Any]:
    run = cli(month, "report", "--month", "2026-03", "--format", "json", *FIELDS, *extra)
    assert run.code == 0, run.err
    return run.json()


def test_volumes_against_the_previous_month(cli: Callable[..., Run], month: Seeded) -> None:
    r = march(cli, month)
    # March (Paris): A B C D E F G H = 8; I is 1 April 00:30 in Paris. February: P1 P2 P3 = 3.
    assert (r["total"], r["previous_total"]) == (8, 3)
    sev = {v["id"]: (v["count"], v["previous"]) for v in r["by_severity"]}
    assert sev == {
        "S1": (3, 2),
        "S2": (4, 1),
        "S3": (1, 0),
        "S4": (0, 0),
    }  # S1: A B H / P2 P3; S2: C D E F / P1
    typ = {v["id"]: (v["count"], v["previous"]) for v in r["by_type"]}
    assert typ == {
        "production_incident": (3, 2),
        "cross_team_dependency": (2, 0),
        "scope_disagreement": (1, 1),
        "stakeholder_request": (0, 0),
        "people_issue": (1, 0),
        "release_decision": (1, 0),
    }
    team = {v["id"]: (v["count"], v["previous"]) for v in r["by_team"]}
    assert team == {"checkout": (5, 2), "payments": (3, 1)}  # A B C D G / P1 P3 and E F H / P2
    chart = {c["team"]: c["counts"] for c in r["chart"]}
    assert chart == {
        "Checkout": {"S1": 2, "S2": 2, "S3": 1, "S4": 0},
        "Payments": {"S1": 1, "S2": 2, "S3": 0, "S4": 0},
    }


def test_sla_compliance_counts_open_breaches(cli: Callable[..., Run], month: Seeded) -> None:
    r = march(cli, month)
    ack = r["acknowledge"]
    # met: A C E F H; breached: B (late), D (late, still open), G (never, still open)
    assert (ack["met"], ack["breached"], ack["open_breached"], ack["pending"]) == (5, 3, 2, 0)
    assert ack["rate"] == 5 / 8
    res = r["resolve"]
    # met: A C F; breached: B (closed late), D (recorded breach, open), H (deadline 01:50 UTC passed, open)
    # pending: G (deadline in 20 days); excluded: E (label removed without a breach: withdrawn)
    assert (res["met"], res["breached"], res["open_breached"], res["pending"], res["excluded"]) == (
        3,
        3,
        2,
        1,
        1,
    )
    assert res["rate"] == 0.5
    s1 = next(f for f in r["per_severity"] if f["severity"] == "S1")
    assert (s1["acknowledge"]["met"], s1["acknowledge"]["breached"]) == (2, 1)  # A H / B
    assert (s1["resolve"]["met"], s1["resolve"]["breached"]) == (1, 2)  # A / B H


def test_median_and_nearest_rank_p90(cli: Callable[..., Run], month: Seeded) -> None:
    r = march(cli, month)
    tta = r["time_to_acknowledge"]
    # seconds, sorted: 600 (A) 600 (H) 900 (F) 1200 (E) 1800 (C) 2400 (B) 7200 (D); G never acknowledged
    # median: 4th of 7 = 1200; p90: rank ceil(0.9 x 7) = 7 -> 7200
    assert (tta["count"], tta["median_s"], tta["p90_s"], tta["excluded"]) == (7, 1200, 7200, 1)
    ttr = r["time_to_resolve"]
    # resolved: 7200 (F) 10800 (A) 18000 (C) 21600 (B); median (10800 + 18000) / 2 = 14400; p90 rank 4 -> 21600
    # excluded: D G H (open) and E (withdrawn)
    assert (ttr["count"], ttr["median_s"], ttr["p90_s"], ttr["excluded"]) == (4, 14400, 21600, 4)
    s1 = next(f for f in r["per_severity"] if f["severity"] == "S1")["time_to_acknowledge"]
    assert (s1["median_s"], s1["p90_s"]) == (600, 2400)  # 600 600 2400: rank ceil(2.7) = 3
    assert r["percentile_definition"] == "nearest rank"


def test_levels_and_patterns(cli: Callable[..., Run], month: Seeded) -> None:
    r = march(cli, month)
    k = month.key
    assert r["levels"] == [[0, 5], [1, 2], [2, 1]]  # B D climbed one level, G two
    patterns = {
        (p["dimension"], p["id"]): (p["count"], p["keys"], p["confidential"]) for p in r["patterns"]
    }
    assert patterns == {
        ("team", "checkout"): (5, [k("A"), k("B"), k("C"), k("D"), k("G")], 0),
        ("team", "payments"): (3, [k("E"), k("H")], 1),  # F is a people issue: counted, not named
        ("dependency", "payments"): (
            2,
            [k("C"), k("D")],
            0,
        ),  # C by its "is blocked by" link, D by the field
        ("type", "production_incident"): (3, [k("A"), k("B"), k("H")], 0),
        ("type", "cross_team_dependency"): (2, [k("C"), k("D")], 0),
    }


def test_s1_s2_list_with_timeline_and_outcome(cli: Callable[..., Run], month: Seeded) -> None:
    r = march(cli, month)
    k = month.key
    entries = {e["key"]: e for e in r["entries"]}
    assert list(entries) == [
        k("A"),
        k("B"),
        k("C"),
        k("D"),
        k("E"),
        k("H"),
    ]  # S1-S2, opening order; G is S3
    assert r["confidential_entries"] == 1
    b = entries[k("B")]
    assert (b["acknowledge"], b["resolve"], b["levels_reached"], b["resolution"]) == (
        "breached",
        "breached",
        1,
        "Done",
    )
    assert (
        b["decision"] == "Hotfix 4.2.1 shipped; post-mortem on Friday"
    )  # the configured field wins over the comment
    assert [t["kind"] for t in b["timeline"]] == [
        "labelled",
        "routed",
        "escalated",
        "acknowledged",
        "resolve_breached",
        "closed",
    ]
    assert b["first_ack_by"] == "Théo Martin"
    assert (
        entries[k("A")]["decision"] == "Rolled back release 4.2; promo paused"
    )  # from the record's outcome
    assert entries[k("C")]["counterpart"] == "Payments"
    assert (
        entries[k("E")]["close_reason"] == "label_removed"
        and entries[k("E")]["resolve"] == "withdrawn"
    )
    assert entries[k("H")]["status"] == "open" and entries[k("H")]["resolve"] == "breached"


def test_open_and_carried_over(cli: Callable[..., Run], month: Seeded) -> None:
    r = march(cli, month)
    k = month.key
    assert [x["key"] for x in r["still_open"]] == [k("D"), k("G"), k("H")]
    # P3 opened 28 Feb 23:30 Paris and was resolved 1 March 03:00 Paris: listed, not counted in March
    assert [x["key"] for x in r["carried_over"]] == [k("P3")]


def test_month_boundary_in_the_calendar_time_zone(cli: Callable[..., Run], month: Seeded) -> None:
    k = month.key
    feb = cli(month, "report", "--month", "2026-02", "--format", "json", *FIELDS).json()
    # A was labelled 28 Feb 23:10 UTC, which is already 1 March in Paris
    assert feb["total"] == 3 and k("A") not in [e["key"] for e in feb["entries"]]
    apr = cli(month, "report", "--month", "2026-04", "--format", "json", *FIELDS).json()
    # I: 31 March 22:30 UTC = 1 April 00:30 Paris (summer time); H: 23:50 Paris on 31 March stays in March
    assert (apr["total"], apr["previous_total"]) == (1, 8)
    assert [e["key"] for e in apr["entries"]] == [k("I")]
    assert [x["key"] for x in apr["carried_over"]] == [k("D"), k("G"), k("H")]


def test_markdown_prints_every_section_with_the_known_figures(
    cli: Callable[..., Run], month: Seeded
) -> None:
    run = cli(month, "report", "--month", "2026-03", "--format", "md", *FIELDS)
    assert run.code == 0, run.err
    md = run.out
    for heading in (
        "# Escalation review 2026-03",
        "## Volume",
        "### By severity",
        "### By type",
        "### By team",
        "## Volume by team and severity",
        "## SLA compliance",
        "## Time to acknowledge and to resolve",
        "## How far escalations climbed",
        "## Recurring patterns",
        "## S1–S2 escalations",
        "## Still open",
        "## Carried over from earlier months",
        "## Definitions",
    ):
        assert f"\n{heading}\n" in f"\n{md}", heading
    assert "8 escalations opened in 2026-03 (previous month 2026-02: 3, +5)." in md
    assert "| S1 Critical | 3 | 2 | +1 |" in md
    assert "| Checkout | 2 | 2 | 1 | 0 | 5 | S1 ## S2 ## S3 # |" in md
    assert "| Acknowledge | 5 | 3 (2 open) | 0 | 62.5% (5/8) |" in md
    assert "| Resolve | 3 | 3 (2 open) | 1 | 50.0% (3/6) |" in md
    assert "| Acknowledge, all | 7 | 20 min | 2 h | 1 |" in md
    assert "| Resolve, all | 4 | 4 h | 6 h | 4 |" in md
    assert (
        f"- Same dependency (counterpart team): Payments — 2 ({month.key('C')}, {month.key('D')})"
        in md
    )
    assert f"- Same team: Payments — 3 ({month.key('E')}, {month.key('H')}, 1 confidential)" in md
    assert "nearest rank" in md


def test_people_issues_are_counts_only_unless_asked(cli: Callable[..., Run], month: Seeded) -> None:
    secret = (month.key("F"), "Conflict in the squad", "Private matter settled")
    for fmt in ("md", "csv", "json"):
        out = cli(month, "report", "--month", "2026-03", "--format", fmt, *FIELDS).out
        assert not any(s in out for s in secret), fmt
    shown = cli(
        month, "report", "--month", "2026-03", "--format", "md", "--include-people-issues", *FIELDS
    ).out
    assert all(s in shown for s in secret)
    refused = cli(month, "report", "--month", "2026-03", "--publish", "--include-people-issues")
    assert refused.code == 2 and "cannot be combined" in refused.err


def test_without_the_counterpart_field_only_links_count(
    cli: Callable[..., Run], month: Seeded
) -> None:
    r = cli(month, "report", "--month", "2026-03", "--format", "json").json()
    entries = {e["key"]: e for e in r["entries"]}
    assert entries[month.key("C")]["counterpart"] == "Payments"
    assert entries[month.key("D")]["counterpart"] is None
    assert not [p for p in r["patterns"] if p["dimension"] == "dependency"]  # one is not a pattern
    assert (
        entries[month.key("B")]["decision"] == "Owner comment that the configured field overrides"
    )


def test_csv_lists_the_figures(cli: Callable[..., Run], month: Seeded) -> None:
    rows = list(
        csv.DictReader(
            io.StringIO(cli(month, "report", "--month", "2026-03", "--format", "csv", *FIELDS).out)
        )
    )
    got = {(r["section"], r["item"], r["metric"]): r["value"] for r in rows}
    assert got[("volume", "total", "2026-03")] == "8"
    assert got[("volume_by_team", "checkout", "2026-02")] == "2"
    assert got[("compliance_acknowledge", "all", "rate")] == "0.6250"
    assert got[("time_to_resolve_s", "all", "median")] == "14400"
    assert got[("chart", "Payments", "S2")] == "2"
    assert got[("pattern_dependency", "payments", "count")] == "2"


def test_one_search_request_reads_the_whole_month(cli: Callable[..., Run], month: Seeded) -> None:
    before = month.site.counts_by_endpoint()
    cli(month, "report", "--month", "2026-03", "--format", "json")
    after = month.site.counts_by_endpoint()
    spent = {k: after[k] - before.get(k, 0) for k in after if after[k] != before.get(k, 0)}
    # the start-up check (credentials, then each watched project) aside
    setup = {"GET /rest/api/3/myself", "GET /rest/api/3/project/{projectIdOrKey}"}
    work = {k: v for k, v in spent.items() if k not in setup}
    assert work == {"POST /rest/api/3/search/jql": 1}  # records and links come inline
    assert month.site.contract_violations == []


def test_usage_errors(cli: Callable[..., Run], month: Seeded) -> None:
    bad = cli(month, "report", "--month", "2026-13")
    assert bad.code == 2 and "--month" in bad.err
    env = {k: v for k, v in month.env().items() if k != "JIRA_API_TOKEN"}
    missing = cli(month, "report", "--month", "2026-03", env=env)
    assert missing.code == 2 and "JIRA_API_TOKEN" in missing.err
    env = {**month.env(), "JIRA_API_TOKEN": "wrong"}
    refused = cli(month, "report", "--month", "2026-03", env=env)
    assert refused.code == 1 and "wrong" not in refused.err


def test_default_month_is_the_previous_one(cli: Callable[..., Run], month: Seeded) -> None:
    r = cli(month, "report", "--format", "json").json()  # now = 1 April 08:00 Paris
    assert r["month"] == "2026-03" and r["total"] == 8
