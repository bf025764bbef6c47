"""Times and people as a person reads them: "10:40 Paris, in 12 min", "Léa Robert".

Used by ``plan`` and ``explain``; their ``--json`` forms keep accountIds and ISO 8601 UTC instead.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from worker.core.directory import Directory


def iso(at: datetime | None) -> str | None:
    """An instant as ISO 8601 in UTC with a ``Z`` (the machine-readable form)."""
    return at.astimezone(UTC).isoformat().replace("+00:00", "Z") if at else None


def place(tz: ZoneInfo) -> str:
    """The city of a zone key (``Europe/Paris`` → ``Paris``), or the key itself (``UTC``)."""
    return tz.key.rsplit("/", 1)[-1].replace("_", " ")


def span(delta: timedelta) -> str:
    """A duration rounded for reading: ``12 min``, ``3 h``, ``3 h 20 min``, ``2 days``."""
    minutes = round(abs(delta).total_seconds() / 60)
    if minutes < 1:
        return "less than a minute"
    if minutes < 60:
        return f"{minutes} min"
    hours, rest = divmod(minutes, 60)
    if hours < 48:
        if hours >= 10 or rest == 0:
            return f"{round(minutes / 60)} h"
        return f"{hours} h {rest} min"
    days = round(minutes / 1440)
    return f"{days} days"


def clock_time(at: datetime, now: datetime, tz: ZoneInfo) -> str:
    """``10:40 Paris`` today, ``Wed 09:40 Paris`` within a week, ``Mon 9 Mar 09:40 Paris`` beyond."""
    local, today = at.astimezone(tz), now.astimezone(tz)
    if local.date() == today.date():
        text = local.strftime("%H:%M")
    elif abs((local.date() - today.date()).days) < 7:
        text = local.strftime("%a %H:%M")
    else:
        text = f"{local:%a} {local.day} {local:%b} {local:%H:%M}"
        if local.year != today.year:
            text = f"{local:%a} {local.day} {local:%b %Y %H:%M}"
    return f"{text} {place(tz)}"


def deadline(at: datetime | None, now: datetime, tz: ZoneInfo) -> str:
    """A deadline with how far it is: ``10:40 Paris, in 12 min`` or ``09:00 Paris, overdue by 3 h``."""
    if at is None:
        return "none"
    if at >= now:
        return f"{clock_time(at, now, tz)}, in {span(at - now)}"
    return f"{clock_time(at, now, tz)}, overdue by {span(now - at)}"


def moment(at: datetime | None, now: datetime, tz: ZoneInfo) -> str:
    """A past or future event: ``09:52 Paris, 12 min ago`` / ``10:25 Paris, in 5 min``."""
    if at is None:
        return "never"
    if at > now:
        return f"{clock_time(at, now, tz)}, in {span(at - now)}"
    return f"{clock_time(at, now, tz)}, {span(now - at)} ago"


def name(directory: Directory, account_id: str | None) -> str:
    """The person's display name from config.yaml, else the accountId, else ``nobody``."""
    if not account_id:
        return "nobody"
    person = directory.by_account(account_id)
    return person.name if person else account_id


def names(directory: Directory, account_ids: tuple[str, ...] | list[str]) -> str:
    return ", ".join(name(directory, a) for a in account_ids) or "nobody"
