"""A :class:`~worker.core.texts.Texts` for a language with a catalog, and for the pseudo-locale.

Translations come from the ``.po`` files (read once per language); dates, times and durations
come from Babel's locale data (CLDR), in the 24-hour clock.
"""

from __future__ import annotations

import gettext as _gettext
from collections.abc import Callable
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_skeleton
from babel.units import format_unit

from worker.core.i18n_marks import N_
from worker.core.texts import ENGLISH, french_typography
from worker.i18n.catalogs import Entries
from worker.i18n.pseudo import letters, pseudo

#: how a moment is written: the locale's date, its 24-hour time, the zone
DATE_TIME = N_("{date} {time} ({zone})")


class LocaleTexts:
    """One language: its catalog entries and Babel's formats for its locale."""

    def __init__(self, language: str, found: Entries, locale: Locale | None = None) -> None:
        self._language = language
        self._single = found.single
        self._plural = found.plural
        self._plural_index: Callable[[int], int] = _gettext.c2py(found.plural_expr)
        self.locale = locale or Locale.parse(language)

    @property
    def language(self) -> str:
        return self._language

    def gettext(self, msgid: str) -> str:
        return self._single.get(msgid, msgid)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        forms = self._plural.get((singular, plural))
        if not forms:
            return singular if n == 1 else plural
        return forms[min(self._plural_index(n), len(forms) - 1)]

    def format_datetime(self, dt: datetime, zone: ZoneInfo) -> str:
        t = dt.astimezone(zone)
        return self.gettext(DATE_TIME).format(
            date=format_skeleton("yMMMEd", t, locale=self.locale),
            time=self.format_time(t, zone),
            zone=zone.key,
        )

    def format_date(self, d: date) -> str:
        return format_skeleton("yMMMEd", d, locale=self.locale)

    def format_time(self, dt: datetime, zone: ZoneInfo) -> str:
        t = dt.astimezone(zone)
        return f"{t.hour:02d}:{t.minute:02d}"

    def format_duration(self, td: timedelta) -> str:
        minutes = int(td.total_seconds() // 60)
        parts = []
        if minutes >= 60:
            parts.append(format_unit(minutes // 60, "duration-hour", "short", locale=self.locale))
        if minutes < 60 or minutes % 60:
            unit = format_unit(minutes % 60, "duration-minute", "short", locale=self.locale)
            parts.append(unit)
        return " ".join(parts)

    def typography(self, text: str) -> str:
        return french_typography(text) if self.locale.language == "fr" else text

    def __repr__(self) -> str:
        return f"LocaleTexts({self._language!r})"


class PseudoTexts(LocaleTexts):
    """``qps``: every msgid of the templates transformed (see :mod:`worker.i18n.pseudo`).

    Built from the ``.pot`` files, not from the source: a text rendered through ``gettext`` but
    missing from the templates stays English here, and a test finds it.
    """

    def __init__(self, msgids: list[str | tuple[str, str]]) -> None:
        single = {m: pseudo(m) for m in msgids if isinstance(m, str)}
        plural: dict[tuple[str, str], tuple[str, ...]] = {
            m: (pseudo(m[0]), pseudo(m[1])) for m in msgids if isinstance(m, tuple)
        }
        super().__init__("qps", Entries(single, plural, "(n != 1)"), Locale.parse("en"))

    def format_datetime(self, dt: datetime, zone: ZoneInfo) -> str:
        # English's own format with its words transformed (the zone's name is a field)
        english = ENGLISH.format_datetime(dt, zone)
        return letters(english.removesuffix(f"({zone.key})")) + f"({zone.key})"

    def format_date(self, d: date) -> str:
        return letters(ENGLISH.format_date(d))

    def format_duration(self, td: timedelta) -> str:
        return letters(ENGLISH.format_duration(td))


__all__ = ["DATE_TIME", "LocaleTexts", "PseudoTexts"]
