"""Records of a month -> the monthly review (:class:`Report`). Pure: no I/O, the clock is a parameter.

Definitions (also in ``docs/review.md``):

* An escalation belongs to the month in which it was opened (``record.opened_at``, the moment the
  severity label went on), read in the calendar's time zone. Escalations opened earlier and still
  open when the month began are listed as *carried over* and are not counted again.
* Acknowledge compliance = met / (met + breached). An open escalation whose deadline has passed
  without an acknowledgement counts as breached; one still inside its window is *pending* and left
  out. A closed escalation that was never acknowledged and never late (``none``) is left out.
* Resolve compliance = met / (met + breached); label removals without a breach (``withdrawn``) and
  open escalations still inside their deadline are left out; open ones past it count as breached.
* Time to acknowledge = first acknowledgement - opening; time to resolve = resolution - opening
  (elapsed time, not business hours). Unacknowledged / unresolved escalations are excluded.
* Median: the usual one (mean of the two middle values for an even count). 90th percentile:
  nearest rank, the value at rank ceil(0.9 x n) of the sorted values.
* Patterns: a team, a counterpart team (cross-team dependencies) or a type seen at least
  ``min_pattern`` times in the month.
* Sensitive types (people issues) count in every figure but never show a key, summary, name or
  timeline unless ``include_sensitive`` is set: lists show them as a number of confidential items.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from worker.core.directory import Directory
from worker.core.record import Record
from worker.core.rules import Rules
from worker.review.model import Escalation, Month

NO_TEAM = "(no team)"


# --- result types -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Volume:
    id: str  # severity / type / team id ("" for no team)
    name: str
    count: int
    previous: int


@dataclass(frozen=True, slots=True)
class Compliance:
    met: int
    breached: int
    pending: int  # open, deadline not reached yet
    excluded: int  # closed without an applicable outcome (never acknowledged / withdrawn)
    open_breached: int  # of ``breached``, those still open

    @property
    def rate(self) -> float | None:
        total = self.met + self.breached
        return self.met / total if total else None


@dataclass(frozen=True, slots=True)
class Durations:
    count: int
    median_s: float | None
    p90_s: float | None
    excluded: int  # escalations without the measured event (not acknowledged / not resolved)


@dataclass(frozen=True, slots=True)
class SeverityFigures:
    severity: str
    acknowledge: Compliance
    resolve: Compliance
    time_to_acknowledge: Durations
    time_to_resolve: Durations


@dataclass(frozen=True, slots=True)
class Pattern:
    dimension: str  # "team" | "dependency" | "type"
    id: str
    name: str
    count: int
    keys: tuple[str, ...]  # visible keys only
    confidential: int  # sensitive escalations counted but not named


@dataclass(frozen=True, slots=True)
class TimelineLine:
    at: datetime
    kind: str
    detail: str
    who: str | None  # a name when the directory knows the account, else the account id
    level: int | None


@dataclass(frozen=True, slots=True)
class Entry:
    """One S1–S2 escalation with its trail: what, when, who, what was decided, the outcome."""

    key: str
    summary: str
    severity: str
    type: str
    type_name: str
    team: str
    counterpart: str | None
    status: str  # open | closed
    opened_at: datetime | None
    first_ack_at: datetime | None
    first_ack_by: str | None
    owner: str | None
    levels_reached: int
    acknowledge: str  # met | breached | none | pending
    resolve: str  # met | breached | withdrawn | pending
    time_to_acknowledge_s: float | None
    time_to_resolve_s: float | None
    closed_at: datetime | None
    close_reason: str | None  # resolved | label_removed | ...
    resolution: str | None
    decision: str | None
    timeline: tuple[TimelineLine, ...]
    timeline_dropped: int
    sensitive: bool


@dataclass(frozen=True, slots=True)
class Listed:
    """A short reference to an escalation (carried over / still open)."""

    key: str
    severity: str
    opened_at: datetime | None
    status: str


@dataclass(frozen=True)
class Report:
    month: Month
    timezone: str
    generated_at: datetime
    total: int
    previous_total: int
    severities: tuple[tuple[str, str], ...]  # (id, name), most severe first
    by_severity: tuple[Volume, ...]
    by_type: tuple[Volume, ...]
    by_team: tuple[Volume, ...]
    chart: tuple[tuple[str, tuple[int, ...]], ...]  # team name -> counts in ``severities`` order
    acknowledge: Compliance
    resolve: Compliance
    time_to_acknowledge: Durations
    time_to_resolve: Durations
    per_severity: tuple[SeverityFigures, ...]
    levels: tuple[tuple[int, int], ...]  # (levels climbed, escalations)
    patterns: tuple[Pattern, ...]
    entries: tuple[Entry, ...]  # trail severities (S1–S2), visible ones
    confidential_entries: int  # trail-severity escalations withheld for privacy
    still_open: tuple[Listed, ...]
    still_open_confidential: int
    carried_over: tuple[Listed, ...]
    carried_over_confidential: int
    trail_severities: tuple[str, ...]
    include_sensitive: bool
    min_pattern: int


# --- statistics -----------------------------------------------------------------------------------


def nearest_rank(values: Sequence[float], p: float) -> float | None:
    """The p-th percentile by nearest rank: the ceil(p/100 x n)-th smallest value (1-based)."""
    if not values:
        return None
    if not 0 < p <= 100:
        raise ValueError("p must be in (0, 100]")
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


def durations(values: Sequence[float], excluded: int) -> Durations:
    return Durations(
        len(values),
        statistics.median(values) if values else None,
        nearest_rank(values, 90),
        excluded,
    )


# --- per-escalation outcomes -----------------------------------------------------------------------


def acknowledge_state(rec: Record, now: datetime) -> str:
    """met | breached | none | pending, as of ``now`` (closed records keep their recorded outcome)."""
    if (
        rec.status == "closed"
        and rec.outcome is not None
        and rec.outcome.acknowledge in ("met", "breached", "none")
    ):
        return rec.outcome.acknowledge
    if rec.first_ack_at is not None:
        return "breached" if rec.ack_breached else "met"
    if rec.ack_breached or (rec.current.ack_due is not None and now > rec.current.ack_due):
        return "breached"
    return "pending" if rec.status == "open" else "none"


def resolve_state(rec: Record, now: datetime) -> str:
    """met | breached | withdrawn | pending, as of ``now``."""
    if (
        rec.status == "closed"
        and rec.outcome is not None
        and rec.outcome.resolve in ("met", "breached", "withdrawn")
    ):
        return rec.outcome.resolve
    if rec.resolve_breached or (rec.resolve_due is not None and now > rec.resolve_due):
        return "breached"
    return "pending" if rec.status == "open" else "withdrawn"


def time_to_acknowledge(rec: Record) -> float | None:
    if rec.first_ack_at is None or rec.opened_at is None:
        return None
    return (rec.first_ack_at - rec.opened_at).total_seconds()


def time_to_resolve(rec: Record) -> float | None:
    if rec.status != "closed" or rec.outcome is None or rec.outcome.reason != "resolved":
        return None
    value = rec.outcome.time_to_resolve_s
    if value is not None:
        return float(value)
    if rec.closed_at is not None and rec.opened_at is not None:
        return (rec.closed_at - rec.opened_at).total_seconds()
    return None


def _compliance(states: Iterable[tuple[str, bool]], excluded_name: str) -> Compliance:
    met = breached = pending = excluded = open_breached = 0
    for state, is_open in states:
        if state == "met":
            met += 1
        elif state == "breached":
            breached += 1
            open_breached += is_open
        elif state == "pending":
            pending += 1
        elif state == excluded_name:
            excluded += 1
    return Compliance(met, breached, pending, excluded, open_breached)


# --- the report ------------------------------------------------------------------------------------


class Names:
    def __init__(self, rules: Rules, directory: Directory) -> None:
        self.rules, self.directory = rules, directory

    def team(self, team_id: str | None) -> str:
        if not team_id:
            return NO_TEAM
        t = self.directory.teams.get(team_id)
        return t.name if t else team_id

    def type(self, type_id: str | None) -> str:
        t = self.rules.types.get(type_id or "")
        return t.name if t else (type_id or "(unknown type)")

    def person(self, account_id: str | None) -> str | None:
        if account_id is None:
            return None
        p = self.directory.by_account(account_id)
        return p.name if p else account_id

    def sensitive(self, rec: Record) -> bool:
        t = self.rules.types.get(rec.type or "")
        return bool(t and t.sensitive)


def _usable(escalations: Iterable[Escalation]) -> list[Escalation]:
    return [
        e
        for e in escalations
        if e.record.status in ("open", "closed")
        and e.record.opened_at is not None
        and e.record.severity is not None
    ]


def _volumes(
    ids_names: Sequence[tuple[str, str]], now: Counter[str], before: Counter[str]
) -> tuple[Volume, ...]:
    return tuple(Volume(i, n, now[i], before[i]) for i, n in ids_names)


def build_report(
    escalations: Iterable[Escalation],
    month: Month,
    *,
    tz: ZoneInfo,
    now: datetime,
    rules: Rules,
    directory: Directory,
    include_sensitive: bool = False,
    min_pattern: int = 2,
) -> Report:
    """The review of ``month`` from every escalation record that was read (any month)."""
    names = Names(rules, directory)
    items = _usable(escalations)
    start, end = month.start(tz), month.next().start(tz)
    prev_start = month.previous().start(tz)
    current = sorted((e for e in items if start <= e.record.opened_at < end), key=_order)  # type: ignore[operator]
    previous = [e for e in items if prev_start <= e.record.opened_at < start]  # type: ignore[operator]
    carried = sorted(
        (
            e
            for e in items
            if e.record.opened_at < start  # type: ignore[operator]
            and (e.record.closed_at is None or e.record.closed_at >= start)
        ),
        key=_order,
    )

    sev_order = sorted(rules.severities.values(), key=lambda s: s.rank)
    severities = tuple((s.id, s.name) for s in sev_order)
    trail_sevs = tuple(s.id for s in sev_order if s.written_trail)

    def count(es: Iterable[Escalation], attr: str) -> Counter[str]:
        return Counter(getattr(e.record, attr) or "" for e in es)

    team_ids = sorted(
        {e.record.team or "" for e in current + previous},
        key=lambda t: (t == "", list(directory.teams).index(t) if t in directory.teams else 0, t),
    )
    type_ids = list(rules.types) + sorted(
        {e.record.type or "" for e in current + previous} - set(rules.types)
    )
    by_team = _volumes(
        [(t, names.team(t)) for t in team_ids], count(current, "team"), count(previous, "team")
    )
    by_type = _volumes(
        [(t, names.type(t)) for t in type_ids], count(current, "type"), count(previous, "type")
    )
    by_sev = _volumes(list(severities), count(current, "severity"), count(previous, "severity"))

    chart_cells = Counter((e.record.team or "", e.record.severity) for e in current)
    chart = tuple(
        (names.team(t), tuple(chart_cells[(t, s)] for s, _ in severities))
        for t in team_ids
        if any(chart_cells[(t, s)] for s, _ in severities)
    )

    def figures(es: Sequence[Escalation], severity: str = "") -> SeverityFigures:
        acks = [(acknowledge_state(e.record, now), e.record.is_open) for e in es]
        ress = [(resolve_state(e.record, now), e.record.is_open) for e in es]
        tta = [v for e in es if (v := time_to_acknowledge(e.record)) is not None]
        ttr = [v for e in es if (v := time_to_resolve(e.record)) is not None]
        return SeverityFigures(
            severity,
            _compliance(acks, "none"),
            _compliance(ress, "withdrawn"),
            durations(tta, len(es) - len(tta)),
            durations(ttr, len(es) - len(ttr)),
        )

    overall = figures(current)
    per_sev = tuple(
        figures([e for e in current if e.record.severity == s], s) for s, _ in severities
    )

    levels = tuple(sorted(Counter(e.record.current.level for e in current).items()))

    def visible(e: Escalation) -> bool:
        return include_sensitive or not names.sensitive(e.record)

    patterns: list[Pattern] = []
    groups: list[tuple[str, str, Escalation]] = []
    for e in current:
        if e.record.team:
            groups.append(("team", e.record.team, e))
        if e.counterpart:
            groups.append(("dependency", e.counterpart, e))
        if e.record.type:
            groups.append(("type", e.record.type, e))
    for dim in ("team", "dependency", "type"):
        ids = Counter(i for d, i, _ in groups if d == dim)
        for ident, n in sorted(ids.items(), key=lambda kv: (-kv[1], kv[0])):
            if n < min_pattern:
                continue
            members = [e for d, i, e in groups if d == dim and i == ident]
            shown = tuple(e.key for e in members if visible(e))
            name = names.type(ident) if dim == "type" else names.team(ident)
            patterns.append(Pattern(dim, ident, name, n, shown, n - len(shown)))

    in_trail = [e for e in current if e.record.severity in trail_sevs]
    entries = tuple(entry_of(e, now, names) for e in in_trail if visible(e))

    open_now = [e for e in current if e.record.is_open]
    still_open = tuple(_listed(e) for e in open_now if visible(e))
    carried_shown = tuple(_listed(e) for e in carried if visible(e))

    return Report(
        month=month,
        timezone=str(tz.key),
        generated_at=now,
        total=len(current),
        previous_total=len(previous),
        severities=severities,
        by_severity=by_sev,
        by_type=by_type,
        by_team=by_team,
        chart=chart,
        acknowledge=overall.acknowledge,
        resolve=overall.resolve,
        time_to_acknowledge=overall.time_to_acknowledge,
        time_to_resolve=overall.time_to_resolve,
        per_severity=per_sev,
        levels=levels,
        patterns=tuple(patterns),
        entries=entries,
        confidential_entries=len(in_trail) - len(entries),
        still_open=still_open,
        still_open_confidential=len(open_now) - len(still_open),
        carried_over=carried_shown,
        carried_over_confidential=len(carried) - len(carried_shown),
        trail_severities=trail_sevs,
        include_sensitive=include_sensitive,
        min_pattern=min_pattern,
    )


def _order(e: Escalation) -> tuple[datetime, str]:
    assert e.record.opened_at is not None
    return e.record.opened_at, e.key


def _listed(e: Escalation) -> Listed:
    return Listed(e.key, e.record.severity or "", e.record.opened_at, e.record.status)


def entry_of(e: Escalation, now: datetime, names: Names) -> Entry:
    rec = e.record
    outcome = rec.outcome
    decision = e.decision or (outcome.decision if outcome and outcome.decision else None)
    return Entry(
        key=e.key,
        summary=e.summary,
        severity=rec.severity or "",
        type=rec.type or "",
        type_name=names.type(rec.type),
        team=names.team(rec.team),
        counterpart=names.team(e.counterpart) if e.counterpart else None,
        status=rec.status,
        opened_at=rec.opened_at,
        first_ack_at=rec.first_ack_at,
        first_ack_by=names.person(rec.first_ack_by),
        owner=names.person(rec.current.owner),
        levels_reached=rec.current.level,
        acknowledge=acknowledge_state(rec, now),
        resolve=resolve_state(rec, now),
        time_to_acknowledge_s=time_to_acknowledge(rec),
        time_to_resolve_s=time_to_resolve(rec),
        closed_at=rec.closed_at,
        close_reason=outcome.reason if outcome and outcome.reason else None,
        resolution=e.resolution or (outcome.resolution if outcome else None) or None,
        decision=decision,
        timeline=tuple(
            TimelineLine(ev.at, ev.kind, ev.detail, names.person(ev.who), ev.level)
            for ev in rec.timeline
        ),
        timeline_dropped=rec.timeline_dropped,
        sensitive=names.sensitive(rec),
    )


__all__ = [
    "Compliance",
    "Durations",
    "Entry",
    "Listed",
    "Pattern",
    "Report",
    "SeverityFigures",
    "TimelineLine",
    "Volume",
    "acknowledge_state",
    "build_report",
    "durations",
    "nearest_rank",
    "resolve_state",
    "time_to_acknowledge",
    "time_to_resolve",
]
