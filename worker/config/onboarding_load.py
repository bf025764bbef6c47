"""The ``adoption:`` and ``storm:`` sections of config.yaml (the first day on a real site)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from worker.config.errors import PathKey
from worker.config.fields import Reader
from worker.config.model import AdoptionSettings, StormSettings

__all__ = ["read_adoption", "read_storm"]

DurationReader = Callable[[dict[str, Any] | None, PathKey, str, timedelta], timedelta]
_SINCE_FIX = (
    "write 'since: auto' (the first live cycle), 'since: off' (route every label as new) or an "
    'instant with its offset in quotes, e.g. "2026-12-01T09:00:00Z"'
)
MAX_PER_PERSON = 1000


def read_adoption(r: Reader, top: dict[str, Any]) -> AdoptionSettings:
    path: PathKey = ("adoption",)
    if "adoption" not in top:
        return AdoptionSettings(enabled=True)  # auto: the first live cycle's start
    body = r.section(path, r.get(top, (), "adoption", "map"), ("since",))
    if not body or body.get("since") is None:
        return AdoptionSettings(enabled=True)
    value = body["since"]
    if value is False or (isinstance(value, str) and value.strip().lower() in ("off", "false")):
        return AdoptionSettings(enabled=False)
    if isinstance(value, str) and value.strip().lower() == "auto":
        return AdoptionSettings(enabled=True)
    at = value if isinstance(value, datetime) else _instant(value)
    if at is None or at.tzinfo is None:
        r.issue((*path, "since"), f"cannot read the instant {value!r}.", _SINCE_FIX)
        return AdoptionSettings(enabled=False)
    return AdoptionSettings(enabled=True, since=at)


def _instant(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None


def read_storm(r: Reader, duration: DurationReader, top: dict[str, Any]) -> StormSettings:
    path: PathKey = ("storm",)
    body = r.section(path, r.get(top, (), "storm", "map"), ("max_per_person", "window"))
    d = StormSettings()
    if not body:
        return d
    limit = r.get(body, path, "max_per_person", "int", default=d.max_per_person)
    if isinstance(limit, bool) or not 1 <= limit <= MAX_PER_PERSON:
        r.issue(
            (*path, "max_per_person"),
            f"max_per_person must be between 1 and {MAX_PER_PERSON}, got {limit!r}.",
            "use a small number of messages per person (10 is the default)",
        )
        limit = d.max_per_person
    window = duration(body, path, "window", d.window)
    return StormSettings(limit, window)
