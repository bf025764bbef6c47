"""The mark that makes a text translatable where it is defined.

``N_("...")`` returns its argument unchanged; ``scripts/i18n`` finds every ``N_`` call in the source
and puts its text (the msgid, written in English) into the catalog template of its domain. The
text is translated later, where it is rendered, through the :class:`worker.core.texts.Texts` value
the caller passes in. Pure: the core may use it.
"""

from __future__ import annotations


def N_(msgid: str) -> str:  # the gettext convention, known to every extractor
    """``msgid`` itself: marks it for extraction into a catalog."""
    return msgid


def Np_(singular: str, plural: str) -> tuple[str, str]:  # the same convention, with a count
    """Marks a text that changes with a count: render it with ``texts.ngettext(*pair, n)``."""
    return singular, plural


__all__ = ["N_", "Np_"]
