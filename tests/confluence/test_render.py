"""The rendered page: well-formed storage XML, escaping, every cell complete, the HTML preview."""

from __future__ import annotations

import html as htmllib
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

from cf_fixtures import EVIL, ODD, small_directory, small_rules

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


def test_every_cell_says_who_whom_next_both_slas_and_the_channels() -> None:
    rules, directory = small_rules(), small_directory()
    root = parse_storage(render_matrix_page(rules, directory, source_hash="abc123"))
    cells = matrix_cells(root)
    assert len(cells) == 4
    s1 = texts(cells[(0, 0)])
    assert s1.startswith("Owner: CPO") and "With: CTO" in s1
    assert mentioned(cells[(0, 0)]) == ["acc-cam", "acc-theo"]
    assert "top of the ladder" in s1 and "works with CTO" in s1
    assert "Acknowledge: 15 min" in s1 and "Resolve: 4 h" in s1
    assert "Channel: Phone call" in s1 and "Backup: SMS" in s1
    assert "Open #incidents & call" in s1
    s2 = texts(cells[(1, 1)])  # team roles resolve per team
    assert s2.startswith("Owner: Product Owner") and "Escalates to: Product Director then CPO" in s2
    assert mentioned(cells[(1, 1)]) == ["acc-eve", "acc-sam", "acc-lea", "acc-lea"]
    assert "Red & <Team>:" in s2 and "Blue:" in s2
    assert (
        "1 business day" in s2
        and "Slack DM (with an @here in the team channel)" in s2
        and "Backup: Email" in s2
    )


def test_many_teams_keep_cells_to_role_names() -> None:
    directory = small_directory()
    root = parse_storage(
        render_matrix_page(small_rules(), directory, source_hash="h", max_teams_in_cells=1)
    )
    cell = matrix_cells(root)[(1, 1)]
    assert mentioned(cell) == [] and "see Who is who" in texts(cell)
    assert "acc-sam" in mentioned(root)  # still named in the who-is-who table


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


def test_the_shipped_rules_render_all_24_cells_with_the_right_people_and_slas() -> None:
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
            expected: list[str] = []
            for role in cell.handlers:
                if rules.roles[role].scope == "global":
                    expected += [p.account_id for p in directory.people_for(role, None)]
                else:
                    for team in directory.teams.values():
                        expected += [p.account_id for p in directory.people_for(role, team.id)]
            assert mentioned(el) == expected, (t.id, s.id)
            assert text.startswith(f"Owner: {rules.roles[cell.owner].name}")
            assert (
                f"Acknowledge: {s.acknowledge.text}" in text
                and f"Resolve: {s.resolve.text}" in text
            )
            nxt = rules.escalates_to(cell.owner)
            if nxt:
                assert f"Escalates to: {rules.roles[nxt].name}" in text
    # spot checks against config.example.yaml
    assert mentioned(cells[(0, 0)]) == [
        "5b10a2844c20165700ede21a",
        "5b10a2844c20165700ede21b",
    ]  # CPO, CTO
    assert "Acknowledge: 15 min" in texts(cells[(0, 0)]) and "Backup: SMS" in texts(cells[(0, 0)])
    assert rules.source_hash in texts(root)
