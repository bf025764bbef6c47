"""The Confluence page and the poster in another language (issue 17 item 5).

Under the pseudo-locale ``qps`` every catalog text and every rules text is transformed, so any
English word left on the page or the poster was never translated; the checks are shown able to
fail. A few French renderings are pinned.
"""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pypdf
import pytest

from tests.config.workspace import ROOT
from tests.i18n.english_left import data_of, english_left, storage_words
from worker.config.load import load_config
from worker.config.model import Config
from worker.confluence.render import (
    render_matrix_page,
    render_preview_html,
)
from worker.confluence.service import extra_sections, render_matrix
from worker.core.matrix_view import matrix_view
from worker.i18n import texts_for
from worker.i18n.pseudo import pseudo
from worker.i18n.rules_text import rules_in
from worker.onboarding.who import answers, render_text
from worker.poster.render import render_poster


@pytest.fixture(scope="module")
def config() -> Config:
    return load_config(ROOT / "config.example.yaml")


def _page(config: Config, language: str) -> str:
    return render_matrix_page(
        rules_in(config.rules, language),
        config.directory,
        source_hash=config.rules.source_hash,
        texts=texts_for(language),
    )


def _poster_text(config: Config, language: str) -> str:
    texts = texts_for(language)
    rules = rules_in(config.rules, language)
    poster = render_poster(
        matrix_view(rules, config.directory, texts),
        title=config.confluence.title,
        source_hash=config.rules.source_hash,
        texts=texts,
    )
    reader = pypdf.PdfReader(io.BytesIO(poster.pdf))
    assert len(reader.pages) == 1
    return reader.pages[0].extract_text()


def test_the_page_under_qps_has_no_english_left(config: Config) -> None:
    text = storage_words(_page(config, "qps"))
    assert english_left(text, data_of(config)) == []
    assert "⟦" in text


def test_the_page_check_finds_english(config: Config) -> None:
    """The same check on the English page finds English (it can fail)."""
    left = english_left(storage_words(_page(config, "en")), data_of(config))
    assert {"ladder", "Acknowledge", "Critical", "Product", "Director"} <= set(left)


def test_the_page_check_finds_one_untranslated_rules_text(config: Config) -> None:
    rules = rules_in(config.rules, "qps")
    cell = rules.matrix[("production_incident", "S1")]
    rules.matrix[("production_incident", "S1")] = replace(cell, note="Open the war room.")  # type: ignore[index]
    storage = render_matrix_page(rules, config.directory, source_hash="abc", texts=texts_for("qps"))
    assert english_left(storage_words(storage), data_of(config)) == ["Open", "room", "the", "war"]


def test_the_poster_under_qps_has_no_english_left(config: Config) -> None:
    text = _poster_text(config, "qps")
    assert english_left(text, data_of(config)) == []


def test_the_poster_check_finds_english(config: Config) -> None:
    left = english_left(_poster_text(config, "en"), data_of(config))
    assert {"Resolve", "Critical", "Escalates", "Team"} <= set(left)


def test_the_preview_page_under_qps(config: Config) -> None:
    html = render_preview_html(_page(config, "qps"), "T", texts=texts_for("qps"))
    assert '<html lang="qps">' in html
    assert "Preview of the page" not in html


# --- French, pinned --------------------------------------------------------------------------


def test_the_french_page(config: Config) -> None:
    storage = _page(config, "fr")
    text = storage_words(storage)
    assert "<h2>La matrice</h2>" in storage
    assert "<strong>Prise en charge</strong> 15 min · <strong>Résolution</strong> 4 h" in storage
    assert "Monte vers Directeur produit → CPO" in storage
    assert "Sommet de l’échelle, travaille avec CTO" in storage
    assert "<strong>Dépendance inter-équipes bloquée</strong>" in storage
    assert "1 jour ouvré" in storage and "prochaine planification" in storage
    # French typography: a no-break space before the colon, a narrow one before the semicolon
    assert "Pour toutes les équipes\u00a0: " in storage
    assert "une marche à la fois\u202f; elle" in storage
    assert "Le délai de prise en charge demande un premier signe d’appropriation («\u00a0vu" in text
    assert " :" not in text and " ;" not in text
    # the recommendation words a French reader should write
    assert "<code>ce qui s&#x27;est passé</code>" in storage
    assert "<code>what happened</code>" not in storage


