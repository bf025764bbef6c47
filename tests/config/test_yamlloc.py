"""The located YAML reader: lines, duplicate keys, syntax errors, text-preserving scalars."""

from __future__ import annotations

from pathlib import Path

from worker.config.errors import ConfigIssue, render_path
from worker.config.yamlloc import parse_yaml

F = Path("f.yaml")


def test_every_value_and_key_keeps_its_line() -> None:
    doc, issues = parse_yaml(F, "a: 1\nb:\n  c: [x, y]\n  d:\n    - {e: 2}\n")
    assert issues == []
    assert doc.data == {"a": 1, "b": {"c": ["x", "y"], "d": [{"e": 2}]}}
    assert doc.line_of(("b", "c", 1)) == 3
    assert doc.line_of(("b", "d", 0, "e")) == 5
    assert doc.line_of(("b",), key=True) == 2
    assert doc.missing_line(("b",)) == 2  # a key missing inside b points at "b:"
    assert doc.line_of(("b", "nope", 3)) == 3  # nearest known ancestor


def test_duplicate_keys_are_reported_and_the_first_is_kept() -> None:
    doc, issues = parse_yaml(
        F, "people:\n  emma: {name: A}\n  louis: {name: B}\n  emma: {name: C}\n"
    )
    assert doc.data == {"people": {"emma": {"name": "A"}, "louis": {"name": "B"}}}
    assert issues == [
        ConfigIssue(
            F,
            4,
            ("people", "emma"),
            "duplicate key 'emma' (first defined at line 2).",
            "keep one of the two entries; YAML would otherwise silently use the last one",
        ),
    ]


def test_syntax_errors_carry_their_line() -> None:
    doc, issues = parse_yaml(F, "a: 1\nb: [1, 2\nc: 3\n")
    assert doc.data is None
    assert len(issues) == 1 and issues[0].line == 3
    assert issues[0].message.startswith("YAML syntax error: ")


def test_dates_clock_times_and_keys_stay_text() -> None:
    doc, issues = parse_yaml(F, "on: 2026-12-24\nat: 13:30\nn: 12\nf: 0.5\nyes: true\n")
    assert issues == []
    assert doc.data == {"on": "2026-12-24", "at": "13:30", "n": 12, "f": 0.5, "yes": True}


def test_a_recursive_alias_is_an_issue_not_a_crash() -> None:
    _doc, issues = parse_yaml(F, "a: &x [1, *x]\n")
    assert [i.message for i in issues] == ["this alias refers to itself."]


def test_empty_document() -> None:
    doc, issues = parse_yaml(F, "# only a comment\n")
    assert doc.data is None and issues == []


def test_render_path_and_issue() -> None:
    assert (
        render_path(("production_incident", "S2", "handlers", 1))
        == "production_incident › S2 › handlers[1]"
    )
    assert render_path(("a", 0, 2, "b")) == "a[0][2] › b"
    issue = ConfigIssue(
        Path("rules/matrix.yaml"),
        14,
        ("production_incident", "S2", "handlers", 1),
        "unknown role 'tech_leed'.",
        "use one of the roles (did you mean 'tech_lead'?)",
    )
    assert issue.render() == (
        "rules/matrix.yaml:14: production_incident › S2 › handlers[1]: unknown role "
        "'tech_leed'.\n  ==> fix: use one of the roles (did you mean 'tech_lead'?)"
    )
    assert (
        ConfigIssue(F, None, (), "file not found.", "create it").render()
        == "f.yaml: file not found.\n  ==> fix: create it"
    )


def test_a_text_parsed_again_is_the_same_and_each_caller_owns_its_copy() -> None:
    """parse_yaml keeps parsed texts (yamlloc._parsed); what a caller changes is its own copy."""
    from worker.config import yamlloc

    text = "a:\n  b: [1, 2]\n  c: {d: x}\nb: &x [3]\nc: *x\n"
    first, issues = parse_yaml(Path("f.yaml"), text)
    assert issues == []
    first.data["a"]["b"].append(99)
    first.data["a"]["c"]["d"] = "changed"
    first.data["b"].append(4)
    again, _ = parse_yaml(Path("f.yaml"), text)
    fresh, _ = yamlloc._parse(Path("f.yaml"), text)  # no cache
    assert again.data == fresh.data == {"a": {"b": [1, 2], "c": {"d": "x"}}, "b": [3], "c": [3]}
    assert again.lines == fresh.lines and again.key_lines == fresh.key_lines
    assert again.data["b"] is not again.data["c"]  # an alias gives two values, as before
    other, _ = parse_yaml(Path("g.yaml"), "a: [")  # the file is part of the key
    assert other.file == Path("g.yaml")
