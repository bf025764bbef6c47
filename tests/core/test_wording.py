"""The wording of the core: whole templates with named fields, filled with names and mentions."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from worker.core import sentences
from worker.core.messages import Mention, Text
from worker.core.wording import fill

CORE = Path(__file__).resolve().parents[2] / "worker" / "core"


def test_fill_keeps_mentions_and_formats_fields() -> None:
    lea = Mention("acc-lea", "Léa Robert")
    theo = Mention("acc-theo", "Théo Martin")
    got = fill("Handled by {people}; due {day:02d}.", people=[lea, Text(", "), theo], day=3)
    assert got == (Text("Handled by "), lea, Text(", "), theo, Text("; due 03."))


def test_a_leading_field_filled_with_nobody_leaves_no_space() -> None:
    template = "{owner} a reminder: please acknowledge by {ack_due}."
    assert fill(template, owner="", ack_due="Mon") == (
        Text("a reminder: please acknowledge by Mon."),
    )
    lea = Mention("acc-lea", "Léa Robert")
    assert fill(template, owner=lea, ack_due="Mon") == (
        lea,
        Text(" a reminder: please acknowledge by Mon."),
    )


def test_a_missing_field_is_a_bug_not_a_silent_gap() -> None:
    with pytest.raises(KeyError):
        fill(sentences.NUDGE, owner="")
    with pytest.raises(KeyError):
        fill(sentences.NUDGE, owner=Mention("acc-lea", "Léa Robert"))


_TEMPLATES = {
    name: value
    for name, value in vars(sentences).items()
    if name.isupper() and isinstance(value, str) and "{" in value
}


@pytest.mark.parametrize("name", sorted(_TEMPLATES))
def test_every_template_names_its_fields(name: str) -> None:
    template = _TEMPLATES[name]
    assert "{}" not in template, f"{name}: positional field; name it"
    for field in re.findall(r"\{([^}]*)\}", template):
        assert re.fullmatch(r"[a-z_]+(:[0-9a-z]+)?", field), f"{name}: field {{{field}}}"


@pytest.mark.parametrize("module", ["decide.py", "staffing.py"])
def test_the_state_machine_holds_no_sentence(module: str) -> None:
    """Sentences live in ``sentences.py``: decide and staffing hold ids and codes only."""
    tree = ast.parse((CORE / module).read_text())
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.ClassDef | ast.Module)
        and ast.get_docstring(node) is not None
        and isinstance(node.body[0], ast.Expr)  # always so when there is a docstring
    }
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            if id(node) in docstrings:
                continue
            assert " " not in node.value, f"{module}:{node.lineno} writes {node.value!r}"
