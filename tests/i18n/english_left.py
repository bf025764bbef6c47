"""Finding English that was never translated, in a text rendered under the pseudo-locale ``qps``.

``qps`` replaces every ASCII letter of a catalog text and of a rules text with an accented
look-alike, so in a page rendered under it a word of plain ASCII letters is either data (a
person's or a team's name, a key, a label) or English that escaped translation.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable

from worker.confluence.render import AC_NS, parse_storage

_WORD = re.compile(r"[A-Za-z]{3,}")
_HEX = re.compile(r"\b[0-9a-f]{8,64}\b")


def english_left(text: str, data: Iterable[str] = ()) -> list[str]:
    """The words of three ASCII letters or more in ``text`` that are not in ``data``' words."""
    allowed = {w for d in data for w in _WORD.findall(d)}
    found = _WORD.findall(_HEX.sub(" ", text))
    return sorted({w for w in found if w not in allowed})


def data_of(config: object) -> list[str]:
    """The words a configuration brings that no catalog translates: people, teams, projects."""
    directory = config.directory  # type: ignore[attr-defined]
    rules = config.rules  # type: ignore[attr-defined]
    out = [config.confluence.title, config.calendar.timezone]  # type: ignore[attr-defined]
    for kind in rules.types.values():  # Jira's own names for issue types and components
        out += [*kind.jira_issue_types, *kind.components]
    out += [p.name for p in directory.people.values()]
    for team in directory.teams.values():
        out += [team.name, team.id, *team.projects, *team.components]
    return out


def storage_words(storage: str) -> str:
    """The words a reader sees on a Confluence page: text nodes, without ``<code>`` (labels, keys,
    words to type) and without macro parameters (a lozenge's colour, a chart's settings)."""
    skip = {"code", f"{{{AC_NS}}}parameter"}

    def walk(el: ET.Element) -> list[str]:
        out = [] if el.tag in skip else [el.text or ""]
        for child in el:
            out += walk(child)
            out.append(child.tail or "")
        return out

    return " ".join(walk(parse_storage(storage)))
