"""SLA deadlines: an SLA expression plus a start instant on the right calendar gives a due instant."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from worker.core.calendar import AlwaysCalendar, Calendar
from worker.core.planning import Cadence
from worker.core.rules import Severity, Sla, SlaKind


@dataclass(frozen=True)
class Clocks:
    business: Calendar
    always: Calendar = field(default_factory=AlwaysCalendar)
    severity_calendars: Mapping[str, str] = field(
        default_factory=dict
    )  # overrides of Severity.calendar
    sprint_length: timedelta = timedelta(weeks=2)
    planning: Cadence | None = None

    def calendar_for(self, severity: Severity) -> Calendar:
        name = self.severity_calendars.get(severity.id, severity.calendar)
        return self.always if name == "always" else self.business

    def due(
        self, sla: Sla, start: datetime, severity: Severity, sprint_end: datetime | None = None
    ) -> datetime:
        cal = self.calendar_for(severity)
        if sla.kind is SlaKind.DURATION:
            assert isinstance(sla.amount, timedelta)
            return cal.add(start, sla.amount)
        if sla.kind is SlaKind.BUSINESS_DAYS:
            assert isinstance(sla.amount, int)
            return cal.add_business_days(start, sla.amount)
        if sla.kind is SlaKind.SPRINT:
            if sprint_end is not None and sprint_end > start:
                return sprint_end.astimezone(UTC)
            return (start + self.sprint_length).astimezone(UTC)
        # next planning
        if self.planning is not None:
            return self.planning.next_after(start)
        return (start + self.sprint_length).astimezone(UTC)

    def explain(
        self, sla: Sla, start: datetime, severity: Severity, sprint_end: datetime | None = None
    ) -> str:
        """The arithmetic behind a deadline, in words (used by ``explain``)."""
        cal = self.calendar_for(severity)
        due = self.due(sla, start, severity, sprint_end)
        where = (
            "around the clock"
            if cal.name == "always"
            else f"on the {cal.name} calendar ({cal.tz.key})"
        )
        if sla.kind is SlaKind.DURATION:
            return f"{sla.text} counted {where} from {start.isoformat()} → {due.isoformat()}"
        if sla.kind is SlaKind.BUSINESS_DAYS:
            return f"{sla.text} {where}: the same point of the working day, {sla.amount} working day(s) later → {due.isoformat()}"
        if sla.kind is SlaKind.SPRINT:
            if sprint_end is not None and sprint_end > start:
                return f"1 sprint: the issue's sprint ends {sprint_end.isoformat()}"
            return f"1 sprint: no sprint on the issue, so the configured length {self.sprint_length} from {start.isoformat()} → {due.isoformat()}"
        if self.planning is not None:
            return f"next planning: the first planning session after {start.isoformat()} → {due.isoformat()}"
        return f"next planning: no cadence configured, one sprint length from {start.isoformat()} → {due.isoformat()}"

    def share(
        self,
        severity: Severity,
        start: datetime,
        due: datetime,
        fraction: float,
        sla: Sla | None = None,
    ) -> datetime:
        """The instant at which ``fraction`` of the window [start, due] has elapsed on the severity's calendar.

        For a plain duration the window is the duration itself (``add`` and ``measure`` are inverses),
        so it is not measured again.
        """
        cal = self.calendar_for(severity)
        if sla is not None and sla.kind is SlaKind.DURATION and isinstance(sla.amount, timedelta):
            return cal.add(start, sla.amount * fraction)
        window = cal.measure(start, due)
        return cal.add(start, window * fraction)
