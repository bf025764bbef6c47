"""The core must stay pure: no adapters, no network, no wall-clock reads, no file I/O."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

CORE = Path(__file__).resolve().parents[2] / "worker" / "core"
ALLOWED_MODULES = {
    "__future__",
    "collections",
    "collections.abc",
    "dataclasses",
    "datetime",
    "enum",
    "functools",
    "itertools",
    "json",
    "math",
    "re",
    "typing",
    "zoneinfo",
    "bisect",
    "heapq",
    "operator",
    "hashlib",
    "unicodedata",  # pure tables: accents folded away by the recommendation matcher
}
FORBIDDEN_CALLS = {
    ("datetime", "now"),
    ("datetime", "utcnow"),
    ("datetime", "today"),
    ("date", "today"),
    ("time", "time"),
    ("time", "monotonic"),
    ("time", "sleep"),
}
FORBIDDEN_NAMES = {"open", "print", "input", "exec", "eval", "__import__"}


def core_files() -> list[Path]:
    files = sorted(CORE.glob("*.py"))
    assert len(files) >= 8, files  # the scan must really see the core
    return files


@pytest.mark.parametrize("path", core_files(), ids=lambda p: p.name)
def test_core_imports_only_pure_modules(path: Path) -> None:
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = [node.module or ""]
        else:
            continue
        for name in names:
            ok = name in ALLOWED_MODULES or name.startswith("worker.core")
            assert ok, (
                f"{path.name}:{node.lineno} imports {name!r}; the core may import only pure modules"
            )


@pytest.mark.parametrize("path", core_files(), ids=lambda p: p.name)
def test_core_reads_no_clock_and_does_no_io(path: Path) -> None:
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            f = node.func
            if isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name):
                assert (f.value.id, f.attr) not in FORBIDDEN_CALLS, (
                    f"{path.name}:{node.lineno} calls {f.value.id}.{f.attr}()"
                )
            if isinstance(f, ast.Name):
                assert f.id not in FORBIDDEN_NAMES, f"{path.name}:{node.lineno} calls {f.id}()"


def test_the_scan_catches_a_violation(tmp_path: Path) -> None:
    bad = "import requests\nfrom datetime import datetime\nx = datetime.now()\n"
    tree = ast.parse(bad)
    imports = [n for n in ast.walk(tree) if isinstance(n, ast.Import)]
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call)]
    assert imports[0].names[0].name not in ALLOWED_MODULES
    f = calls[0].func
    assert isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name)
    assert (f.value.id, f.attr) in FORBIDDEN_CALLS
