"""How a full cycle splits its search for the labelled escalations into key ranges of equal size.

A page token can only be followed in order, so the wall time of a full search is its longest
chain of pages. Split by severity label, the most common severity is one long chain (at 10,000
escalations ~43 pages, ~26 s at a 600 ms page). The plan instead cuts the escalations, ordered
by (project, issue number), into ``2 x concurrency`` ranges of the same whole number of pages, so
each range's pages are full and the chains are short and equal. Cut points are issue keys that
carried a severity label when the plan was made.

The plan lives in a user property of the worker account (shared by every process, read once by
a cold ``tick``) and is written again only when the escalations found no longer fit it: ranges
grown past a page over their share, or many partial pages. Without a plan (first cycle ever, or a
plan Jira refused, e.g. a cut key that was deleted) the search is split by severity as before,
and the plan is made from what that search found. Whatever the plan, the ranges together cover
every key of every watched project, so a stale plan costs pages, never issues.
"""

from __future__ import annotations

import bisect
import itertools
import math
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from worker.jira.jql import in_list, quote

PROPERTY_KEY = "escalation-worker.search-plan"
SCHEMA = 1
MAX_CUTS = 200  # a JQL of reasonable length, whatever the configured concurrency


def _split(key: str) -> tuple[str, int] | None:
    project, _, number = key.rpartition("-")
    if not project or not number.isdigit():
        return None
    return sys.intern(project), int(number)


def _points(keys: Iterable[str]) -> list[tuple[str, int]]:
    """``keys`` as sorted (project, number) points, each once."""
    return sorted({at for k in keys if (at := _split(k)) is not None})


@dataclass(frozen=True)
class SearchPlan:
    """Cut points over the (project, number) order: range i runs from cut i-1 to cut i."""

    cuts: tuple[tuple[str, int], ...]
    page_size: int

    @property
    def parts(self) -> int:
        return len(self.cuts) + 1

    # -- the site ---------------------------------------------------------------------------

    def to_json(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA,
            "page_size": self.page_size,
            "cuts": [f"{p}-{n}" for p, n in self.cuts],
        }

    @classmethod
    def from_json(cls, value: Mapping[str, Any] | None) -> SearchPlan | None:
        """The stored plan, or None when there is none or it is not one this version reads."""
        if not value or value.get("schema") != SCHEMA:
            return None
        size = value.get("page_size")
        raw = value.get("cuts")
        if not isinstance(size, int) or isinstance(size, bool) or size < 1:
            return None
        if not isinstance(raw, list) or len(raw) > MAX_CUTS:
            return None
        cuts = [_split(str(k)) for k in raw]
        if any(c is None for c in cuts):
            return None
        ordered = tuple(c for c in cuts if c is not None)
        if list(ordered) != sorted(set(ordered)):
            return None
        return cls(ordered, size)

    # -- the searches ---------------------------------------------------------------------------

    def scopes(self, projects: Sequence[str]) -> list[str]:
        """One JQL condition per range, over the watched ``projects``; together they match every
        issue of those projects once. A range with no watched project left is dropped."""
        out: list[str] = []
        bounds: list[tuple[str, int] | None] = [None, *self.cuts, None]
        for lo, hi in itertools.pairwise(bounds):
            scope = _range_scope(sorted(set(projects)), lo, hi)
            if scope is not None:
                out.append(scope)
        return out

    def sizes(self, keys: Iterable[str]) -> list[int]:
        """How many of ``keys`` fall in each range."""
        return self._sizes(_points(keys))

    def _sizes(self, points: list[tuple[str, int]]) -> list[int]:
        ends = [bisect.bisect_left(points, cut) for cut in self.cuts]
        return [b - a for a, b in itertools.pairwise([0, *ends, len(points)])]

    def pages(self, keys: Iterable[str]) -> tuple[int, int]:
        """(requests, longest chain) this plan costs for ``keys``: an empty range costs a page."""
        return self._pages(_points(keys))

    def _pages(self, points: list[tuple[str, int]]) -> tuple[int, int]:
        per = [max(1, math.ceil(n / self.page_size)) for n in self._sizes(points)]
        return sum(per), max(per)


def _range_scope(
    projects: list[str], lo: tuple[str, int] | None, hi: tuple[str, int] | None
) -> str | None:
    whole: list[str] = []
    ranged: list[str] = []
    for p in projects:
        if (lo is not None and p < lo[0]) or (hi is not None and p > hi[0]):
            continue
        conds = []
        if lo is not None and p == lo[0]:
            conds.append(f"key >= {quote(f'{p}-{lo[1]}')}")
        if hi is not None and p == hi[0]:
            conds.append(f"key < {quote(f'{p}-{hi[1]}')}")
        if conds:
            ranged.append(f"(project = {quote(p)} AND {' AND '.join(conds)})")
        else:
            whole.append(p)
    clauses = [*ranged, *([f"project in {in_list(whole)}"] if whole else [])]
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else f"({' OR '.join(clauses)})"


def plan_for(keys: Iterable[str], page_size: int, concurrency: int) -> SearchPlan:
    """Ranges of the same whole number of pages, about two per search slot.

    ``keys`` are the escalations a search found; with ``n`` of them the ranges hold
    ``ceil(ceil(n / page) / (2 x concurrency))`` pages each, the last range the rest."""
    return _plan(_points(keys), page_size, concurrency)


def _plan(ordered: list[tuple[str, int]], page_size: int, concurrency: int) -> SearchPlan:
    pages = math.ceil(len(ordered) / page_size)
    slots = max(1, 2 * concurrency)
    per = max(1, math.ceil(pages / slots)) * page_size
    cuts = tuple(ordered[i] for i in range(per, len(ordered), per))[:MAX_CUTS]
    return SearchPlan(cuts, page_size)


def needs_new_plan(
    stored: SearchPlan | None, keys: Sequence[str], page_size: int, concurrency: int
) -> SearchPlan | None:
    """The plan to store after a full search that found ``keys``, or None to keep ``stored``.

    Kept while its cost stays near the best one: no range longer than a page over the best
    chain, and at most ``concurrency`` requests more in all (partial pages after drift)."""
    points = _points(keys)  # once: 10,000 keys cost ~1 MB as points
    best = _plan(points, page_size, concurrency)
    if stored is None or stored.page_size != page_size:
        return best
    requests, chain = stored._pages(points)
    best_requests, best_chain = best._pages(points)
    if chain > best_chain + 1 or requests > best_requests + max(1, concurrency):
        return best
    return None


def labelled(issue: Mapping[str, Any], labels: frozenset[str]) -> bool:
    """Whether a search result is an open issue carrying a severity label (what the ranges find)."""
    fields = issue.get("fields") or {}
    return fields.get("resolution") is None and any(x in labels for x in fields.get("labels") or ())
