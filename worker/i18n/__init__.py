"""Languages: the :class:`~worker.core.texts.Texts` of a configured language.

``texts_for("fr")`` reads the French catalogs once and returns the value every renderer receives
(the core through its ``Context``, the notification channels, the pages). ``"en"`` is the source
language (the texts as written, no catalog). ``"qps"`` is the test-only pseudo-locale.

Adding a language is a change to catalogs and rules only: a folder
``locale/<lang>/LC_MESSAGES`` with one ``.po`` per domain (``scripts/i18n init <lang>``), and the
rules' per-language prose. See docs/i18n.md.
"""

from __future__ import annotations

from functools import lru_cache

from worker.core.texts import ENGLISH, Texts
from worker.i18n.catalogs import (
    PSEUDO_LANGUAGE,
    SOURCE_LANGUAGE,
    available_languages,
    entries,
    template_ids,
)
from worker.i18n.domains import DOMAINS
from worker.i18n.locale_texts import LocaleTexts, PseudoTexts


class UnknownLanguage(ValueError):
    """A language the package has no catalog for."""


@lru_cache(maxsize=8)
def texts_for(language: str) -> Texts:
    """The texts of ``language`` (``en``, a shipped catalog such as ``fr``, or ``qps``)."""
    if language == SOURCE_LANGUAGE:
        return ENGLISH
    if language == PSEUDO_LANGUAGE:
        return PseudoTexts([m for d in DOMAINS for m in template_ids(d)])
    if language not in available_languages():
        known = ", ".join(available_languages())
        raise UnknownLanguage(f"no catalog for language {language!r} (available: {known})")
    return LocaleTexts(language, entries(language))


__all__ = ["UnknownLanguage", "available_languages", "texts_for"]
