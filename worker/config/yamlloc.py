"""Read YAML while keeping the line of every key and value.

PyYAML's ``safe_load`` loses positions and silently keeps the last of two equal mapping
keys. Here the document is composed into nodes (libyaml when it can, else SafeLoader) and
walked by hand: the result is
plain Python data plus two tables from key path to 1-based line (one for values, one for the
keys that introduce them). Duplicate keys and syntax errors become :class:`ConfigIssue`.

Two deliberate departures from YAML 1.1 typing keep later messages about *our* formats:
mapping keys are always their text (``on:`` stays ``"on"``), and scalars that YAML would turn
into timestamps or base-60 numbers (``2026-12-24``, ``13:30``) stay text.

Hostile or broken files are refused with a located problem, never an exception: a file larger
than :data:`MAX_BYTES`, nesting deeper than :data:`MAX_DEPTH` (10,000 brackets would exhaust
Python's stack), aliases that expand to more than :data:`MAX_VALUES` values (a "billion laughs"
bomb is nine short lines), characters YAML does not allow (a NUL byte), bytes that are not
UTF-8 and lone surrogate escapes such as ``"\\ud800"`` (text no output could encode). Every one
of them is reported at a line, never a byte offset.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from worker.config.errors import ConfigIssue, PathKey

_TEXT_TAGS = {"tag:yaml.org,2002:timestamp"}
_NUMBER_TAGS = {"tag:yaml.org,2002:int", "tag:yaml.org,2002:float"}

MAX_BYTES = 1_000_000  # a config or rules file is a few kB; the shipped ones are under 10 kB
MAX_DEPTH = 64  # the deepest real file nests 5 levels
MAX_VALUES = 100_000  # values after alias expansion; config.example.yaml holds about 300


class _Refused(Exception):
    """A document that is refused before it is walked (too deep, too large once expanded)."""

    def __init__(self, line: int, message: str, fix: str) -> None:
        super().__init__(message)
        self.line, self.message, self.fix = line, message, fix


class _BoundedLoader(yaml.SafeLoader):
    """SafeLoader whose composer refuses nesting deeper than :data:`MAX_DEPTH`."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                mark = self.peek_event().start_mark  # type: ignore[no-untyped-call]
                raise _Refused(
                    mark.line + 1,
                    f"the document nests more than {MAX_DEPTH} levels deep.",
                    "flatten the structure; no configuration needs this many nested lists or mappings",
                )
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def _line_at(text: str, index: int) -> int:
    """1-based line of the character at ``index``."""
    return text.count("\n", 0, max(index, 0)) + 1


def _surrogate(text: str) -> str | None:
    """The first lone surrogate in ``text``, written as an escape, or None."""
    for ch in text:
        if "\ud800" <= ch <= "\udfff":
            return f"\\u{ord(ch):04x}"
    return None


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
        self._values = 0

    def issue(self, line: int, path: PathKey, message: str, fix: str) -> None:
        self.issues.append(ConfigIssue(self.file, line, path, message, fix))

    def build(self, node: Node, path: PathKey) -> Any:
        line = node.start_mark.line + 1
        self._values += 1
        if self._values > MAX_VALUES:
            raise _Refused(
                self.key_lines.get(path[:1], line),  # the top-level entry that expands
                f"the document expands to more than {MAX_VALUES:,} values (aliases repeating aliases?).",
                "write the values out instead of nesting aliases (&name / *name)",
            )
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
        bad = _surrogate(node.value)
        if bad is not None:
            self.issue(
                node.start_mark.line + 1,
                path,
                f"the text contains the escape {bad}, half of a surrogate pair and not a character.",
                "write the character itself, or its escape as one code point (e.g. \\U0001F600)",
            )
            return None
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
            bad = _surrogate(key)
            if bad is not None:
                self.issue(
                    key_line,
                    path,
                    f"a key contains the escape {bad}, half of a surrogate pair and not a character.",
                    "write the key in plain letters",
                )
                continue
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
    """Parse ``text`` (the content of ``file``); an empty document gives ``data=None``.

    Parsing is pure-Python PyYAML (a few ms per file), and one process often reads the same text
    again: ``check`` and then the load, ``run`` re-reading an unchanged config, a test suite loading
    the example hundreds of times. :func:`_parsed` is an explicit cache keyed by the text;
    every caller gets its own copy of the data, so what it changes is its own.
    """
    if len(text) > _CACHED_TEXT:
        return _parse(file, text)
    doc, issues = _parsed(text)  # the same text in another folder (a copy of the rules) is a hit
    return (
        YamlDoc(file, _copy(doc.data), dict(doc.lines), dict(doc.key_lines)),
        [replace(issue, file=file) for issue in issues],
    )


_CACHED_TEXT = 100_000  # characters; the shipped files are under 10 kB, larger ones are not kept


@functools.lru_cache(maxsize=32)
def _parsed(text: str) -> tuple[YamlDoc, list[ConfigIssue]]:
    return _parse(_ANY_FILE, text)


_ANY_FILE = Path("-")  # what a cached parse names; each caller gets its own file put back