def test_the_french_poster(config: Config) -> None:
    text = _poster_text(config, "fr")
    assert "S1 · Critique" in text
    assert "Délais comptés 24 h/24" in text
    assert "Sommet de l’échelle, avec CTO" in text
    assert "Qui tient chaque rôle" in text
    # the narrow no-break space is not in the PDF fonts: a no-break space stands in (ReportLab
    # keeps it unbroken and draws a space), never a '?'
    assert "dans les délais ; les rôles" in text.replace("\n", " ")
    assert "?" not in text


def test_the_poster_draws_the_narrow_no_break_space_as_a_no_break_space() -> None:
    from worker.poster.render import _t

    assert _t("délais\u202f; «\u00a0vu\u00a0»") == "délais\u00a0; «\u00a0vu\u00a0»"
    assert _t("ĺ") == "?"


def test_the_english_page_is_as_before(config: Config) -> None:
    storage = _page(config, "en")
    assert storage == render_matrix_page(
        config.rules, config.directory, source_hash=config.rules.source_hash
    )
    assert "<strong>Acknowledge</strong> 15 min · <strong>Resolve</strong> 4 h" in storage
    assert "Reviewed in the weekly digest." in storage


def test_a_french_config_publishes_french(tmp_path: Path) -> None:
    import shutil

    shutil.copytree(ROOT / "rules", tmp_path / "rules")
    text = (ROOT / "config.example.yaml").read_text(encoding="utf-8")
    (tmp_path / "config.yaml").write_text(
        text.replace("\nlanguage: en\n", "\nlanguage: fr\n"), encoding="utf-8"
    )
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    from worker.confluence.service import extra_sections, render_matrix

    config = load_config(tmp_path / "config.yaml")
    example = load_config(ROOT / "config.example.yaml")
    now = datetime(2026, 3, 3, 9, tzinfo=UTC)
    # the page of `fr`, with the sections the publication adds after the people table
    assert render_matrix(config, now) == render_matrix_page(
        rules_in(example.rules, "fr"),
        example.directory,
        source_hash=example.rules.source_hash,
        texts=texts_for("fr"),
        now=now,
        zone=ZoneInfo(example.calendar.timezone),
        sections=extra_sections(config, now),
    )


def _with_absence(config: Config) -> Config:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from worker.core.directory import Absence

    paris = ZoneInfo("Europe/Paris")
    people = list(config.directory.people)
    away = Absence(
        people[0],
        datetime(2026, 12, 7, tzinfo=paris),
        datetime(2026, 12, 12, tzinfo=paris),
        people[1],
    )
    return replace(config, directory=replace(config.directory, absences=(away,)))


def test_the_stand_ins_in_french_and_under_qps(config: Config) -> None:
    away = _with_absence(config)
    french = _page(away, "fr")
    assert "<h3>Suppléances</h3>" in french
    assert "du lun. 7 déc. 2026 au ven. 11 déc. 2026" in french
    assert english_left(storage_words(_page(away, "qps")), data_of(away)) == []
    english = _page(away, "en")
    assert "Mon 07 Dec 2026 – Fri 11 Dec 2026" in english


def test_the_whole_published_page_under_qps_and_in_french(config: Config) -> None:
    """The page as publish renders it: with "New here? Who to call" and the calendars."""
    from datetime import UTC, datetime

    from worker.confluence.service import render_matrix

    now = datetime(2026, 3, 3, 9, tzinfo=UTC)
    qps = replace(config, language="qps", rules=rules_in(config.rules, "qps"))
    data = [*data_of(config), *config.calendar.holiday_categories]
    assert english_left(storage_words(render_matrix(qps, now)), data) == []
    french = render_matrix(replace(config, language="fr", rules=rules_in(config.rules, "fr")), now)
    assert "<h2>Nouveau ici\u202f? Qui appeler</h2>" in french
    assert "<h2>Calendriers</h2>" in french
    assert "lun.–jeu. 09:00–12:30, 13:30–18:00\u202f; ven. 09:00–12:30" in french


# --- the sections after the people table: who to call, calendars, adopted escalations ----------

NOW = datetime(2026, 3, 3, 9, tzinfo=UTC)
CAMILLE = "5b10a2844c20165700ede21a"
ADOPTED = {CAMILLE: [("PAY-12", "S1"), ("OPS-3", "S2")]}


