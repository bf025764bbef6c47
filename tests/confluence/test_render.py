"""The rendered page: well-formed storage XML, escaping, every cell complete, the HTML preview."""

from __future__ import annotations

import html as htmllib
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

from tests.confluence.cf_fixtures import EVIL, ODD, small_directory, small_rules
from worker.config.load import load_config
from worker.confluence.render import (
    AC_NS,
    RI_NS,
    names_from,
    parse_storage,
    render_matrix_page,
    render_preview_html,
)

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "config.example.yaml"
AC = f"{{{AC_NS}}}"
RI = f"{{{RI_NS}}}"


def texts(el: ET.Element) -> str:
    return "".join(el.itertext())


def mentioned(el: ET.Element) -> list[str]:
    return [u.get(f"{RI}account-id", "") for u in el.iter(f"{RI}user")]


def matrix_cells(root: ET.Element) -> dict[tuple[int, int], ET.Element]:
    h2 = [el for el in root if el.tag == "h2"]
    matrix_h2 = next(h for h in h2 if texts(h) == "The matrix")
    siblings = list(root)
    table = next(el for el in siblings[siblings.index(matrix_h2) :] if el.tag == "table")
    rows = table.findall("./tbody/tr")
    return {
        (i, j): td for i, tr in enumerate(rows[1:]) for j, td in enumerate(tr.findall("td")[1:])
    }


def test_the_page_is_well_formed_xml_and_deterministic() -> None:
    a = render_matrix_page(small_rules(), small_directory(), source_hash="abc123")
    b = render_matrix_page(small_rules(), small_directory(), source_hash="abc123")
    assert a == b
    root = parse_storage(a)
    assert root.find(f".//{AC}structured-macro[@{AC}name='info']") is not None
    assert "abc123" in texts(root)


def test_text_from_configuration_shows_literally() -> None:
    storage = render_matrix_page(small_rules(), small_directory(), source_hash="abc123")
    assert "<i>" not in storage and ODD not in storage
    root = parse_storage(storage)
    assert root.find(".//i") is None  # nothing from the configuration became markup
    all_text = texts(root)
    assert ODD + " issue" in all_text  # a kind's name
    assert "Red & <Team>" in all_text  # a team's name
    assert "Everything is on fire & <nothing> works" in all_text
    assert 'Never "across" & never down' in all_text
    assert "Quiet <hours>" in all_text
    cells = matrix_cells(root)
    assert ODD in texts(cells[(1, 1)])  # a cell note


def test_people_appear_as_mentions_and_names_only_in_the_preview() -> None:
    directory = small_directory()
    storage = render_matrix_page(small_rules(), directory, source_hash="abc123")
    assert "acc-eve" in storage and EVIL not in texts(parse_storage(storage))
    preview = render_preview_html(storage, "Escalation matrix", names=names_from(directory))
    assert htmllib.escape(EVIL) in preview and EVIL not in preview
    assert "<b>Eve" not in preview


def test_every_cell_names_roles_deadlines_and_the_path_never_people() -> None:
    rules, directory = small_rules(), small_directory()
    root = parse_storage(render_matrix_page(rules, directory, source_hash="abc123"))
    cells = matrix_cells(root)
    assert len(cells) == 4
    s1 = texts(cells[(0, 0)])
    assert s1.startswith("CPO") and "with CTO" in s1
    assert "Top of the ladder, works with CTO" in s1
    assert "Acknowledge 15 min · Resolve 4 h" in s1
    assert "Open #incidents & call" in s1
    s2 = texts(cells[(1, 1)])
    assert s2.startswith("Product Owner") and "Escalates to Product Director → CPO" in s2
    assert "1 business day" in s2
    assert all(mentioned(c) == [] for c in cells.values())  # people live in the table beneath


def test_the_page_opens_with_the_matrix_and_closes_with_the_generated_panel() -> None:
    root = parse_storage(
        render_matrix_page(small_rules(), small_directory(), source_hash="hash-7f3a9c")
    )
    children = list(root)
    assert children[0].tag == "h2" and texts(children[0]) == "The matrix"
    headings = [texts(el) for el in children if el.tag == "h2"]
    assert headings[:2] == ["The matrix", "Who fills each role"]
    last = children[-1]
    assert last.get(f"{AC}name") == "info" and "hash-7f3a9c" in texts(last)
    assert "hash-7f3a9c" not in "".join(texts(el) for el in children[:-1])
    header = texts(root.find("./table/tbody/tr"))  # type: ignore[arg-type]
    assert "Phone call" in header and "backup: SMS" in header


