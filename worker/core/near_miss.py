"""Labels that almost name a severity or a kind: ``escalaton-S1``, ``escalation_S2``,
``Escalation-Type-Incident``, ``escalation-type-incidnet``.

JQL matches labels exactly, so such an issue is never found by the label searches and nobody is
told. The shell lists the site's labels, keeps those this module calls near misses, searches for
them, and the core adds a "did you mean" note for the reporter. Pure functions only.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from worker.core.rules import Rules

MAX_DISTANCE = 2  # a one- or two-letter typo
MIN_LENGTH = 6  # shorter labels are too easily "close" to anything
_SEPARATORS = re.compile(r"[\s_.:/]+")
_SEVERITY_LIKE = re.compile(r"^escalation-s\d+$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class NearMiss:
    label: str  # as written on the issue
    suggestion: str  # the label the rules know


def targets(rules: Rules) -> tuple[str, ...]:
    """Every label the rules know: severities first, then kinds, in rules order."""
    severities = tuple(s.label for s in rules.severities.values())
    kinds = tuple(lbl for t in rules.types.values() for lbl in t.labels)
    return severities + kinds


def _normal(label: str) -> str:
    return _SEPARATORS.sub("-", label.strip().lower())


def distance(a: str, b: str, limit: int = MAX_DISTANCE) -> int:
    """Optimal string alignment distance (a swap of two neighbours counts 1), capped at limit + 1."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        if min(cur) > limit:
            return limit + 1
        prev2, prev = prev, cur
    return min(prev[-1], limit + 1)


def near_miss(label: str, known: Sequence[str]) -> str | None:
    """The known label ``label`` was probably meant to be, or None when it is one or is unrelated."""
    if label in known:
        return None
    if _SEVERITY_LIKE.match(label) and label.lower() not in {k.lower() for k in known}:
        return None  # escalation-S9: an unknown severity, told as such elsewhere
    norm = _normal(label)
    best: tuple[int, int, str] | None = None
    for order, target in enumerate(known):
        t = _normal(target)
        if norm == t:
            d = 0
        elif len(label) < MIN_LENGTH:
            continue
        else:
            d = distance(norm, t)
        if d <= MAX_DISTANCE and (best is None or (d, order) < best[:2]):
            best = (d, order, target)
    return best[2] if best is not None else None


def near_misses(
    rules: Rules, labels: Iterable[str], known: Sequence[str] | None = None
) -> tuple[NearMiss, ...]:
    """The labels among ``labels`` that almost name a severity or a kind, with what they meant.

    ``known``: ``targets(rules)`` when the caller already holds it (``decide``'s context does)."""
    if known is None:
        known = targets(rules)
    out = []
    for label in labels:
        suggestion = near_miss(label, known)
        if suggestion is not None:
            out.append(NearMiss(label, suggestion))
    return tuple(out)
