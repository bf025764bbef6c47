"""scripts/i18n check: every marked text is in its template and translated in every shipped
language, with the same fields, nothing fuzzy, and French spacing in French."""

from __future__ import annotations

import subprocess

from tests.support import ROOT
from worker.i18n import tool
from worker.i18n.catalogs import shipped_languages


def test_every_text_is_extracted_and_translated_in_every_language() -> None:
    assert "fr" in shipped_languages()
    assert tool.problems() == []


def test_the_source_has_the_texts_the_templates_hold() -> None:
    found = tool.extracted("core")
    # a few texts of each kind of source: core sentences, a call, a button, a plural
    assert "Escalated one level up: {handlers}." in found
    assert "Press 1 to acknowledge." in found
    assert "Acknowledge" in found
    assert (
        "You now own {count} escalation(s) the worker adopted",
        "You now own {count} escalation(s) the worker adopted",
    ) in found
    assert any(w.startswith("worker/core/sentences.py:") for w in found["Why: {why}."])


def test_check_reports_a_missing_a_fuzzy_and_a_mistranslated_entry() -> None:
    where = "core.po:1"
    assert tool._entry_problems(where, "fr", "Why: {why}.", "", False) == [
        "core.po:1: 'Why: {why}.' has no translation"
    ]
    assert (
        "fuzzy" in tool._entry_problems(where, "fr", "Why: {why}.", "Motif\u00a0: {why}.", True)[0]
    )
    (wrong,) = tool._entry_problems(where, "fr", "Why: {why}.", "Motif\u00a0: {pourquoi}.", False)
    assert "fields ['{pourquoi}'] differ from the source's ['{why}']" in wrong
    plural = ("{count} update", "{count} updates")
    assert tool._entry_problems(where, "fr", plural, ("{count} mise à jour", "mises à jour"), False)


def test_french_spacing_is_checked() -> None:
    assert tool.french_problems("Motif : {why}") == [
        "a plain space before : ; ! or ? (use U+00A0 or U+202F)"
    ]
    assert tool.french_problems('le statut "{status}"')[0].startswith('"…" quotes')
    assert tool.french_problems("« {status}»") == ["« » without a no-break space inside"]
    assert tool.french_problems("Motif\u00a0: {why}\u202f; voir « x » ") == [
        "« » without a no-break space inside"
    ]
    assert tool.french_problems("à 10:30, https://x.example/?a=1") == []


def test_the_script_exits_0_when_complete() -> None:
    res = subprocess.run(
        [str(ROOT / "scripts" / "i18n"), "check"], capture_output=True, text=True, cwd=ROOT
    )
    assert res.returncode == 0, res.stdout + res.stderr
    assert "every text is extracted and translated" in res.stdout
