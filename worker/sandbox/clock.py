"""A controllable, thread-safe clock shared by the sandbox apps and the code under test."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta


class SandboxClock:
    """Sandbox time: starts at ``start`` and moves only when told to (``set`` / ``advance``)."""

    def __init__(self, start: datetime) -> None:
        self._lock = threading.Lock()
        self._now = _aware_utc(start)

    def now(self) -> datetime:
        """The current sandbox time, timezone-aware in UTC."""
        with self._lock:
            return self._now

    def set(self, t: datetime) -> None:
        """Jump to ``t`` (naive datetimes are taken as UTC). Moving backwards is allowed."""
        with self._lock:
            self._now = _aware_utc(t)

    def advance(self, d: timedelta) -> None:
        """Move forward by ``d``."""
        with self._lock:
            self._now = self._now + d

    def skewed(self, offset: timedelta) -> SkewedClock:
        """A client's host clock: sandbox time plus ``offset`` (the server's ``Date`` stays unskewed)."""
        return SkewedClock(self, offset)


class SkewedClock:
    """The clock of a client host that is ``offset`` ahead of (or, negative, behind) the server."""

    def __init__(self, clock: SandboxClock, offset: timedelta) -> None:
        self.clock = clock
        self.offset = offset

    def now(self) -> datetime:
        return self.clock.now() + self.offset

    def __call__(self) -> datetime:
        return self.now()


def _aware_utc(t: datetime) -> datetime:
    if t.tzinfo is None:
        return t.replace(tzinfo=UTC)
    return t.astimezone(UTC)
