"""The monthly review (Markdown and the Confluence page) in another language.

The seeded month of tests/review (8 escalations, S1–S2 timelines, patterns, people issues) is
computed once, then rendered under ``qps`` (no English may be left but data: names, keys,
summaries, the recorded timeline details) and in French (a few renderings pinned).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest

from tests.i18n.english_left import data_of, english_left, storage_words
from tests.review.review_seed import COUNTERPART_FIELD, DECISION_FIELD, NOW, Seeded, seed_month
from worker.app import bootstrap
from worker.config.model import Config
from worker.i18n import texts_for
from worker.i18n.rules_text import rules_in
from worker.review.compute import Report
from worker.review.model import Month
from worker.review.monthly import compute_month, review_title
from worker.review.render import to_markdown, to_storage
from worker.review.source import ReviewFields


@pytest.fixture(scope="module")
def seeded(example_config: Config) -> Iterator[Seeded]:
    yield from seed_month(example_config)


def _report(seeded: Seeded, language: str) -> Report:
    services = bootstrap(seeded.config, seeded.env(), now=lambda: NOW)
    config = replace(services.config, rules=rules_in(services.config.rules, language))
    fields = ReviewFields.from_config(config, COUNTERPART_FIELD, DECISION_FIELD)
    return compute_month(services.gateway, config, Month.parse("2026-03"), NOW, fields=fields)


def _data(seeded: Seeded, report: Report) -> list[str]:
    out = [*data_of(seeded.config)]
    for e in report.entries:
        out += [e.key, e.summary, e.team, e.counterpart or "", e.owner or "", e.first_ack_by or ""]
        out += [e.decision or "", e.resolution or ""]
        out += [t.detail for t in e.timeline] + [t.who or "" for t in e.timeline]
    out += [p.name for p in report.patterns]
    out += [i.key for i in (*report.still_open, *report.carried_over)]
    out += [v.name for v in report.by_team] + [team for team, _ in report.chart]
    return out


def test_the_review_under_qps_has_no_english_left(seeded: Seeded) -> None:
    report = _report(seeded, "qps")
    qps = texts_for("qps")
    data = _data(seeded, report)
    assert report.entries and report.patterns  # the month exercises every section
    md = to_markdown(report, qps)
    assert english_left(md, data) == []
    storage = to_storage(report, qps)
    assert english_left(storage_words(storage), data) == []
    assert english_left(review_title(report.month, qps), data) == []
    # the same check finds the English of the English review
    english = to_markdown(_report(seeded, "en"))
    assert {"Volume", "escalations", "Definitions", "Critical"} <= set(english_left(english, data))


def test_the_french_review(seeded: Seeded) -> None:
    report = _report(seeded, "fr")
    fr = texts_for("fr")
    md = to_markdown(report, fr)
    assert md.startswith("# Revue des escalades 2026-03\n")
    assert "8 escalades ouvertes en 2026-03 (mois précédent 2026-02\u00a0: 3, +5)." in md
    assert "| S1 Critique | 3 | 2 | +1 |" in md
    assert "## Respect des délais" in md
    assert "- Même dépendance (équipe partenaire)\u00a0: Payments — 2 (" in md
    assert "prise en charge respectée" in md or "prise en charge dépassée" in md
    storage = to_storage(report, fr)
    assert "<h2>Jusqu’où les escalades sont montées</h2>" in storage
    assert review_title(report.month, fr) == "Revue des escalades 2026-03"


def test_the_english_review_is_as_before(seeded: Seeded) -> None:
    report = _report(seeded, "en")
    assert to_markdown(report) == to_markdown(report, texts_for("en"))
    assert "8 escalations opened in 2026-03 (previous month 2026-02: 3, +5)." in to_markdown(report)


def test_a_rate_uses_the_languages_decimal_mark() -> None:
    from worker.review.compute import Compliance
    from worker.review.render import rate_text

    rate = Compliance(met=7, breached=1, pending=0, excluded=0, open_breached=0)
    assert rate_text(rate) == "87.5% (7/8)"
    assert rate_text(rate, texts_for("fr")) == "87,5\u00a0% (7/8)"
