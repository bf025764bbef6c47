"""Imports inside ``worker/`` point one way: no module imports, directly or round about, one that
imports it back, and no module imports a higher layer (``LAYERS`` below).

The graph is read from the source with ``ast``, so it sees every import: at the top, inside a
function, and under ``if TYPE_CHECKING:`` (a cycle the type checker needs is still a circle a
reader has to untangle). Importing ``a.b.c`` also runs ``a/__init__`` and ``a/b/__init__``; those
implicit edges are not counted, as a package's ``__init__`` re-exporting its modules is the usual
shape and not a circle between ideas.
"""

from __future__ import annotations

import ast
import functools
from collections.abc import Iterable, Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = "worker"


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _resolve(name: str, modules: Iterable[str]) -> str | None:
    """The module ``name`` is, or the nearest package or module containing it."""
    known = set(modules)
    while name and name not in known:
        name = name.rpartition(".")[0]
    return name or None


def imports_of(module: str, source: str, is_package: bool, modules: set[str]) -> set[str]:
    """The modules of ``modules`` that ``module``'s source imports (anywhere in the file)."""
    found: set[str] = set()
    package = module if is_package else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            # ``from pkg import mod`` imports the module pkg.mod; ``from mod import name``, mod
            targets = [
                f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base for a in node.names
            ]
        else:
            continue
        for target in targets:
            hit = _resolve(target, modules)
            if hit is not None and hit != module:
                found.add(hit)
    return found


def import_graph(root: Path, package: str) -> dict[str, set[str]]:
    files = {module_name(p, root): p for p in sorted((root / package).rglob("*.py"))}
    names = set(files)
    return {
        m: imports_of(m, p.read_text(encoding="utf-8"), p.name == "__init__.py", names)
        for m, p in files.items()
    }


def cycles(graph: Mapping[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for start in sorted(graph):
        if start in index:
            continue
        work: list[tuple[str, list[str]]] = [(start, sorted(graph.get(start, ())))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, todo = work[-1]
            if todo:
                nxt = todo.pop()
                if nxt not in index:
                    index[nxt] = low[nxt] = len(index)
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, sorted(graph.get(nxt, ()))))
                elif nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def _explain(graph: Mapping[str, set[str]], component: list[str]) -> str:
    members = set(component)
    edges = [f"  {m} -> {d}" for m in component for d in sorted(graph[m] & members)]
    return "import cycle between " + ", ".join(component) + ":\n" + "\n".join(edges)


@functools.cache
def worker_graph() -> Mapping[str, set[str]]:
    """The graph of ``worker/``, read once for the two checks of this module (~0.5 s each)."""
    return import_graph(ROOT, PACKAGE)


def test_no_import_cycle_inside_worker() -> None:
    graph = worker_graph()
    assert len(graph) > 100, "the scan must really see the package"
    assert "worker.sandbox.jira.site" in graph["worker.sandbox.jira"]
    found = cycles(graph)
    assert not found, "\n\n".join(_explain(graph, c) for c in found)


def test_the_check_finds_a_cycle_round_about_and_under_type_checking(tmp_path: Path) -> None:
    pkg = tmp_path / "pkg"
    (pkg / "sub").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "sub" / "__init__.py").write_text("")
    (pkg / "a.py").write_text("from pkg.sub import b\n")
    (pkg / "sub" / "b.py").write_text("from .c import thing\n")
    (pkg / "sub" / "c.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pkg.a import x\nthing = 1\n"
    )
    (pkg / "d.py").write_text("def f():\n    import pkg.a\n")
    graph = import_graph(tmp_path, "pkg")
    assert graph["pkg.a"] == {"pkg.sub.b"}
    assert graph["pkg.sub.b"] == {"pkg.sub.c"}
    assert graph["pkg.d"] == {"pkg.a"}
    assert cycles(graph) == [["pkg.a", "pkg.sub.b", "pkg.sub.c"]]
    (pkg / "sub" / "c.py").write_text("thing = 1\n")
    assert cycles(import_graph(tmp_path, "pkg")) == []


# The layers of worker/, lowest first. A module may import its own layer or a lower one, never a
# higher one: the pure core at the bottom, the adapters above the configuration they read, the
# cycle above the adapters, the composition root (app) above what it wires, the commands on top.
LAYERS: tuple[frozenset[str], ...] = tuple(
    frozenset(layer.split())
    for layer in (
        "worker core argtypes memory paging redact sanitise",  # pure or standard-library only
        "errors defaults i18n",  # the error types and exit codes; the shipped rules; translations
        "config",
        "jira confluence poster sandbox",  # adapters, and the fakes of Jira and Confluence
        "notify",  # channels (one is a Jira comment)
        "cycle onboarding remote_errors logs runtime",
        "app",  # the composition root
        "review ops web schedule_jobs",  # features that run through the services app builds
        "demo cli __main__",  # entry points
    )
)


def part_of(module: str) -> str:
    """``worker.cycle.apply`` -> ``cycle``; ``worker.app`` -> ``app``; ``worker`` -> ``worker``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else parts[0]


def layer_of(part: str) -> int:
    for n, layer in enumerate(LAYERS):
        if part in layer:
            return n
    raise AssertionError(f"worker.{part} is in no layer: add it to LAYERS in {__file__}")


def upward_imports(graph: Mapping[str, set[str]]) -> list[str]:
    return [
        f"{m} (layer {layer_of(part_of(m))}) imports {d} (layer {layer_of(part_of(d))})"
        for m in sorted(graph)
        for d in sorted(graph[m])
        if layer_of(part_of(d)) > layer_of(part_of(m))
    ]


def test_imports_point_down_the_layers() -> None:
    graph = worker_graph()
    assert not upward_imports(graph), "\n".join(upward_imports(graph))


def test_the_layer_check_sees_an_import_back_up() -> None:
    graph = {"worker.core.decide": {"worker.cycle.apply"}, "worker.cycle.apply": set()}
    assert upward_imports(graph) == [
        "worker.core.decide (layer 0) imports worker.cycle.apply (layer 5)"
    ]
    assert upward_imports({"worker.cycle.apply": {"worker.core.decide"}}) == []
