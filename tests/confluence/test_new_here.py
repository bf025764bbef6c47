"""The page for a newcomer (issue 17 items 4 and 6, issue 13 item 8): "New here? Who to call"
from the function behind `escalation-worker who`, only current and upcoming stand-ins with days in
the calendar's zone, and the calendars (a team's own one included)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from pathlib import Path

from worker.config.clocks import build_clocks, build_team_clocks
from worker.config.load import load_config
from worker.config.model import Config
from worker.confluence.render import parse_storage
from worker.confluence.service import render_matrix
from worker.core.who import find_kind, find_severity, who_to_call

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 3, 3, 9, tzinfo=UTC)


def _config(
    tmp_path: Path, *, absences: str = "", zone: str = "", ny_payments: bool = False
) -> Config:
    text = (ROOT / "config.example.yaml").read_text(encoding="utf-8")
    text = text.replace("rules_dir: rules", f"rules_dir: {ROOT / 'rules'}", 1)
    if zone:
        text = text.replace("timezone: Europe/Paris", f"timezone: {zone}", 1)
    if ny_payments:
        anchor = "    projects: [PAY, PEOPLE]"
        text = text.replace(
            anchor,
            anchor
            + "\n    calendar:\n      timezone: America/New_York\n      holidays: {country: US}",
            1,
        )
    if absences:
        text += "\nabsences:\n" + absences
    path = tmp_path / "config.yaml"
    path.write_text(text, encoding="utf-8")
    return load_config(path)


def _texts(el: ET.Element) -> str:
    return "".join(el.itertext())


def _section(root: ET.Element, title: str) -> list[ET.Element]:
    children = list(root)
    start = next(i for i, el in enumerate(children) if el.tag == "h2" and _texts(el) == title)
    end = next(
        (i for i in range(start + 1, len(children)) if children[i].tag == "h2"), len(children)
    )
    return children[start + 1 : end]


def _rows(section: list[ET.Element]) -> list[list[str]]:
    table = next(el for el in section if el.tag == "table")
    return [[_texts(td) for td in tr.findall("td")] for tr in table.iter("tr")][1:]


def test_new_here_follows_the_people_table_and_answers_like_who(tmp_path: Path) -> None:
    away = "  - {person: camille, from: 2026-03-02, to: 2026-03-06, deputy: ines}\n"
    config = _config(tmp_path, absences=away)
    root = parse_storage(render_matrix(config, NOW))
    headings = [_texts(el) for el in root if el.tag == "h2"]
    assert headings[:3] == ["The matrix", "Who fills each role", "New here? Who to call"]
    rows = {r[0]: r for r in _rows(_section(root, "New here? Who to call"))}
    assert list(rows) == ["S1 Critical", "S2 Major", "S3 Standard", "S4 Minor"]
    s1 = rows["S1 Critical"]
    assert s1[1] == "acknowledge 15 min, resolve 4 h"
    assert "Phone call" in s1[3]
    # the same answer as `who --type incident --severity S1` at that instant: the CPO's deputy
    rules, directory = config.rules, config.directory
    answer = who_to_call(
        rules,
        directory,
        build_clocks(config),
        find_kind(rules, "incident"),
        find_severity(rules, "S1"),
        None,
        NOW,
        team_clocks=build_team_clocks(config),
    )
    assert answer is not None and answer.owner is not None
    assert answer.owner.name == "Inès Bernard"
    assert s1[2].startswith(
        "Inès Bernard, CPO (standing in for Camille Durand): Production incident"
    )
    # a role filled per team is named as a role (the people table above has the names)
    assert "the team's Product Owner: " in rows["S3 Standard"][2]
    # once the absence is over, the CPO again
    later = parse_storage(render_matrix(config, datetime(2026, 3, 9, 9, tzinfo=UTC)))
    s1_later = _rows(_section(later, "New here? Who to call"))[0]
    assert s1_later[2].startswith("Camille Durand, CPO: ")


def test_stand_ins_shows_current_and_upcoming_absences_only(tmp_path: Path) -> None:
    absences = (
        "  - {person: sarah, from: 2026-02-02, to: 2026-02-06, deputy: emma}\n"  # over
        "  - {person: camille, from: 2026-03-02, to: 2026-03-03, deputy: ines}\n"  # ends today
        "  - {person: lea, from: 2026-04-02, to: 2026-04-06, deputy: paul}\n"  # upcoming
    )
    config = _config(tmp_path, absences=absences)
    text = _texts(parse_storage(render_matrix(config, NOW)))
    assert "Mon 02 Mar 2026 – Tue 03 Mar 2026" in text
    assert "Thu 02 Apr 2026 – Mon 06 Apr 2026" in text
    assert "Feb 2026" not in text
    # when every absence is over, no section
    over = _texts(parse_storage(render_matrix(config, datetime(2026, 5, 1, tzinfo=UTC))))
    assert "Stand-ins" not in over


def test_stand_in_days_are_the_calendars_days(tmp_path: Path) -> None:
    # Auckland is 13 hours ahead of UTC in March: its Monday starts on Sunday in UTC
    away = "  - {person: camille, from: 2026-03-09, to: 2026-03-13, deputy: theo}\n"
    config = _config(tmp_path, absences=away, zone="Pacific/Auckland")
    text = _texts(parse_storage(render_matrix(config, NOW)))
    assert "Mon 09 Mar 2026 – Fri 13 Mar 2026" in text


def test_the_calendars_section_shows_a_teams_own_calendar(tmp_path: Path) -> None:
    root = parse_storage(render_matrix(_config(tmp_path, ny_payments=True), NOW))
    rows = _rows(_section(root, "Calendars"))
    assert rows[0][:2] == ["Organisation", "Europe/Paris"]
    assert rows[0][2] == "Mon–Thu 09:00–12:30, 13:30–18:00; Fri 09:00–12:30, 13:30–17:00"
    assert rows[0][3].startswith("FR (public)")
    assert rows[1][:2] == ["Payments", "America/New_York"] and rows[1][3].startswith("US (public)")
    assert len(rows) == 2  # Checkout has no calendar of its own
    plain = _rows(_section(parse_storage(render_matrix(_config(tmp_path), NOW)), "Calendars"))
    assert [r[0] for r in plain] == ["Organisation"]
