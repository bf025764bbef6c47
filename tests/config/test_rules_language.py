"""The prose of rules/ per language: read, picked with Rules.in_language, English by default."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.config.workspace import ROOT, Workspace
from worker.config.load import load_config, load_rules
from worker.core.rules import Rules


@pytest.fixture(scope="module")
def rules() -> Rules:
    return load_rules(ROOT / "rules")


def _texts(rules: Rules) -> list[tuple[str, str, str]]:
    """(entry, field, text) for every text a person reads."""
    out = []
    for entry in rules._written():
        for name in entry.PROSE:
            value = getattr(entry, name)
            if value is not None:
                out.append((repr(entry)[:60], name, value))
    return out


def test_the_rules_are_read_in_english_by_default(rules: Rules) -> None:
    assert rules.language == "en"
    assert rules.severities["S1"].name == "Critical"
    assert rules.types["people_issue"].name == "People issue"
    assert rules.roles["direct_manager"].name == "Direct manager"
    assert rules.recommendation[0].title == "What happened"
    assert rules.languages == ("en", "fr")


def test_every_shipped_text_has_its_french(rules: Rules) -> None:
    missing = [
        f"{type(e).__name__} {getattr(e, 'id', '')} {name}"
        for e in rules._written()
        for name in e.PROSE
        if getattr(e, name) is not None and not e.translations.get(name, "fr")
    ]
    assert missing == []


def test_in_french(rules: Rules) -> None:
    fr = rules.in_language("fr")
    assert fr.language == "fr"
    assert fr.severities["S1"].name == "Critique"
    assert fr.severities["S2"].meaning.startswith("Un segment de clientèle")
    assert fr.types["cross_team_dependency"].name == "Dépendance inter-équipes bloquée"
    assert fr.roles["direct_manager"].name == "Responsable hiérarchique"
    assert fr.cell("production_incident", "S1").note == (
        "Ouvrir l’incident dans le canal Slack #incidents."
    )
    assert fr.channels["phone"].name == "Appel téléphonique"
    assert fr.channel_plans["S4"].note == "Passé en revue dans le récapitulatif hebdomadaire."
    assert fr.recommendation[3].title == "Ce que nous attendons de vous"
    assert fr.principles[0].title == "Vers le haut, une marche à la fois"
    # what is not prose does not change: ids, labels, SLAs, the markers of every language
    assert fr.severities["S1"].label == rules.severities["S1"].label
    assert fr.severities["S1"].acknowledge == rules.severities["S1"].acknowledge
    assert [p.markers for p in fr.recommendation] == [p.markers for p in rules.recommendation]
    assert fr.source_hash == rules.source_hash
    # every French text differs from the English one, but for names French keeps as they are
    same = {a for (_, _, a), (_, _, b) in zip(_texts(rules), _texts(fr), strict=True) if a == b}
    assert same == {"CTO", "CPO", "CEO", "SMS", "Product Owner"}


def test_back_to_english_and_untranslated_texts(rules: Rules) -> None:
    fr = rules.in_language("fr")
    assert _texts(fr.in_language("en")) == _texts(rules)
    # a language the rules do not write: English, or what ``untranslated`` makes of English
    assert _texts(rules.in_language("de")) == _texts(rules)
    marked = fr.in_language("qps", untranslated=lambda t: f"<{t}>")
    assert all(
        a.startswith("<") and a[1:-1] == b
        for (_, _, a), (_, _, b) in zip(_texts(marked), _texts(rules), strict=True)
    )
    spaced = rules.in_language("fr", typography=lambda t: t.replace(" :", "\u00a0:"))
    assert "quoi, quand" in spaced.principles[5].text
    assert "fin\u00a0: quoi" in spaced.principles[5].text


def test_a_plain_text_is_english_and_stays_english_in_french(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "rules", tmp_path / "rules")
    sev = tmp_path / "rules" / "severities.yaml"
    sev.write_text(
        sev.read_text(encoding="utf-8").replace(
            "name: {en: Critical, fr: Critique}", "name: Blocker"
        ),
        encoding="utf-8",
    )
    loaded = load_rules(tmp_path / "rules")
    assert loaded.severities["S1"].name == "Blocker"
    assert loaded.in_language("fr").severities["S1"].name == "Blocker"
    assert loaded.in_language("fr").severities["S2"].name == "Majeure"


def test_language_fr_in_the_config_reads_the_rules_in_french(ws: Workspace) -> None:
    ws.edit("config.yaml", "\nlanguage: en\n", "\nlanguage: fr\n")
    config = load_config(Path("config.yaml"))
    assert config.rules.language == "fr"
    assert config.rules.severities["S1"].name == "Critique"
    assert config.rules.roles["product_director"].name == "Directeur produit"
    # with French typography: a no-break space before the colon, inside the guillemets
    trail = config.rules.principles[5].text
    assert "fin\u00a0: quoi" in trail and " : " not in trail
    assert "(«\u00a0vu, je m’en occupe\u00a0»)" in config.rules.principles[3].text


def test_language_en_reads_them_as_before(ws: Workspace) -> None:
    config = load_config(Path("config.yaml"))
    assert config.rules.language == "en"
    assert config.rules.severities["S1"].name == "Critical"
    assert config.rules.principles[3].text.endswith(
        "The resolve deadline asks for a decision or a fix."
    )


def test_language_fr_refuses_a_rules_text_without_french(ws: Workspace) -> None:
    ws.edit("config.yaml", "\nlanguage: en\n", "\nlanguage: fr\n")
    ws.edit("rules/severities.yaml", "name: {en: Major, fr: Majeure}", "name: Major")
    ws.edit(
        "rules/matrix.yaml",
        "fr: Consigné et examiné lors de la revue hebdomadaire.}",
        "de: Protokolliert.}",
    )
    code, out = ws.check()
    assert code == 1
    assert out.splitlines()[:4] == [
        "rules/matrix.yaml:23: stakeholder_request › S4 › note: no fr text, and the "
        "configuration's language is fr.",
        "  ==> fix: write note: {en: ..., fr: ...} with the fr text (a plain text is English only)",
        "rules/severities.yaml:26: severities › S2 › name: no fr text, and the configuration's "
        "language is fr.",
        "  ==> fix: write name: {en: ..., fr: ...} with the fr text (a plain text is English only)",
    ]
    ws.edit("config.yaml", "\nlanguage: fr\n", "\nlanguage: en\n")
    assert ws.check()[0] == 0