def _copy(data: Any) -> Any:
    """A copy of parsed data: new dicts and lists (the only mutable values the walker builds)."""
    if isinstance(data, dict):
        return {k: _copy(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_copy(v) for v in data]
    return data


def _parse(file: Path, text: str) -> tuple[YamlDoc, list[ConfigIssue]]:

    def refused(line: int | None, message: str, fix: str) -> tuple[YamlDoc, list[ConfigIssue]]:
        return YamlDoc(file, None), [ConfigIssue(file, line, (), message, fix)]

    try:
        loader = _BoundedLoader(text)  # checks every character first
    except yaml.reader.ReaderError as exc:
        return refused(
            _line_at(text, exc.position),
            f"the character {_char_name(exc.character)} is not allowed in YAML.",
            "delete it (a NUL byte or another control character is usually a sign of a binary "
            "or corrupted file)",
        )
    try:
        try:
            node = _composed_by_libyaml(text) or loader.get_single_node()
        except _Refused as exc:
            return refused(exc.line, exc.message, exc.fix)
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line = mark.line + 1 if mark is not None else None
            what = exc.problem or "invalid YAML"
            context = f" ({exc.context})" if exc.context else ""
            return refused(
                line,
                f"YAML syntax error: {what}{context}.",
                "check the indentation, the quoting and the brackets on this line and the one before",
            )
        except yaml.YAMLError as exc:
            return refused(
                None, f"YAML syntax error: {exc}.", "correct the file so it is valid YAML"
            )
        if node is None:
            return YamlDoc(file, None), []
        walker = _Walker(file, loader)
        try:
            data = walker.build(node, ())
        except _Refused as exc:
            return refused(exc.line, exc.message, exc.fix)
        return YamlDoc(file, data, walker.lines, walker.key_lines), walker.issues
    finally:
        loader.dispose()


def _composed_by_libyaml(text: str) -> Node | None:
    """The document's nodes composed by libyaml (about 15 times faster than the pure-Python
    composer), or ``None``: no libyaml, an empty document, any error, or nesting near
    :data:`MAX_DEPTH`. ``None`` sends the text through the pure-Python composer, whose messages
    and limits are the ones users see, so a broken file reads exactly as before.

    The characters were already checked by the pure-Python reader; libyaml limits nesting to
    1,000 levels itself (no stack exhaustion). The values are still built by the pure-Python
    constructor and the same walker, so both composers give the same data and lines.
    """
    if not getattr(yaml, "__with_libyaml__", False):
        return None
    try:
        fast = yaml.CSafeLoader(text)
    except yaml.YAMLError:
        return None
    try:
        node: Node | None = fast.get_single_node()
    except yaml.YAMLError:
        return None
    finally:
        fast.dispose()
    if node is None or _nesting(node) > MAX_DEPTH - 2:
        return None
    return node


def _nesting(root: Node) -> int:
    """How deep the document nests, counting each node where it first stands in the text (an
    alias, met again later, is not descended into again; a recursive alias ends there too)."""
    deepest, seen = 0, set()
    stack: list[tuple[Node, int]] = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        deepest = max(deepest, depth)
        if isinstance(node, SequenceNode):
            stack.extend((child, depth + 1) for child in reversed(node.value))
        elif isinstance(node, MappingNode):
            for key, value in reversed(node.value):
                stack.extend(((value, depth + 1), (key, depth + 1)))
    return deepest


def _char_name(char: Any) -> str:
    code = ord(char) if isinstance(char, str) and len(char) == 1 else int(char)
    return f"U+{code:04X}" + (" (NUL)" if code == 0 else "")


def read_yaml(file: Path) -> tuple[YamlDoc, list[ConfigIssue]]:
    """Read and parse ``file``; an unreadable file is one issue (with a line when one applies)."""
    try:
        size = file.stat().st_size
        if size > MAX_BYTES:
            return YamlDoc(file, None), [
                ConfigIssue(
                    file,
                    None,
                    (),
                    f"the file is {size:,} bytes; a configuration file is at most {MAX_BYTES:,}.",
                    "point to the right file; configuration files are a few kilobytes",
                )
            ]
        raw = file.read_bytes()
    except FileNotFoundError:
        return YamlDoc(file, None), [
            ConfigIssue(file, None, (), "file not found.", "create it, or point to the right path")
        ]
    except OSError as exc:
        return YamlDoc(file, None), [
            ConfigIssue(
                file,
                None,
                (),
                f"cannot read the file ({exc.strerror or exc}).",
                "make it a readable UTF-8 text file",
            )
        ]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        return YamlDoc(file, None), [
            ConfigIssue(
                file,
                line,
                (),
                f"the byte 0x{raw[exc.start]:02X} is not UTF-8 text.",
                "save the file as UTF-8 (an editor's 'Save with encoding' menu; Latin-1 and "
                "Windows-1252 accents are the usual cause)",
            )
        ]
    if text.startswith("\ufeff"):
        text = text[1:]  # a byte-order mark is harmless
    return parse_yaml(file, text)