def test_who_fills_each_role_is_one_table_with_a_row_per_team() -> None:
    directory = small_directory()
    root = parse_storage(render_matrix_page(small_rules(), directory, source_hash="h"))
    children = list(root)
    h2 = next(i for i, el in enumerate(children) if texts(el) == "Who fills each role")
    org_line, table = children[h2 + 1], children[h2 + 2]
    assert org_line.tag == "p" and mentioned(org_line) == ["acc-cam", "acc-theo"]
    rows = table.findall("./tbody/tr")
    assert [texts(tr.findall("td")[0]) for tr in rows[1:]] == [
        t.name for t in directory.teams.values()
    ]
    header = [texts(th) for th in rows[0].findall("th")]
    assert header[:2] == ["Team", "Jira projects"] and "Product Owner" in header
    po = header.index("Product Owner")
    assert [mentioned(tr.findall("td")[po]) for tr in rows[1:]] == [["acc-eve"], ["acc-sam"]]
    assert sum(texts(h) == "Who fills each role" for h in children) == 1


class _Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.classes: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.classes += [v or "" for k, v in attrs if k == "class"]


def test_preview_is_a_standalone_html_page_with_panels_lozenges_and_names() -> None:
    directory = small_directory()
    storage = render_matrix_page(small_rules(), directory, source_hash="abc123")
    page = render_preview_html(storage, 'Matrix <"x">', names=names_from(directory))
    assert page.startswith("<!DOCTYPE html>")
    assert "<title>Matrix &lt;&quot;x&quot;&gt;</title>" in page
    parsed = _Collect()
    parsed.feed(page)
    assert {"html", "head", "body", "table", "style"} <= set(parsed.tags)
    assert not any(t.startswith("ac:") or t.startswith("ri:") for t in parsed.tags)
    assert "panel panel-info" in parsed.classes and "mention" in parsed.classes
    assert "lozenge lozenge-red" in parsed.classes
    assert "@Camille" in page and "@Théo" in page
    assert re.search(r">\s*S1\s*<", page)


def test_preview_of_an_unknown_account_shows_the_id() -> None:
    page = render_preview_html('<p><ac:link><ri:user ri:account-id="x-1" /></ac:link></p>', "t")
    assert "@x-1" in page


def test_the_shipped_rules_render_all_24_cells_with_roles_and_slas() -> None:
    cfg = load_config(CONFIG)
    rules, directory = cfg.rules, cfg.directory
    storage = render_matrix_page(rules, directory, source_hash=rules.source_hash)
    root = parse_storage(storage)
    cells = matrix_cells(root)
    types = sorted(rules.types.values(), key=lambda t: t.number)
    sevs = sorted(rules.severities.values(), key=lambda s: s.rank)
    assert len(cells) == len(types) * len(sevs) == 24
    for i, t in enumerate(types):
        for j, s in enumerate(sevs):
            cell, el = rules.cell(t.id, s.id), cells[(i, j)]
            text = texts(el)
            assert text.startswith(rules.roles[cell.owner].name), (t.id, s.id)
            for other in cell.handlers[1:]:
                assert rules.roles[other].name in text
            assert f"Acknowledge {s.acknowledge.text} · Resolve {s.resolve.text}" in text
            nxt = rules.escalates_to(cell.owner)
            if nxt:
                assert f"Escalates to {rules.roles[nxt].name}" in text
            assert mentioned(el) == []
    # every person of the directory who fills a role is named once in the page's people part
    named = set(mentioned(root))
    for team in directory.teams.values():
        for handles in team.members.values():
            assert {directory.people[h].account_id for h in handles} <= named
    assert rules.source_hash in texts(root)


def test_the_page_lists_stand_ins() -> None:
    from dataclasses import replace
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from worker.core.directory import Absence

    cfg = load_config(CONFIG)
    paris = ZoneInfo("Europe/Paris")
    absence = Absence(
        "camille", datetime(2026, 3, 9, tzinfo=paris), datetime(2026, 3, 14, tzinfo=paris), "theo"
    )
    directory = replace(cfg.directory, absences=(absence,))
    storage = render_matrix_page(cfg.rules, directory, source_hash="x")
    root = parse_storage(storage)
    text = texts(root)
    assert "Stand-ins" in text and "Mon 09 Mar 2026 – Fri 13 Mar 2026" in text
    rows = [r for r in root.iter("tr") if "Mar 2026" in texts(r)]
    (row,) = rows
    camille = cfg.directory.people["camille"].account_id
    theo = cfg.directory.people["theo"].account_id
    assert mentioned(row) == [camille, theo]
    # without absences, no section
    assert "Stand-ins" not in texts(
        parse_storage(render_matrix_page(cfg.rules, cfg.directory, source_hash="x"))
    )
