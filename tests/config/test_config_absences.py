"""``absences:``: read with the calendar's zone; a bad deputy is refused at its line."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.support import ROOT
from worker.config.errors import ConfigError
from worker.config.load import load_config

PARIS = ZoneInfo("Europe/Paris")


def write(tmp_path: Path, absences: str) -> Path:
    text = (ROOT / "config.example.yaml").read_text()
    text = text.replace("rules_dir: rules", f"rules_dir: {ROOT / 'rules'}", 1)
    path = tmp_path / "config.yaml"
    path.write_text(text + "\nabsences:\n" + absences)
    return path


def line_of(path: Path, needle: str) -> int:
    return next(i for i, t in enumerate(path.read_text().splitlines(), 1) if needle in t)


def test_an_absence_is_read_in_the_calendars_zone(tmp_path: Path) -> None:
    path = write(
        tmp_path, "  - {person: camille, from: 2026-03-09, to: 2026-03-13, deputy: theo}\n"
    )
    (a,) = load_config(path).directory.absences
    assert (a.person, a.deputy) == ("camille", "theo")
    assert a.start == datetime(2026, 3, 9, tzinfo=PARIS)
    assert a.end == datetime(2026, 3, 14, tzinfo=PARIS)  # the last day included


def test_check_refuses_a_deputy_outside_the_directory(tmp_path: Path) -> None:
    path = write(
        tmp_path, "  - {person: camille, from: 2026-03-09, to: 2026-03-13, deputy: theoo}\n"
    )
    with pytest.raises(ConfigError) as err:
        load_config(path)
    (issue,) = err.value.issues
    assert issue.line == line_of(path, "deputy: theoo")
    text = issue.render()
    assert "absences[0] › deputy: 'theoo' is not in people:." in text
    assert "theo" in text.split("==> fix:")[1]  # the closest name is suggested


def test_check_refuses_a_deputy_who_is_away_too(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "  - {person: camille, from: 2026-03-09, to: 2026-03-13, deputy: theo}\n"
        "  - {person: theo, from: 2026-03-12, to: 2026-03-20, deputy: ines}\n",
    )
    with pytest.raises(ConfigError) as err:
        load_config(path)
    (issue,) = err.value.issues
    assert issue.line == line_of(path, "person: camille")
    assert "the deputy Théo Martin is away too from 2026-03-12" in issue.render()
    assert "==> fix:" in issue.render()


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        (
            "{person: camile, from: 2026-03-09, to: 2026-03-13, deputy: theo}",
            "'camile' is not in people:",
        ),
        (
            "{person: camille, from: 2026-03-09, to: 2026-03-13, deputy: camille}",
            "cannot stand in for themselves",
        ),
        (
            "{person: camille, from: 2026-03-13, to: 2026-03-09, deputy: theo}",
            "ends (2026-03-09) before it starts",
        ),
        (
            "{person: camille, from: next monday, to: 2026-03-09, deputy: theo}",
            "cannot read the day 'next monday'",
        ),
        ("{person: camille, to: 2026-03-09, deputy: theo}", "from"),
    ],
)
def test_other_mistakes_are_located(tmp_path: Path, entry: str, message: str) -> None:
    path = write(tmp_path, f"  - {entry}\n")
    with pytest.raises(ConfigError) as err:
        load_config(path)
    (issue,) = err.value.issues
    assert issue.line == line_of(path, entry[:20]) and message in issue.render()
