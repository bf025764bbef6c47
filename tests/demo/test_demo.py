"""The README's first command, end to end: the demo day on the sandbox with the real worker over HTTP.

One run of ``escalation-worker demo`` through ``worker.cli.main`` in this process (a fast clock)
is shared by the assertions about its outcomes; the slow tier runs the day again as a process,
exactly as ``scripts/demo`` does, and the quick tier starts one ``demo`` process that refuses its
arguments.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.ops.ops_support import logging_restored
from tests.support import CPO, LEAD_DEV, PD, PO, ROOT
from worker.demo import run_demo


@dataclass
class DemoRun:
    code: int
    output: Path
    printed: str
    threads_before: set[threading.Thread]
    threads_after: set[threading.Thread]

    @property
    def issues(self) -> dict[str, dict[str, Any]]:
        data = json.loads((self.output / "issues.json").read_text(encoding="utf-8"))
        return {i["summary"]: i for i in data}

    def record(self, summary_start: str) -> dict[str, Any]:
        (issue,) = [i for s, i in self.issues.items() if s.startswith(summary_start)]
        rec = issue["record"]
        assert rec is not None, f"no escalation record on {issue['key']}"
        return rec

    def kinds(self, summary_start: str) -> list[str]:
        return [e["kind"] for e in self.record(summary_start)["timeline"]]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> DemoRun:
    """``escalation-worker demo --output OUT --speed 15``, in this process."""
    from worker.cli import main

    out = tmp_path_factory.mktemp("demo-output")
    buf = io.StringIO()
    before = set(threading.enumerate())
    with logging_restored(), contextlib.redirect_stdout(buf), contextlib.redirect_stderr(buf):
        code = main(["demo", "--output", str(out), "--speed", "15"], {})
    return DemoRun(code, out, buf.getvalue(), before, set(threading.enumerate()))


def test_the_demo_succeeds_and_leaves_no_thread_behind(demo: DemoRun) -> None:
    # its duration (budget 30 s) is measured by scripts/bench_budgets.py, not asserted here
    assert demo.code == 0, demo.printed
    leftover = [t.name for t in demo.threads_after - demo.threads_before if t.is_alive()]
    assert leftover == []


def test_every_issue_is_routed_to_the_owner_the_matrix_names(demo: DemoRun) -> None:
    issues = demo.issues
    assert len(issues) == 7
    assert all(i["record"] and i["record"]["owner"] for i in issues.values())
    outage = demo.record("Card payments fail")
    assert outage["severity"] == "S1" and outage["owner"] == CPO
    assert demo.record("Typo in the order")["owner"] == PO


def test_acknowledged_by_comment_in_time(demo: DemoRun) -> None:
    payouts = demo.record("Payouts blocked")
    assert payouts["acked_by"] == PD and payouts["level"] == 0 and payouts["ack_breached"] is False
    assert "escalated" not in demo.kinds("Payouts blocked")


def test_the_silent_owner_is_escalated_once_then_reminded_at_the_top(demo: DemoRun) -> None:
    rec = demo.record("Sales wants bulk discount codes")
    kinds = demo.kinds("Sales wants bulk discount codes")
    assert kinds.count("escalated") == 1 and "nudged" in kinds and "reminded" in kinds
    assert rec["owner"] == CPO and rec["level"] == 1 and rec["ack_breached"] is True
    assert rec["acked_by"] == CPO  # she answers in the afternoon, late
    issue = next(i for s, i in demo.issues.items() if s.startswith("Sales wants"))
    escalations = [
        c for c in issue["comments"] if c["by_worker"] and "Escalated one level up" in c["text"]
    ]
    assert (
        len(escalations) == 1
        and "Léa Robert (Product Director) did not acknowledge" in escalations[0]["text"]
    )


def test_delegation_relabel_resolution_and_people_issue(demo: DemoRun) -> None:
    reorder = demo.record("One-click reorder")
    assert (
        reorder["acked_by"] == PO
        and reorder["owner"] == LEAD_DEV
        and "delegated" in demo.kinds("One-click reorder")
    )

    release = demo.record("Go/no-go")
    assert release["severity"] == "S2" and release["revision"] == 1 and release["owner"] == CPO
    assert "relabelled" in demo.kinds("Go/no-go")

    outage = demo.record("Card payments fail")
    assert outage["status"] == "closed"
    assert outage["outcome"]["reason"] == "resolved" and outage["outcome"]["acknowledge"] == "met"
    assert outage["outcome"]["resolve"] == "met" and "SDK" in outage["outcome"]["decision"]

    people = next(i for s, i in demo.issues.items() if s.startswith("Tension"))
    worker_comments = [c for c in people["comments"] if c["by_worker"]]
    assert worker_comments and all(
        c["visibility"] == {"type": "group", "value": "escalation-people"} for c in worker_comments
    )


def test_missing_recommendation_is_asked_for(demo: DemoRun) -> None:
    typo = next(i for s, i in demo.issues.items() if s.startswith("Typo"))
    asks = [c for c in typo["comments"] if c["by_worker"] and "recommendation" in c["text"]]
    assert len(asks) == 1 and "What happened" not in asks[0]["text"]


def test_files_written_and_timeline_printed(demo: DemoRun) -> None:
    page = (demo.output / "matrix-page.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "Escalation matrix" in page
    assert "Camille Durand" in page  # mentions rendered with the directory's names
    storage = (demo.output / "matrix-page.storage.xml").read_text(encoding="utf-8")
    assert 'ri:account-id="5b10a2844c20165700ede21a"' in storage
    poster = (demo.output / "matrix-poster.pdf").read_bytes()
    assert poster.startswith(b"%PDF-") and len(re.findall(rb"/Type\s*/Page(?![s\w])", poster)) == 1
    for name in ("issues.md", "timeline.txt", "notifications.json"):
        assert (demo.output / name).stat().st_size > 0, name
    notes = json.loads((demo.output / "notifications.json").read_text(encoding="utf-8"))
    assert {"phone", "slack_channel"} <= {n["channel"] for n in notes if n["event"] == "route"}
    for word in (
        "routed",
        "acknowledged",
        "escalated",
        "delegated",
        "relabelled",
        "closed",
        "notified",
    ):
        assert f" {word} " in demo.printed, word
    assert (demo.output / "timeline.txt").read_text(encoding="utf-8").count("\n") > 30


def test_a_nonsense_speed_is_refused(tmp_path: Path) -> None:
    buf = io.StringIO()
    assert run_demo(tmp_path / "out", speed_minutes=0, stream=buf) == 2
    assert "--speed" in buf.getvalue() and not (tmp_path / "out").exists()


# slow: the demo day again, as a process (~4 s); the quick tier runs the same command through
# worker.cli.main (the demo fixture) and starts a demo process in the language refusal below
@pytest.mark.slow
def test_the_cli_command_runs_the_demo(tmp_path: Path) -> None:
    out = tmp_path / "demo-output"
    proc = subprocess.run(
        [sys.executable, "-m", "worker", "demo", "--output", str(out), "--speed", "60"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert " escalated " in proc.stdout and (out / "matrix-page.html").exists()


def test_the_monthly_review_counts_the_day_and_never_names_the_people_issue(demo: DemoRun) -> None:
    review = (demo.output / "monthly-review.md").read_text(encoding="utf-8")
    assert review.startswith("# Escalation review 2026-03")
    assert "7 escalations opened in 2026-03" in review
    page = (demo.output / "monthly-review.html").read_text(encoding="utf-8")
    assert "Escalation review 2026-03" in page
    people = next(i for s, i in demo.issues.items() if s.startswith("Tension"))
    for text in (review, page):
        assert people["key"] not in text and people["summary"] not in text
    assert "Monthly review of 2026-03 (so far): created" in demo.printed


def test_one_acknowledgement_from_a_slack_button_and_one_from_the_phone(demo: DemoRun) -> None:
    outage = demo.record("Card payments fail")
    assert outage["first_ack_by"] == CPO
    assert any("acknowledged from a phone call" in e["detail"] for e in outage["timeline"]), outage[
        "timeline"
    ]
    payouts = demo.record("Payouts blocked")
    assert any("acknowledged from Slack" in e["detail"] for e in payouts["timeline"])
    issue = next(i for s, i in demo.issues.items() if s.startswith("Payouts blocked"))
    assert any(c["by_worker"] and "acknowledged from Slack" in c["text"] for c in issue["comments"])
    assert "presses Acknowledge under the Slack message" in demo.printed


# slow: a second whole demo day (~3 s); the French the day writes (routing comment and notification,
# text message, call, acknowledgement comments) is pinned in the quick tier by
# tests/i18n/test_french.py, and a day of the worker in another language by test_pseudo_locale.py
@pytest.mark.slow
def test_the_demo_day_in_french(tmp_path: Path) -> None:
    """``demo --language fr``: what the worker writes during the day is French (the people's own
    texts, and the rules' names, stay as written)."""
    buf = io.StringIO()
    code = run_demo(tmp_path, speed_minutes=30, stream=buf, language="fr")
    assert code == 0, buf.getvalue()
    issues = json.loads((tmp_path / "issues.json").read_text(encoding="utf-8"))
    by_worker = [c["text"] for i in issues for c in i["comments"] if c["by_worker"]]
    assert by_worker and all("Acknowledge by" not in t for t in by_worker)
    assert any("Prise en charge avant le" in t for t in by_worker)
    assert any("a pris en charge via un appel téléphonique le" in t for t in by_worker)
    sent = json.loads((tmp_path / "notifications.json").read_text(encoding="utf-8"))
    assert any(
        n["text"].startswith("SHOP-") and "Une escalade vous est confiée" in n["text"] for n in sent
    )
    (call, *_) = [n for n in sent if n["channel"] == "phone"]
    assert call["said"].startswith("Ici le robot d’escalade.")


def test_the_cli_refuses_a_language_without_catalogs(tmp_path: Path) -> None:
    res = subprocess.run(
        [sys.executable, "-m", "worker", "demo", "--language", "de", "--output", str(tmp_path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert res.returncode == 2, res.stdout + res.stderr
    assert "--language de: no texts for this language" in res.stdout + res.stderr
    assert "Traceback" not in res.stderr
