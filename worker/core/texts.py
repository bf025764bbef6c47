"""The words and formats of one language, as a value the core receives.

The core never reads a catalog: whoever calls it passes a :class:`Texts` (the shell builds one per
configured language in :mod:`worker.i18n`). Texts are defined in English where they are written,
marked with :func:`worker.core.i18n_marks.N_`, and translated where they are rendered, with
``texts.gettext(msgid)``. :data:`ENGLISH` is the identity: the source texts and the worker's own
date format, so a caller that passes nothing gets exactly the English the worker has always written.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Protocol, runtime_checkable
from zoneinfo import ZoneInfo


@runtime_checkable
class Texts(Protocol):
    """Translations plus the locale's ways of writing dates, times and durations."""

    @property
    def language(self) -> str: ...

    def gettext(self, msgid: str) -> str: ...

    def ngettext(self, singular: str, plural: str, n: int) -> str: ...

    def format_datetime(self, dt: datetime, zone: ZoneInfo) -> str:
        """A moment as people read it: the zone's local date and time, and the zone's name."""
        ...

    def format_date(self, d: date) -> str: ...

    def format_time(self, dt: datetime, zone: ZoneInfo) -> str:
        """The zone's local time of day (24-hour unless the language says otherwise)."""
        ...

    def format_duration(self, td: timedelta) -> str: ...

    def typography(self, text: str) -> str:
        """``text`` with the language's spacing rules applied (French: no-break spaces)."""
        ...


_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@lru_cache(maxsize=1024)
def _english_datetime(at: datetime, zone: ZoneInfo) -> str:
    # the same deadline is written into a comment and a notification: format it once
    t = at.astimezone(zone)
    return (
        f"{_DAYS[t.weekday()]} {t.day:02d} {_MONTHS[t.month - 1]} {t.year} "
        f"{t.hour:02d}:{t.minute:02d} ({zone.key})"
    )


class English:
    """The source language: every msgid is its own translation."""

    language = "en"

    def gettext(self, msgid: str) -> str:
        return msgid

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return singular if n == 1 else plural

    def format_datetime(self, dt: datetime, zone: ZoneInfo) -> str:
        return _english_datetime(dt, zone)

    def format_date(self, d: date) -> str:
        return f"{_DAYS[d.weekday()]} {d.day:02d} {_MONTHS[d.month - 1]} {d.year}"

    def format_time(self, dt: datetime, zone: ZoneInfo) -> str:
        t = dt.astimezone(zone)
        return f"{t.hour:02d}:{t.minute:02d}"

    def format_duration(self, td: timedelta) -> str:
        minutes = int(td.total_seconds() // 60)
        return f"{minutes // 60} h {minutes % 60} min" if minutes >= 60 else f"{minutes} min"

    def typography(self, text: str) -> str:
        return text

    def __repr__(self) -> str:
        return "ENGLISH"


ENGLISH: Texts = English()

NBSP = "\u00a0"  # no-break space: before a colon, inside guillemets
NNBSP = "\u202f"  # narrow no-break space: before ; ! ?

_BEFORE_TALL = re.compile(r"[ \u00a0\u202f]+([;!?])(?=\s|$|[)»\"'])")
_BEFORE_COLON = re.compile(r"[ \u00a0\u202f]+:(?=\s|$)")
_OPEN_QUOTE = re.compile(r"«[ \u00a0\u202f]*")
_CLOSE_QUOTE = re.compile(r"[ \u00a0\u202f]*»")


def french_typography(text: str) -> str:
    """French spacing: a no-break space before ``:`` and inside « », a narrow one before ``; ! ?``.

    Only a space already written is made unbreakable (a colon in ``https://`` or ``10:30`` has
    none and is left alone), so the function is safe on text that holds URLs and times, and
    applying it twice changes nothing.
    """
    text = _BEFORE_TALL.sub(lambda m: NNBSP + m.group(1), text)
    text = _BEFORE_COLON.sub(NBSP + ":", text)
    text = _OPEN_QUOTE.sub("«" + NBSP, text)
    return _CLOSE_QUOTE.sub(NBSP + "»", text)


__all__ = ["ENGLISH", "NBSP", "NNBSP", "English", "Texts", "french_typography"]
