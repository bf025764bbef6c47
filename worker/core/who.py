"""Who to call for one kind and severity (and team): ``escalation-worker who`` and the page's
"New here? Who to call" section both answer from :func:`who_to_call`.

The answer names people, not only roles: the cell's owner and handlers in the team (deputies for
anyone away at ``now``), the channels the severity calls for, and both SLAs on the calendar the
team's clocks run on, with the deadlines an issue labelled at ``now`` would get.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from worker.core.clocks import Clocks
from worker.core.directory import Directory, Person, Team
from worker.core.matrix_view import CALENDAR_TEXT, channels_text, sla_words
from worker.core.rules import IssueType, Rules, Severity, Sla, SlaKind
from worker.core.staffing import Away, Staff, Staffing
from worker.core.texts import ENGLISH, Texts


class UnknownChoice(ValueError):
    """A kind, severity or team that the rules or the directory do not have."""

    def __init__(self, what: str, given: str, choices: Sequence[str]) -> None:
        super().__init__(f"unknown {what} {given!r}")
        self.what = what
        self.given = given
        self.choices = tuple(choices)


@dataclass(frozen=True, slots=True)
class Deadline:
    sla: str  # as the rules write it ("15 min", "1 business day"); in words of another language
    clocks: str  # "around the clock" | "business hours", in the language of the texts
    zone: str  # the calendar's time zone
    due: datetime | None  # for an issue labelled at ``now`` (None: the sprint's end, or no clocks)
    around_the_clock: bool = False  # the clocks never stop (no working hours, no time zone to name)


@dataclass(frozen=True, slots=True)
class WhoToCall:
    kind: IssueType
    severity: Severity
    team: Team | None
    owner_role: str  # role name
    owner: Person | None  # None: the role is filled per team and no team was given
    handlers: tuple[Person, ...]  # the owner first
    away: tuple[Away, ...]  # people of the cell away at ``now``, with their deputy
    channels: str  # "Slack direct message (@here in the team channel) / backup: Email"
    team_channel: str | None
    acknowledge: Deadline
    resolve: Deadline
    next_up: tuple[str, ...]  # role names above the owner, in order
    note: str | None


def _fold(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum())


def find_kind(rules: Rules, given: str) -> IssueType:
    """A kind by id, label, the label without its prefix, or name (case and separators ignored)."""
    want = _fold(given)
    for t in rules.types.values():
        names = (t.id, t.name, *t.labels)
        names += tuple(lbl.removeprefix(rules.type_label_prefix) for lbl in t.labels)
        if want in {_fold(n) for n in names}:
            return t
    kinds = sorted(rules.types.values(), key=lambda t: t.number)
    raise UnknownChoice("type", given, [_short_kind(rules, t) for t in kinds])


def _short_kind(rules: Rules, kind: IssueType) -> str:
    for lbl in kind.labels:
        if lbl.startswith(rules.type_label_prefix):
            return lbl.removeprefix(rules.type_label_prefix)
    return kind.id


def find_severity(rules: Rules, given: str) -> Severity:
    want = _fold(given)
    for s in rules.severities.values():
        if want in {_fold(s.id), _fold(s.label), _fold(s.name)}:
            return s
    ordered = sorted(rules.severities.values(), key=lambda s: s.rank)
    raise UnknownChoice("severity", given, [s.id for s in ordered])


def find_team(directory: Directory, given: str) -> Team:
    want = _fold(given)
    for t in directory.teams.values():
        if want in {_fold(t.id), _fold(t.name)}:
            return t
    raise UnknownChoice("team", given, list(directory.teams))


def _deadline(
    clocks: Clocks | None, sla: Sla, severity: Severity, now: datetime, texts: Texts
) -> Deadline:
    # English keeps the SLA as the rules write it; another language says it in its own words
    said = sla.text if texts.language == ENGLISH.language else sla_words(sla, texts)
    if clocks is None:  # the SLA only (the page: no deadlines, no calendar needed)
        always = severity.calendar == "always"
        return Deadline(said, _clocks_text(always, texts), "", None, always)
    cal = clocks.calendar_for(severity)
    due = None if sla.kind is SlaKind.SPRINT else clocks.due(sla, now, severity)
    always = cal.name == "always"
    return Deadline(said, _clocks_text(always, texts), cal.tz.key, due, always)


def _clocks_text(always: bool, texts: Texts) -> str:
    return texts.gettext(CALENDAR_TEXT["always" if always else "business"])


def team_roles_in(rules: Rules, kind: IssueType, severity: Severity) -> bool:
    """Whether the cell names a role filled per team (then the answer depends on the team)."""
    cell = rules.matrix.get((kind.id, severity.id))
    if cell is None:
        return False
    return any(rules.roles[r].scope == "team" for r in cell.handlers if r in rules.roles)


def who_to_call(
    rules: Rules,
    directory: Directory,
    clocks: Clocks | None,
    kind: IssueType,
    severity: Severity,
    team: Team | None,
    now: datetime,
    *,
    team_clocks: Mapping[str, Clocks] | None = None,
    texts: Texts = ENGLISH,
) -> WhoToCall | None:
    """The answer for one cell and team at ``now``; None when the matrix has no such cell.

    Without ``clocks`` the deadlines carry the SLAs only (no due instant, no time zone). The
    words (channels, when the clocks run) are in the language of ``texts``.
    """
    cell = rules.matrix.get((kind.id, severity.id))
    if cell is None:
        return None
    team_id = team.id if team is not None else None
    if team_id is not None and team_clocks and team_id in team_clocks:
        clocks = team_clocks[team_id]
    owner_role = rules.roles.get(cell.owner)
    if team is None and owner_role is not None and owner_role.scope == "team":
        # the owner depends on the team: name the role only (the ladder is not climbed)
        staff = Staff(0, cell.owner, None, ())
    else:
        staff = Staffing(rules, directory, frozenset()).climb(cell, team_id, 0, cell.owner, now)
    role = rules.roles.get(staff.role)
    return WhoToCall(
        kind=kind,
        severity=severity,
        team=team,
        owner_role=role.name if role else staff.role,
        owner=staff.owner,
        handlers=staff.handlers,
        away=tuple(n for n in staff.notes if isinstance(n, Away)),
        channels=channels_text(rules, severity.id, texts),
        team_channel=team.slack_channel if team is not None else None,
        acknowledge=_deadline(clocks, severity.acknowledge, severity, now, texts),
        resolve=_deadline(clocks, severity.resolve, severity, now, texts),
        next_up=tuple(
            rules.roles[r].name if r in rules.roles else r for r in rules.chain(staff.role)[1:]
        ),
        note=cell.note,
    )
