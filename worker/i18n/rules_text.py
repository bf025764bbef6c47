"""The rules read in a language: the texts ``rules/`` writes for it, with its typography.

The names, meanings, descriptions, notes, recommendation titles and principles a person reads
come from the rules files (``name: {en: Critical, fr: Critique}``), not from the catalogs: the
rules are the organisation's own words. :func:`rules_in` picks them for the configured language;
under the test pseudo-locale ``qps`` every text is transformed, so a test finds any rules text
that reaches a reader without passing through here.
"""

from __future__ import annotations

from worker.core.rules import Rules
from worker.i18n import texts_for
from worker.i18n.catalogs import PSEUDO_LANGUAGE, SOURCE_LANGUAGE
from worker.i18n.pseudo import pseudo


def rules_in(rules: Rules, language: str) -> Rules:
    """``rules`` with every text a person reads in ``language``."""
    if language == PSEUDO_LANGUAGE:
        return rules.in_language(language, untranslated=pseudo)
    if language == SOURCE_LANGUAGE:
        return rules.in_language(language)
    return rules.in_language(language, typography=texts_for(language).typography)


__all__ = ["rules_in"]
