"""The JQL subset: tokeniser, parser precedence and errors, and evaluation semantics."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from worker.sandbox import jql
from worker.sandbox.jql import And, Clause, JqlError, Not, Or, SortKey, Value

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Snap:
    """A minimal issue snapshot satisfying ``jql.Searchable``."""

    id: int
    key: str
    project: str = "SHOP"
    labels: tuple[str, ...] = ()
    components: tuple[str, ...] = ()
    status: str = "To Do"
    status_category: str = "new"
    resolution: str | None = None
    assignee: str | None = None
    watchers: tuple[str, ...] = ()
    reporter: str | None = "acc-rep"
    issue_type: str = "Task"
    created: datetime = NOW - timedelta(days=3)
    updated: datetime = NOW - timedelta(hours=1)
    resolutiondate: datetime | None = None
    extra: dict[str, str] = field(default_factory=dict)


ISSUES = [
    Snap(
        10001,
        "SHOP-1",
        labels=("escalation-S2",),
        assignee="acc-po",
        updated=NOW - timedelta(minutes=3),
    ),
    Snap(
        10002,
        "SHOP-2",
        labels=("Escalation-S2", "x"),
        status="In Progress",
        status_category="indeterminate",
    ),
    Snap(
        10003,
        "SHOP-3",
        status="Done",
        status_category="done",
        resolution="Done",
        resolutiondate=NOW - timedelta(days=1),
        updated=NOW - timedelta(days=1),
    ),
    Snap(
        10004,
        "OPS-1",
        project="OPS",
        labels=("escalation-S1",),
        components=("Checkout",),
        created=datetime(2026, 3, 1, 10, 0, tzinfo=UTC),
        updated=datetime(2026, 3, 1, 10, 30, tzinfo=UTC),
    ),
]


def ctx() -> jql.EvalContext:
    keys = {i.key: i.key for i in ISSUES} | {str(i.id): i.key for i in ISSUES}
    return jql.EvalContext(
        now=NOW,
        current_user="acc-po",
        project_aliases=lambda v: {"SHOP": "SHOP", "OPS": "OPS", "OPERATIONS": "OPS"}.get(
            v.upper()
        ),
        user_aliases=lambda v: v,
        key_aliases=lambda v: keys.get(v.upper()),
    )


def run(query: str) -> list[str]:
    parsed = jql.parse(query)
    pred = jql.compile_query(parsed, ctx())
    return [i.key for i in jql.sort_issues([i for i in ISSUES if pred(i)], parsed.order_by)]


# ------------------------------------------------------------------ parsing


def test_and_binds_tighter_than_or() -> None:
    q = jql.parse("project = A OR project = B AND labels = x")
    assert isinstance(q.where, Or)
    assert isinstance(q.where.right, And)


def test_parentheses_override_precedence_and_not_applies_to_the_group() -> None:
    q = jql.parse("NOT (project = A OR project = B) AND labels = x")
    assert isinstance(q.where, And)
    assert isinstance(q.where.left, Not)
    assert isinstance(q.where.left.inner, Or)


def test_keywords_and_field_names_are_case_insensitive() -> None:
    q = jql.parse('PROJECT In (SHOP, "OPS") aNd LaBeLs Is nOt EmPtY oRdEr By UpDaTeD dEsC')
    assert isinstance(q.where, And)
    left = q.where.left
    assert isinstance(left, Clause) and left.field == "project" and left.op == "in"
    assert q.order_by == (SortKey("updated", True),)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (r'labels = "a \"b\""', 'a "b"'),
        (r"labels = 'it\'s'", "it's"),
        ('labels = "with space, and (parens)"', "with space, and (parens)"),
        (r'labels = "back\\slash"', "back\\slash"),
    ],
)
def test_quoted_strings_with_escapes(source: str, expected: str) -> None:
    clause = jql.parse(source).where
    assert isinstance(clause, Clause)
    assert isinstance(clause.operand, Value) and clause.operand.text == expected


@given(st.text(alphabet=st.characters(blacklist_categories=["Cs"]), min_size=1, max_size=30))
def test_any_label_survives_quoting(label: str) -> None:
    quoted = '"' + label.replace("\\", "\\\\").replace('"', '\\"') + '"'
    clause = jql.parse(f"labels = {quoted}").where
    assert isinstance(clause, Clause) and isinstance(clause.operand, Value)
    assert clause.operand.text == label


@pytest.mark.parametrize(
    ("source", "fragment", "character"),
    [
        ("project = ", "Expecting either a value", 11),
        ("project = A AND", "Expecting a field name", 16),
        ("(project = A", "Expecting ')'", 13),
        ("project = A labels = b", "Expecting either 'OR' or 'AND'", 13),
        ('labels = "open', "quoted string has not been completed", 10),
        ("labels in a", "Expecting '('", 11),
        ("labels is x", "Expecting 'EMPTY' or 'NULL'", 11),
        ("project A", "Expecting operator", 9),
        ("project = A ORDER updated", "Expecting 'BY'", 19),
    ],
)
def test_syntax_errors_name_the_position(source: str, fragment: str, character: int) -> None:
    with pytest.raises(JqlError) as err:
        jql.parse(source)
    assert fragment in str(err.value)
    assert f"(line 1, character {character})" in str(err.value)


def test_unknown_field_is_an_error() -> None:
    with pytest.raises(JqlError, match=r"Field 'priorityx' does not exist.*character 20"):
        jql.parse("project = SHOP AND priorityx = High")


def test_operator_not_supported_by_field() -> None:
    with pytest.raises(JqlError, match="operator '>' is not supported by the 'labels' field"):
        jql.parse("labels > a")


def test_unknown_function_is_an_error_at_evaluation() -> None:
    with pytest.raises(JqlError, match="Unable to find JQL function 'membersOf"):
        jql.compile_query(jql.parse("assignee = membersOf(x)"), ctx())


# ------------------------------------------------------------------ evaluation


def test_labels_compare_case_sensitively() -> None:
    assert run("labels = escalation-S2") == ["SHOP-1"]
    assert run('labels = "Escalation-S2"') == ["SHOP-2"]
    assert run("labels in (escalation-S1, escalation-S2)") == ["SHOP-1", "OPS-1"]


def test_negative_operators_never_match_empty_labels() -> None:
    assert run("labels != escalation-S2") == ["SHOP-2", "OPS-1"]
    assert run("labels not in (x, escalation-S1)") == ["SHOP-1"]
    assert run("labels is EMPTY") == ["SHOP-3"]
    assert run("labels is not EMPTY") == ["SHOP-1", "SHOP-2", "OPS-1"]


def test_project_status_category_resolution_and_keys() -> None:
    assert run("project in (SHOP) AND statusCategory = Done") == ["SHOP-3"]
    assert run('statusCategory = "To Do"') == ["SHOP-1", "OPS-1"]
    assert run("statusCategory != done AND resolution is EMPTY") == ["SHOP-1", "SHOP-2", "OPS-1"]
    assert run("resolution = Unresolved AND project = Operations") == ["OPS-1"]
    assert run('status = "in progress"') == ["SHOP-2"]
    assert run("key in (SHOP-2, ops-1)") == ["SHOP-2", "OPS-1"]
    assert run("issue = 10003") == ["SHOP-3"]
    assert run("component = checkout") == ["OPS-1"]


def test_not_and_or_evaluate_with_precedence() -> None:
    assert run("project = OPS OR labels = x AND status = Done") == ["OPS-1"]
    assert run("(project = OPS OR labels = x) AND NOT status = Done") == ["SHOP-2", "OPS-1"]


def test_assignee_and_current_user() -> None:
    assert run("assignee = acc-po") == ["SHOP-1"]
    assert run("assignee = currentUser()") == ["SHOP-1"]
    assert run("assignee is EMPTY") == ["SHOP-2", "SHOP-3", "OPS-1"]
    assert run("assignee != acc-po") == []  # Jira's '!=' skips unassigned issues


def test_relative_and_absolute_dates_in_utc() -> None:
    assert run("updated > -5m") == ["SHOP-1"]
    assert run("updated >= -1h") == ["SHOP-1", "SHOP-2"]
    assert run('updated >= "2026-03-01 10:30" AND updated < "2026-03-01 10:31"') == ["OPS-1"]
    assert run("created >= 2026-03-01 AND created < 2026/03/02") == ["OPS-1"]
    assert run("resolved >= -2d") == ["SHOP-3"]
    assert run("resolved is EMPTY") == ["SHOP-1", "SHOP-2", "OPS-1"]
    assert run('created <= "-1w 2d"') == []


def test_bad_date_is_an_error() -> None:
    with pytest.raises(JqlError, match="Date value 'yesterday'"):
        jql.compile_query(jql.parse("updated > yesterday"), ctx())


def test_order_by_and_default_order() -> None:
    assert run("") == ["SHOP-1", "SHOP-2", "SHOP-3", "OPS-1"]  # id ascending
    assert run("ORDER BY updated DESC") == ["SHOP-1", "SHOP-2", "SHOP-3", "OPS-1"]
    assert run("ORDER BY updated ASC") == ["OPS-1", "SHOP-3", "SHOP-2", "SHOP-1"]
    assert run("ORDER BY key") == ["OPS-1", "SHOP-1", "SHOP-2", "SHOP-3"]
    assert run("order by resolved asc, key desc") == ["SHOP-3", "SHOP-2", "SHOP-1", "OPS-1"]
