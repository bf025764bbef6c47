"""The ``adoption:`` and ``storm:`` sections: what `init` writes, what the loader accepts and refuses."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.support import ROOT
from worker.config.load import collect_config, load_config
from worker.defaults.starter import write_starter


def _with(tmp_path: Path, extra: str) -> Path:
    written = write_starter(tmp_path, with_rules=False, force=True)
    text = written.config.read_text()
    head, _, _ = text.partition("\nadoption:")
    written.config.write_text(head + "\n" + extra)
    return written.config


def test_init_turns_adoption_on_with_the_storm_defaults(tmp_path: Path) -> None:
    config = load_config(write_starter(tmp_path, with_rules=False).config)
    assert config.adoption.enabled and config.adoption.since is None
    assert config.storm.max_per_person == 10 and config.storm.window == timedelta(minutes=10)


def test_without_the_section_labels_before_the_first_live_cycle_are_adopted(
    tmp_path: Path,
) -> None:
    config = load_config(_with(tmp_path, ""))
    assert config.adoption.enabled and config.adoption.since is None  # auto


def test_the_example_routes_every_label_and_says_why(tmp_path: Path) -> None:
    # config.example.yaml drives the demo, whose labels are all new: it says `since: off`
    # explicitly, and the config `init` writes from it says `since: auto` instead.
    text = (ROOT / "config.example.yaml").read_text(encoding="utf-8")
    assert "\nadoption:\n  since: off\n" in text
    assert not load_config(ROOT / "config.example.yaml").adoption.enabled
    written = write_starter(tmp_path, with_rules=False).config.read_text()
    assert written.count("\nadoption:") == 1 and "since: off" not in written


def test_an_instant_and_off(tmp_path: Path) -> None:
    config = load_config(_with(tmp_path, 'adoption:\n  since: "2026-12-01T09:00:00Z"\n'))
    assert config.adoption.since == datetime(2026, 12, 1, 9, tzinfo=UTC)
    assert not load_config(_with(tmp_path, "adoption:\n  since: off\n")).adoption.enabled


def test_wrong_values_are_one_line_each(tmp_path: Path) -> None:
    path = _with(
        tmp_path,
        'adoption:\n  since: "next tuesday"\nstorm:\n  max_per_person: 0\n  window: forever\n',
    )
    config, issues = collect_config(path)
    assert config is None
    text = [f"{i.path} {i.message}" for i in issues]
    assert any("since" in t and "cannot read the instant" in t for t in text), text
    assert any("max_per_person must be between 1" in t for t in text), text
    assert any("window" in t and "duration" in t for t in text), text