def _newcomer_config(folder: Path, language: str) -> Config:
    """The example with every optional section: a team's own calendar, an absence (a stand-in is
    called first) and the adopted escalations shown."""
    text = (ROOT / "config.example.yaml").read_text(encoding="utf-8")
    text = text.replace("rules_dir: rules", f"rules_dir: {ROOT / 'rules'}", 1)
    text = text.replace("\nlanguage: en\n", f"\nlanguage: {language}\n")
    anchor = "    projects: [PAY, PEOPLE]"
    own = "\n    calendar:\n      timezone: America/New_York\n      holidays: {country: US}"
    text = text.replace(anchor, anchor + own, 1)
    text = text.replace(
        "  restrict_editing: false", "  restrict_editing: false\n  show_adopted: true"
    )
    text += "\nabsences:\n  - {person: camille, from: 2026-03-02, to: 2026-03-06, deputy: ines}\n"
    path = folder / f"config.{language}.yaml"
    path.write_text(text, encoding="utf-8")
    return load_config(path)


def _with_sections(config: Config, language: str) -> str:
    """The page as publish renders it, in ``language`` (``qps`` included)."""
    rules = rules_in(config.rules, language)
    return render_matrix(replace(config, language=language, rules=rules), NOW, ADOPTED)


def _newcomer_data(config: Config) -> list[str]:
    own = [c.timezone for c in config.team_calendars.values()]
    return data_of(config) + own


def test_the_newcomer_sections_under_qps_have_no_english_left(tmp_path: Path) -> None:
    config = _newcomer_config(tmp_path, "en")
    storage = _with_sections(config, "qps")
    for heading in ("New here? Who to call", "Calendars", "Adopted escalations"):
        assert f"<h2>{pseudo(heading)}</h2>" in storage
    assert english_left(storage_words(storage), _newcomer_data(config)) == []
    # the same check finds the English of these sections on the English page
    left = english_left(storage_words(_with_sections(config, "en")), _newcomer_data(config))
    assert {"standing", "Organisation", "Holidays", "Adopted", "Mon", "public"} <= set(left)


def test_who_under_qps_has_no_english_left(tmp_path: Path) -> None:
    config = _newcomer_config(tmp_path, "en")
    qps = replace(config, rules=rules_in(config.rules, "qps"))
    texts = texts_for("qps")
    found = answers(qps, "incident", "S1", None, NOW, texts)
    found += answers(qps, "dependency", "S2", "payments", NOW, texts)
    text = render_text(found, texts)
    channels = [t.slack_channel or "" for t in config.directory.teams.values()]
    assert english_left(text, [*_newcomer_data(config), *channels, "CET", "EST"]) == []


def test_the_french_who_to_call_section(tmp_path: Path) -> None:
    config = _newcomer_config(tmp_path, "fr")
    storage = render_matrix(config, NOW, ADOPTED)
    new_here = extra_sections(config, NOW, ADOPTED)[0]
    assert new_here in storage
    assert new_here.startswith(
        "<h2>Nouveau ici\u202f? Qui appeler</h2><p>Posez l’étiquette de sévérité et une étiquette "
        "de type sur le ticket Jira\u00a0: l’outil appelle le responsable pour vous"
    )
    assert (
        "<tr><td><strong>S1</strong> Critique</td><td>prise en charge 15 min, résolution 4 h</td>"
        "<td>Inès Bernard, CPO (remplace Camille Durand)\u00a0: Incident de production, "
    ) in new_here
    # a role filled per team is named as the team's role (the people table has the names)
    assert "<td>le rôle Directeur produit de l’équipe\u00a0: Incident de production, " in new_here
    assert "/ secours\u00a0: SMS</td>" in new_here
    assert "dans son fuseau horaire\u00a0: <code>escalation-worker who" in new_here
    text = storage_words(storage)
    assert "<h2>Calendriers</h2>" in storage and "<h2>Escalades reprises</h2>" in storage
    assert "lun.–jeu. 09:00–12:30, 13:30–18:00\u202f; ven. 09:00–12:30, 13:30–17:00" in text
    assert "FR (légaux) + jeu. 24 déc. 2026" in text
    assert " :" not in text and " ;" not in text and " ?" not in text
