"""The Texts values: English is the identity, French comes from its catalog with Babel's formats,
``qps`` transforms every catalog text and keeps fields."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from worker.core import sentences as S
from worker.core.texts import ENGLISH, NBSP, NNBSP, Texts, french_typography
from worker.core.wording import fill
from worker.i18n import UnknownLanguage, available_languages, texts_for
from worker.i18n.pseudo import CLOSE, OPEN, pseudo

PARIS = ZoneInfo("Europe/Paris")
AT = datetime(2026, 12, 7, 8, 5, tzinfo=UTC)


def test_english_is_the_identity_and_keeps_the_workers_date_format() -> None:
    assert ENGLISH.gettext(S.DEADLINES) is S.DEADLINES
    assert ENGLISH.ngettext("one", "many", 1) == "one"
    assert ENGLISH.ngettext("one", "many", 2) == "many"
    assert ENGLISH.format_datetime(AT, PARIS) == "Mon 07 Dec 2026 09:05 (Europe/Paris)"
    assert ENGLISH.format_duration(timedelta(minutes=90)) == "1 h 30 min"
    assert ENGLISH.format_duration(timedelta(minutes=45)) == "45 min"
    assert texts_for("en") is ENGLISH
    assert isinstance(texts_for("fr"), Texts)


def test_languages_are_english_and_the_shipped_catalogs() -> None:
    assert available_languages()[0] == "en"
    assert "fr" in available_languages()
    assert "qps" not in available_languages()  # test-only, not a configurable language
    with pytest.raises(UnknownLanguage, match=r"'de'.*available: en, fr"):
        texts_for("de")


def test_french_dates_are_babels_with_a_24_hour_clock() -> None:
    fr = texts_for("fr")
    evening = datetime(2026, 12, 7, 17, 30, tzinfo=UTC)
    assert fr.format_datetime(evening, PARIS) == "lun. 7 déc. 2026 à 18:30 (Europe/Paris)"
    assert fr.format_time(evening, PARIS) == "18:30"
    assert fr.format_duration(timedelta(minutes=90)) == f"1{NNBSP}h 30{NBSP}min"


def test_french_typography_makes_existing_spaces_unbreakable_only() -> None:
    text = "Note : « voir » ; prêt ? oui ! https://x.example/a?b=1 à 10:30"
    assert french_typography(text) == (
        f"Note{NBSP}: «{NBSP}voir{NBSP}»{NNBSP}; prêt{NNBSP}? oui{NNBSP}! "
        "https://x.example/a?b=1 à 10:30"
    )
    assert french_typography(french_typography(text)) == french_typography(text)
    assert texts_for("fr").typography("a : b") == f"a{NBSP}: b"
    assert ENGLISH.typography("a : b") == "a : b"


def test_pseudo_transforms_every_letter_and_keeps_fields() -> None:
    out = pseudo("{owner} a reminder: acknowledge by {ack_due:>10}.")
    assert out.startswith("{owner} " + OPEN) and out.endswith(CLOSE)
    assert "{ack_due:>10}" in out
    assert not any(
        c.isascii() and c.isalpha() for c in out.replace("{owner}", "").replace("{ack_due:>10}", "")
    )


def test_qps_renders_the_templates_and_still_fills_an_empty_leading_mention() -> None:
    qps = texts_for("qps")
    nudge = qps.gettext(S.NUDGE)
    assert nudge != S.NUDGE and OPEN in nudge
    para = fill(nudge, owner="", severity="S2", role="PO", ack_due="d1", resolve_due="d2")
    text = "".join(getattr(i, "text", "") for i in para)
    assert text.startswith(OPEN)  # the empty mention took its space with it
    assert "S2" in text and "d1" in text
