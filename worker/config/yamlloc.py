"""Read YAML while keeping the line of every key and value.

PyYAML's ``safe_load`` loses positions and silently keeps the last of two equal mapping
keys. Here the document is composed into nodes (SafeLoader) and walked by hand: the result is
plain Python data plus two tables from key path to 1-based line (one for values, one for the
keys that introduce them). Duplicate keys and syntax errors become :class:`ConfigIssue`.

Two deliberate departures from YAML 1.1 typing keep later messages about *our* formats:
mapping keys are always their text (``on:`` stays ``"on"``), and scalars that YAML would turn
into timestamps or base-60 numbers (``2026-12-24``, ``13:30``) stay text.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from worker.config.errors import ConfigIssue, PathKey

_TEXT_TAGS = {"tag:yaml.org,2002:timestamp"}
_NUMBER_TAGS = {"tag:yaml.org,2002:int", "tag:yaml.org,2002:float"}


@dataclass(frozen=True)
class YamlDoc:
    """A parsed YAML file: its data and where each path sits in the text."""

    file: Path
    data: Any
    lines: Mapping[PathKey, int] = field(default_factory=dict)
    key_lines: Mapping[PathKey, int] = field(default_factory=dict)

    def line_of(self, path: PathKey, *, key: bool = False) -> int | None:
        """Line of ``path`` (of its key when ``key``), else of the nearest known ancestor."""
        p = tuple(path)
        if key and p in self.key_lines:
            return self.key_lines[p]
        while True:
            if p in self.lines:
                return self.lines[p]
            if p in self.key_lines:
                return self.key_lines[p]
            if not p:
                return None
            p = p[:-1]

    def missing_line(self, path: PathKey) -> int | None:
        """Where to point at for a key missing inside the mapping at ``path``: its own key line."""
        p = tuple(path)
        if p in self.key_lines:
            return self.key_lines[p]
        return self.line_of(p)


class _Walker:
    def __init__(self, file: Path, loader: yaml.SafeLoader) -> None:
        self.file = file
        self.loader = loader
        self.lines: dict[PathKey, int] = {}
        self.key_lines: dict[PathKey, int] = {}
        self.issues: list[ConfigIssue] = []
        self._stack: set[int] = set()

    def issue(self, line: int, path: PathKey, message: str, fix: str) -> None:
        self.issues.append(ConfigIssue(self.file, line, path, message, fix))

    def build(self, node: Node, path: PathKey) -> Any:
        line = node.start_mark.line + 1
        self.lines[path] = line
        if id(node) in self._stack:
            self.issue(
                line,
                path,
                "this alias refers to itself.",
                "replace the recursive alias with plain values",
            )
            return None
        if isinstance(node, ScalarNode):
            return self._scalar(node, path)
        self._stack.add(id(node))
        try:
            if isinstance(node, SequenceNode):
                return [self.build(child, (*path, i)) for i, child in enumerate(node.value)]
            if isinstance(node, MappingNode):
                return self._mapping(node, path)
        finally:
            self._stack.discard(id(node))
        return None  # pragma: no cover - composer yields only the three node kinds

    def _scalar(self, node: ScalarNode, path: PathKey) -> Any:
        if node.tag in _TEXT_TAGS or (node.tag in _NUMBER_TAGS and ":" in node.value):
            return node.value
        try:
            return self.loader.construct_object(node, deep=True)
        except (yaml.YAMLError, ValueError) as exc:  # e.g. an out-of-range value
            self.issue(
                node.start_mark.line + 1,
                path,
                f"cannot read the value {node.value!r} ({exc}).",
                "quote the value or correct it",
            )
            return node.value

    def _mapping(self, node: MappingNode, path: PathKey) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key_line = key_node.start_mark.line + 1
            if not isinstance(key_node, ScalarNode):
                self.issue(
                    key_line,
                    path,
                    "a key must be plain text, not a list or mapping.",
                    "write the key as a single word",
                )
                continue
            key = str(key_node.value)
            child = (*path, key)
            if key in out:
                first = self.key_lines[child]
                self.issue(
                    key_line,
                    child,
                    f"duplicate key '{key}' (first defined at line {first}).",
                    "keep one of the two entries; YAML would otherwise silently use the last one",
                )
                continue
            self.key_lines[child] = key_line
            out[key] = self.build(value_node, child)
        return out


def parse_yaml(file: Path, text: str) -> tuple[YamlDoc, list[ConfigIssue]]:
    """Parse ``text`` (the content of ``file``); an empty document gives ``data=None``."""
    loader = yaml.SafeLoader(text)
    try:
        try:
            node = loader.get_single_node()
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line = mark.line + 1 if mark is not None else None
            what = exc.problem or "invalid YAML"
            context = f" ({exc.context})" if exc.context else ""
            issue = ConfigIssue(
                file,
                line,
                (),
                f"YAML syntax error: {what}{context}.",
                "check the indentation, the quoting and the brackets on this line and the one before",
            )
            return YamlDoc(file, None), [issue]
        except yaml.YAMLError as exc:
            return YamlDoc(file, None), [
                ConfigIssue(
                    file,
                    None,
                    (),
                    f"YAML syntax error: {exc}.",
                    "correct the file so it is valid YAML",
                )
            ]
        if node is None:
            return YamlDoc(file, None), []
        walker = _Walker(file, loader)
        data = walker.build(node, ())
        return YamlDoc(file, data, walker.lines, walker.key_lines), walker.issues
    finally:
        loader.dispose()


def read_yaml(file: Path) -> tuple[YamlDoc, list[ConfigIssue]]:
    """Read and parse ``file``; an unreadable file is one issue with no line."""
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        return YamlDoc(file, None), [
            ConfigIssue(file, None, (), "file not found.", "create it, or point to the right path")
        ]
    except (OSError, UnicodeDecodeError) as exc:
        return YamlDoc(file, None), [
            ConfigIssue(
                file,
                None,
                (),
                f"cannot read the file ({exc}).",
                "make it a readable UTF-8 text file",
            )
        ]
    return parse_yaml(file, text)
