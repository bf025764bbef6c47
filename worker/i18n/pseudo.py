"""The pseudo-locale ``qps``: every catalog text visibly transformed, fields left intact.

It exists for tests: render everything the worker writes under ``qps`` and any English text still
readable as English was never translated (not marked, not in a catalog, or assembled in code).
Each letter becomes an accented look-alike (``Escalated`` → ``Éšçáĺáťéð``) and the text is
wrapped in ``⟦…⟧``; ``{fields}`` (with their format specs) are kept so the text still fills.
A template that opens with a field (``{owner} please…``) keeps the field in front, so the rule
"an empty leading field takes its space with it" still applies.
"""

from __future__ import annotations

import re

OPEN = "⟦"
CLOSE = "⟧"

_PLAIN = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
_ACCENTED = "áƀçďéƒğĥíĵķĺɱñöþʠŕšťüṽŵẋýžÁƁÇĎÉƑĞĤÍĴĶĹṀÑÖÞǪŔŠŤÜṼŴẊÝŽ"
_TABLE = str.maketrans(_PLAIN, _ACCENTED)
_FIELD = re.compile(r"(\{\w*(?::[^}]*)?\})")
_LEADING_FIELD = re.compile(r"^(\{\w+(?::[^}]*)?\} )")


def letters(text: str) -> str:
    """``text`` with every ASCII letter replaced by an accented look-alike (fields untouched)."""
    parts = _FIELD.split(text)
    return "".join(p if i % 2 else p.translate(_TABLE) for i, p in enumerate(parts))


def pseudo(msgid: str) -> str:
    """The ``qps`` rendering of one msgid."""
    if not msgid.strip():
        return msgid
    lead = _LEADING_FIELD.match(msgid)
    head = lead.group(1) if lead else ""
    return f"{head}{OPEN}{letters(msgid[len(head) :])}{CLOSE}"


__all__ = ["CLOSE", "OPEN", "letters", "pseudo"]
