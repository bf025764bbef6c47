"""Typed reading of YAML data with located, fix-bearing problems.

A :class:`Reader` wraps one :class:`YamlDoc` and an issue list. Its getters return the value
when it has the right shape and ``None`` (after recording a problem) when it does not, so a
validator can keep going and report everything at once.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Collection, Iterable
from datetime import date
from pathlib import Path
from typing import Any

from worker.config.errors import ConfigIssue, PathKey
from worker.config.formats import Problem
from worker.config.yamlloc import YamlDoc

_MISSING: Any = object()


def describe(value: Any) -> str:
    """How a value reads to a person: ``a list``, ``the number 15``, ``text 'abc'``..."""
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, str):
        return f"the text {value!r}"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, date):
        return f"the date {value.isoformat()}"
    return type(value).__name__  # pragma: no cover - YAML yields only the types above


def closest(word: str, choices: Iterable[str]) -> str | None:
    """The closest known word (difflib), if any is close enough."""
    found = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return found[0] if found else None


def one_of(word: str, choices: Iterable[str], what: str) -> str:
    """A fix text: ``use one of <what> (did you mean 'x'?)`` or the list of choices."""
    options = sorted(choices)
    if not options:
        return f"nothing is defined yet ({what}): define it there first"
    best = closest(word, options)
    if best is not None:
        return f"use one of {what} (did you mean '{best}'?)"
    return f"use one of {what}: {', '.join(options)}"


_KINDS: dict[str, tuple[str, str]] = {
    # kind -> (expected..., fix)
    "str": ("text", "write a text value (quote it if it contains ':' or '#')"),
    "int": ("a whole number", "write a whole number, e.g. 3"),
    "bool": ("true or false", "write true or false"),
    "number": ("a number", "write a number, e.g. 0.75"),
    "list": ("a list", "write a list, e.g. [a, b]"),
    "map": ("a mapping", "write 'key: value' entries indented under this key"),
}


def _has_kind(value: Any, kind: str) -> bool:
    if kind == "str":
        return isinstance(value, str)
    if kind == "int":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "bool":
        return isinstance(value, bool)
    if kind == "number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    if kind == "list":
        return isinstance(value, list)
    if kind == "map":
        return isinstance(value, dict)
    raise ValueError(kind)  # pragma: no cover


class Reader:
    """Typed access to one YAML document, recording problems in ``issues``."""

    def __init__(self, doc: YamlDoc, issues: list[ConfigIssue]) -> None:
        self.doc = doc
        self.issues = issues

    @property
    def file(self) -> str:
        return str(self.doc.file)

    def issue(
        self, path: PathKey, message: str, fix: str, *, key: bool = False, line: int | None = None
    ) -> None:
        at = line if line is not None else self.doc.line_of(path, key=key)
        self.issues.append(ConfigIssue(self.doc.file, at, tuple(path), message, fix))

    def known_role(
        self, path: PathKey, role: str, declared: Collection[str] | None, roles_file: str | Path
    ) -> bool:
        """Report the mapping key ``role`` at ``path`` when roles.yaml does not define it (a
        ``declared`` of None: roles.yaml could not be read, so every role is taken on trust)."""
        if declared is None or role in declared:
            return True
        self.issue(
            path,
            f"unknown role '{role}'.",
            one_of(role, declared, f"the roles defined in {roles_file}"),
            key=True,
        )
        return False

    def shaped(self, path: PathKey, value: str | None, check: Callable[[str], Problem]) -> bool:
        """Report ``check``'s problem with ``value`` at ``path``; True when it is acceptable."""
        problem = check(value) if value is not None else None
        if problem is not None:
            self.issue(path, *problem)
        return problem is None

    def wrong_type(self, path: PathKey, value: Any, kind: str, fix: str | None = None) -> None:
        expected, default_fix = _KINDS[kind]
        self.issue(path, f"expected {expected}, got {describe(value)}.", fix or default_fix)

    def check(self, path: PathKey, value: Any, kind: str, fix: str | None = None) -> bool:
        if _has_kind(value, kind):
            return True
        self.wrong_type(path, value, kind, fix)
        return False

    def section(
        self,
        path: PathKey,
        value: Any,
        known: Collection[str] | None,
        *,
        hint: str | None = None,
    ) -> dict[str, Any] | None:
        """Check that ``value`` is a mapping whose keys are all in ``known`` (None: any key)."""
        if value is None:
            return {}
        if not self.check(path, value, "map"):
            return None
        if known is not None:
            for key in value:
                if key not in known and value[key] is None and (" " in key or key.endswith(".")):
                    self.issue(
                        (*path, key),
                        f"unknown key '{key}'.",
                        "this looks like the end of a text cut at a comma inside {...}: "
                        "put the whole text in quotes",
                        key=True,
                    )
                elif key not in known:
                    self.unknown_key((*path, key), key, known, hint=hint)
        mapping: dict[str, Any] = value
        return mapping

    def unknown_key(
        self, path: PathKey, key: str, known: Collection[str], *, hint: str | None = None
    ) -> None:
        best = closest(key, known)
        if best is not None:
            fix = f"did you mean '{best}'?"
        else:
            fix = f"remove it; the known keys here are {', '.join(sorted(known))}"
        if hint:
            fix = f"{fix} ({hint})"
        self.issue(path, f"unknown key '{key}'.", fix, key=True)

    def get(
        self,
        mapping: dict[str, Any] | None,
        path: PathKey,
        key: str,
        kind: str,
        *,
        required: bool = False,
        default: Any = None,
        fix: str | None = None,
    ) -> Any:
        """``mapping[key]`` if it has ``kind``; ``default`` when absent (a problem if required)."""
        if mapping is None:
            return default
        value = mapping.get(key, _MISSING)
        if value is _MISSING or (value is None and kind != "any"):
            if required:
                self.missing(path, key, fix)
            return default
        if kind == "any" or self.check((*path, key), value, kind, fix):
            return value
        return default

    def missing(self, path: PathKey, key: str, fix: str | None = None) -> None:
        if not path:
            where = "at the top level of the file"
        elif isinstance(path[-1], int):
            where = "to this entry"
        else:
            where = f"under '{path[-1]}'"
        self.issue(
            path,
            f"missing required key '{key}'.",
            fix or f"add '{key}: ...' {where}",
            line=self.doc.missing_line(path),
        )

    def str_list(
        self,
        mapping: dict[str, Any] | None,
        path: PathKey,
        key: str,
        *,
        required: bool = False,
        non_empty: bool = False,
    ) -> list[str] | None:
        """A list of texts; each wrong item is reported and dropped. None when absent/invalid."""
        value = self.get(mapping, path, key, "list", required=required)
        if value is None:
            return None
        out: list[str] = []
        for i, item in enumerate(value):
            if self.check((*path, key, i), item, "str"):
                out.append(item)
        if non_empty and not value:
            self.issue((*path, key), "the list is empty.", "name at least one entry")
        return out
