"""The weekly digest in another language: nothing English under qps, French pinned."""

from __future__ import annotations

from dataclasses import replace

from tests.i18n.english_left import data_of, english_left
from tests.notify.test_notify_digest import SARAH, rec
from tests.support import PO, paris
from worker.config.model import Config
from worker.i18n import texts_for
from worker.i18n.rules_text import rules_in
from worker.notify.digest import build_digests
from worker.notify.message import Message

ISSUES = [
    ("SHOP-2", "Later one", rec("S3", "checkout", due_h=10)),
    ("SHOP-1", "Sooner one", rec("S4", "checkout", due_h=2)),
    ("PEOPLE-1", "Alice and Bob clash", rec("S4", "payments", kind="people_issue")),
    ("PAY-1", "Payments thing", rec("S3", "payments")),
]


def _digests(config: Config, language: str) -> dict[str, Message]:
    localised = replace(config, rules=rules_in(config.rules, language), language=language)
    msgs = build_digests(localised, ISSUES, paris(2026, 3, 9, 9, 0), texts=texts_for(language))
    return {m.recipients[0].account_id: m for m in msgs}


def test_the_digest_under_qps_has_no_english_left(example_config: Config) -> None:
    data = [*data_of(example_config), *(summary for _, summary, _ in ISSUES)]
    for m in _digests(example_config, "qps").values():
        assert english_left(m.title, data) == []
        assert english_left(m.text, data) == []
    english = _digests(example_config, "en")[PO]
    assert {"Open", "escalations", "owner", "resolve"} <= set(english_left(english.text, data))


def test_the_french_digest(example_config: Config) -> None:
    by = _digests(example_config, "fr")
    emma = by[PO]
    assert emma.title == "Revue hebdomadaire des escalades 2026-W11\u00a0: 2 ouvertes"
    lines = emma.text.splitlines()
    assert lines[0] == (
        "Escalades S3/S4 ouvertes pour la revue hebdomadaire (2026-W11, heures de "
        "Europe/Paris)\u00a0:"
    )
    assert lines[1] == (
        "- SHOP-1 [S4] Désaccord sur le périmètre ou les priorités\u00a0: Sooner one — "
        "responsable Emma Moreau\u202f; en attente de prise en charge avant le "
        "lun. 2 mars 2026 11:00\u202f; à résoudre avant le mer. 4 mars 2026 09:00"
    )
    assert "PEOPLE-1 [S4] (confidentiel)" in by[SARAH].text


def test_the_english_digest_is_as_before(example_config: Config) -> None:
    emma = _digests(example_config, "en")[PO]
    assert emma.title == "Weekly escalation review 2026-W11: 2 open"
    assert emma.text.splitlines()[1] == (
        "- SHOP-1 [S4] Scope or priority disagreement: Sooner one — owner Emma Moreau; "
        "waiting for acknowledgement by Mon 02 Mar 11:00; resolve by Wed 04 Mar 09:00"
    )
