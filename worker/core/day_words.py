"""Short names of weekdays and months in a language, for texts that write days their own way.

The ``who`` answer writes deadlines and absences as ``Tue 03 Mar``; the words come from the
``pages`` catalog (the same weekday msgids as the page's calendars), so a language translates them
like any other text (French: ``mar. 03 mars``).
"""

from __future__ import annotations

from datetime import date

from worker.core.i18n_marks import N_
from worker.core.texts import ENGLISH, Texts

WEEKDAYS = (N_("Mon"), N_("Tue"), N_("Wed"), N_("Thu"), N_("Fri"), N_("Sat"), N_("Sun"))
MONTHS = (
    N_("Jan"),
    N_("Feb"),
    N_("Mar"),
    N_("Apr"),
    N_("May"),
    N_("Jun"),
    N_("Jul"),
    N_("Aug"),
    N_("Sep"),
    N_("Oct"),
    N_("Nov"),
    N_("Dec"),
)
DAY_MONTH = N_("{weekday} {day} {month}")


def weekday(index: int, texts: Texts = ENGLISH) -> str:
    """The short name of a weekday (0 is Monday)."""
    return texts.gettext(WEEKDAYS[index])


def day_month(d: date, texts: Texts = ENGLISH) -> str:
    """``Tue 03 Mar`` in the language of ``texts``."""
    return texts.gettext(DAY_MONTH).format(
        weekday=weekday(d.weekday(), texts),
        day=f"{d.day:02d}",
        month=texts.gettext(MONTHS[d.month - 1]),
    )


__all__ = ["DAY_MONTH", "MONTHS", "WEEKDAYS", "day_month", "weekday"]
