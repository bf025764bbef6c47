"""Issue 11: no function in worker/core or worker/cycle runs past ~60 lines without its reason.

The complexity half of the rule is ruff's C901 (pyproject); this test is the length half: a
function longer than ``MAX_LINES`` carries a comment right above its ``def`` that says how long it
is and why it stays whole (``# 65 lines: …``)."""

from __future__ import annotations

import ast

from tests.support import ROOT

MAX_LINES = 60
FOLDERS = ("worker/core", "worker/cycle")


def long_functions(source: str) -> list[tuple[str, int, int, str]]:
    """(name, first line, length, comment block above it) of each function over MAX_LINES."""
    lines = source.splitlines()
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            length = (node.end_lineno or node.lineno) - node.lineno + 1
            if length <= MAX_LINES:
                continue
            first = min([node.lineno] + [d.lineno for d in node.decorator_list])
            above: list[str] = []
            i = first - 2
            while i >= 0 and lines[i].strip().startswith("#"):
                above.insert(0, lines[i].strip())
                i -= 1
            found.append((node.name, node.lineno, length, " ".join(above)))
    return found


def test_every_long_function_in_core_and_cycle_says_why() -> None:
    unexplained = [
        f"{path.relative_to(ROOT)}:{line} {name} ({length} lines)"
        for folder in FOLDERS
        for path in sorted((ROOT / folder).rglob("*.py"))
        for name, line, length, comment in long_functions(path.read_text(encoding="utf-8"))
        if "lines" not in comment
    ]
    assert unexplained == []


def test_a_long_function_without_a_reason_is_found() -> None:
    body = "\n".join(f"    x{i} = {i}" for i in range(MAX_LINES))
    bare = f"def f() -> None:\n{body}\n"
    explained = f"# {MAX_LINES + 1} lines: a table, one row a line\n{bare}"
    assert [(n, ln, size) for n, ln, size, why in long_functions(bare) if "lines" not in why] == [
        ("f", 1, MAX_LINES + 1)
    ]
    assert [n for n, _, _, why in long_functions(explained) if "lines" not in why] == []
    assert long_functions("def g() -> None:\n    pass\n") == []
