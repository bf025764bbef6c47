"""Well-formed Markdown and CSV review outputs (issue 12, after item 8's corpus).

``report --format md|csv`` and ``trail --format csv`` carry text from Jira and the configuration: a
summary, a team's or a person's name, a timeline detail, the decision. Every control or separator
character of the well-formed-output corpus, and each character that makes a spreadsheet read a cell
as a formula (``= + - @``), goes into those fields; the outputs must keep their shape: each Markdown
table row has its cells and no line break inside a row, heading or list item; each CSV row parses
back into its columns, no cell holds a line break or a forbidden character, and no text cell starts
with a formula character.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from tests.review.review_seed import SPECS, record_for
from tests.sanitise.test_well_formed import CHARS, FORBIDDEN, IDS, PARIS
from worker.config.model import Config
from worker.core.record import Event
from worker.review.compute import Report, build_report
from worker.review.model import Escalation, Month
from worker.review.render import to_csv, to_markdown
from worker.review.trail import CSV_COLUMNS, trail_entries
from worker.review.trail import to_csv as trail_csv
from worker.sanitise import csv_cell, md_cell

FORMULA = ["=", "+", "-", "@"]
ALL = [*CHARS, *FORMULA, "|", "\\|"]
ALL_IDS = [*IDS, "eq", "plus", "minus", "at", "pipe", "escaped-pipe"]
NOW = datetime(2026, 4, 1, tzinfo=UTC)


def hostile(ch: str, config: Config) -> tuple[list[Escalation], Config]:
    """One escalation whose every free text carries ``ch``, at the start and inside; a team too."""
    spec = replace(SPECS[3], summary=f"{ch}Cards{ch}declined {ch}=1+1")
    rec = record_for(spec)
    first = rec.timeline[0]
    rec = rec.with_events(
        Event(first.at + timedelta(minutes=1), "failed", f"{ch}cmd|calc{ch}\nnext line", None)
    )
    d = config.directory
    teams = {t: replace(team, name=f"{ch}{team.name}{ch}") for t, team in d.teams.items()}
    config = replace(config, directory=replace(d, teams=teams))
    return [Escalation("X-1", spec.summary, "SHOP", rec, decision=f"{ch}go{ch}ahead")], config


def hostile_report(ch: str, example_config: Config) -> tuple[list[Escalation], Config, Report]:
    escalations, config = hostile(ch, example_config)
    report = build_report(
        escalations,
        Month(2026, 3),
        tz=PARIS,
        now=NOW,
        rules=config.rules,
        directory=config.directory,
    )
    return escalations, config, report


def unescaped_pipes(line: str) -> int:
    return len(re.findall(r"(?<!\\)(?:\\\\)*\|", line))


@pytest.mark.parametrize("ch", ALL, ids=ALL_IDS)
def test_markdown_report_keeps_its_shape(example_config: Config, ch: str) -> None:
    _, _, report = hostile_report(ch, example_config)
    text = to_markdown(report)
    text.encode("utf-8")  # no lone surrogate
    assert not FORBIDDEN.search(text.replace("\t", "")), repr(ch)
    lines = text.split("\n")
    assert any("Cards" in line and line.startswith("### X-1") for line in lines)
    # every table: the header's cell count on every row (no pipe or line break splits a cell)
    table: int | None = None
    for line in lines:
        if line.startswith("|"):
            cells = unescaped_pipes(line) - 1
            table = cells if table is None else table
            assert cells == table, (ch, line)
        else:
            table = None
    # the hostile text is still there, on one line, cleaned
    assert any("cmd" in line and "calc" in line for line in lines if line.startswith("|"))
    assert any(line.startswith("- Decision: ") and "go" in line for line in lines)


def parsed(text: str, width: int) -> list[list[str]]:
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows and all(len(r) == width for r in rows), rows
    for row in rows:
        for cell in row:
            assert "\n" not in cell and "\r" not in cell and not FORBIDDEN.search(cell), cell
            assert not cell.startswith(tuple(FORMULA)), cell
    return rows


@pytest.mark.parametrize("ch", ALL, ids=ALL_IDS)
def test_csv_report_and_trail_parse_back_with_no_formula(example_config: Config, ch: str) -> None:
    escalations, config, report = hostile_report(ch, example_config)
    rows = parsed(to_csv(report), 4)
    assert any(r[0] == "volume_by_team" and "Cards" not in r[1] for r in rows)
    entries, _ = trail_entries(escalations, rules=config.rules, directory=config.directory, now=NOW)
    assert entries
    rows = parsed(trail_csv(entries), len(CSV_COLUMNS))
    details = [r[CSV_COLUMNS.index("detail")] for r in rows[1:]]
    assert any("cmd" in d and "calc" in d for d in details)
    decisions = [r[CSV_COLUMNS.index("decision")] for r in rows[1:]]
    assert all("go" in d for d in decisions)


def test_cells_are_defused_and_kept_readable() -> None:
    assert csv_cell('=HYPERLINK("http://x")') == '\'=HYPERLINK("http://x")'
    assert csv_cell("@SUM(A1)") == "'@SUM(A1)" and csv_cell("-2+3") == "'-2+3"
    assert csv_cell("\t=1") == "'=1"  # a leading tab or break is no shield: trimmed, then defused
    assert csv_cell("a\r\nb") == "a b" and csv_cell(-3) == -3 and csv_cell("SHOP-1") == "SHOP-1"
    assert md_cell("a|b\nc") == "a\\|b c" and md_cell("a\\|b") == "a\\\\\\|b" and md_cell(7) == "7"
