"""Which parts of a recommendation an issue description gives, read the way a person writes them.

The parts and their phrases come from ``rules/policy.yaml`` (``recommendation:``). A phrase counts
as a whole word or run of words, whatever the case, the spacing or the markup around it: inside
a sentence ("We tried a rollback"), as an inline label ("Tried: a rollback"), as a list item, a
heading ("## What happened", "h2. What happened") or a bold label ("**What happened**"). Never
inside another word: "task" does not give "ask". A phrase ending in ``*`` matches any word that
starts with it ("recommend*" gives "recommended", "recommendation").

A line that is only a label (a heading, a bold label, "What happened:") counts when something
follows it before the next label: a template whose headings were left empty asks for everything.

The phrases of every language the rules write are looked for together, and accents and
apostrophes do not matter: « Ce qui s’est passé », "ce qui s'est passe" and "CE QUI S'EST PASSÉ"
all give the French phrase "ce qui s'est passé", and "Contexte :" (with the space French puts
before a colon) is a label like "Context:".
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache

from worker.core.rules import RecommendationPart

# list bullets, numbers, quote marks and headings at the start of a line (Markdown and Jira wiki)
_LEAD = re.compile(r"^\s*(?:[-*+•>]\s+|\d+[.)]\s+|#{1,6}\s*|h[1-6]\.\s*)*", re.IGNORECASE)
_HEADING = re.compile(r"#|h[1-6]\.", re.IGNORECASE)
_BOLD_LINE = re.compile(r"^(\*\*|__|\*|_|\{\*\})(.+?)\1\s*:?\s*$")  # the whole line in bold
_EMPHASIS = re.compile(r"\{\*\}|[*_`]+")
_TRAIL = re.compile(r"[\s:.\-–—?!]*$")
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'"})


def fold(text: str) -> str:
    """``text`` without accents, with plain apostrophes: how phrases and descriptions compare."""
    decomposed = unicodedata.normalize("NFD", text.translate(_APOSTROPHES))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@lru_cache(maxsize=256)
def _pattern(markers: tuple[str, ...]) -> re.Pattern[str]:
    alternatives = []
    for marker in markers:
        words = fold(marker).strip().lower().split()
        if not words:
            continue
        prefix = words[-1].endswith("*")
        words[-1] = words[-1].rstrip("*")
        body = r"\s+".join(re.escape(w) for w in words)
        alternatives.append(body + (r"\w*" if prefix else "") + r"(?!\w)")
    return re.compile(r"(?<!\w)(?:" + "|".join(alternatives or ["(?!)"]) + ")", re.IGNORECASE)


def _lines(description: str) -> list[tuple[str, bool]]:
    """Each non-empty line without its markup, and whether it is a label (heading, bold line,
    a line ending in a colon)."""
    out: list[tuple[str, bool]] = []
    for raw in fold(description).splitlines():
        lead = _LEAD.match(raw)
        start = lead.group(0) if lead else ""
        rest = raw[len(start) :].strip()
        text = _EMPHASIS.sub("", rest).strip()
        if not text:
            continue
        label = bool(_HEADING.search(start) or _BOLD_LINE.match(rest) or text.endswith(":"))
        out.append((_TRAIL.sub("", text) if label else text, label))
    return out


def given(parts: Sequence[RecommendationPart], description: str) -> set[str]:
    """The ids of the parts the description gives."""
    lines = _lines(description)
    found: set[str] = set()
    for part in parts:
        pattern = _pattern(part.markers)
        for i, (text, label) in enumerate(lines):
            if not pattern.search(text):
                continue
            is_label = label or pattern.fullmatch(text) is not None
            if not is_label or (i + 1 < len(lines) and not _is_label(lines[i + 1], parts)):
                found.add(part.id)
                break
    return found


def _is_label(line: tuple[str, bool], parts: Sequence[RecommendationPart]) -> bool:
    text, label = line
    return label or any(_pattern(p.markers).fullmatch(text) for p in parts)


def missing(parts: Sequence[RecommendationPart], description: str) -> list[RecommendationPart]:
    """The parts the description does not give, in the order of the rules."""
    have = given(parts, description)
    return [p for p in parts if p.id not in have]
